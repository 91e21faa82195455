"""What the model weighed at the character under the cursor: its probability, the entropy,
the candidates as bars, and the mistake the character belongs to."""

from __future__ import annotations

from seussbot.tui.widgets.lines import Line, LinesView

BAR = 16  # cells for the likeliest candidate: the others are drawn to its scale


def shown(token: str) -> str:
    """A token as a panel can show it (spaces and line breaks made visible)."""
    return token.replace("\n", "⏎").replace(" ", "␣")


class CursorInspector(LinesView):
    def show(
        self, index: int, token: str, prob: float, entropy_bits: float, candidates: list[tuple[str, float]],
        mistake: str | None = None,
    ) -> None:
        top = max((p for _, p in candidates), default=1.0) or 1.0
        rank = next((i + 1 for i, (c, _) in enumerate(candidates) if c == token), None)
        where = f"its choice #{rank}" if rank else f"not among its top {len(candidates)}"
        lines: list[Line] = [
            ((f"'{shown(token)}'", "bold"), (f" at {index:,}: p = {prob:.1%} · entropy {entropy_bits:.2f} bits", "")),
            ((f"the model weighed ({where}):", "dim"),),
        ]
        for candidate, p in candidates:
            style = "bold" if candidate == token else ""
            filled = p / top * BAR
            bar = "█" * int(filled) + ("▌" if filled - int(filled) >= 0.5 else "")
            lines.append(((f"{shown(candidate):<3} ", style), (f"{bar or '▏':<{BAR + 1}}", style), (f" {p:>4.0%}", "")))
        if mistake:
            lines.append(((mistake, "italic"),))
        self.show_lines(lines)

    def show_nothing(self, why: str) -> None:
        self.show_lines([((why, "dim"),)])
