"""Which networks take part in a comparison: all four unless the person unticks some."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, SelectionList

from seussbot.compare import COMPARE_CELLS, NGRAM

BLURBS = {
    "rnn": "vanilla RNN: one tanh layer, memory fades step by step",
    "lstm": "LSTM: gates decide what the cell keeps and forgets",
    "gru": "GRU: two gates, a lighter LSTM",
    NGRAM: "n-gram: counts, no memory beyond its last few tokens",
}


class CompareChoiceScreen(ModalScreen[tuple[str, ...] | None]):
    """Dismisses with the chosen cells (at least one network), or None if cancelled."""

    CSS_PATH = "compare.tcss"
    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("enter", "start", "Compare", priority=True)]

    def __init__(self, corpus: str) -> None:
        super().__init__()
        self.corpus = corpus

    def compose(self) -> ComposeResult:
        with Vertical(id="compare-choice-box") as box:
            box.border_title = f"Compare on {self.corpus}"
            yield Label("Space ticks or unticks; Enter starts. Each network gets about the LSTM's number of weights.")
            yield SelectionList[str](*[(BLURBS[cell], cell, True) for cell in COMPARE_CELLS], id="compare-cells")
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
        self.dismiss(chosen)

    def action_cancel(self) -> None:
        self.dismiss(None)
