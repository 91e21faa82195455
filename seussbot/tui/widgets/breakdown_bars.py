"""The error breakdown of Karpathy, Johnson & Fei-Fei as bars: one per kind, with count and share.

The kind of the error under the cursor is drawn highlighted, so moving
through the text shows which bar each error belongs to.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

if TYPE_CHECKING:
    from seussbot.reading import Reading

BAR = "█"
PARTS = " ▏▎▍▌▋▊▉"  # eighths, so short bars still differ


class BreakdownBars(Widget):
    COMPONENT_CLASSES = {"breakdown-bars--bar", "breakdown-bars--label", "breakdown-bars--current", "breakdown-bars--dim"}
    current: reactive[str | None] = reactive(None)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.reading: Reading | None = None

    def show(self, reading: "Reading") -> None:
        self.reading = reading
        self.refresh(layout=True)

    def get_content_height(self, container, viewport, width: int) -> int:
        return 8

    def render(self) -> Text:
        from seussbot.reading import CATEGORIES

        dim = self.get_component_rich_style("breakdown-bars--dim")
        reading = self.reading
        if reading is None:
            return Text("The breakdown appears once the model has read.", dim)
        errors = reading.errors
        width = max(4, self.size.width - 15 - 14)
        largest = max(reading.breakdown.values(), default=0) or 1  # the largest kind fills the width
        out = Text(no_wrap=True, overflow="ellipsis")
        share_read = errors / reading.read_count if reading.read_count else 0.0
        out.append(f"{errors:,} errors ({share_read:.0%} of all)\n", dim)
        for kind in CATEGORIES:
            count = reading.breakdown[kind]
            share = count / errors if errors else 0.0
            here = kind == self.current
            label = self.get_component_rich_style("breakdown-bars--current" if here else "breakdown-bars--label")
            out.append(f"{kind:<15}", label)
            out.append(_bar(count / largest, width).ljust(width), self.get_component_rich_style("breakdown-bars--bar"))
            out.append(f"  {count:>7,} {share:>4.0%}\n", label)
        return out


def _bar(fraction: float, width: int) -> str:
    """`fraction` of `width` cells, to an eighth of a cell."""
    eighths = round(fraction * width * 8)
    full, part = divmod(eighths, 8)
    return BAR * full + (PARTS[part] if part else "")
