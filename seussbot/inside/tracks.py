"""The named quantities of each cell, in the words of the textbook and of Brandon Rohrer.

One table, torch-free, shared by the engine, the command line and the app, so a
gate is called the same everywhere. `key` is the field name of
`seussbot.model.LayerGates`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Track:
    key: str  # LayerGates field: "forget"
    symbol: str  # as in the equations: "f"
    textbook: str  # "forget gate"
    rohrer: str  # Rohrer's name ("forgetting"), "" where he gives none
    low: float  # the range its values can take (a cell state is unbounded: its usual range)
    high: float


_I = Track("input", "i", "input gate", "ignoring", 0.0, 1.0)
_F = Track("forget", "f", "forget gate", "forgetting", 0.0, 1.0)
_O = Track("output", "o", "output gate", "selection", 0.0, 1.0)
_G = Track("candidate", "g", "candidate", "possibilities", -1.0, 1.0)
_C = Track("cell", "c", "cell state", "memory", -3.0, 3.0)
_H = Track("hidden", "h", "hidden state", "", -1.0, 1.0)
_R = Track("reset", "r", "reset gate", "", 0.0, 1.0)
_Z = Track("update", "z", "update gate", "", 0.0, 1.0)
_N = Track("candidate", "n", "candidate", "possibilities", -1.0, 1.0)

#: What the app shows per cell, in the order it offers them.
TRACKS: dict[str, tuple[Track, ...]] = {
    "lstm": (_I, _F, _O, _G, _C, _H),
    "gru": (_R, _Z, _N, _H),
    "rnn": (_H,),
}

#: The gates in the order their rows are stacked in `weight_ih_l{k}` / `weight_hh_l{k}` (PyTorch's order).
GATE_ORDER: dict[str, tuple[Track, ...]] = {
    "lstm": (_I, _F, _G, _O),
    "gru": (_R, _Z, _N),
    "rnn": (_H,),
}


def tracks_of(cell: str) -> tuple[Track, ...]:
    return TRACKS[cell]


def track(cell: str, key: str) -> Track:
    """The track `key` of `cell`; a KeyError names what exists."""
    for t in TRACKS[cell]:
        if t.key == key:
            return t
    raise KeyError(f"{cell} has no {key!r}; it has {', '.join(t.key for t in TRACKS[cell])}")
