"""The right side of the library: what the highlighted corpus or model is."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Label, Static

from seussbot.store import ModelSummary
from seussbot.tui import format as fmt
from seussbot.tui.screens.catalog import CorpusDetails, CorpusEntry
from seussbot.tui.screens.choices import TrainChoice


class LibraryDetails(VerticalScroll):
    def compose(self) -> ComposeResult:
        yield Label("", id="details-title")
        yield Label("", id="details-description")
        yield Label("", id="details-facts")
        yield Static("", id="details-settings")
        yield Label("", id="details-action")
        yield Static("", id="details-preview")

    def show_corpus(self, entry: CorpusEntry, details: CorpusDetails | None, choice: TrainChoice) -> None:
        manifest = entry.manifest
        self.border_title = "Corpus"
        self._set("#details-title", f"{manifest.title} · {entry.name}" if manifest.title != entry.name else entry.name)
        self._set("#details-description", manifest.description or f"Your text, imported as '{entry.name}'.")
        if details is None:
            facts = "reading…"
        elif details.error:
            facts = details.error
        else:
            s = details.stats
            facts = (
                f"{fmt.count(s.chars)} characters · {fmt.count(s.words)} words · {fmt.count(s.lines)} lines · "
                f"{s.distinct_chars} distinct characters"
            )
        extra = [entry.source] + ([f"licence {manifest.licence}"] if manifest.licence else [])
        self._set("#details-facts", f"{facts}\n{entry.name} · " + " · ".join(extra))
        self.query_one("#details-facts").set_class(bool(details and details.error), "-problem")
        chars = details.stats.chars if details and details.stats else None
        rows = choice.describe(manifest, chars)
        settings = Content("\n").join(
            Content.assemble((f" {key} ", "bold $text-accent"), f"{name:<6}", (value, "$foreground-muted")) for key, name, value in rows
        )
        self.query_one("#details-settings", Static).update(settings)
        self._set("#details-action", "Enter: start training")
        self._set("#details-preview", details.preview if details and details.stats else "")
        self.query_one("#details-settings").display = True

    def show_model(self, summary: ModelSummary) -> None:
        self.border_title = "Saved model"
        self._set("#details-title", summary.name)
        if summary.damaged:
            self._show_damaged(summary)
            return
        cell = summary.cell.upper()
        article = "An" if cell[:1] in "AEFHILMNORSX" else "A"  # said as letters: "an LSTM", "an RNN", "a GRU"
        self._set("#details-description", f"{article} {cell} that learned '{summary.corpus}' at {summary.level} level.")
        unit = "word" if summary.level == "word" else "character"
        best = "–" if summary.best_val_loss is None else f"{fmt.bits(summary.best_val_loss):.3f} bits per {unit}"
        self._set("#details-facts", f"{fmt.count(summary.steps)} steps · best validation loss {best}\nsaved {summary.saved.replace('T', ' ')[:16]}")
        self.query_one("#details-facts").set_class(False, "-problem")
        self.query_one("#details-settings").display = False
        self._set("#details-action", "Enter: open it to write with, or to keep training")
        self._set("#details-preview", "")

    def _show_damaged(self, summary: ModelSummary) -> None:
        self._set("#details-description", "This file cannot be opened.")
        self._set("#details-facts", f"{summary.damaged}\n{summary.path}")
        self.query_one("#details-facts").set_class(True, "-problem")
        self.query_one("#details-settings").display = False
        self._set("#details-action", "Train its corpus again, or remove the file")
        self._set("#details-preview", "")

    def _set(self, selector: str, text: str) -> None:
        self.query_one(selector).update(Content(text))  # plain text: titles and previews may hold brackets
