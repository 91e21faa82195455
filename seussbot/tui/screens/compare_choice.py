"""Which networks take part in a comparison (all four unless the person unticks some), and for how long."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, SelectionList

from seussbot import defaults
from seussbot.compare import COMPARE_CELLS, NGRAM

BLURBS = {
    "rnn": "vanilla RNN: one tanh layer, memory fades step by step",
    "lstm": "LSTM: gates decide what the cell keeps and forgets",
    "gru": "GRU: two gates, a lighter LSTM",
    NGRAM: "n-gram: counts, no memory beyond its last few tokens",
}


# Minutes of training a comparison may take in all, which `m` steps through. A rule that reaches far
# back takes thousands of steps: homecoming's LSTM first named the right hero half the time after
# 3,924 to more than 7,000 steps (three seeds), about 30 to 60 minutes of two networks on 2 cores.
TIMES = (2.0, 5.0, defaults.COMPARE_MINUTES, 30.0, 60.0)


@dataclass(frozen=True)
class CompareChoice:
    cells: tuple[str, ...]  # at least one network
    minutes: float  # training time of all the networks together


class CompareChoiceScreen(ModalScreen[CompareChoice | None]):
    """Dismisses with the chosen cells and time, or None if cancelled."""

    CSS_PATH = "compare.tcss"
    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("enter", "start", "Compare", priority=True),
        Binding("m", "next_time", "Time", priority=True),
    ]

    def __init__(self, corpus: str) -> None:
        super().__init__()
        self.corpus = corpus
        self.minutes = defaults.COMPARE_MINUTES

    def compose(self) -> ComposeResult:
        with Vertical(id="compare-choice-box") as box:
            box.border_title = f"Compare on {self.corpus}"
            yield Label("Space ticks or unticks; Enter starts. Each network gets about the LSTM's number of weights.")
            yield SelectionList[str](*[(BLURBS[cell], cell, True) for cell in COMPARE_CELLS], id="compare-cells")
            yield Label(self._time_text(), id="compare-time")
            yield Label("", id="compare-choice-error", classes="-problem")

    def on_mount(self) -> None:
        self.query_one(SelectionList).focus()

    @on(SelectionList.SelectedChanged)
    def _changed(self) -> None:
        self.query_one("#compare-choice-error", Label).update("")

    def action_start(self) -> None:
        chosen = tuple(cell for cell in COMPARE_CELLS if cell in self.query_one(SelectionList).selected)
        if not any(cell != NGRAM for cell in chosen):
            self.query_one("#compare-choice-error", Label).update("Tick at least one network: rnn, lstm or gru.")
            return
        self.dismiss(CompareChoice(chosen, self.minutes))

    def action_next_time(self) -> None:
        self.minutes = TIMES[(TIMES.index(self.minutes) + 1) % len(TIMES)]  # it starts at one of them
        self.query_one("#compare-time", Label).update(self._time_text())

    def _time_text(self) -> str:
        return (
            f"[b]m[/] time: {self.minutes:g} min in all, shared by the networks. "
            "A rule that reaches far back (homecoming's hero) needs 30 min or more on a small CPU."
        )

    def action_cancel(self) -> None:
        self.dismiss(None)
