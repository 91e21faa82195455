"""The first screen: corpora to train on and models saved before.

Arrow keys move through one list (corpora, then models); Enter on a corpus
starts training it, Enter on a model opens it. Corpus statistics are read in
a worker thread, so a large imported corpus never stalls the list.
"""

from __future__ import annotations

from functools import partial

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header, OptionList
from textual.widgets.option_list import Option

from seussbot.store import ModelSummary
from seussbot.tui import format as fmt
from seussbot.tui.screens.catalog import Catalog, CorpusDetails, CorpusEntry
from seussbot.tui.screens.choices import TrainChoice
from seussbot.tui.widgets.footer import KeyFooter
from seussbot.tui.widgets.library_details import LibraryDetails


class LibraryScreen(Screen):
    CSS_PATH = "library.tcss"
    BINDINGS = [
        Binding("enter", "open", "Train / open", priority=True),  # above the list's own Enter, so the footer shows it
        # Shown beside the corpus they change (the footer has no room for them at 80 columns).
        Binding("c", "cycle('cell')", "Cell", show=False),
        Binding("l", "cycle('level')", "Level", show=False),
        Binding("p", "cycle('preset')", "Size", show=False),
        Binding("m", "cycle('minutes')", "Time", show=False),
        Binding("v", "compare", "Compare"),
        Binding("i", "import_corpus", "Import"),
        Binding("g", "inside", "Look inside", show=False),
        Binding("r", "read", "Read (model)", show=False),
        # A path typed on the library (not pasted) begins with / or ~: the import dialog takes it,
        # and every key after it, so letters of the path never act as the keys above. A path that
        # arrives as a burst of keys, however it begins, goes there too (`take_text`, `bursts`).
        Binding("slash", "type_path('/')", "Type a path", show=False, priority=True),
        Binding("tilde", "type_path('~')", "Type a path", show=False, priority=True),
        Binding("question_mark", "help", "Help"),
        Binding("q", "quit", "Quit"),
    ]

    class DetailsRead(Message):
        def __init__(self, name: str, details: CorpusDetails) -> None:
            super().__init__()
            self.name, self.details = name, details

    def __init__(self, catalog: Catalog) -> None:
        super().__init__()
        self.catalog = catalog
        self.corpora: dict[str, CorpusEntry] = {}
        self.models: dict[str, ModelSummary] = {}
        self.choices: dict[str, TrainChoice] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="library"):
            items = OptionList(id="items")
            items.border_title = "Library"
            yield items
            details = LibraryDetails(id="details")
            yield details
        yield KeyFooter()

    def on_mount(self) -> None:
        self.sub_title = "pick a corpus to train, or a model to play with"
        self.reload()

    def on_screen_resume(self) -> None:
        self.items.focus()  # back from the studio or a dialog: arrows move the list again

    @property
    def items(self) -> OptionList:
        return self.query_one("#items", OptionList)

    def reload(self, highlight: str | None = None) -> None:
        """Read the corpora and models again; keep (or move) the highlight."""
        current = self.items.highlighted_option.id if self.items.highlighted_option else None
        entries = self.catalog.corpora()
        self.corpora = {entry.name: entry for entry in entries}
        self.models = {summary.name: summary for summary in self.catalog.models()}
        options: list[Option] = [Option(Content.styled("Corpora", "bold $text-primary"), disabled=True)]
        options += [Option(self._corpus_prompt(entry), id=f"corpus:{entry.name}") for entry in entries]
        options.append(Option(Content.styled("Saved models", "bold $text-primary"), disabled=True))
        if self.models:
            options += [Option(self._model_prompt(s), id=f"model:{s.name}") for s in self.models.values()]
        else:
            options.append(Option(Content.styled("  none yet: train a corpus", "dim"), disabled=True))
        items = self.items
        items.clear_options()
        items.add_options(options)
        default = self.catalog.default_corpus(entries)
        wanted = highlight or current or (f"corpus:{default}" if default else None)
        ids = [option.id for option in options]
        items.highlighted = ids.index(wanted) if wanted in ids else next((i for i, o in enumerate(options) if not o.disabled), None)

    def _corpus_prompt(self, entry: CorpusEntry) -> Content:
        size = fmt.short_count(entry.path.stat().st_size) if entry.path.exists() else "?"
        mine = " · yours" if entry.source == "imported" else ""
        title = entry.manifest.title
        name = "" if title == entry.name else f" · {entry.name}"  # the name the CLI and README use
        return Content.assemble("  ", title, (f"{name}  {size} chars{mine}", "dim"))

    def _model_prompt(self, summary: ModelSummary) -> Content:
        if summary.damaged:
            return Content.assemble("  ", summary.name, ("\n    damaged: cannot be opened", "$text-error"))
        best = "" if summary.best_val_loss is None else f" · {fmt.bits(summary.best_val_loss):.2f} bits"
        meta = f"\n    {summary.cell.upper()} · {fmt.count(summary.steps)} steps{best}"
        return Content.assemble("  ", summary.name, (meta, "dim"))

    # -- the highlighted item ----------------------------------------------------------
    @on(OptionList.OptionHighlighted, "#items")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._show(event.option.id or "")

    def _show(self, option_id: str) -> None:
        kind, _, name = option_id.partition(":")
        details = self.query_one(LibraryDetails)
        if kind == "corpus" and name in self.corpora:
            entry = self.corpora[name]
            cached = self.catalog.cached_details(entry)
            details.show_corpus(entry, cached, self.choices.get(name, TrainChoice()))
            if cached is None:
                self._read_details(entry)
        elif kind == "model" and name in self.models:
            details.show_model(self.models[name])

    @work(thread=True, exclusive=True, group="details")
    def _read_details(self, entry: CorpusEntry) -> None:
        self.post_message(self.DetailsRead(entry.name, self.catalog.details(entry)))

    @on(DetailsRead)
    def _details_read(self, message: DetailsRead) -> None:
        if self._highlighted_id() == f"corpus:{message.name}":
            self._show(f"corpus:{message.name}")

    def _highlighted_id(self) -> str:
        option = self.items.highlighted_option
        return option.id or "" if option else ""

    # -- actions -----------------------------------------------------------------------
    def action_cycle(self, field: str) -> None:
        kind, _, name = self._highlighted_id().partition(":")
        if kind != "corpus":
            self.notify("Cell, level, size and time apply to a corpus: highlight one first.", severity="warning")
            return
        self.choices[name] = self.choices.get(name, TrainChoice()).cycled(field)
        self._show(f"corpus:{name}")

    @on(OptionList.OptionSelected, "#items")
    def action_open(self) -> None:
        kind, _, name = self._highlighted_id().partition(":")
        if kind == "corpus":
            self.app.open_studio(corpus=name, choice=self.choices.get(name, TrainChoice()))
        elif kind == "model" and name in self.models and self.models[name].damaged:
            self.notify(self.models[name].damaged or "", severity="error")
        elif kind == "model":
            self.app.open_studio(model=name)

    def action_compare(self) -> None:
        kind, _, name = self._highlighted_id().partition(":")
        if kind != "corpus":
            self.notify("Compare trains networks on a corpus: highlight one first.", severity="warning")
            return
        self.app.open_compare(name)

    def action_inside(self) -> None:
        """Look inside a saved model, reading its corpus's held-out text."""
        from seussbot.tui.screens.inside import InsideRequest, InsideScreen

        kind, _, name = self._highlighted_id().partition(":")
        if kind != "model" or name not in self.models or self.models[name].damaged:
            self.notify("Highlight a saved model to look inside it.", severity="warning")
            return
        self.app.push_screen(InsideScreen(InsideRequest("", model=name, name=name)))

    def action_read(self) -> None:
        """The highlighted saved model reads its corpus's held-out text (the read screen)."""
        kind, _, name = self._highlighted_id().partition(":")
        if kind != "model" or name not in self.models or self.models[name].damaged:
            self.notify("Reading needs a saved model: highlight one first.", severity="warning")
            return
        from seussbot.tui.screens.read import ReadScreen

        self.app.push_screen(ReadScreen(model=name))

    def palette_commands(self):
        """ctrl+p: train any corpus or open any model by its name (seussbot.tui.commands)."""
        for name, entry in self.corpora.items():
            yield f"Train {entry.manifest.title} · {name}", "a fresh network, sized to the corpus", partial(self._open_item, f"corpus:{name}")
        for name in self.models:
            yield f"Open {name}", "a saved model: write with it or keep training", partial(self._open_item, f"model:{name}")

    def _open_item(self, option_id: str) -> None:
        ids = [option.id for option in self.items.options]
        if option_id in ids:
            self.items.highlighted = ids.index(option_id)
            self.action_open()

    def action_import_corpus(self) -> None:
        self.app.open_import(None)

    def action_type_path(self, first: str) -> None:
        self.app.open_import(None, typed=first)

    def take_text(self, text: str) -> bool:
        """Text that arrived at once (a burst of keys, or a paste that is no path we know) is a path being given."""
        if "\n" in text.strip():
            return False  # several lines: no path; the app says what a path looks like
        self.app.open_import(None, typed=text.strip("\n"))
        return True

    def action_help(self) -> None:
        from seussbot.tui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen(self))

    async def action_quit(self) -> None:
        await self.app.action_quit()
