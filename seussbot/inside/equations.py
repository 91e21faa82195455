"""One unit's equations at one character, with the numbers filled in.

The app writes them out as the slides do (c_t = f ⊙ c_{t-1} + i ⊙ g, ...);
this module only collects the numbers, in the order the equations use them,
so the view's text reads exactly like the code that computed them
(`seussbot.inside.recurrence`).
"""

from __future__ import annotations

from dataclasses import dataclass

from seussbot.inside.reading import Reading


@dataclass(frozen=True)
class UnitStep:
    """What unit `unit` of layer `layer` did at character t (the previous state included)."""

    cell: str
    layer: int
    unit: int
    t: int
    values: dict[str, float]  # Track keys, plus "cell_before" / "hidden_before"

    def __getitem__(self, key: str) -> float:
        return self.values[key]


def unit_step(reading: Reading, layer: int, unit: int, t: int) -> UnitStep:
    tracks = reading.tracks[layer]
    if not tracks:
        raise ValueError("the reading was made without gates")
    values = {key: float(series[t, unit]) for key, series in tracks.items()}
    values["hidden_before"] = float(reading.before(layer, "hidden", t)[unit])
    if reading.cell == "lstm":
        values["cell_before"] = float(reading.before(layer, "cell", t)[unit])
    return UnitStep(reading.cell, layer, unit, t, values)
