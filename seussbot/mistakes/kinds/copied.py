"""copied: a long stretch written word for word as it stands in the book (memorising, not writing)."""

from __future__ import annotations

import hashlib
import math
from collections import deque
from dataclasses import dataclass

from seussbot.mistakes.base import Detector, MistakeKind
from seussbot.mistakes.text import END, Token

WINDOWS = (4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128)  # tokens per indexed piece, from which a book picks one
COPY_REPEATED_SHARE = 0.02  # pieces may recur this often in the book and still be "nearly all unique"
COPY_FLOOR = 8  # a copy is never "long" at fewer words than this
COPY_MARGIN = 1.25  # the held-back tenth is one sample; the real validation text can run a little longer
COPY_HELD_BACK = 10  # every tenth block of the book is held back to measure honest copying
COPY_BLOCK_TOKENS = 400  # about the 2,000 characters of a validation block of Corpus.split
COPY_ALL_FOLDS_BELOW = 60_000  # tokens; a bigger book's maximum is steady enough from one fold
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


def _index(tokens: list[str]) -> tuple[int, list[int]]:
    """The shortest piece length at which the book's pieces are nearly all unique, and their hashes.

    Chaining pieces finds copies only if a piece is rare enough that matching
    one means copying from one place; in a formulaic book short pieces recur
    everywhere, so the pieces must be longer.
    """
    ids: dict[str, int] = {}
    for window in WINDOWS:
        hashes = window_hashes(tokens, window, ids)
        if len(hashes) <= 1 or 1 - len(set(hashes)) / len(hashes) <= COPY_REPEATED_SHARE:
            break
    return window, hashes


def _copy_longest(tokens: list[str], window: int, hashes: list[int]) -> int:
    """The longest verbatim stretch (in words) that honest new text of this book contains.

    The book is cut into blocks the size of a validation split's; every tenth
    block is held back, the rest indexed, and the held-back blocks are read
    like model output (all ten ways round for a small book, whose maximum is
    otherwise noisy). Whatever they share word for word with the rest (set
    phrases, refrains, the endless chain of a tiny grammar) is not
    memorising, so the threshold sits a margin above the longest such stretch.
    """
    n = len(tokens)
    if n < 4 * window:
        return COPY_FLOOR
    blocks = max(COPY_HELD_BACK, min(20 * COPY_HELD_BACK, n // COPY_BLOCK_TOKENS))
    block = -(-n // blocks)
    words_before = [0]
    for norm in tokens:
        words_before.append(words_before[-1] + (norm != END))
    longest = 0
    folds = range(COPY_HELD_BACK) if n < COPY_ALL_FOLDS_BELOW else (COPY_HELD_BACK - 1,)
    for fold in folds:

        def held(i: int) -> bool:
            return (i // block) % COPY_HELD_BACK == fold

        index = {h for i, h in enumerate(hashes) if not held(i) and not held(i + window - 1)}
        first = -1  # first window of the current stretch, or -1
        for i, h in enumerate(hashes):
            if held(i) and i // block == (i + window - 1) // block and h in index:
                if first < 0:
                    first = i
                longest = max(longest, words_before[i + window] - words_before[first])
            else:
                first = -1
    return max(COPY_FLOOR, math.ceil(COPY_MARGIN * longest))


@dataclass(frozen=True)
class Pieces:
    """The book cut into overlapping pieces of `window` tokens, and how long honest copying runs."""

    window: int  # tokens per indexed piece
    ngrams: frozenset[int]  # hashes of every `window` tokens in a row
    longest: int  # longest honest verbatim stretch, in words


class PieceCounter:
    """Keeps the book's tokens while the profile reads it, then indexes them (`_index`, `_copy_longest`)."""

    def __init__(self) -> None:
        self.tokens: list[str] = []

    def on_token(self, token: Token) -> None:
        self.tokens.append(token.norm)

    def finish(self) -> Pieces:
        window, hashes = _index(self.tokens)
        return Pieces(window, frozenset(hashes), _copy_longest(self.tokens, window, hashes))


class Copied(Detector):
    """Flags a stretch whose every piece of `Pieces.window` tokens is in the book, once it is long.

    Overlapping pieces that each occur in the book make a copy. The piece
    length is the shortest at which the book's own pieces are nearly all
    unique (4 words for Shakespeare, 64 tokens for spot, whose tiny grammar
    repeats every short stretch endlessly). A stretch counts as copying once
    it has more than `Pieces.longest` words written after the prompt:
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
    Stats = Pieces
    collector = PieceCounter

    def __init__(self, profile, sink) -> None:
        super().__init__(profile, sink)
        self._ids: dict[str, int] = {}
        self._rolling = RollingHash(self.stats.window)
        self._tokens: deque[Token] = deque(maxlen=self.stats.window)
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
        if h is None or h not in self.stats.ngrams:
            self._running = False
            return
        if not self._running:
            self._running = True
            self._counted = 0
            for earlier in self._tokens:
                self._count(earlier)
        else:
            self._count(token)
        if self._counted > self.stats.longest:
            self.sink.report(
                "copied",
                self._first,
                token.end,
                f"{self._counted} words in a row exactly as in the book",
            )
