"""The key to the stream's colours: one swatch per probability band."""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget

from seussbot.tui.widgets.probability import BANDS, PROMPT_CLASS, STYLE_CLASSES


class ProbLegend(Widget):
    """Draws with the same component classes as the stream view, so the colours always match."""

    COMPONENT_CLASSES = STYLE_CLASSES | {"prob-legend--label"}

    def render(self) -> Text:
        label = self.get_component_rich_style("prob-legend--label")
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append("how sure  ", label)
        for band in BANDS:
            text.append(band.span, self.get_component_rich_style(band.style_class))
            text.append("  ", label)
        text.append("prompt", self.get_component_rich_style(PROMPT_CLASS))
        return text
