"""One network learning one corpus: names, locks, budgets, and the weights that are kept."""

from __future__ import annotations

import itertools
import json
import math
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import torch

from seussbot import store
from seussbot.errors import ModelExistsError, ModelLockedError
from seussbot.opening import TrainRequest, open_session
from seussbot.session import TrainingSession, load_model
from seussbot.train import Evaluation, Finished, Memorising, Recovered

QUICK = dict(preset="tiny", threads=1, eval_every_s=999.0)


def scripted_validation(monkeypatch: pytest.MonkeyPatch, losses: list[float]) -> None:
    """Make every evaluation return the next of `losses` (then the last one, forever)."""
    from seussbot.train import Reading

    values = itertools.chain(losses, itertools.repeat(losses[-1]))
    monkeypatch.setattr("seussbot.train.read_text", lambda *args, **kwargs: Reading(next(values), None, 1))


def test_a_fresh_session_without_a_name_never_takes_a_saved_one(story_file: Path) -> None:
    with TrainingSession.create(str(story_file), max_steps=2, **QUICK) as first:
        list(first.events())
        first.save()
    with TrainingSession.create(str(story_file), max_steps=2, **QUICK) as second:
        assert second.name == f"{first.name}-2"


def test_training_an_existing_name_without_resume_is_refused(story_file: Path) -> None:
    with TrainingSession.create(str(story_file), name="poems", max_steps=5, **QUICK) as first:
        list(first.events())
        first.save()
    before = store.model_path("poems").read_bytes()
    with pytest.raises(ModelExistsError, match=r"already saved \(5 steps\).*--resume.*--out.*--overwrite"):
        TrainingSession.create(str(story_file), name="poems", max_steps=3, **QUICK)
    assert store.model_path("poems").read_bytes() == before
    with TrainingSession.create(str(story_file), name="poems", overwrite=True, max_steps=3, **QUICK) as replaced:
        list(replaced.events())
        replaced.save()
    assert load_model("poems").meta["training"]["steps"] == 3


def test_a_model_being_trained_is_locked_until_closed(story_file: Path) -> None:
    session = TrainingSession.create(str(story_file), name="busy", **QUICK)
    with pytest.raises(ModelLockedError, match="being trained by another seussbot"):
        TrainingSession.create(str(story_file), name="busy", overwrite=True, **QUICK)
    session.close()
    TrainingSession.create(str(story_file), name="busy", overwrite=True, **QUICK).close()


def test_a_second_process_cannot_train_the_same_model(story_file: Path, seussbot_home: Path) -> None:
    session = TrainingSession.create(str(story_file), name="shared", max_steps=2, **QUICK)
    list(session.events())
    session.save()
    other = subprocess.run(
        [sys.executable, "-m", "seussbot", "train", str(story_file), "--out", "shared", "--resume", "--steps", "5", "--sample-length", "0"],
        capture_output=True, text=True, env={**_env(), "SEUSSBOT_HOME": str(seussbot_home)}, timeout=120,
    )
    assert other.returncode == 1 and other.stderr.count("\n") == 1, other.stderr
    assert "being trained by another seussbot" in other.stderr
    session.close()


def test_a_lock_left_by_a_killed_process_does_not_block(story_file: Path, seussbot_home: Path) -> None:
    script = textwrap.dedent(f"""
        import os, signal
        from seussbot.session import TrainingSession
        TrainingSession.create({str(story_file)!r}, name="orphan", preset="tiny", threads=1)
        os.kill(os.getpid(), signal.SIGKILL)
    """)
    subprocess.run([sys.executable, "-c", script], env={**_env(), "SEUSSBOT_HOME": str(seussbot_home)}, timeout=120)
    TrainingSession.create(str(story_file), name="orphan", **QUICK).close()


