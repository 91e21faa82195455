import math
import threading
import time
from pathlib import Path

import torch

from seussbot.session import TrainingSession
from seussbot.train import Evaluation, Finished, Progress, Recovered
from tests.conftest import until


def test_training_beats_the_untrained_baseline(story_file: Path) -> None:
    # A step budget, not minutes: on a busy machine 9 s may be too few steps to learn anything.
    session = TrainingSession.create(str(story_file), preset="tiny", max_steps=400, threads=1, eval_every_s=2)
    events = list(session.events())
    evaluations = [e for e in events if isinstance(e, Evaluation)]
    baseline = math.log(len(session.vocab))  # nats/char of a uniform guess
    assert evaluations[-1].val_loss < 0.5 * baseline, (evaluations[-1].val_loss, baseline)
    assert isinstance(events[-1], Finished) and events[-1].reason == "budget"
    progress = [e for e in events if isinstance(e, Progress)]
    assert progress and all(e.tokens_per_s > 0 and e.lr > 0 for e in progress)
    assert [e.step for e in progress] == sorted(e.step for e in progress)


def test_step_budget_is_exact_and_lr_warms_up_then_decays(story_file: Path) -> None:
    session = TrainingSession.create(str(story_file), preset="tiny", max_steps=120, threads=1, progress_every_s=0.0, eval_every_s=999)
    events = list(session.events())
    progress = [e for e in events if isinstance(e, Progress)]
    assert session.trainer.state.step == 120
    lrs = [e.lr for e in progress]
    peak = session.train_config.lr
    assert lrs[0] < 0.1 * peak and max(lrs) > 0.9 * peak and lrs[-1] < 0.2 * peak


def test_pause_resume_and_stop_from_another_thread(story_file: Path) -> None:
    session = TrainingSession.create(str(story_file), preset="tiny", threads=1, eval_every_s=999)  # no budget: until stopped
    trainer = session.trainer
    seen: list = []
    worker = threading.Thread(target=lambda: seen.extend(session.events()))
    worker.start()
    until(lambda: trainer.state.step > 0)
    trainer.pause()
    until(lambda: trainer.parked)  # the step in flight has finished
    paused_at = trainer.state.step
    time.sleep(0.5)
    assert trainer.state.step == paused_at and trainer.paused and trainer.parked
    trainer.resume()
    until(lambda: trainer.state.step > paused_at)
    assert not trainer.parked
    trainer.stop()
    worker.join(timeout=10)
    assert not worker.is_alive()
    assert isinstance(seen[-1], Finished) and seen[-1].reason == "stopped"


def test_non_finite_loss_restores_weights_and_lowers_lr(story_file: Path) -> None:
    session = TrainingSession.create(str(story_file), preset="tiny", max_steps=60, threads=1, progress_every_s=0.0, eval_every_s=999)
    events = session.events()
    seen = []
    for event in events:
        seen.append(event)
        if isinstance(event, Progress) and event.step == 10:
            with torch.no_grad():
                session.model.head.weight.fill_(float("nan"))  # sabotage between steps
    recovered = [e for e in seen if isinstance(e, Recovered)]
    assert len(recovered) == 1 and recovered[0].lr < session.train_config.lr
    assert all(torch.isfinite(p).all() for p in session.model.parameters())
    assert session.trainer.state.step == 60


def test_resume_carries_on_from_the_saved_step(story_file: Path) -> None:
    first = TrainingSession.create(str(story_file), preset="tiny", max_steps=30, threads=1, eval_every_s=999)
    list(first.events())
    first.save()
    first.close()
    again = TrainingSession.resume(first.name, max_steps=20, threads=1, eval_every_s=999)
    assert again.trainer.state.step == 30
    list(again.events())
    assert again.trainer.state.step == 50
    assert len(again.trainer.state.history) == 2


def test_snapshot_is_a_consistent_copy(story_file: Path) -> None:
    session = TrainingSession.create(str(story_file), preset="tiny", max_steps=5, threads=1)
    copy = session.snapshot_model()
    list(session.events())
    assert not torch.equal(copy.head.weight, session.model.head.weight.cpu())


def test_a_long_range_corpus_gets_windows_as_long_as_its_rule() -> None:
    session = TrainingSession.create("homecoming", preset="small", max_steps=1, threads=1)
    assert session.train_config.seq_len == 512
    assert session.train_config.batch_size * session.train_config.seq_len == 64 * 64  # same tokens per step
    narrow = TrainingSession.create("homecoming", preset="small", seq_len=32, max_steps=1, threads=1)
    assert narrow.train_config.seq_len == 32


def test_resume_with_minutes_means_more_minutes(story_file: Path) -> None:
    first = TrainingSession.create(str(story_file), preset="tiny", max_minutes=0.05, threads=1, eval_every_s=999)
    list(first.events())
    first.save()
    first.close()
    spent = first.trainer.state.elapsed_s
    again = TrainingSession.resume(first.name, max_minutes=0.05, threads=1, eval_every_s=999)
    list(again.events())
    assert again.trainer.state.elapsed_s >= spent + 0.05 * 60 * 0.9
    assert again.trainer.state.step > first.trainer.state.step


def test_evaluations_keep_to_their_share_of_the_training_time(story_file: Path, monkeypatch) -> None:
    """A slow evaluation (here 40 ms against steps of a few ms) is spaced out so that evaluating takes
    at most `eval_share_max` of the time; without the cap, every step evaluates."""
    import seussbot.train as train

    real_read = train.read_text

    def slow_read(*args, **kwargs):
        time.sleep(0.04)
        return real_read(*args, **kwargs)

    monkeypatch.setattr(train, "read_text", slow_read)
    counts = {}
    for share in (None, 0.1):
        with TrainingSession.create(
            str(story_file), max_steps=60, threads=1, preset="tiny", eval_every_s=0.0, eval_share_max=share, early_stop=None
        ) as session:
            started = time.perf_counter()
            events = list(session.events())
            spent = time.perf_counter() - started
        evaluations = sum(isinstance(e, Evaluation) for e in events)
        counts[share] = (evaluations, spent)
    uncapped, capped = counts[None][0], counts[0.1][0]
    assert uncapped >= 60  # each step, and once more at the end
    # Each evaluation is followed by at least 9 times its length of training: at most about a tenth evaluating.
    assert capped * 0.04 <= 0.1 * counts[0.1][1] + 0.04 * 2, counts
    assert 2 <= capped < uncapped / 4, counts
