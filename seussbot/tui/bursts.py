"""Keys a person presses, or text arriving all at once? Bindings for the one, text for the other.

A pasted path (in a terminal without bracketed paste), a dropped file, or
text sent by a script reaches the app as printable keys created a fraction
of a millisecond apart: measured in tmux on this machine, under load,
0.03-0.25 ms between the keys of one paste, and 4-5 ms between separate
`tmux send-keys` calls. A person pressing keys one at a time is at least
~30 ms apart (fast typing is 100-200 ms a key; Pilot's `press` waits 20 ms
or more between keys). So printable keys that follow each other within
`GAP_S` (10 ms) are a burst once there are `MIN_KEYS` (3) of them: a pair
within 10 ms can be two keys a person struck together in one keyboard
scan, three cannot.

No key waits to be judged. A key is held back only when the next key is
already queued behind it and close enough to join it, so holding costs
nothing: a key pressed alone acts as its binding at once. When a burst is
recognised only by time (the next key was not yet queued, so the first ones
already acted), `sort` names those keys `absorbed`, and the app takes them
back: it closes any screen they opened and puts their letters in the text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

GAP_S = 0.010  # at most this between the keys of a burst (a person is 30 ms or more apart)
MIN_KEYS = 3  # printable keys in a row before they are text


class KeyLike(Protocol):
    """What `Bursts` reads of a key event (Textual's `events.Key`)."""

    time: float  # when the driver made it, not when it is handled: a busy app does not stretch a burst

    @property
    def is_printable(self) -> bool: ...


@dataclass
class Sorted:
    """What to do with the keys now: `deliver` in order, each as text or as a key."""

    deliver: list[tuple[KeyLike, bool]] = field(default_factory=list)  # (key, as_text)
    absorbed: list[KeyLike] = field(default_factory=list)  # acted as keys already, but were the burst's start
    depth: int = 0  # how many screens were open before the first absorbed key acted


class Bursts:
    """Sorts the app's keys, one at a time in arrival order, into bindings and text."""

    def __init__(self, gap_s: float = GAP_S, min_keys: int = MIN_KEYS) -> None:
        self.gap_s, self.min_keys = gap_s, min_keys
        self._chain: list[KeyLike] = []  # printable keys each within the gap of the one before
        self._acted: list[tuple[KeyLike, int]] = []  # the chain's keys delivered as keys, with the depth before each
        self._held: list[KeyLike] = []  # the chain's keys waiting for the key queued behind them
        self._last = -float("inf")  # when the last key of any kind arrived
        self.text = False  # the chain is a burst: its printable keys are text

    def sort(self, key: KeyLike, next_key: KeyLike | None, depth: int) -> Sorted:
        """Decide about `key`; `next_key` is the key already queued behind it (None: none yet)."""
        out = Sorted()
        if key.time - self._last > self.gap_s:
            out.deliver += [(k, False) for k in self._held]  # cannot happen (a held key's follower is this key); safe
            self._chain, self._acted, self._held, self.text = [], [], [], False
        self._last = key.time
        if not key.is_printable:  # Enter, arrows, Backspace: keys even inside a burst, and they keep it going
            out.deliver += self._release(depth) + [(key, False)]
            return out
        self._chain.append(key)
        if self.text:
            out.deliver.append((key, True))
        elif len(self._chain) >= self.min_keys:
            self.text = True
            out.absorbed = [k for k, _ in self._acted]
            out.depth = self._acted[0][1] if self._acted else depth
            out.deliver += [(k, True) for k in self._held] + [(key, True)]
            self._held = []
        elif next_key is not None and next_key.is_printable and next_key.time - key.time <= self.gap_s:
            self._held.append(key)  # its follower is queued: hear it first (no waiting)
        else:
            self._held.append(key)
            out.deliver += self._release(depth)
        return out

    def _release(self, depth: int) -> list[tuple[KeyLike, bool]]:
        """The held keys, as keys: no burst after all."""
        released = [(k, False) for k in self._held]
        self._acted += [(k, depth) for k in self._held]
        self._held = []
        return released