def test_the_file_keeps_the_best_weights_and_says_their_step(story_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    scripted_validation(monkeypatch, [3.0, 2.0, 1.0, 1.5, 1.6, 1.7, 1.8])
    with TrainingSession.create(str(story_file), max_steps=7, threads=1, preset="tiny", eval_every_s=0.0) as session:
        events = list(session.events())
        best = [e for e in events if isinstance(e, Evaluation) and e.improved][-1]
        assert best.val_loss == 1.0 and session.state.best_step == best.step == 3
        session.save()
        final = {k: v.clone() for k, v in session.model.state_dict().items()}
        kept = session.trainer.best_weights
    loaded = load_model(session.name)
    for key, value in loaded.model.state_dict().items():
        assert torch.equal(value, kept[key]) and not torch.equal(value, final[key])
    assert loaded.meta["training"]["best_step"] == 3 and loaded.meta["training"]["best_val_loss"] == 1.0
    assert loaded.meta["training"]["steps"] == 7
    assert store.list_models()[0].best_step == 3


def test_resuming_goes_on_from_the_last_weights_and_keeps_the_old_best(story_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    scripted_validation(monkeypatch, [2.0, 1.0, 1.5, 1.6])
    with TrainingSession.create(str(story_file), max_steps=4, threads=1, preset="tiny", eval_every_s=0.0) as first:
        list(first.events())
        first.save()
        last = {k: v.clone() for k, v in first.model.state_dict().items()}
    scripted_validation(monkeypatch, [1.7])  # no better: the old best must stay in the file
    with TrainingSession.resume(first.name, max_steps=1, threads=1, eval_every_s=0.0) as again:
        assert all(torch.equal(again.model.state_dict()[k].cpu(), v) for k, v in last.items())
        list(again.events())
        again.save()
    kept = load_model(first.name)
    assert kept.meta["training"]["best_step"] == 2 and kept.meta["training"]["steps"] == 5


def test_memorising_is_said_once_with_the_step_of_the_best(story_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    scripted_validation(monkeypatch, [3.0, 2.0, 1.0, 1.5, 1.6, 1.7, 1.8, 1.9])
    with TrainingSession.create(
        str(story_file), max_steps=8, threads=1, preset="tiny", eval_every_s=0.0, warmup_steps=0, early_stop=None
    ) as session:
        events = list(session.events())
    said = [e for e in events if isinstance(e, Memorising)]
    assert len(said) == 1 and said[0].best_step == 3 and said[0].step == 6
    assert "getting worse since step 3" in said[0].message and "from step 3, is kept" in said[0].message


def test_a_plateau_that_wobbles_is_not_called_memorising(story_file: Path) -> None:
    """homecoming's LSTM before it finds the rule: validation 2% above its best for a while, training flat."""
    from seussbot.train import HistoryPoint

    with TrainingSession.create(str(story_file), max_steps=1, threads=1, preset="tiny") as session:
        trainer, state = session.trainer, session.state

        def after_best(train_losses: list[float], val_losses: list[float]) -> bool:
            state.history = [HistoryPoint(100, 0, 0.0, 0.1445, 0.1531)]
            state.history += [HistoryPoint(101 + i, 0, 0.0, t, v) for i, (t, v) in enumerate(zip(train_losses, val_losses))]
            state.best_step, state.best_val_loss, state.evals_since_best = 100, 0.1531, len(val_losses)
            trainer._warned_for_best = None
            return trainer._memorising()

        assert not after_best([0.1448, 0.1446, 0.1443], [0.1549, 0.1537, 0.1563])  # wobbling, training flat
        assert after_best([0.1350, 0.1300, 0.1250], [0.1549, 0.1580, 0.1610])  # training falls, validation rises


def test_early_stop_ends_after_k_evaluations_without_improvement(story_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    scripted_validation(monkeypatch, [2.0, 1.0, 1.1, 1.2])
    with TrainingSession.create(str(story_file), max_steps=50, threads=1, preset="tiny", eval_every_s=0.0, early_stop=2) as session:
        events = list(session.events())
    assert isinstance(events[-1], Finished) and events[-1].reason == "early-stop"
    assert session.state.step == 4


def test_a_loss_far_above_an_untrained_network_is_divergence_not_the_best(story_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with TrainingSession.create(str(story_file), max_steps=3, threads=1, preset="tiny", eval_every_s=0.0) as session:
        untrained = math.log(len(session.vocab))
        scripted_validation(monkeypatch, [10 * untrained, 10 * untrained, 0.5 * untrained])
        events = list(session.events())
    recovered = [e for e in events if isinstance(e, Recovered)]
    assert len(recovered) == 2 and "far above an untrained network" in recovered[0].message
    assert session.state.best_val_loss == 0.5 * untrained


def test_resuming_after_the_corpus_changed_says_so(story_file: Path) -> None:
    with TrainingSession.create(str(story_file), max_steps=2, **QUICK) as first:
        list(first.events())
        first.save()
    story_file.write_text(story_file.read_text(encoding="utf-8") + "Ann saw a pig.\n", encoding="utf-8")
    with TrainingSession.resume(first.name, max_steps=1, threads=1) as again:
        assert any("has changed since this model last trained" in w for w in again.warnings)
        list(again.events())
        again.save()
    with TrainingSession.resume(first.name, max_steps=1, threads=1) as same:
        assert not any("changed" in w for w in same.warnings)


def test_budget_fraction_and_time_left_come_from_the_trainer(story_file: Path) -> None:
    with open_session(TrainRequest(corpus=str(story_file), minutes=2.0)) as session:
        assert session.time_left_s == pytest.approx(120.0, abs=1.0)
        assert session.budget_fraction == pytest.approx(0.0, abs=0.01) and not session.budget_spent


def test_both_clients_get_the_same_defaults(story_file: Path) -> None:
    from seussbot import defaults

    with open_session(TrainRequest(corpus=str(story_file))) as headless:
        config = headless.train_config
        assert config.max_minutes == defaults.default_minutes(headless.preset)
        assert config.early_stop == defaults.EARLY_STOP_EVALUATIONS
        assert config.eval_every_s == defaults.eval_every_s(len(headless.corpus.text))
        assert config.threads == defaults.training_threads()
    with open_session(TrainRequest(corpus=str(story_file))) as app:
        assert app.train_config.max_minutes == config.max_minutes and app.train_config.early_stop == config.early_stop
        assert app.train_config.threads == defaults.training_threads()


def _env() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if k != "SEUSSBOT_HOME"}


def test_info_json_says_where_the_weights_come_from(story_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from seussbot.session import model_info

    scripted_validation(monkeypatch, [2.0, 1.0, 1.5])
    with TrainingSession.create(str(story_file), max_steps=3, threads=1, preset="tiny", eval_every_s=0.0) as session:
        list(session.events())
        session.save()
    info = model_info(load_model(session.name))
    assert json.loads(json.dumps(info))["best_step"] == 2 and info["best_val_loss"] == 1.0 and info["steps"] == 3
