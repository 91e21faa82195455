"""Training on a background thread, for every client: one or more sessions, one thread.

The CLI's progress bar, the studio and the compare screen all train the same
way: a `Runner` steps its sessions in turn on one thread, saves each of them
every `save_every_s` seconds and when it ends, and turns whatever goes wrong
into a one-sentence `Failed` notice instead of a dead thread.

Clients never hear from the thread directly. Each session has a `Feed`: the
thread overwrites the latest progress in a slot (and appends its loss to a
short list for charts) and queues the rare events (evaluations, saves,
warnings, the end). A client takes whatever is there when it likes, a few
times a second, so a fast trainer can never flood a screen with messages.

Several sessions share the thread round-robin: in `turns="steps"` each one
takes one optimiser step per turn, so at any moment all have seen the same
number of characters (lockstep); in `turns="time"` each trains for a slice of
time. A trainer does not count the time it waits for its turn, so budgets and
speeds stay true.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterator, Literal, Sequence

from seussbot.defaults import SAVE_EVERY_S
from seussbot.errors import SeussbotError

if TYPE_CHECKING:  # the engine imports torch: clients load it only in worker threads
    from seussbot.session import TrainingSession
    from seussbot.train import Event, Progress

TIME_TURN_S = 0.25  # a turn in `turns="time"`


@dataclass(frozen=True)
class Saved:
    path: Path
    step: int


@dataclass(frozen=True)
class SaveFailed:
    """A save did not happen (the disk is full...); training goes on, the old file is intact."""

    message: str


@dataclass(frozen=True)
class Failed:
    """Training stopped because of an error; `message` is one sentence for a person."""

    message: str


@dataclass
class News:
    """Everything a feed held since the last look."""

    progress: "Progress | None"
    losses: list[tuple[int, int, float]]  # (step, tokens seen, train loss in nats)
    notices: list[object]


class Feed:
    """A slot for the latest progress plus a short queue of rare events, shared by two threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._progress: Progress | None = None
        self._losses: list[tuple[int, int, float]] = []
        self._notices: list[object] = []

    def publish_progress(self, progress: "Progress") -> None:
        with self._lock:
            self._progress = progress
            self._losses.append((progress.step, progress.tokens_seen, progress.train_loss))

    def publish(self, notice: object) -> None:
        with self._lock:
            self._notices.append(notice)

    def take(self) -> News:
        with self._lock:
            news = News(self._progress, self._losses, self._notices)
            self._progress, self._losses, self._notices = None, [], []
        return news


