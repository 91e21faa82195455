"""A snapshot of the weights made ready while the person types, so Enter writes at once.

Taking a snapshot (copying the weights out of the training thread's network)
and laying it out for one-token steps (`Stepper`) costs milliseconds that a
person would otherwise wait for after Enter. The write panel asks for one when
the prompt gets focus and as it is typed; writing takes it if it is at most a
few seconds old (training moves the weights on), and makes a fresh one if not.
"""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from seussbot.model import CharRNN
    from seussbot.stepper import Stepper
    from seussbot.tui.widgets.model_source import ModelSource

MAX_AGE_S = 3.0  # older than this, a prepared snapshot is stale: training has moved on
FRESH_S = 1.0  # younger than this, preparing again is wasted work


class Prepared:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._source: ModelSource | None = None
        self._stepper: Stepper | None = None
        self._at = -float("inf")

    def needed(self, source: "ModelSource") -> bool:
        with self._lock:
            return source is not self._source or time.monotonic() - self._at > FRESH_S

    def prepare(self, source: "ModelSource") -> None:
        """Snapshot and lay out the weights now (in a worker thread)."""
        from seussbot.stepper import Stepper

        stepper = Stepper(source.snapshot())
        with self._lock:
            self._source, self._stepper, self._at = source, stepper, time.monotonic()

    def take(self, source: "ModelSource") -> "Stepper | CharRNN":
        """The prepared stepper if it is recent and from `source`, else a fresh snapshot."""
        with self._lock:
            if source is self._source and self._stepper is not None and time.monotonic() - self._at <= MAX_AGE_S:
                return self._stepper
        return source.snapshot()
