"""The colour scales of reading: surprise in bits, or the rank of the true character (GLTR's bands).

Kept in one small module, apart from the read screen, so that the look-inside
view's strips can share one scale later. Colours live in the stylesheet as
component classes (theme variables), so they read on dark and light themes.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from dataclasses import dataclass
from typing import Literal

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

Mode = Literal["surprise", "rank"]
MODES: tuple[Mode, ...] = ("surprise", "rank")


@dataclass(frozen=True)
class Step:
    floor: float  # lowest value in the step
    label: str  # how the legend spells it
    style_class: str


SURPRISE: tuple[Step, ...] = (
    Step(0.0, "<1", "scale--s0"),
    Step(1.0, "1-2", "scale--s1"),
    Step(2.0, "2-4", "scale--s2"),
    Step(4.0, "4-8", "scale--s3"),
    Step(8.0, "≥8", "scale--s4"),
)
RANK: tuple[Step, ...] = (  # GLTR: top 1, top 10, top 100, beyond
    Step(1, "1st", "scale--r0"),
    Step(2, "top 10", "scale--r1"),
    Step(11, "top 100", "scale--r2"),
    Step(101, "beyond", "scale--r3"),
)
UNKNOWN_CLASS = "scale--unknown"
STYLE_CLASSES = {s.style_class for s in SURPRISE + RANK} | {UNKNOWN_CLASS}
_FLOORS = {"surprise": [s.floor for s in SURPRISE], "rank": [s.floor for s in RANK]}


def steps_of(mode: Mode) -> tuple[Step, ...]:
    return SURPRISE if mode == "surprise" else RANK


def style_class(mode: Mode, bits: float, rank: int) -> str:
    """The class that colours one character: by its surprise or its rank; unknown when it was not read."""
    value = bits if mode == "surprise" else rank
    if (mode == "surprise" and not math.isfinite(value)) or (mode == "rank" and rank < 1):
        return UNKNOWN_CLASS
    return steps_of(mode)[max(0, bisect_right(_FLOORS[mode], value) - 1)].style_class


class ScaleLegend(Widget):
    """The key to the colours of the current scale, drawn with the same classes as the text."""

    COMPONENT_CLASSES = STYLE_CLASSES | {"scale-legend--label"}
    mode: reactive[Mode] = reactive("surprise")

    def render(self) -> Text:
        label = self.get_component_rich_style("scale-legend--label")
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append("bits  " if self.mode == "surprise" else "rank  ", label)
        for step in steps_of(self.mode):
            text.append(step.label, self.get_component_rich_style(step.style_class))
            text.append("  ", label)
        text.append("unseen", self.get_component_rich_style(UNKNOWN_CLASS))
        return text
