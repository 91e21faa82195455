"""copied: a long stretch written word for word as it stands in the book (memorising, not writing)."""

from __future__ import annotations

import hashlib
from collections import deque

from seussbot.mistakes.base import Detector, MistakeKind
from seussbot.mistakes.text import END, Token

WINDOWS = (4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128)  # tokens per indexed piece, from which a book picks one
_MASK = (1 << 64) - 1
_BASE = 0x100000001B3  # an odd multiplier for the polynomial rolling hash


def token_id(norm: str, cache: dict[str, int]) -> int:
    """A stable 64-bit id for a token: the same in every process (unlike `hash`)."""
    value = cache.get(norm)
    if value is None:
        value = int.from_bytes(hashlib.blake2b(norm.encode("utf-8"), digest_size=8).digest(), "little")
        cache[norm] = value
    return value


class RollingHash:
    """The hash of the last `window` token ids, updated in O(1) per token."""

    def __init__(self, window: int) -> None:
        self.window = window
        self.ids: deque[int] = deque()
        self.value = 0
        self._top = pow(_BASE, window - 1, 1 << 64)  # weight of the oldest id

    def push(self, token_id: int) -> int | None:
        """Add an id; the window's hash once it is full, else None."""
        if len(self.ids) == self.window:
            self.value = (self.value - self.ids.popleft() * self._top) & _MASK
        self.ids.append(token_id)
        self.value = (self.value * _BASE + token_id) & _MASK
        return self.value if len(self.ids) == self.window else None


def window_hashes(norms: list[str], window: int, cache: dict[str, int]) -> list[int]:
    """The hash of every `window`-token stretch, by its first token."""
    rolling = RollingHash(window)
    hashes = []
    for norm in norms:
        h = rolling.push(token_id(norm, cache))
        if h is not None:
            hashes.append(h)
    return hashes


class Copied(Detector):
    """Flags a stretch whose every piece of `profile.copy_window` tokens is in the book, once it is long.

    Overlapping pieces that each occur in the book make a copy. The piece
    length is the shortest at which the book's own pieces are nearly all
    unique (4 words for Shakespeare, 64 tokens for spot, whose tiny grammar
    repeats every short stretch endlessly). A stretch counts as copying once
    it has more than `profile.copy_longest` words written after the prompt:
    the longest such stretch in held-back parts of the book itself, so the
    book's own unseen text (set phrases, refrains) stays below it. Words of
    the prompt do not count: the user typed them.
    """

    kinds = (
        MistakeKind(
            "copied",
            "copied",
            "#5c7cfa",
            "It copied a long piece of the book word for word instead of writing its own.",
        ),
    )

    def __init__(self, profile, sink) -> None:
        super().__init__(profile, sink)
        self._ids: dict[str, int] = {}
        self._rolling = RollingHash(profile.copy_window)
        self._tokens: deque[Token] = deque(maxlen=profile.copy_window)
        self._running = False
        self._counted = 0  # words of the current stretch written after the prompt
        self._first = -1  # where those words begin

    def _count(self, token: Token) -> None:
        if token.norm != END and token.start >= self.sink.protected:
            if self._counted == 0:
                self._first = token.start
            self._counted += 1

    def on_token(self, token: Token) -> None:
        self._tokens.append(token)
        h = self._rolling.push(token_id(token.norm, self._ids))
        if h is None or h not in self.profile.ngrams:
            self._running = False
            return
        if not self._running:
            self._running = True
            self._counted = 0
            for earlier in self._tokens:
                self._count(earlier)
        else:
            self._count(token)
        if self._counted > self.profile.copy_longest:
            self.sink.report(
                "copied",
                self._first,
                token.end,
                f"{self._counted} words in a row exactly as in the book",
            )
