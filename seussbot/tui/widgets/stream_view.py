"""Streaming text, coloured by how sure the model was of each character.

Built on Textual's Line API: a ScrollView whose `render_line` draws only the
rows on screen, so appending the ten-thousandth character costs what the
first did. Marks (mistakes) add a background tint on top of the probability
colour; a cursor, when focused, walks the text and reports where it is.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from seussbot.tui.widgets.mistake_marks import explain
from seussbot.tui.widgets.probability import PERSON, STYLE_CLASSES, band_of, style_class
from seussbot.tui.widgets.written import Mark, Written, WrittenText


class StreamView(ScrollView, can_focus=True):
    COMPONENT_CLASSES = STYLE_CLASSES | {"stream-view--cursor", "stream-view--placeholder", "stream-view--cut"}
    CUT = "…"  # drawn after a text the length cut off: its last word may be unfinished
    BINDINGS = [
        Binding("left", "cursor(-1)", "Back", show=False),
        Binding("right", "cursor(1)", "Forward", show=False),
        Binding("up", "cursor_line(-1)", "Line up", show=False),
        Binding("down", "cursor_line(1)", "Line down", show=False),
        Binding("home", "cursor_to(0)", "Start", show=False),
        Binding("end", "cursor_to(-1)", "End", show=False),
    ]

    cursor: reactive[int] = reactive(-1, always_update=True, repaint=False)  # watch_cursor repaints two lines

    class CursorMoved(Message):
        """The cursor is on a new character (or -1: on none)."""

        def __init__(self, view: "StreamView", index: int) -> None:
            super().__init__()
            self.view, self.index = view, index

    def __init__(self, placeholder: str = "", *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.written = WrittenText()
        self.placeholder = placeholder
        self.mark_styles: dict[str, Style] = {}  # kind -> style laid over the probability colour
        self._style_cache: dict[tuple, Style] = {}
        self.cut = False  # the length stopped the writing: a dim "…" follows the text
        self._base: Style | None = None  # rich_style walks every ancestor: once per stylesheet, not per line

    # -- feeding it ----------------------------------------------------------------
    soft_breaks = False  # the corpus's line breaks were a wrapper's: see WrittenText.soft_breaks

    def clear(self) -> None:
        self.written = WrittenText(width=self._wrap_width(), soft_breaks=self.soft_breaks)
        self.cursor = -1
        self.cut = False
        self._sync_size()

    def show_cut(self) -> None:
        """The length ran out: end the text with a dim "…", so an unfinished last word reads as cut, not wrong."""
        self.cut = True
        self.refresh()

    def append(self, pieces: list[Written]) -> None:
        """Add written pieces; keeps following the end if the view was at the bottom."""
        following = self.scroll_offset.y >= self.max_scroll_y
        self.written.append(pieces)
        self._sync_size()
        if following:
            self.scroll_to(y=self.max_scroll_y, animate=False, immediate=True)

    def add_marks(self, marks: list[Mark]) -> None:
        self.written.add_marks(marks)
        self.refresh()

    @property
    def text(self) -> str:
        return self.written.text

    # -- layout and drawing --------------------------------------------------------
    def _wrap_width(self) -> int:
        return max(8, self.scrollable_content_region.width or self.size.width or 80)

    def _sync_size(self) -> None:
        self.virtual_size = Size(self.written.width, len(self.written.lines))
        self.refresh()

    def on_resize(self) -> None:
        self.written.set_width(self._wrap_width())
        self._sync_size()

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self._base = self._base or self.rich_style
        row = self.scroll_offset.y + y
        written = self.written
        if not written.chars:
            if y == 0 and self.placeholder:
                style = base + self.get_component_rich_style("stream-view--placeholder")
                return Strip([Segment(self.placeholder[:width], style)]).extend_cell_length(width, base)
            return Strip.blank(width, base)
        if row >= len(written.lines):
            return Strip.blank(width, base)
        start, end = written.lines[row]
        segments: list[Segment] = []
        run: list[str] = []
        run_style: Style | None = None
        cursor = self.cursor if self.has_focus else -1
        for pos in range(start, end):
            char = written.chars[pos]
            if char == "\n":
                char = " " if pos == cursor or not written.is_hard_break(pos) else ""  # a soft break reads as a space
                if not char:
                    continue
            style = self._style_at(pos, base, pos == cursor)
            if style is not run_style and run:
                segments.append(Segment("".join(run), run_style))
                run = []
            run.append(char)
            run_style = style
        if run:
            segments.append(Segment("".join(run), run_style))
        if self.cut and row == len(written.lines) - 1:
            segments.append(Segment(self.CUT, base + self.get_component_rich_style("stream-view--cut")))
        return Strip(segments).extend_cell_length(width, base).crop(0, width)

    def _style_at(self, pos: int, base: Style, at_cursor: bool) -> Style:
        piece = self.written.piece_at(pos)
        band = PERSON if piece is not None and piece.by_person else band_of(piece.prob if piece else None)
        key = (band, self.written.mark_of.get(pos), at_cursor)
        cache = self._style_cache
        style = cache.get(key)
        if style is None:
            style = base + self.get_component_rich_style(style_class(key[0]))
            mark = self.written.mark_at(pos)
            if mark is not None and mark.kind in self.mark_styles:
                style += self.mark_styles[mark.kind]
            if at_cursor:
                style += self.get_component_rich_style("stream-view--cursor")
            cache[key] = style
        return style

    def notify_style_update(self) -> None:
        self._base = None
        getattr(self, "_style_cache", {}).clear()  # the theme or stylesheet changed: component styles are new
        super().notify_style_update()

    def set_mark_styles(self, styles: dict[str, Style]) -> None:
        self.mark_styles = styles
        self._style_cache.clear()
        self.refresh()

    # -- the cursor ----------------------------------------------------------------
    def on_focus(self) -> None:
        # No cursor until one is asked for (an arrow key, a click): focus coming back after writing
        # or after Esc must not name a mistake nobody pointed at.
        self.refresh()

    def on_click(self, event: events.Click) -> None:
        """A click puts the cursor on the character under the mouse."""
        pos = self._pos_at(event.get_content_offset(self))
        if pos is not None:
            self.screen.set_focus(self)
            self._move_to(pos)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        """Hovering a marked character shows what the mark means."""
        pos = self._pos_at(event.get_content_offset(self))
        mark = self.written.mark_at(pos) if pos is not None else None
        tip = explain(mark) if mark is not None else None
        if tip != self.tooltip:
            self.tooltip = tip

    def _pos_at(self, offset) -> int | None:
        """The character drawn at a content offset, or None where there is none."""
        if offset is None or not self.written.chars:
            return None
        row = self.scroll_offset.y + offset.y
        if not 0 <= row < len(self.written.lines):
            return None
        start, end = self.written.lines[row]
        drawn = [pos for pos in range(start, end) if not self.written.is_hard_break(pos)]  # as render_line draws
        if not drawn:
            return start if start < len(self.written.chars) else None
        return drawn[min(offset.x, len(drawn) - 1)] if offset.x >= 0 else None

    def watch_cursor(self, old: int, new: int) -> None:
        """Repaint only the lines the cursor left and entered (a scroll repaints the rest)."""
        if not self.has_focus:
            return  # no cursor is drawn
        lines = {self.written.line_of(pos) for pos in (old, new) if 0 <= pos < len(self.written.chars)}
        for line in lines:
            self.refresh_line(line)

    def on_blur(self) -> None:
        self.refresh()

    def action_cursor(self, delta: int) -> None:
        if self.cursor < 0:  # the first press shows the cursor, on the last character
            self._move_to(len(self.written.chars) - 1)
            return
        self._move_to(self.cursor + delta)

    def action_cursor_to(self, pos: int) -> None:
        self._move_to(pos if pos >= 0 else len(self.written.chars) - 1)

    def action_cursor_line(self, delta: int) -> None:
        written = self.written
        if not written.chars:
            return
        line = written.line_of(max(0, self.cursor))
        target = min(len(written.lines) - 1, max(0, line + delta))
        column = max(0, self.cursor) - written.lines[line][0]
        start, end = written.lines[target]
        self._move_to(min(start + column, max(start, end - 1)))

    def _move_to(self, pos: int) -> None:
        if not self.written.chars:
            return
        self.cursor = min(len(self.written.chars) - 1, max(0, pos))
        line = self.written.line_of(self.cursor)
        if not self.scroll_offset.y <= line < self.scroll_offset.y + self.scrollable_content_region.height:
            self.scroll_to(y=max(0, line - self.scrollable_content_region.height // 2), animate=False)
        self._cursor_moved()

    def _cursor_moved(self) -> None:
        self.post_message(self.CursorMoved(self, self.cursor))
