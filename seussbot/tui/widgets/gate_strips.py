"""Gate and cell strips: one row per unit, one column per character, coloured by value.

Like LSTMVis's heat map, for the characters around the cursor. Drawn with the
Line API: only the rows on screen are built, from shade levels computed once
per layer and gate, and each row's strip is kept without the cursor. Moving
the cursor inside the window repaints the header row at once (the cursor's
character) and the cursor's column through every row a moment later, once
the arrows stop: each row with its cursor cell is a new strip that Textual
renders and filters whole, 4.4 of the view's 9 ms per arrow (in-process, idle),
and a held arrow key would pay that for every character it passes.
"""

from __future__ import annotations

import torch
from rich.segment import Segment
from rich.style import Style
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from seussbot.tui.widgets.value_scale import STEPS, Scale

LABEL = 6  # "▶ 123 "
COLUMN_AFTER_S = 0.06  # the cursor's column is marked this long after the last move


class GateStrips(ScrollView):
    COMPONENT_CLASSES = {
        "gate-strips--label", "gate-strips--selected", "gate-strips--cursor", "gate-strips--text",
        "gate-strips--low", "gate-strips--high",  # the ends of the colour scale
    }

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.tokens: list[str] = []
        self.levels: torch.Tensor | None = None  # (characters, units) shade levels
        self.scale: Scale | None = None
        self.order: list[int] = []  # units, top row first
        self.selected = 0
        self.cursor = 0
        self.marked = 0  # the column marked through the rows: the cursor's, once it rests
        self._mark_later = None  # the timer that marks it
        self.start = 0  # the first character shown
        self._base: Style | None = None  # rich_style walks every ancestor: once per stylesheet, not per row
        self._styles: dict[tuple[int, bool], Style] = {}
        self._at_cursor: tuple[int, list[int]] = (-1, [])
        self._rows: dict[tuple[int, int, int, int, bool], Strip] = {}  # (unit, start, stop, width, selected) -> row, cursor-free

    def show(self, tokens: list[str], values: torch.Tensor, scale: Scale, order: list[int]) -> None:
        """New values (characters, units) on a new scale, rows in `order`."""
        self.tokens, self.scale, self.order = tokens, scale, order
        self.levels = _levels(values, scale)
        self.marked = self.cursor
        self._at_cursor = (-1, [])
        self._styles.clear()
        self._rows.clear()
        self.virtual_size = Size(self.size.width, len(order) + 1)
        self._keep_cursor_in_view()
        self.refresh()

    def clear(self) -> None:
        """Show nothing: a new text is being read, and the old values are not its."""
        self.tokens, self.levels, self.scale, self.order = [], None, None, []
        self.cursor = self.marked = self.start = 0
        self._at_cursor = (-1, [])
        self._rows.clear()
        self.virtual_size = Size(self.size.width, 1)
        self.refresh()

    def set_cursor(self, cursor: int) -> None:
        """Move the cursor: the header row now, the column through the rows once the cursor rests."""
        start = self.start
        self.cursor = cursor
        self._keep_cursor_in_view()
        if self.start != start or self.levels is None:
            self._rows.clear()  # a new window: the kept rows are for the old one
            self.marked = cursor
            self.refresh()
            return
        self.refresh(Region(0, 0, max(1, self.size.width), 1))
        if self._mark_later is not None:
            self._mark_later.stop()
        self._mark_later = self.set_timer(COLUMN_AFTER_S, self._mark_column)

    def _mark_column(self) -> None:
        """Repaint the old and the new marked column (two one-cell-wide regions through the rows)."""
        old, self.marked, self._mark_later = self.marked, self.cursor, None
        height = max(1, self.size.height)
        self.refresh(*(Region(LABEL + c - self.start, 0, 1, height) for c in {old, self.marked} if c >= self.start))

    def select(self, unit: int) -> None:
        """Mark `unit` (its equations are shown) and scroll its row into view."""
        self.selected = unit
        if unit in self.order:
            row = self.order.index(unit) + 1
            height = max(2, self.scrollable_content_region.height)
            if not self.scroll_offset.y < row < self.scroll_offset.y + height:
                self.scroll_to(y=max(0, row - height // 2), animate=False, immediate=True)
        self.refresh()

    def notify_style_update(self) -> None:
        self._base = None
        getattr(self, "_styles", {}).clear()
        getattr(self, "_rows", {}).clear()
        super().notify_style_update()

    def _columns(self) -> int:
        return max(1, (self.scrollable_content_region.width or self.size.width) - LABEL)

    def _keep_cursor_in_view(self) -> None:
        columns, n = self._columns(), len(self.tokens)
        if not self.start <= self.cursor < self.start + columns:
            self.start = max(0, min(n - columns, self.cursor - columns // 2))

    def on_resize(self) -> None:
        self.virtual_size = Size(self.size.width, len(self.order) + 1)
        self._keep_cursor_in_view()

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self._base = self._base or self.rich_style
        if self.levels is None or not self.order:
            return Strip.blank(width, base)
        columns = self._columns()
        stop = min(len(self.tokens), self.start + columns)
        if y == 0:
            return self._header(base, stop).extend_cell_length(width, base).crop(0, width)
        row = self.scroll_offset.y + y - 1
        if row >= len(self.order):
            return Strip.blank(width, base)
        unit = self.order[row]
        strip = self._row(unit, stop, width, base)
        x = LABEL + self.marked - self.start
        if not self.start <= self.marked < stop or x >= width:
            return strip
        left, _, right = strip.divide([x, x + 1, width])  # only the cursor's cell differs from the kept row
        cursor = Segment("▏", self._style(self._cursor_levels()[unit], True, base))
        return Strip.join([left, Strip([cursor], 1), right])

    def _cursor_levels(self) -> list[int]:
        """Every unit's shade at the marked column, read from the tensor once per move, not once per row."""
        if self._at_cursor[0] != self.marked:
            assert self.levels is not None
            self._at_cursor = (self.marked, self.levels[self.marked].tolist())
        return self._at_cursor[1]

    def _row(self, unit: int, stop: int, width: int, base: Style) -> Strip:
        """One unit's label and coloured cells from `start` to `stop`, built once per window;
        neighbours of one shade share a segment, so the strip stays short."""
        chosen = unit == self.selected
        key = (unit, self.start, stop, width, chosen)
        strip = self._rows.get(key)
        if strip is None:
            assert self.levels is not None
            label_style = base + self.get_component_rich_style("gate-strips--selected" if chosen else "gate-strips--label")
            segments = [Segment(f"{'▶' if chosen else ' '}{unit:>4} ", label_style)]
            levels = self.levels[self.start : stop, unit].tolist()
            run_start = 0
            for i in range(1, len(levels) + 1):
                if i == len(levels) or levels[i] != levels[run_start]:
                    segments.append(Segment(" " * (i - run_start), self._style(levels[run_start], False, base)))
                    run_start = i
            strip = self._rows[key] = Strip(segments).extend_cell_length(width, base).crop(0, width)
        return strip

    def _header(self, base: Style, stop: int) -> Strip:
        text_style = base + self.get_component_rich_style("gate-strips--text")
        cursor_style = base + self.get_component_rich_style("gate-strips--cursor")
        segments = [Segment(" unit ", text_style)]
        for index in range(self.start, stop):
            char = self.tokens[index][:1].replace("\n", "⏎").replace(" ", "·")
            segments.append(Segment(char, cursor_style if index == self.cursor else text_style))
        return Strip(segments)

    def _style(self, level: int, at_cursor: bool, base: Style) -> Style:
        key = (level, at_cursor)
        style = self._styles.get(key)
        if style is None:
            assert self.scale is not None
            style = base + self.scale.style(level)
            if at_cursor:
                style += Style(color=self.get_component_rich_style("gate-strips--cursor").bgcolor)
            self._styles[key] = style
        return style


def _levels(values: torch.Tensor, scale: Scale) -> torch.Tensor:
    """Each value's shade level (-STEPS..STEPS), all at once."""
    if scale.signed:
        reach = max(abs(scale.low), abs(scale.high)) or 1.0
        return (values / reach * STEPS).round().clamp(-STEPS, STEPS).to(torch.int8)
    span = (scale.high - scale.low) or 1.0
    return ((values - scale.low) / span * STEPS).round().clamp(0, STEPS).to(torch.int8)
