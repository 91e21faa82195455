"""How sure the model was of a character, in four bands the eye can tell apart.

The stream view and its legend share these bands; their colours live in the
stylesheet (theme variables), so they read on dark and light themes alike.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass


@dataclass(frozen=True)
class Band:
    floor: float  # lowest probability in the band
    name: str
    span: str  # how the legend spells the range
    style_class: str


BANDS: tuple[Band, ...] = (
    Band(0.0, "surprised", "<10%", "prob--0"),
    Band(0.1, "unsure", "10–40%", "prob--1"),
    Band(0.4, "fairly sure", "40–80%", "prob--2"),
    Band(0.8, "sure", "≥80%", "prob--3"),
)
_FLOORS = [band.floor for band in BANDS]
PROMPT_CLASS = "prob--prompt"
PERSON_CLASS = "prob--person"  # a token the person picked in choose mode, however (un)likely
PERSON = -2  # the band of a person's pick
STYLE_CLASSES = {band.style_class for band in BANDS} | {PROMPT_CLASS, PERSON_CLASS}


def band_of(prob: float | None) -> int:
    """Index into BANDS for a probability; -1 for text the model did not write (the prompt)."""
    if prob is None:
        return -1
    return max(0, bisect_right(_FLOORS, prob) - 1)


def style_class(band: int) -> str:
    if band == PERSON:
        return PERSON_CLASS
    return PROMPT_CLASS if band < 0 else BANDS[band].style_class
