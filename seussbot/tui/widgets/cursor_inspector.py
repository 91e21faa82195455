"""What the model weighed at the character under the cursor: its probability, the entropy,
the candidates as bars, and the mistake the character belongs to."""

from __future__ import annotations

from rich.console import Group
from rich.text import Text
from textual.widgets import Static

BAR = 16  # cells for the likeliest candidate: the others are drawn to its scale


def shown(token: str) -> str:
    """A token as a panel can show it (spaces and line breaks made visible)."""
    return token.replace("\n", "⏎").replace(" ", "␣")


class CursorInspector(Static):
    def show(
        self, index: int, token: str, prob: float, entropy_bits: float, candidates: list[tuple[str, float]],
        mistake: str | None = None,
    ) -> None:
        head = Text.assemble((f"'{shown(token)}'", "bold"), f" at {index:,}: p = {prob:.1%} · entropy {entropy_bits:.2f} bits")
        top = max((p for _, p in candidates), default=1.0) or 1.0
        bars = Text(no_wrap=True, overflow="ellipsis")  # plain lines, no table: this is redrawn per cursor move
        for candidate, p in candidates:
            style = "bold" if candidate == token else ""
            filled = p / top * BAR
            bar = "█" * int(filled) + ("▌" if filled - int(filled) >= 0.5 else "")
            bars.append(f"{shown(candidate):<3} ", style)
            bars.append(f"{bar or '▏':<{BAR + 1}}", style)
            bars.append(f" {p:>4.0%}\n")
        bars.rstrip()
        rank = next((i + 1 for i, (c, _) in enumerate(candidates) if c == token), None)
        where = f"its choice #{rank}" if rank else f"not among its top {len(candidates)}"
        parts: list = [head, Text(f"the model weighed ({where}):", style="dim"), bars]
        if mistake:
            parts.append(Text(mistake, style="italic"))
        # Same height for every character (the panel is sized in CSS): no layout pass per cursor move.
        self.update(Group(*parts), layout=False)

    def show_nothing(self, why: str) -> None:
        self.update(Text(why, style="dim"), layout=False)
