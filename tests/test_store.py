import json
import os
import pickle
from pathlib import Path

import pytest
import torch
from safetensors.torch import save_file

from seussbot import paths, store
from seussbot.errors import ModelFileError, StorageError
from seussbot.session import TrainingSession, load_model


def test_round_trip_keeps_weights_vocab_and_history(trained: TrainingSession) -> None:
    loaded = load_model(trained.name)
    for key, value in trained.model.state_dict().items():
        torch.testing.assert_close(loaded.model.state_dict()[key], value.cpu())
    assert loaded.vocab.tokens == trained.vocab.tokens
    training = loaded.meta["training"]
    assert training["steps"] == 20 and training["history"] and training["best_val_loss"] > 0
    assert loaded.meta["corpus"]["sha256"] == trained.corpus.sha256


def test_optimizer_state_round_trips(trained: TrainingSession) -> None:
    state, warning = store.read_optimizer_state(trained.path, expected_step=20)
    assert state is not None and warning is None
    original = trained.trainer.optimizer.state_dict()
    torch.testing.assert_close(state["state"][0]["exp_avg"], original["state"][0]["exp_avg"])
    assert store.read_optimizer_state(trained.path, expected_step=21) == (None, None)  # out of step: ignored


def test_pickle_renamed_to_safetensors_is_refused_without_unpickling(tmp_path: Path) -> None:
    class Boom:
        def __reduce__(self):  # would run on unpickling
            return (os.system, ("touch " + str(tmp_path / "pwned"),))

    hostile = tmp_path / "evil.safetensors"
    hostile.write_bytes(pickle.dumps(Boom()))
    with pytest.raises(ModelFileError):
        load_model(str(hostile))
    torch_save = tmp_path / "torch.safetensors"
    torch.save({"x": torch.zeros(2)}, torch_save)
    with pytest.raises(ModelFileError):
        load_model(str(torch_save))
    assert not (tmp_path / "pwned").exists()


def test_truncated_file_is_refused(trained: TrainingSession, tmp_path: Path) -> None:
    data = trained.path.read_bytes()
    for cut in (0, 5, 100, len(data) // 2, len(data) - 1):
        broken = tmp_path / f"cut{cut}.safetensors"
        broken.write_bytes(data[:cut])
        with pytest.raises(ModelFileError):
            load_model(str(broken))


def test_foreign_safetensors_and_wrong_shapes_are_refused(trained: TrainingSession, tmp_path: Path) -> None:
    foreign = tmp_path / "foreign.safetensors"
    save_file({"w": torch.zeros(3)}, foreign)
    with pytest.raises(ModelFileError, match="not a seussbot model"):
        load_model(str(foreign))
    meta, tensors = store.read_model_file(trained.path)
    tensors["head.bias"] = torch.zeros(3)
    bad = tmp_path / "shapes.safetensors"
    store.save_model(bad, tensors, {k: v for k, v in meta.items() if k not in ("format", "format_version")})
    with pytest.raises(ModelFileError, match="shape"):
        load_model(str(bad))
    meta["config"]["hidden_size"] = -5
    store.save_model(tmp_path / "cfg.safetensors", store.read_model_file(trained.path)[1], meta)
    with pytest.raises(ModelFileError, match="invalid network"):
        load_model(str(tmp_path / "cfg.safetensors"))


def test_future_format_version_is_refused(trained: TrainingSession, tmp_path: Path) -> None:
    meta, tensors = store.read_model_file(trained.path)
    path = tmp_path / "future.safetensors"
    save_file({k: v.contiguous() for k, v in tensors.items()}, path, metadata={"seussbot": json.dumps(meta | {"format_version": 99})})
    with pytest.raises(ModelFileError, match="format"):
        load_model(str(path))


def test_failed_write_keeps_the_previous_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "m.bin"
    store.atomic_write_bytes(target, b"old")

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(StorageError, match="disk is full"):
        store.atomic_write_bytes(target, b"new")
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.bin"]  # no temporary left behind


def test_ctrl_c_mid_save_keeps_the_previous_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "m.bin"
    store.atomic_write_bytes(target, b"old")

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        store.atomic_write_bytes(target, b"new")
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.bin"]


@pytest.mark.parametrize("name", ["../../etc/passwd", "/abs/path", "..", "a/b\\c", "", "  ", "x" * 500, ".hidden"])
def test_model_names_cannot_escape_the_models_folder(name: str) -> None:
    path = store.model_path(name)
    assert path.parent == paths.models_dir()
    assert not path.name.startswith(".")


def test_listing_shows_unreadable_files_as_damaged_after_the_others(trained: TrainingSession) -> None:
    (paths.models_dir() / "junk.safetensors").write_bytes(b"nonsense")
    summaries = store.list_models()
    assert [(s.name, bool(s.damaged)) for s in summaries] == [(trained.name, False), ("junk", True)]
