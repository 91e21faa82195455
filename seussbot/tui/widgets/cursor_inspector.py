"""What the model weighed at the character under the cursor: its probability, the entropy,
the candidates as bars, and the mistake the character belongs to."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
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
        bars = Table.grid(padding=(0, 1))
        bars.add_column(no_wrap=True, min_width=3)
        bars.add_column(no_wrap=True)
        bars.add_column(justify="right", no_wrap=True)
        top = max((p for _, p in candidates), default=1.0) or 1.0
        for candidate, p in candidates:
            style = "bold" if candidate == token else ""
            filled = p / top * BAR
            bar = "█" * int(filled) + ("▌" if filled - int(filled) >= 0.5 else "")
            bars.add_row(Text(shown(candidate), style=style), Text(bar or "▏", style=style), f"{p:.0%}")
        rank = next((i + 1 for i, (c, _) in enumerate(candidates) if c == token), None)
        where = f"its choice #{rank}" if rank else f"not among its top {len(candidates)}"
        parts: list = [head, Text(f"the model weighed ({where}):", style="dim"), bars]
        if mistake:
            parts.append(Text(mistake, style="italic"))
        self.update(Group(*parts))

    def show_nothing(self, why: str) -> None:
        self.update(Text(why, style="dim"))
