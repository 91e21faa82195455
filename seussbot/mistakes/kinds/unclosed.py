"""unclosed: a quote or bracket opened and never closed where the book would close it."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from seussbot.mistakes.base import Detector, MistakeKind
from seussbot.mistakes.text import CLOSERS, OPENERS, SYMMETRIC, Sentence

SCOPES = ("sentence", "line", "paragraph")
BRACKET_TOLERANCE = 0.01  # share of a mark's openings the book may leave open in the chosen stretch
PAIRS = OPENERS + SYMMETRIC  # a pair is named by its opening character
_PARTNER = {close: open_ for open_, close in zip(OPENERS, CLOSERS)}
_CLOSER_OF = {open_: close for open_, close in zip(OPENERS, CLOSERS)} | {SYMMETRIC: SYMMETRIC}


def pair_of(char: str) -> str:
    return _PARTNER.get(char, char)


class OpenMarks:
    """The quotes and brackets still open in one stretch of text.

    A straight quote " opens when none is open and closes when one is; a
    closing bracket with nothing open is ignored (that is not this mistake).
    """

    def __init__(self) -> None:
        self.open: dict[str, list[int]] = {}

    def mark(self, char: str, pos: int) -> bool:
        """Take one mark; True if it opened something."""
        if char == SYMMETRIC:
            stack = self.open.setdefault(char, [])
            if stack:
                stack.pop()
                return False
            stack.append(pos)
            return True
        if char in OPENERS:
            self.open.setdefault(char, []).append(pos)
            return True
        stack = self.open.get(_PARTNER[char])
        if stack:
            stack.pop()
        return False

    def flush(self) -> list[tuple[str, int]]:
        """Everything still open, in order; the stretch is over, so start afresh."""
        left = sorted((pos, char) for char, stack in self.open.items() for pos in stack)
        self.open.clear()
        return [(char, pos) for pos, char in left]


@dataclass(frozen=True)
class Scopes:
    """Per pair of marks, the smallest stretch the book closes it within (None: it leaves it open too often)."""

    scope: dict[str, str | None]


class StretchEnds:
    """Calls `_flush(scope)` as each sentence, line and paragraph ends: the book and the model alike.

    A sentence that ends only because the text ran out is not over, so it is not flushed.
    """

    def _flush(self, scope: str) -> None:
        raise NotImplementedError

    def on_sentence_end(self, sentence: Sentence) -> None:
        if not sentence.at_eof:
            self._flush("sentence")

    def on_line_end(self, pos: int) -> None:
        self._flush("line")

    def on_paragraph_end(self, pos: int) -> None:
        for scope in SCOPES:
            self._flush(scope)


class ScopeCounter(StretchEnds):
    """Counts, while the profile reads the book, the marks it opens and leaves open per stretch."""

    def __init__(self) -> None:
        self.marks = {scope: OpenMarks() for scope in SCOPES}
        self.opened: dict[str, Counter[str]] = {scope: Counter() for scope in SCOPES}
        self.left_open: dict[str, Counter[str]] = {scope: Counter() for scope in SCOPES}

    def on_mark(self, char: str, pos: int) -> None:
        for scope in SCOPES:
            if self.marks[scope].mark(char, pos):
                self.opened[scope][pair_of(char)] += 1

    def _flush(self, scope: str) -> None:
        for char, _ in self.marks[scope].flush():
            self.left_open[scope][char] += 1

    def finish(self) -> Scopes:
        return Scopes({pair: self._scope(pair) for pair in PAIRS})

    def _scope(self, pair: str) -> str | None:
        """The smallest stretch the book (nearly) always closes this mark within."""
        if not self.opened["paragraph"][pair]:
            return "line"  # the book never uses it: judge the network's ones by the line
        for scope in SCOPES:
            if self.left_open[scope][pair] <= BRACKET_TOLERANCE * self.opened[scope][pair]:
                return scope
        return None  # the book leaves it open too often to call an open one a mistake


class Unclosed(StretchEnds, Detector):
    """Flags an opening quote or bracket still open when its stretch ends.

    Which stretch depends on the book: `Scopes` records, for each kind of
    mark, the smallest of sentence, line and paragraph within which the book
    closes it (a quoted speech may run over several sentences). A stretch must
    really be over: at the end of a text, an open sentence, line or paragraph
    may still have been going to close it, so it is not flagged.
    """

    kinds = (
        MistakeKind(
            "unclosed", "left open", "#c2255c", "A quote mark or bracket was opened but never closed."
        ),
    )
    Stats = Scopes
    collector = ScopeCounter

    def __init__(self, profile, sink) -> None:
        super().__init__(profile, sink)
        self._scope = {pair: self.stats.scope.get(pair, "line") for pair in PAIRS}
        self._open = {scope: OpenMarks() for scope in SCOPES}

    def on_mark(self, char: str, pos: int) -> None:
        scope = self._scope[pair_of(char)]
        if scope is not None:
            self._open[scope].mark(char, pos)

    def _flush(self, scope: str) -> None:
        for char, pos in self._open[scope].flush():
            closer = "" if char == SYMMETRIC else f" with {_CLOSER_OF[char]}"
            self.sink.report("unclosed", pos, pos + 1, f"this {char} is never closed{closer} in its {scope}")
