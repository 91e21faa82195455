"""The colour of a gate or state value, and its key: one small module, shared by the strips.

Gates (0 to 1) run from the background to the theme's accent; signed values
(the candidate, h, the cell state) run to the primary colour below zero and to
the accent above it, so 0 is always the background. The ends come from the
stylesheet (component classes), so the scale follows the theme.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.style import Style
from rich.text import Text
from textual.color import Color
from textual.widget import Widget

STEPS = 8  # shades per side: enough for the eye, few enough to cache


@dataclass(frozen=True)
class Scale:
    low: float  # the value drawn at full low colour (0 for gates: the background)
    high: float
    background: Color
    negative: Color
    positive: Color

    @property
    def signed(self) -> bool:
        return self.low < 0

    def color(self, level: int) -> Color:
        end = self.positive if level >= 0 else self.negative
        return self.background.blend(end, abs(level) / STEPS)

    def style(self, level: int) -> Style:
        return Style(bgcolor=self.color(level).rich_color)


class ScaleKey(Widget):
    """The key under the strips: the low value, the shades, the high value."""

    DEFAULT_CSS = "ScaleKey { height: 1; }"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.scale: Scale | None = None
        self.label = ""

    def show(self, scale: Scale, label: str) -> None:
        self.scale, self.label = scale, label
        self.refresh()

    def clear(self) -> None:
        self.scale, self.label = None, ""
        self.refresh()

    def render(self) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis")
        scale = self.scale
        if scale is None:
            return text
        text.append(f"{self.label}  {scale.low:+.1f} " if scale.signed else f"{self.label}  {scale.low:.0f} ")
        first = -STEPS if scale.signed else 0
        for level in range(first, STEPS + 1):
            text.append(" ", scale.style(level))
        text.append(f" {scale.high:+.1f}" if scale.signed else f" {scale.high:.0f}")
        return text
