"""A snapshot of the weights, and the prompt read, made ready while the person types, so Enter writes at once.

Taking a snapshot (copying the weights out of the training thread's network),
laying it out for one-token steps (`Stepper`) and reading the prompt cost
milliseconds that a person would otherwise wait for after Enter (measured on
a loaded 2-core machine: about 6, 7 and 3-6 ms of CPU for a 2x256 LSTM). The
write panel asks for them when the prompt gets focus and as it is typed;
writing takes the stepper if it is at most a few seconds old (training moves
the weights on), and its remembered prompt if it is the one written.

Every key typed asks again, so the asks are coalesced: one thread of its own
works on the latest ask only, and an ask that a later one replaced is dropped.
(As Textual thread workers, one per key, they queued in the event loop's small
shared thread pool, and the writing that Enter started waited behind them:
170-430 ms from Enter to the first step, measured in-process.)
"""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from seussbot.model import CharRNN
    from seussbot.stepper import Stepper
    from seussbot.tui.widgets.model_source import ModelSource

MAX_AGE_S = 5.0  # older than this, a prepared snapshot is stale: training has moved on
FRESH_S = 1.0  # younger than this, a snapshot is kept while the prompt grows


class Prepared:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._source: ModelSource | None = None
        self._stepper: Stepper | None = None
        self._at = -float("inf")
        self._wanted: tuple[ModelSource, str] | None = None  # the latest ask not yet worked on
        self._thread: threading.Thread | None = None

    def request(self, source: "ModelSource", prompt: str) -> None:
        """Ask for `prepare(source, prompt)` soon, on the preparer thread; returns at once (call from the UI)."""
        with self._lock:
            self._wanted = (source, prompt)
            if self._thread is None:
                self._thread = threading.Thread(target=self._work, name="seussbot-prepare", daemon=True)
                self._thread.start()

    def _work(self) -> None:
        while True:
            with self._lock:
                wanted, self._wanted = self._wanted, None
                if wanted is None:
                    self._thread = None  # under the lock: a later ask starts a new thread
                    return
            try:
                self.prepare(*wanted)
            except Exception:  # noqa: BLE001 - only a head start: writing redoes it and reports what is wrong
                pass

    def prepare(self, source: "ModelSource", prompt: str) -> None:
        """Snapshot and lay out the weights unless done a moment ago, and read `prompt` (in a worker thread)."""
        from seussbot.errors import PromptError
        from seussbot.sample import reading
        from seussbot.stepper import Stepper

        with self._lock:
            fresh = source is self._source and time.monotonic() - self._at <= FRESH_S
            stepper = self._stepper if fresh else None
        if stepper is None:
            stepper = Stepper(source.snapshot())
            with self._lock:
                self._source, self._stepper, self._at = source, stepper, time.monotonic()
        try:
            stepper.read(reading(source.vocab, source.vocab.encode(prompt)))
        except PromptError:
            pass  # said when the person presses Enter

    def ready(self, source: "ModelSource", prompt: str) -> "Stepper | None":
        """The prepared stepper if it is recent, from `source`, and has read `prompt` already, else None; never waits.

        With it, the first letter costs a step (a few ms), so the screen thread can write it itself.
        """
        from seussbot.errors import PromptError
        from seussbot.sample import reading

        stepper = self._recent(source)
        try:
            return stepper if stepper is not None and stepper.has_read(reading(source.vocab, source.vocab.encode(prompt))) else None
        except PromptError:
            return None  # the worker's writing says what is wrong with it

    def recent_model(self, source: "ModelSource") -> "CharRNN | None":
        """The prepared snapshot's network if it is recent and from `source`, else None; never waits.

        A fresh snapshot waits for the training step under way to end (a tenth of a
        second or more for a big network on two cores); this one is already taken.
        """
        stepper = self._recent(source)
        return stepper.model if stepper is not None else None

    def take(self, source: "ModelSource") -> "Stepper | CharRNN":
        """The prepared stepper if it is recent and from `source`, else a fresh snapshot."""
        return self._recent(source) or source.snapshot()

    def _recent(self, source: "ModelSource") -> "Stepper | None":
        """The prepared stepper if it is from `source` and at most `MAX_AGE_S` old."""
        with self._lock:
            if source is self._source and time.monotonic() - self._at <= MAX_AGE_S:
                return self._stepper
        return None
