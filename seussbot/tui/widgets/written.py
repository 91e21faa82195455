"""The text in a stream view, with what the model knew about each character.

Kept apart from the widget so that wrapping and lookups are plain code,
testable without a terminal. Appending re-wraps only the last (open) line, so
the cost of a new character does not grow with the text.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Written:
    """One written piece: its text and the model's view when it chose it."""

    text: str
    prob: float | None  # None: typed by the person (the prompt)
    candidates: tuple[tuple[str, float], ...] = ()
    entropy_bits: float | None = None
    by_person: bool = False  # picked by the person in choose mode: `prob` is what the model gave it


def as_written(step) -> Written:
    """An engine `Step` (seussbot.sample) as a piece of the stream view."""
    return Written(
        step.text, step.prob, tuple((c.token, c.prob) for c in step.candidates), step.entropy_bits, step.by == "person"
    )


@dataclass(frozen=True)
class Mark:
    """A span to highlight on top of the probability colour (a mistake, or a neutral find)."""

    start: int
    end: int
    kind: str
    label: str = ""
    detail: str = ""
    neutral: bool = False  # no mistake (a new word): any mistake over the same letters shows instead


@dataclass
class WrittenText:
    chars: list[str] = field(default_factory=list)
    piece_of: list[int] = field(default_factory=list)  # for each char, index into pieces
    pieces: list[Written] = field(default_factory=list)
    marks: list[Mark] = field(default_factory=list)
    mark_of: dict[int, int] = field(default_factory=dict)  # char index -> index into marks
    lines: list[tuple[int, int]] = field(default_factory=lambda: [(0, 0)])
    width: int = 80
    # The corpus's own line breaks were a wrapper's (prose): a single break is a space here, so the
    # text wraps to this width once ("Spot. / Spot / saw Doug." no more); a blank line still breaks.
    soft_breaks: bool = False

    def is_hard_break(self, pos: int) -> bool:
        """Does the character at `pos` end a line whatever the width?"""
        chars = self.chars
        return chars[pos] == "\n" and (not self.soft_breaks or (pos > 0 and chars[pos - 1] == "\n"))

    def __len__(self) -> int:
        return len(self.chars)

    @property
    def text(self) -> str:
        return "".join(self.chars)

    def append(self, pieces: list[Written]) -> None:
        for piece in pieces:
            index = len(self.pieces)
            self.pieces.append(piece)
            self.chars.extend(piece.text)
            self.piece_of.extend([index] * len(piece.text))
        self._rewrap(self.lines.pop()[0])

    def add_marks(self, marks: list[Mark]) -> None:
        """Add or grow marks; a mark for the same kind and start replaces the older one."""
        for mark in marks:
            index = next(
                (i for i, m in enumerate(self.marks) if m.kind == mark.kind and m.start == mark.start), len(self.marks)
            )
            old_end = self.marks[index].end if index < len(self.marks) else mark.end
            if index == len(self.marks):
                self.marks.append(mark)
            else:
                self.marks[index] = mark
            self._assign(mark.start, max(mark.end, old_end))

    def _assign(self, start: int, end: int) -> None:
        """Which mark each letter in [start, end) shows: the one with the highest precedence."""
        covering = [(i, m) for i, m in enumerate(self.marks) if m.start < end and m.end > start]
        for pos in range(start, end):
            best = min(((_precedence(m), i) for i, m in covering if m.start <= pos < m.end), default=None)
            if best is None:
                self.mark_of.pop(pos, None)
            else:
                self.mark_of[pos] = best[1]

    def mark_at(self, pos: int) -> Mark | None:
        index = self.mark_of.get(pos)
        return None if index is None else self.marks[index]

    def piece_at(self, pos: int) -> Written | None:
        return self.pieces[self.piece_of[pos]] if 0 <= pos < len(self.chars) else None

    def set_width(self, width: int) -> None:
        if width != self.width:
            self.width = max(4, width)
            self.lines = [(0, 0)]
            self._rewrap(0)

    def line_of(self, pos: int) -> int:
        """The wrapped line holding character `pos` (binary search)."""
        low, high = 0, len(self.lines) - 1
        while low < high:
            middle = (low + high + 1) // 2
            if self.lines[middle][0] <= pos:
                low = middle
            else:
                high = middle - 1
        return low

    def _rewrap(self, start: int) -> None:
        """Greedy word wrap from `start` to the end; the last line stays open."""
        chars, width, n = self.chars, self.width, len(self.chars)
        i = start
        while True:
            j, last_space = i, -1
            while j < n and not self.is_hard_break(j) and j - i < width:
                if chars[j] in " \n":
                    last_space = j
                j += 1
            if j < n and self.is_hard_break(j):
                self.lines.append((i, j + 1))
                i = j + 1
            elif j >= n:
                self.lines.append((i, n))
                return
            elif last_space > i:
                self.lines.append((i, last_space + 1))
                i = last_space + 1
            else:
                self.lines.append((i, j))
                i = j


def _precedence(mark: Mark) -> tuple[bool, int, int, str]:
    """Where marks overlap, a mistake shows before a neutral find, then the narrowest (then the
    earliest, then by kind name), so what a letter shows never depends on the order marks arrived in."""
    return (mark.neutral, mark.end - mark.start, mark.start, mark.kind)
