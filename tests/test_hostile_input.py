"""Bad input cannot hang seussbot, exhaust its memory or end in a traceback (issue #9).

Devices, pipes and lying files go through a real process under a memory limit
and a timeout, so a regression fails quickly instead of eating the machine.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from seussbot import paths, store
from seussbot.cli import main
from seussbot.corpus import MIN_CHARS, load_corpus, validate_text
from seussbot.errors import CorpusError, ModelFileError
from seussbot.session import TrainingSession, load_model

from conftest import little_story

MEMORY_LIMIT = 1536 * 2**20  # address space: torch fits, a runaway read does not
FIFO_SUPPORTED = hasattr(os, "mkfifo")


def run_limited(args: list[str], home: Path, timeout: float = 60) -> subprocess.CompletedProcess:
    """The real CLI in a process that cannot use more than `MEMORY_LIMIT` nor run past `timeout`."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))

    env = {**os.environ, "SEUSSBOT_HOME": str(home), "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "seussbot", *args], env=env, capture_output=True, text=True, timeout=timeout, preexec_fn=limit
    )


def one_line_error(result: subprocess.CompletedProcess, code: int = 1) -> str:
    lines = result.stderr.strip().splitlines()
    assert result.returncode == code, result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    assert len(lines) == 1 and lines[0].startswith("seussbot: "), result.stderr
    return lines[0]


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    if not FIFO_SUPPORTED:
        pytest.skip("no FIFOs here")
    path = tmp_path / "pipe.txt"
    os.mkfifo(path)
    return path


def rewrite_meta(source: Path, target: Path, change) -> Path:
    """Copy a model file with its metadata changed by `change(meta)`, the tensors as they were."""
    meta, tensors = store.read_model_file(source)
    change(meta)
    store.save_model(target, tensors, {k: v for k, v in meta.items() if k not in ("format", "format_version")})
    return target


# -- 1. devices, pipes and files that lie about their size ---------------------------------
@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero here")
def test_importing_dev_zero_is_refused_without_reading_it(tmp_path: Path) -> None:
    line = one_line_error(run_limited(["import", "/dev/zero"], tmp_path / "home"))
    assert "'/dev/zero' is not a regular file" in line


@pytest.mark.skipif(not Path("/dev/urandom").exists(), reason="no /dev/urandom here")
def test_importing_or_training_on_dev_urandom_is_refused(tmp_path: Path) -> None:
    for command in (["import", "/dev/urandom"], ["train", "/dev/urandom", "--steps", "1"]):
        assert "not a regular file (it is a device)" in one_line_error(run_limited(command, tmp_path / "home"))


def test_importing_a_fifo_is_refused_at_once_instead_of_waiting_for_a_writer(fifo: Path, tmp_path: Path) -> None:
    line = one_line_error(run_limited(["import", str(fifo)], tmp_path / "home", timeout=30))
    assert "not a regular file (it is a pipe)" in line


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero here")
def test_examining_dev_zero_or_a_fifo_for_mistakes_is_refused(fifo: Path, tmp_path: Path) -> None:
    for source in ("/dev/zero", str(fifo)):
        line = one_line_error(run_limited(["mistakes", "spot", "--file", source], tmp_path / "home", timeout=30))
        assert "not a regular file" in line


@pytest.mark.skipif(not Path("/proc/self/pagemap").exists(), reason="no /proc here")
def test_importing_a_file_whose_size_stat_underreports_reads_no_more_than_the_limit(tmp_path: Path) -> None:
    # /proc/self/pagemap is a regular file that stat says is empty, and reading all of it would take terabytes.
    assert os.stat("/proc/self/pagemap").st_size == 0
    line = one_line_error(run_limited(["import", "/proc/self/pagemap", "--max-mb", "1"], tmp_path / "home"))
    assert "is over the 1 MB limit (raise it with --max-mb)" in line


def test_a_folder_or_a_missing_file_is_still_named_as_such(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="is a folder, not a text file"):
        load_corpus(str(tmp_path) + "/")
    with pytest.raises(CorpusError, match="There is no file at"):
        load_corpus(str(tmp_path / "gone.txt"))


