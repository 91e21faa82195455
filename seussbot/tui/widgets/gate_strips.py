"""Gate and cell strips: one row per unit, one column per character, coloured by value.

Like LSTMVis's heat map, for the characters around the cursor. Drawn with the
Line API: only the rows on screen are built, from shade levels computed once
per layer and gate, so moving the cursor costs a few rows of segments.
"""

from __future__ import annotations

import torch
from rich.segment import Segment
from rich.style import Style
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from seussbot.tui.widgets.value_scale import STEPS, Scale

LABEL = 6  # "▶ 123 "


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
        self.start = 0  # the first character shown
        self._styles: dict[tuple[int, bool], Style] = {}
        self._rows: dict[tuple[int, int, int], list[Segment]] = {}  # (unit, start, stop) -> cells, cursor-free

    def show(self, tokens: list[str], values: torch.Tensor, scale: Scale, order: list[int]) -> None:
        """New values (characters, units) on a new scale, rows in `order`."""
        self.tokens, self.scale, self.order = tokens, scale, order
        self.levels = _levels(values, scale)
        self._styles.clear()
        self._rows.clear()
        self.virtual_size = Size(self.size.width, len(order) + 1)
        self._keep_cursor_in_view()
        self.refresh()

    def set_cursor(self, cursor: int) -> None:
        self.cursor = cursor
        self._keep_cursor_in_view()
        self.refresh()

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
        base = self.rich_style
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
        label_style = base + self.get_component_rich_style(
            "gate-strips--selected" if unit == self.selected else "gate-strips--label"
        )
        segments = [Segment(f"{'▶' if unit == self.selected else ' '}{unit:>4} ", label_style)]
        cells = self._cells(unit, stop, base)
        offset = self.cursor - self.start
        if 0 <= offset < len(cells):  # only the cursor's cell differs from the cached row
            cells = cells.copy()
            cells[offset] = Segment("▏", self._style(int(self.levels[self.cursor, unit]), True, base))
        return Strip([*segments, *cells]).extend_cell_length(width, base).crop(0, width)

    def _cells(self, unit: int, stop: int, base: Style) -> list[Segment]:
        """One unit's coloured cells from `start` to `stop`, built once per window (cursor moves reuse them)."""
        key = (unit, self.start, stop)
        cells = self._rows.get(key)
        if cells is None:
            assert self.levels is not None
            levels = self.levels[self.start : stop, unit].tolist()
            cells = self._rows[key] = [Segment(" ", self._style(level, False, base)) for level in levels]
        return cells

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
