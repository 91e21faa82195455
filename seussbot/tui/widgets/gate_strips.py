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

    def show(self, tokens: list[str], values: torch.Tensor, scale: Scale, order: list[int]) -> None:
        """New values (characters, units) on a new scale, rows in `order`."""
        self.tokens, self.scale, self.order = tokens, scale, order
        self.levels = _levels(values, scale)
        self._styles.clear()
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
        levels = self.levels[self.start : stop, unit].tolist()
        for offset, level in enumerate(levels):
            at_cursor = self.start + offset == self.cursor
            segments.append(Segment("▏" if at_cursor else " ", self._style(level, at_cursor, base)))
        return Strip(segments).extend_cell_length(width, base).crop(0, width)

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
