"""Training in a background thread, and how its news reaches the screen.

The worker thread runs the engine's event loop and never talks to widgets:
it overwrites the latest progress in a `TrainingFeed` slot (and appends its
loss to a short list for the chart), and queues the rare events (evaluations,
saves, errors). The screen takes whatever is there on a timer a few times a
second, so a fast trainer can never flood the event loop with messages.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from seussbot.errors import SeussbotError

if TYPE_CHECKING:  # the engine imports torch: load it only in worker threads
    from seussbot.session import TrainingSession
    from seussbot.train import Progress

# Training time when the person just presses Enter, by network size (preset).
DEFAULT_MINUTES = {"tiny": 3.0, "single": 10.0, "small": 5.0, "medium": 10.0}
BUDGET_CHOICES: tuple[float | None, ...] = (1.0, 3.0, 5.0, 10.0, 30.0, None)  # None: until stopped
SAVE_EVERY_S = 60.0
LARGE_CORPUS_CHARS = 600_000


def training_threads() -> int:
    """All cores but one: the other keeps the interface responsive."""
    return max(1, (os.cpu_count() or 1) - 1)


@dataclass(frozen=True)
class TrainRequest:
    """What the studio should open: a corpus to train afresh, or a saved model."""

    corpus: str | None = None
    model: str | None = None
    cell: str = "lstm"
    level: str | None = None
    preset: str | None = None
    minutes: float | None = 0.0  # 0: the default for the preset; None: until stopped
    overrides: dict[str, Any] = field(default_factory=dict)  # engine options (tests use tiny networks)


@dataclass(frozen=True)
class Saved:
    path: Path
    step: int


@dataclass(frozen=True)
class Failed:
    message: str


@dataclass
class News:
    """Everything the feed held since the last look."""

    progress: "Progress | None"
    losses: list[tuple[int, int, float]]  # (step, tokens seen, train loss in nats)
    notices: list[object]


class TrainingFeed:
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


def open_session(request: TrainRequest) -> "TrainingSession":
    """Build the session a request asks for (imports torch: call it in a worker thread)."""
    from seussbot.corpus import load_corpus
    from seussbot.session import TrainingSession

    options: dict[str, Any] = {"threads": training_threads(), **request.overrides}
    if request.model:
        session = TrainingSession.resume(request.model, **options)
    else:
        corpus = load_corpus(request.corpus or "")
        options.setdefault("eval_every_s", 5.0 if len(corpus.text) < LARGE_CORPUS_CHARS else 15.0)
        session = TrainingSession.create(corpus, cell=request.cell, level=request.level, preset=request.preset, **options)
    if not {"max_steps", "max_minutes", "max_epochs"} & set(options):
        minutes = request.minutes if request.minutes != 0 else DEFAULT_MINUTES.get(session.preset, 5.0)
        session.set_budget(minutes)
    return session


class TrainingRunner:
    """Runs one session's training loop in a worker thread and keeps it saved."""

    def __init__(self, session: "TrainingSession", feed: TrainingFeed, save_every_s: float = SAVE_EVERY_S) -> None:
        self.session = session
        self.feed = feed
        self.save_every_s = save_every_s
        self.done = threading.Event()
        self.done.set()  # nothing running yet
        self.finished = False  # the budget ran out
        self.failed = False
        self._saved_step = session.trainer.state.step

    @property
    def running(self) -> bool:
        return not self.done.is_set()

    @property
    def unsaved(self) -> bool:
        return self.session.trainer.state.step != self._saved_step

    def run(self) -> None:
        """The worker thread's body: train, publish, save every minute and at the end."""
        from seussbot.train import Finished, Progress

        self.finished = self.failed = False
        last_save = time.monotonic()
        try:
            for event in self.session.events():
                if isinstance(event, Progress):
                    self.feed.publish_progress(event)
                else:
                    self.feed.publish(event)
                    if isinstance(event, Finished):
                        self.finished = event.reason == "budget"
                if time.monotonic() - last_save >= self.save_every_s:
                    self.save()
                    last_save = time.monotonic()
            self.save()
        except SeussbotError as error:
            self._fail(str(error))
        except FloatingPointError as error:
            self._fail(f"Training diverged: {error}.")
        except Exception as error:  # a bug or a broken model: say so, keep the app alive
            self._fail(f"Training stopped: {type(error).__name__}: {error}.")
        finally:
            self.done.set()

    def prepare_run(self) -> None:
        """Mark the runner busy before the worker starts, so a quick quit waits for it."""
        self.done.clear()

    def save(self) -> Path | None:
        """Save now (safe from any thread); reports the save through the feed."""
        if not self.unsaved and self.session.path.exists():
            return self.session.path
        step = self.session.trainer.state.step
        path = self.session.save()
        self._saved_step = step
        self.feed.publish(Saved(path, step))
        return path

    def stop(self) -> None:
        self.session.trainer.stop()

    def _fail(self, message: str) -> None:
        self.failed = True
        self.feed.publish(Failed(message))


def budget_label(minutes: float | None) -> str:
    if minutes is None:
        return "until stopped"
    return f"{minutes:g} min"
