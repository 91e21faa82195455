"""The training runner: one thread for one or several sessions, saves, control from other threads."""

from __future__ import annotations

import os
import sys
import threading
import time
from pathlib import Path

import pytest

from seussbot import store
from seussbot.runner import Failed, Runner, Saved
from seussbot.session import TrainingSession
from seussbot.threads import BACKGROUND_NICE
from seussbot.train import Finished
from tests.conftest import until


def session_for(story_file: Path, name: str, cell: str = "lstm", **options) -> TrainingSession:
    options = {"preset": "tiny", "threads": 1, "eval_every_s": 999.0, **options}
    return TrainingSession.create(str(story_file), name=name, cell=cell, **options)


def notices(runner: Runner, session: TrainingSession) -> list[object]:
    return runner.feed(session).take().notices


def test_pause_resume_and_stop_from_another_thread_then_it_saves(story_file: Path) -> None:
    with session_for(story_file, "story") as session:
        runner = Runner(session)
        runner.start()
        until(lambda: session.state.step > 5)
        runner.pause()
        until(lambda: session.trainer.parked)  # the step in flight has finished
        paused_at, paused_time = session.state.step, session.state.elapsed_s
        time.sleep(0.4)
        assert runner.paused and session.state.step == paused_at
        runner.resume()
        until(lambda: session.state.step > paused_at)
        runner.stop()
        assert runner.wait(30) and not runner.running
        assert session.state.elapsed_s < paused_time + 5.0
        news = notices(runner, session)
        assert any(isinstance(n, Finished) and n.reason == "stopped" for n in news)
        assert any(isinstance(n, Saved) and n.step == session.state.step for n in news)
        assert store.list_models()[0].steps == session.state.step and not runner.unsaved()


def test_every_session_of_a_paused_runner_is_parked_and_stays_still(story_file: Path) -> None:
    """One thread steps them in turn: the one it waits in is parked, and so are those it holds."""
    sessions = [session_for(story_file, f"still-{cell}", cell=cell) for cell in ("lstm", "gru")]
    runner = Runner(sessions)
    runner.start()
    until(lambda: all(s.state.step > 3 for s in sessions))
    runner.pause()
    until(lambda: all(s.trainer.parked for s in sessions))
    steps = [s.state.step for s in sessions]
    time.sleep(0.4)
    assert [s.state.step for s in sessions] == steps and all(s.trainer.parked for s in sessions)
    runner.resume()
    until(lambda: all(s.state.step > n for s, n in zip(sessions, steps)))
    runner.stop()
    assert runner.wait(30)
    for session in sessions:
        session.close()


def test_it_saves_every_so_often_while_training(story_file: Path) -> None:
    with session_for(story_file, "often") as session:
        runner = Runner(session, save_every_s=0.3)
        runner.start()
        until(lambda: store.model_path("often").exists())
        first = store.read_model_meta(store.model_path("often"))["training"]["steps"]
        until(lambda: store.read_model_meta(store.model_path("often"))["training"]["steps"] > first)
        runner.stop()
        runner.wait(30)


def test_several_sessions_share_one_thread_in_lockstep(story_file: Path) -> None:
    sessions = [session_for(story_file, f"net-{cell}", cell=cell, max_steps=40) for cell in ("lstm", "gru", "rnn")]
    runner = Runner(sessions)
    runner.start()
    assert runner.wait(120)
    assert [s.state.step for s in sessions] == [40, 40, 40]
    assert len({s.state.tokens_seen for s in sessions}) == 1
    assert runner.outcomes == {s.name: "budget" for s in sessions}
    assert {m.name for m in store.list_models()} == {s.name for s in sessions}
    # Each counts only its own turns: three networks on one thread do not triple each other's time.
    total = sum(s.state.elapsed_s for s in sessions)
    assert all(s.state.elapsed_s < 0.8 * total for s in sessions)
    for session in sessions:
        session.close()


def test_one_failing_session_does_not_stop_the_others(story_file: Path) -> None:
    good, bad = session_for(story_file, "good", max_steps=30), session_for(story_file, "bad", max_steps=30)

    def broken_events():
        raise RuntimeError("the disk caught fire")
        yield  # pragma: no cover

    bad.events = broken_events  # type: ignore[method-assign]
    runner = Runner([good, bad])
    runner.start()
    assert runner.wait(60)
    assert good.state.step == 30 and runner.outcomes["bad"] == "failed"
    [failed] = [n for n in notices(runner, bad) if isinstance(n, Failed)]
    assert failed.message == "Training stopped: RuntimeError: the disk caught fire."
    assert not store.model_path("bad").exists()
    good.close(), bad.close()


def test_two_sessions_of_one_name_cannot_share_a_runner(story_file: Path) -> None:
    from seussbot.errors import SeussbotError

    with session_for(story_file, "twin") as session, pytest.raises(SeussbotError, match="its own name"):
        Runner([session, session])


@pytest.mark.skipif(sys.platform != "linux", reason="a thread's own nice value is Linux's")
def test_a_background_runner_trains_below_the_screens_priority_and_a_foreground_one_does_not(story_file: Path) -> None:
    """The app's training yields a busy core to the screen and the reader (nice +10); the CLI's does not."""
    mine = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    for background, expected in ((True, min(19, mine + BACKGROUND_NICE)), (False, mine)):
        with session_for(story_file, f"story-{background}") as session:
            runner = Runner(session, background=background)
            runner.start()
            until(lambda: session.state.step > 2)
            assert os.getpriority(os.PRIO_PROCESS, runner._thread.native_id) == expected  # type: ignore[union-attr]
            runner.stop()
            assert runner.wait(30)
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == mine  # the caller's thread is untouched
