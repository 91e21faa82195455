"""A few lines of styled text drawn with the Line API, for panels redrawn at every cursor move.

A `Static` showing a Rich `Group` goes through Rich's console on every update:
the cursor inspector and the equations took 3.6-3.7 ms each per arrow key
(measured in-process, idle), as much as the rest of the look-inside view
together. Here a line is a tuple of (text, style) pieces; `show_lines` compares the
new lines with the old and repaints only the ones that differ, and a line's
strip is built once, straight from its pieces. A line too long for the width
wraps at spaces, as a `Static` would, and again when the width changes.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.geometry import Region, Size
from textual.strip import Strip
from textual.widget import Widget

Piece = tuple[str, str]  # text and a Rich style ("bold", "dim italic", "" for none)
Line = tuple[Piece, ...]


@lru_cache(maxsize=64)
def _parsed(style: str) -> Style:
    return Style.parse(style) if style else Style()


def wrap(line: Line, width: int) -> list[Line]:
    """`line` as lines of at most `width` cells, broken at spaces (a word longer than a line is cut)."""
    if width <= 0 or sum(len(text) for text, _ in line) <= width:
        return [line]
    lines: list[Line] = []
    current: list[Piece] = []
    used = 0
    for text, style in line:
        for word in re.findall(r"\s+|\S+", text):
            if used + len(word) > width and used:
                lines.append(tuple(current))
                current, used = [], 0
                if word.isspace():
                    continue
            while len(word) > width:
                lines.append(((word[:width], style),))
                word = word[width:]
            if current and current[-1][1] == style:  # one piece per run of a style: fewer segments to draw
                current[-1] = (current[-1][0] + word, style)
            else:
                current.append((word, style))
            used += len(word)
    if current:
        lines.append(tuple(current))
    return lines


class LinesView(Widget):
    DEFAULT_CSS = "LinesView { height: auto; }"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._given: list[Line] = []  # as shown; `_lines` is them wrapped to the width
        self._lines: list[Line] = []
        self._strips: dict[int, Strip] = {}
        self._base: Style | None = None

    def show_lines(self, lines: list[Line]) -> None:
        """Show `lines`: only those that changed are repainted; a layout pass only if the count changed."""
        self._given = list(lines)
        width = self.content_region.width
        old, self._lines = self._lines, [part for line in lines for part in wrap(line, width)]
        if len(old) != len(self._lines):
            self._strips.clear()
            self.refresh(layout=True)
            return
        changed = [y for y, (before, now) in enumerate(zip(old, self._lines)) if before != now]
        for y in changed:
            self._strips.pop(y, None)
        if changed:
            self.refresh(Region(0, changed[0], self.size.width, changed[-1] - changed[0] + 1))

    @property
    def plain(self) -> str:
        """The lines as plain text (for tests and for people who copy)."""
        return "\n".join("".join(text for text, _ in line) for line in self._lines)

    @property
    def content(self) -> Text:
        """The lines as one Rich `Text`, as a `Static`'s content would be."""
        text = Text()
        for y, line in enumerate(self._lines):
            if y:
                text.append("\n")
            for piece, style in line:
                text.append(piece, style)
        return text

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._lines)

    def notify_style_update(self) -> None:
        self._base = None
        getattr(self, "_strips", {}).clear()
        super().notify_style_update()

    def on_resize(self) -> None:
        self._strips.clear()
        self.show_lines(self._given)

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self._base = self._base or self.rich_style
        strip = self._strips.get(y)
        if strip is None:
            segments = [Segment(text, base + _parsed(style)) for text, style in self._lines[y]] if y < len(self._lines) else []
            strip = self._strips[y] = Strip(segments).extend_cell_length(width, base).crop(0, width)
        return strip