def test_examining_a_short_file_for_mistakes_still_works(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    short = tmp_path / "short.txt"
    short.write_text("Doug saw Doug.\n")
    assert main(["mistakes", "spot", "--file", str(short), "--json"]) == 0
    assert "echo" in {m["kind"] for m in json.loads(capsys.readouterr().out)}


# -- 2. a small model file claiming a huge network ---------------------------------------
@pytest.mark.parametrize(
    "claim, words",
    [
        ({"embed_dim": 1_000_000}, "embed_dim must be a whole number from 1 to 4,096"),
        ({"hidden_size": 10**12}, "hidden_size must be a whole number from 8 to 4,096"),
        # in range, but 4 GB of weights that are not in the file
        ({"hidden_size": 4096, "layers": 8, "embed_dim": 4096}, "does not hold the tensors its network needs"),
    ],
)
def test_info_on_a_small_file_claiming_a_huge_network_is_refused_before_allocating_it(
    trained: TrainingSession, tmp_path: Path, claim: dict, words: str
) -> None:
    liar = rewrite_meta(trained.path, tmp_path / "liar.safetensors", lambda meta: meta["config"].update(claim))
    assert liar.stat().st_size < 1_000_000
    line = one_line_error(run_limited(["info", str(liar)], tmp_path / "home"))
    assert words in line


def test_a_network_is_never_built_from_a_claim_the_tensors_do_not_back(
    trained: TrainingSession, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from seussbot import session as session_module

    liar = rewrite_meta(trained.path, tmp_path / "liar.safetensors", lambda meta: meta["config"].update(hidden_size=512))
    built: list[torch.device] = []
    real = session_module.CharRNN

    def recording(config):
        built.append(torch.empty(0).device)  # the device a new tensor would land on: meta when only shapes are asked
        return real(config)

    monkeypatch.setattr(session_module, "CharRNN", recording)
    with pytest.raises(ModelFileError, match="has shape"):
        load_model(str(liar))
    assert built and all(device.type == "meta" for device in built)


def test_a_model_file_with_stray_bytes_after_its_tensors_is_refused(trained: TrainingSession, tmp_path: Path) -> None:
    padded = tmp_path / "padded.safetensors"
    padded.write_bytes(trained.path.read_bytes() + b"\0" * 8)
    with pytest.raises(ModelFileError, match="8 stray bytes"):
        load_model(str(padded))


# -- 3. one damaged file in the models folder ------------------------------------------------
def test_listing_models_shows_a_damaged_file_and_the_others(trained: TrainingSession, capsys: pytest.CaptureFixture) -> None:
    (paths.models_dir() / "junk.safetensors").write_bytes(b"nonsense")
    rewrite_meta(trained.path, paths.models_dir() / "many.safetensors", lambda meta: meta["training"].update(steps="many"))
    summaries = {s.name: s for s in store.list_models()}
    assert summaries[trained.name].damaged is None and summaries[trained.name].steps == 20
    assert "not a safetensors model file" in (summaries["junk"].damaged or "")
    assert "training.steps should be a whole number" in (summaries["many"].damaged or "")
    assert [s.name for s in store.list_models()][0] == trained.name  # the usable ones first
    assert main(["models"]) == 0
    out = capsys.readouterr().out
    assert trained.name in out and "damaged:" in out and "junk" in out and "many" in out


# -- 4. metadata of the wrong type, a damaged optimiser file -----------------------------------
@pytest.mark.parametrize(
    "change, words",
    [
        (lambda m: m["training"].update(steps="many"), "training.steps should be a whole number from 0, not 'many'"),
        (lambda m: m["training"].update(best_val_loss="x"), "training.best_val_loss should be a number"),
        (lambda m: m["training"].update(history=5), "training.history should be a list, not 5"),
        (lambda m: m["training"].update(history=[{"step": "a"}]), "training.history[0].step should be"),
        (lambda m: m["training"]["train_config"].update(batch_size="big"), "train_config.batch_size should be"),
        (lambda m: m["config"].update(hidden_size="128"), "hidden_size must be a whole number from 8 to 4,096, not '128'"),
        (lambda m: m["config"].update(dropout="0.1"), "dropout must be a number from 0 to 0.9"),
        (lambda m: m.update(config="lstm"), "config should be a JSON object"),
        (lambda m: m.update(training=[]), "training should be a JSON object"),
        (lambda m: m.update(corpus=5), "corpus should be a JSON object"),
        (lambda m: m["vocab"].update(tokens=5), "invalid network description"),
    ],
)
def test_info_on_metadata_of_the_wrong_type_is_one_sentence(
    trained: TrainingSession, tmp_path: Path, change, words: str, capsys: pytest.CaptureFixture
) -> None:
    odd = rewrite_meta(trained.path, tmp_path / "odd.safetensors", change)
    assert main(["info", str(odd)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and words in err[0], err


def test_resuming_with_a_damaged_optimiser_file_sets_it_aside_and_trains_on(
    story_file: Path, capsys: pytest.CaptureFixture
) -> None:
    fast = ["--preset", "tiny", "--threads", "1", "--eval-every", "1", "--sample-length", "0"]
    assert main(["train", str(story_file), "--steps", "3", "--out", "again", *fast]) == 0
    optim = paths.models_dir() / "again.optim.safetensors"
    optim.write_bytes(optim.read_bytes() + b"\0" * 8)
    capsys.readouterr()
    assert main(["train", str(story_file), "--resume", "--out", "again", "--steps", "2", *fast[2:]]) == 0
    err = capsys.readouterr().err
    warnings = [line for line in err.splitlines() if "again.optim.safetensors" in line]
    assert len(warnings) == 1 and "set it aside as 'again.optim.safetensors.damaged'" in warnings[0], err
    assert (paths.models_dir() / "again.optim.safetensors.damaged").exists()
    assert store.read_optimizer_state(paths.models_dir() / "again.safetensors", 5)[0] is not None  # saved afresh


# -- 5. options out of range -------------------------------------------------------------------
@pytest.mark.parametrize(
    "args, words",
    [
        (["train", "spot", "--dropout", "5"], "--dropout: must be a number from 0 to 0.9"),
        (["train", "spot", "--hidden", "100000"], "--hidden: must be a whole number from 8 to 4,096"),
        (["train", "spot", "--hidden", "lots"], "--hidden: must be a whole number from 8 to 4,096"),
        (["train", "spot", "--layers", "100"], "--layers: must be a whole number from 1 to 8"),
        (["train", "spot", "--seed", "1e23"], "--seed: must be a whole number from 0 to 4,294,967,295"),
        (["train", "spot", "--seed", "100000000000000000000000"], "--seed: must be a whole number"),
        (["train", "spot", "--batch-size", "1000000000"], "--batch-size: must be a whole number from 1 to 1,024"),
        (["train", "spot", "--seq-len", "1000000000"], "--seq-len: must be a whole number from 8 to 4,096"),
        (["train", "spot", "--threads", "10000"], "--threads: must be a whole number from 1 to 256"),
        (["train", "spot", "--lr", "1e9"], "--lr: must be a number from 1e-06 to 1"),
        (["train", "spot", "--lr", "nan"], "--lr: must be a number from 1e-06 to 1"),
        (["train", "spot", "--max-mb", "1e9"], "--max-mb: must be a number above 0 and at most 256"),
        (["train", "spot", "--sample-length", "-1"], "--sample-length: must be a whole number from 0 to 100,000"),
        (["sample", "m", "--temperature", "99"], "--temperature: must be a number from 0 to 10"),
        (["sample", "m", "--top-p", "2"], "--top-p: must be a number above 0 and at most 1"),
        (["sample", "m", "--top-p", "0"], "--top-p: must be a number above 0 and at most 1"),
        (["sample", "m", "--length", "-1"], "--length: must be a whole number from 0 to 100,000"),
        (["sample", "m", "--length", "100001"], "--length: must be a whole number from 0 to 100,000"),
        (["sample", "m", "--prompt", "a", "--prompt-file", "p.txt"], "not allowed with argument --prompt"),
    ],
)
def test_an_option_out_of_range_is_a_usage_error_that_says_the_range(
    args: list[str], words: str, capsys: pytest.CaptureFixture
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(args)
    assert exit_.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert words in err[-1], err


@pytest.mark.parametrize("device, absent", [("cuda", not torch.cuda.is_available()), ("mps", not torch.backends.mps.is_available())])
def test_asking_for_a_device_that_is_not_here_is_a_usage_error(device: str, absent: bool, capsys: pytest.CaptureFixture) -> None:
    if not absent:
        pytest.skip(f"{device} is here")
    with pytest.raises(SystemExit) as exit_:
        main(["train", "spot", "--device", device])
    assert exit_.value.code == 2
    assert f"--device: no {'CUDA' if device == 'cuda' else 'Apple MPS'} device here; use --device cpu" in capsys.readouterr().err


def test_help_stays_instant_without_importing_torch() -> None:
    code = "import sys\nfrom seussbot.cli import main\ntry:\n main(['train', '--help'])\nexcept SystemExit:\n pass\nprint('torch' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.stdout.strip().endswith("False") and "--hidden" in result.stdout and "8 to 4,096" in result.stdout


# -- 6. sampling ------------------------------------------------------------------------------
def test_sampling_with_characters_the_model_never_saw_prints_nothing_on_stdout(
    trained: TrainingSession, capsys: pytest.CaptureFixture
) -> None:
    assert main(["sample", trained.name, "--prompt", "Zebra \u2603", "--length", "10"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "never saw" in captured.err and len(captured.err.strip().splitlines()) == 1


def test_sampling_from_a_prompt_file_continues_it(trained: TrainingSession, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    prompt = tmp_path / "prompt.txt"
    prompt.write_text("Ann saw\r\n")
    assert main(["sample", trained.name, "--prompt-file", str(prompt), "--length", "5", "--seed", "1"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Ann saw\n") and len(out) == len("Ann saw\n") + 5
    help_text = subprocess.run([sys.executable, "-m", "seussbot", "sample", "--help"], capture_output=True, text=True, timeout=60).stdout
    assert "100,000" in help_text and "--prompt-file" in help_text


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero here")
def test_sampling_from_dev_zero_as_a_prompt_file_is_refused(trained: TrainingSession, capsys: pytest.CaptureFixture) -> None:
    assert main(["sample", trained.name, "--prompt-file", "/dev/zero"]) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and "not a regular file" in captured.err


def test_a_long_prompt_file_is_read_in_chunks_and_a_huge_one_refused(
    trained: TrainingSession, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    long = tmp_path / "long.txt"
    long.write_text(little_story(400) * 3)  # tens of thousands of characters: more than one chunk
    assert main(["sample", trained.name, "--prompt-file", str(long), "--length", "3", "--seed", "1"]) == 0
    assert len(capsys.readouterr().out) == len(long.read_text()) + 3
    huge = tmp_path / "huge.txt"
    huge.write_text("Ann saw a hat.\n" * 80_000)  # 1.2 MB
    assert main(["sample", trained.name, "--prompt-file", str(huge)]) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and "over the 1 MB limit." in captured.err


# -- 7. text that is text, and text in another encoding --------------------------------------
@pytest.mark.parametrize(
    "sample",
    [
        "\U0001F468\u200d\U0001F469\u200d\U0001F467 family, \U0001F3F3\ufe0f\u200d\U0001F308 flag. ",  # emoji joined by U+200D
        "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645 \u06a9\u062a\u0627\u0628\u200c\u0647\u0627 \u0631\u0627. ",  # Persian with U+200C
        "caf\u00e9\u00a0: prix\u202f! ",  # no-break and narrow no-break spaces
    ],
)
def test_text_with_zero_width_joiners_and_unusual_spaces_is_text(sample: str) -> None:
    text = validate_text((sample * (MIN_CHARS // len(sample) + 1)).encode("utf-8"), "'x.txt'")
    assert text.startswith(sample)


@pytest.mark.parametrize(
    "encoding, name",
    [("utf-16", "UTF-16"), ("utf-16-be", "UTF-16"), ("utf-32", "UTF-32"), ("utf-32-be", "UTF-32")],
)
def test_utf16_and_utf32_text_is_refused_by_its_name(encoding: str, name: str, tmp_path: Path) -> None:
    raw = little_story().encode(encoding)
    if not encoding.endswith(("16", "32")):  # the -be codecs write no byte-order mark: add one
        raw = "\ufeff".encode(encoding) + raw
    path = tmp_path / "x.txt"
    path.write_bytes(raw)
    with pytest.raises(CorpusError) as caught:
        load_corpus(str(path))
    assert str(caught.value) == f"'{path}' is {name} text; save it as UTF-8."
