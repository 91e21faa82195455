"""The two lists beside the look-inside view: cells that mean something, and the weights by matrix."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from seussbot.inside.cells import CellFinding
from seussbot.inside.weights import WeightMatrix


class CellsList(OptionList):
    """The units found, best first; choosing one shows it in the strips."""

    findings: list[CellFinding] = []  # none until found: `show` sets the list this view's options name

    def forget(self) -> None:
        """No units: they were found for other weights."""
        self.clear_options()
        self.findings = []

    def show(self, findings: list[CellFinding]) -> None:
        self.clear_options()
        self.findings = findings
        self.add_options(
            [
                Option(f"unit {f.unit:>3} of layer {f.layer + 1} ({f.track}): '{f.feature_name}', r = {f.r:+.2f}", id=str(i))
                for i, f in enumerate(findings)
            ]
        )
        if findings:
            self.highlighted = 0


class WeightsTable(Static):
    def show(self, matrices: list[WeightMatrix], total: int) -> None:
        table = Table(box=None, padding=(0, 1), show_header=True, header_style="bold")
        for column, justify in (("matrix", "left"), ("layer", "right"), ("gate", "left"), ("shape", "right"), ("weights", "right")):
            table.add_column(column, justify=justify, no_wrap=True)  # type: ignore[arg-type]
        for m in matrices:
            table.add_row(m.name, "" if m.layer is None else str(m.layer), m.gate or "", f"{m.rows}×{m.cols}", f"{m.count:,}")
        table.add_row(Text("total", style="bold"), "", "", "", Text(f"{total:,}", style="bold"))
        self.update(table)
