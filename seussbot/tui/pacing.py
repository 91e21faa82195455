"""A worker thread that streams to the screen waits for each batch to be drawn before it makes the next.

Python runs one thread at a time. A writer thread computing its next letters
holds the interpreter, and the screen's thread gets it back only when the
writer's time slice ends (5 ms) — once per step of the event loop, and
drawing one batch takes a dozen steps. Measured in a pty: the first written
character reached the terminal 110-130 ms after the panel received it, while
the writer raced on to the end of its text. So the writer posts a batch, then
waits until the screen has drawn it (or a quarter of a second has passed, so
a hidden or stalled screen never stops the writing), and then makes the next.
Writing is no slower to read: a screen shows a few dozen batches a second.
"""

from __future__ import annotations

import threading

from textual.message_pump import MessagePump

LONGEST_WAIT_S = 0.25


class Pace:
    """One stream's pacing: the thread calls `wait_until_drawn` after posting; the screen calls `drawn_by`."""

    def __init__(self) -> None:
        self._drawn = threading.Event()
        self._drawn.set()

    def sent(self) -> None:
        """(worker thread) A batch is on its way: the next waits for it to be drawn."""
        self._drawn.clear()

    def wait_until_drawn(self) -> None:
        """(worker thread) Block until the batch sent last is on screen, at most `LONGEST_WAIT_S`."""
        self._drawn.wait(LONGEST_WAIT_S)

    def drawn_by(self, widget: MessagePump) -> None:
        """(screen thread) The batch was handled: release the worker once the screen has drawn it."""
        widget.call_after_refresh(self._drawn.set)

    def release(self) -> None:
        """(screen thread) Release the worker now (a batch that will not be drawn: an old writing's)."""
        self._drawn.set()