class Runner:
    """Trains one or more sessions on one thread and keeps each of them saved."""

    def __init__(
        self,
        sessions: "TrainingSession | Sequence[TrainingSession]",
        *,
        save_every_s: float = SAVE_EVERY_S,
        turns: Literal["steps", "time"] = "steps",
        shared_budget_s: float | None = None,
        background: bool = False,
    ) -> None:
        self.sessions: list[TrainingSession] = [sessions] if not isinstance(sessions, Sequence) else list(sessions)
        if len({s.name for s in self.sessions}) != len(self.sessions):
            raise SeussbotError("Each network in one run needs its own name.")
        self.save_every_s = save_every_s
        self.turns = turns
        # Training seconds the sessions may spend together before all stop (a lockstep run's clock).
        self.shared_budget_s = shared_budget_s
        # The app's runners train in the background: their thread yields the CPU to the screen's
        # (threads.lower_this_thread_priority). The command line's train in the foreground.
        self.background = background
        self._started_elapsed: dict[str, float] = {}
        self.feeds = {s.name: Feed() for s in self.sessions}
        self.outcomes: dict[str, str] = {}  # name -> "budget", "stopped", "early-stop" or "failed"
        self.done = threading.Event()
        self.done.set()  # nothing running yet
        self._saved_step = {s.name: s.trainer.state.step for s in self.sessions}
        self._save_lock = threading.Lock()
        self._thread: threading.Thread | None = None

    # -- control, from any thread ---------------------------------------------------
    def start(self) -> None:
        """Start (or, after a budget ran out and was raised, restart) the training thread."""
        if self.running:
            return
        self.outcomes.clear()
        self._started_elapsed = {s.name: s.trainer.state.elapsed_s for s in self.sessions}
        if len(self.sessions) > 1:  # take turns: one step each, or one slice of time each
            for session in self.sessions:
                session.train_config.progress_every_s = 0.0 if self.turns == "steps" else TIME_TURN_S
        self.done.clear()
        self._thread = threading.Thread(target=self._train, name="seussbot-train", daemon=True)
        self._thread.start()

    @property
    def running(self) -> bool:
        return not self.done.is_set()

    @property
    def paused(self) -> bool:
        return all(s.trainer.paused for s in self.sessions)

    def pause(self) -> None:
        for session in self.sessions:
            session.trainer.pause()

    def resume(self) -> None:
        for session in self.sessions:
            session.trainer.resume()

    def stop(self) -> None:
        """Ask every session to finish its step; the thread then evaluates, saves and ends."""
        for session in self.sessions:
            session.trainer.stop()

    def shared_spent_s(self) -> float:
        """Training seconds all sessions together have spent since `start()`."""
        return sum(s.trainer.state.elapsed_s - self._started_elapsed.get(s.name, 0.0) for s in self.sessions)

    def shared_fraction(self) -> float | None:
        """How much of `shared_budget_s` is spent (None: no shared budget)."""
        if self.shared_budget_s is None:
            return None
        return min(1.0, self.shared_spent_s() / max(1e-9, self.shared_budget_s))

    def wait(self, timeout: float | None = None) -> bool:
        """True once the thread has ended (saved and all)."""
        return self.done.wait(timeout)

    def feed(self, session: "TrainingSession | None" = None) -> Feed:
        return self.feeds[(session or self.sessions[0]).name]

    def unsaved(self, session: "TrainingSession | None" = None) -> bool:
        session = session or self.sessions[0]
        return session.trainer.state.step != self._saved_step[session.name] or not session.path.exists()

    def save(self, session: "TrainingSession | None" = None) -> Path:
        """Save now (safe from any thread) and say so on the session's feed."""
        session = session or self.sessions[0]
        with self._save_lock:
            if not self.unsaved(session):
                return session.path
            step = session.trainer.state.step
            path = session.save()
            self._saved_step[session.name] = step
        self.feeds[session.name].publish(Saved(path, step))
        return path

    # -- the thread ---------------------------------------------------------------------
    def _train(self) -> None:
        if self.background:
            from seussbot.threads import lower_this_thread_priority

            lower_this_thread_priority()
        try:
            active: dict[str, tuple[TrainingSession, Iterator[Event]]] = {s.name: (s, s.events()) for s in self.sessions}
            last_save = time.monotonic()
            while active:
                for name, (session, events) in list(active.items()):
                    if not self._turn(session, events):
                        del active[name]
                        if self.outcomes.get(name) != "failed":
                            self._save_or_say(session)
                if self.shared_budget_s is not None and self.shared_spent_s() >= self.shared_budget_s:
                    self.stop()
                if time.monotonic() - last_save >= self.save_every_s:
                    for session, _ in active.values():
                        self._save_or_say(session)
                    last_save = time.monotonic()
        finally:
            self.done.set()

    def _turn(self, session: "TrainingSession", events: "Iterator[Event]") -> bool:
        """Let one session train until its next event; False once it has finished."""
        from seussbot.train import Finished, Progress

        feed = self.feeds[session.name]
        try:
            event = next(events)
        except StopIteration:
            return False
        except Exception as error:  # never let one network's failure kill the thread
            self.outcomes[session.name] = "failed"
            feed.publish(Failed(failure_message(error)))
            return False
        if isinstance(event, Progress):
            feed.publish_progress(event)
        else:
            feed.publish(event)
            if isinstance(event, Finished):
                self.outcomes[session.name] = event.reason
        return True

    def _save_or_say(self, session: "TrainingSession") -> None:
        try:
            self.save(session)
        except SeussbotError as error:
            self.feeds[session.name].publish(SaveFailed(str(error)))


def failure_message(error: BaseException) -> str:
    """One sentence for a person about why training stopped."""
    if isinstance(error, SeussbotError):
        return str(error)
    if isinstance(error, FloatingPointError):
        return f"Training diverged: {error}."
    return f"Training stopped: {type(error).__name__}: {error}."
