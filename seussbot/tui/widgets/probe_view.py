"""The corpus's rule, as the studio shows it: a line of shares per band and a chart of them.

The engine measures the probe at every evaluation (`seussbot.probe`); here each
band becomes a line on a 0-100% chart over steps, beside a dotted chance level,
and the latest shares read as one sentence whose band labels wear their line's
colour, so the chart needs no legend of its own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.content import Content
from textual.widgets import Static

from seussbot.tui.widgets.line_chart import Line, LineChart
from seussbot.tui.widgets.series import Series

if TYPE_CHECKING:
    from seussbot.grammars import ProbeSpec
    from seussbot.train import HistoryPoint

# One colour per band, shortest distance first; the chart and the line share them.
BAND_CLASSES = ("line-chart--series-5", "line-chart--series-6", "line-chart--series-7", "line-chart--series-8")
BAND_COLOURS = ("$text-success", "$text-primary", "$text-warning", "$text-error")


class ProbeChart(LineChart):
    """Share right per band (percent) against step, with the chance level."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__([], y_label="%", empty="The rule's probe appears at the first evaluation.", id=id, y_range=(0, 100), y_format="{:g}%")
        self.chance = Series()

    def set_bands(self, labels: tuple[str, ...] | list[str], chance: float) -> None:
        """One line per band (kept if already set), and chance drawn under them."""
        if len(self.lines) == len(labels) + 1:
            return
        self._chance_value = 100 * chance
        self.lines = [Line("chance", "line-chart--axis", self.chance, reference=True)] + [
            Line(label, BAND_CLASSES[i % len(BAND_CLASSES)], Series()) for i, label in enumerate(labels)
        ]

    def add(self, step: int, tokens: int, shares: list[float | None]) -> None:
        for line, share in zip(self.lines[1:], shares):
            if share is not None:
                line.series.append(step, tokens, 100 * share)
        self.chance.append(step, tokens, self._chance_value)

    def add_history(self, history: list["HistoryPoint"]) -> None:
        for point in history:
            if point.probe_bands is not None:
                self.add(point.step, point.tokens_seen, point.probe_bands)


class ProbeLine(Static):
    """'right hero at the ending, by distance: 15-40 99% · ... (chance 10%)', bands in their colours."""

    def show(self, spec: "ProbeSpec", shares: list[float | None], learned_at: int | None = None) -> None:
        """The latest shares (0..1 per band, None where no question fell), and when the rule was learned."""
        parts: list[Content | str | tuple[str, str]] = []
        if learned_at is not None:  # the notification said it in full; here it stays, short
            parts += [(f"✓ learned at step {learned_at:,}", "bold $text-success"), " · "]
        parts.append(spec.title + (f", {spec.band_heading}" if spec.band_heading and len(spec.bands) > 1 else "") + ": ")
        for i, (label, share) in enumerate(zip(spec.bands, shares)):
            text = f"{label} {'–' if share is None else f'{100 * share:.0f}%'}".strip()
            parts += [" · " if i else "", (text, f"bold {BAND_COLOURS[i % len(BAND_COLOURS)]}")]
        parts.append((f" (chance {100 * spec.chance:.0f}%)", "$foreground-muted"))
        self.update(Content.assemble(*parts))


def learned_step(history: list["HistoryPoint"], mark: float) -> int | None:
    """The first step whose probe reached `mark`, for a model reopened after it learned."""
    return next((p.step for p in history if p.probe is not None and p.probe >= mark), None)
