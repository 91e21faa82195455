"""The equations of the selected unit at the cursor, with the numbers filled in.

Written as the slides write them, each line with the gate's textbook name and
Brandon Rohrer's (possibilities, ignoring, forgetting, selection, memory); the
numbers come from `seussbot.inside.equations`, so what is shown is what was computed.
"""

from __future__ import annotations

import math

from seussbot.inside.equations import UnitStep
from seussbot.inside.tracks import track
from seussbot.tui.widgets.lines import Line, LinesView


def _names(cell: str, key: str) -> str:
    t = track(cell, key)
    return f"{t.textbook} · {t.rohrer}" if t.rohrer else t.textbook


def equation_lines(step: UnitStep) -> list[tuple[str, str, str]]:
    """(equation with numbers, the same without the weights, names) per line, in the order the
    cell computes them. The short form is for a narrow panel: the numbers always show."""
    v, cell = step.values, step.cell
    if cell == "lstm":
        c_prev, f, i, g, o, c, h = (v[k] for k in ("cell_before", "forget", "input", "candidate", "output", "cell", "hidden"))
        mix = f"{f:.2f}×{c_prev:+.2f} + {i:.2f}×{g:+.2f} = {c:+.2f}"
        return [
            (f"f = σ(W_f·[h₋₁, x] + b_f) = {f:.2f}", f"f = σ(…) = {f:.2f}", _names(cell, "forget")),
            (f"i = σ(W_i·[h₋₁, x] + b_i) = {i:.2f}", f"i = σ(…) = {i:.2f}", _names(cell, "input")),
            (f"g = tanh(W_g·[h₋₁, x] + b_g) = {g:+.2f}", f"g = tanh(…) = {g:+.2f}", _names(cell, "candidate")),
            (f"c = f·c₋₁ + i·g = {mix}", f"c = {mix}", _names(cell, "cell")),
            (f"o = σ(W_o·[h₋₁, x] + b_o) = {o:.2f}", f"o = σ(…) = {o:.2f}", _names(cell, "output")),
            (f"h = o·tanh(c) = {o:.2f}×tanh({c:+.2f}) = {h:+.2f}", f"h = o·tanh(c) = {h:+.2f}", "hidden state: what the next layer sees"),
        ]
    if cell == "gru":
        h_prev, r, z, n, h = (v[k] for k in ("hidden_before", "reset", "update", "candidate", "hidden"))
        mix = f"{1 - z:.2f}×{n:+.2f} + {z:.2f}×{h_prev:+.2f} = {h:+.2f}"
        return [
            (f"r = σ(W_r·[h₋₁, x] + b_r) = {r:.2f}", f"r = σ(…) = {r:.2f}", _names(cell, "reset")),
            (f"z = σ(W_z·[h₋₁, x] + b_z) = {z:.2f}", f"z = σ(…) = {z:.2f}", _names(cell, "update")),
            (f"n = tanh(W_xn·x + r·(W_hn·h₋₁ + b_hn)) = {n:+.2f}", f"n = tanh(…) = {n:+.2f}", _names(cell, "candidate")),
            (f"h = (1−z)·n + z·h₋₁ = {mix}", f"h = {mix}", _names(cell, "hidden")),
        ]
    h_prev, h = v["hidden_before"], v["hidden"]
    inside = math.atanh(max(-0.999999, min(0.999999, h)))
    return [
        (f"h₋₁ = {h_prev:+.2f}", f"h₋₁ = {h_prev:+.2f}", "what it remembered"),
        (f"h = tanh(W_xh·x + W_hh·h₋₁ + b) = tanh({inside:+.2f}) = {h:+.2f}", f"h = tanh({inside:+.2f}) = {h:+.2f}", "hidden state: all its memory"),
    ]


class EquationsView(LinesView):
    def show(self, step: UnitStep, token: str) -> None:
        width = self.content_region.width or 80
        lines: list[Line] = [((f"unit {step.unit} of layer {step.layer + 1}, after '{token}'", "bold"),)]
        for full, short, names in equation_lines(step):
            equation = full if len(full) <= width else short
            if len(equation) + 3 + len(names) > width:  # the names on their own line when narrow
                lines += [((equation, ""),), ((f"    {names}", "dim"),)]
            else:
                lines.append(((equation, ""), (f"   {names}", "dim")))
        self.show_lines(lines)
