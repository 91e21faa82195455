"""The thread-count policy, fed made-up step times: no clocks, no flakiness."""

from pathlib import Path

from seussbot.session import TrainingSession
from seussbot.threads import ROUND_EVERY_S, ThreadTuner, candidates
from seussbot.train import Progress

QUIET = {1: 0.010, 2: 0.006}  # seconds per step: two threads win on a quiet machine
BUSY = {1: 0.010, 2: 0.300}  # one core taken elsewhere: two threads collapse


def train(tuner: ThreadTuner, step_s: dict[int, float], seconds: float) -> list[int]:
    """Drive the tuner for `seconds` of training as the trainer does; the count used at each step."""
    used, spent = [], 0.0
    while spent < seconds:
        used.append(tuner.count)
        spent += step_s[tuner.count]
        tuner.after_step(step_s[tuner.count])
    return used


def tuner(fixed: int | None = None) -> tuple[ThreadTuner, list[int]]:
    applied: list[int] = []
    t = ThreadTuner(fixed, options=[1, 2], apply=applied.append)
    t.start()
    return t, applied


def test_candidates_go_from_one_thread_to_every_core() -> None:
    assert candidates(1) == [1]
    assert candidates(2) == [1, 2]
    assert candidates(6) == [1, 2, 4, 6]
    assert candidates(8) == [1, 2, 4, 8]


def test_a_quiet_machine_gets_both_cores_within_seconds() -> None:
    t, _ = tuner()
    used = train(t, QUIET, 5.0)
    assert t.count == 2 and used[-1] == 2


def test_a_busy_machine_gets_one_thread_and_the_collapsed_trial_is_cut_short() -> None:
    t, _ = tuner()
    used = train(t, BUSY, 5.0)
    assert t.count == 1
    assert used.count(2) == 1  # one step 30x slower than one thread's was enough to drop two


def test_the_first_steps_after_a_switch_are_not_held_against_a_count() -> None:
    t, _ = tuner()
    slow_start = iter([0.018])  # two threads' first step, 3x their usual: thread start-up, cold caches
    used, spent = [], 0.0
    while spent < 5.0:
        seconds = next(slow_start, QUIET[2]) if t.count == 2 else QUIET[1]
        used.append(t.count)
        spent += seconds
        t.after_step(seconds)
    assert t.count == 2


def test_the_other_count_is_tried_again_after_the_interval_then_less_often() -> None:
    t, applied = tuner()
    train(t, QUIET, 5.0)
    before = len(applied)
    train(t, QUIET, ROUND_EVERY_S - 5.0)
    assert len(applied) == before  # held while nothing changes
    train(t, QUIET, 10.0)
    assert applied[before:] == [1, 2]  # a short trial of one thread, then back
    train(t, QUIET, 2 * ROUND_EVERY_S - 10.0)
    assert len(applied) == before + 2  # the same choice again: the next round waits twice as long
    train(t, QUIET, 10.0)
    assert len(applied) == before + 4


def test_slower_steps_on_one_thread_wait_for_the_next_round() -> None:
    t, applied = tuner()
    train(t, BUSY, 5.0)
    before = len(applied)
    train(t, {1: 0.030, 2: 0.300}, ROUND_EVERY_S - 6.0)  # more load: one thread is all the more right
    assert t.count == 1 and len(applied) == before


def test_a_machine_that_becomes_busy_is_followed_at_once_and_back_when_quiet() -> None:
    t, _ = tuner()
    train(t, QUIET, 5.0)
    assert t.count == 2
    train(t, BUSY, 3.0)  # far sooner than the next scheduled round: steps turned slower
    assert t.count == 1
    train(t, QUIET, ROUND_EVERY_S + 5.0)
    assert t.count == 2


def test_a_given_thread_count_is_never_changed() -> None:
    t, applied = tuner(fixed=2)
    train(t, BUSY, ROUND_EVERY_S * 3)
    assert applied == [2] and t.count == 2 and not t.tuning


def test_default_training_measures_threads_and_reports_the_count(story_file: Path) -> None:
    session = TrainingSession.create(str(story_file), preset="tiny", max_steps=40, progress_every_s=0.0, eval_every_s=999)
    assert session.train_config.threads is None and session.trainer.threads.tuning == (len(candidates()) > 1)
    progress = [e for e in session.events() if isinstance(e, Progress)]
    assert session.trainer.state.step == 40
    assert {e.threads for e in progress} <= set(candidates())
    assert progress[-1].threads == session.trainer.threads.count


def test_a_given_thread_count_is_what_training_reports(story_file: Path) -> None:
    session = TrainingSession.create(str(story_file), preset="tiny", max_steps=10, threads=1, progress_every_s=0.0, eval_every_s=999)
    assert {e.threads for e in session.events() if isinstance(e, Progress)} == {1}
