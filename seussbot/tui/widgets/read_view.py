"""The text a model read, each character coloured by its surprise or its rank.

A `StreamView` (the Line API view of the write panel: wrapping, cursor, and
drawing only the rows on screen) whose colours come from a reading instead of
the writer's probabilities; a 100,000-character text scrolls as lightly as a
short one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.style import Style

from seussbot.tui.widgets.stream_view import StreamView
from seussbot.tui.widgets.surprise_scale import STYLE_CLASSES, Mode, style_class
from seussbot.tui.widgets.written import Written

if TYPE_CHECKING:
    from seussbot.reading import Reading


class ReadView(StreamView):
    COMPONENT_CLASSES = StreamView.COMPONENT_CLASSES | STYLE_CLASSES

    def __init__(self, placeholder: str = "", *, id: str | None = None) -> None:
        super().__init__(placeholder, id=id)
        self.reading: Reading | None = None
        self.mode: Mode = "surprise"

    def show(self, reading: "Reading") -> None:
        """Show a reading from its start; word-level tokens are spaced as written."""
        self.reading = reading
        self.clear()
        join = "" if reading.vocab.level == "char" else " "
        self.append([Written(token + join, None if p != p else float(p)) for token, p in zip(reading.tokens, reading.prob)])
        self.scroll_home(animate=False)

    def set_mode(self, mode: Mode) -> None:
        self.mode = mode
        self._style_cache.clear()
        self.refresh()

    def token_at(self, pos: int) -> int:
        """The token a character position belongs to (-1 for none)."""
        return self.written.piece_of[pos] if 0 <= pos < len(self.written.piece_of) else -1

    def _style_at(self, pos: int, base: Style, at_cursor: bool) -> Style:
        reading = self.reading
        token = self.token_at(pos)
        if reading is None or token < 0:
            return super()._style_at(pos, base, at_cursor)
        key = (style_class(self.mode, float(reading.bits[token]), int(reading.rank[token])), at_cursor)
        style = self._style_cache.get(key)
        if style is None:
            style = base + self.get_component_rich_style(key[0])
            if at_cursor:
                style += self.get_component_rich_style("stream-view--cursor")
            self._style_cache[key] = style
        return style
