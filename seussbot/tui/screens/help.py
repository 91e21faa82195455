"""`?`: every key of the screen underneath, read from its bindings, and what the colours mean."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from seussbot.tui.widgets.probability import BANDS

ABOUT_STUDIO = (
    "The chart shows the loss in bits per character: how many yes/no questions the network "
    "still needs per character (lower is better). Train is measured on the text it learns from, "
    "validation on text it never trains on; when validation rises while train falls, it is memorising.\n\n"
    "Written text is coloured by the probability the model gave each character before choosing it: "
    + ", ".join(f"{band.name} ({band.span})" for band in BANDS)
    + ". Tab into the text and move with the arrow keys to see what else it weighed."
)
ABOUT_LIBRARY = (
    "Enter on a corpus starts training a fresh network on it, sized to the corpus; c, l, p and m change "
    "the cell, the level, the size and the time first. Enter on a saved model opens it to write with "
    "or keep training. Drop a text file onto the terminal (or press i) to add your own corpus."
)


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,question_mark,q", "dismiss", "Close")]

    def __init__(self, underneath: Screen) -> None:
        super().__init__()
        self.underneath = underneath

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box") as box:
            box.border_title = "Keys"
            box.border_subtitle = "escape closes"
            yield Static(self._keys(), id="help-keys")
            studio = type(self.underneath).__name__ == "StudioScreen"
            about = getattr(self.underneath, "help_about", None)  # a screen may say what it shows
            yield Static(about or (ABOUT_STUDIO if studio else ABOUT_LIBRARY), id="help-about", markup=False)
            if studio:
                yield Static(self._mistakes(), id="help-mistakes")

    def _mistakes(self) -> Table:
        """Every kind of mistake the detectors can mark, in its colour, with its explanation."""
        from seussbot.mistakes import KINDS

        table = Table.grid(padding=(0, 1))
        table.add_column(no_wrap=True)
        table.add_column()
        table.title = "Mistakes: tinted behind the letters; put the cursor on one to read what it is"
        table.title_justify = "left"
        table.title_style = "bold"
        for kind in KINDS.values():
            table.add_row(Text("■ " + kind.label, style=kind.colour), Text(kind.explanation))
        return table

    def _keys(self) -> Table:
        """Every key of the screen underneath (one row per key, its meanings joined), then the app's."""
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        rows: dict[str, list[str]] = {}
        for binding in [*self.underneath.BINDINGS, *self.app.BINDINGS]:
            if not isinstance(binding, Binding) or not binding.description:
                continue
            keys = " / ".join(self.app.get_key_display(Binding(key, "")) for key in binding.key.split(","))
            meanings = rows.setdefault(keys, [])
            if binding.description not in meanings:
                meanings.append(binding.description)
        for keys, meanings in rows.items():
            table.add_row(keys, " / ".join(meanings))
        studio = type(self.underneath).__name__ == "StudioScreen"
        extra = getattr(self.underneath, "help_keys", None)  # a screen may name its widgets' own keys
        for keys, meaning in (extra or (EXTRA_STUDIO if studio else EXTRA_LIBRARY)):
            table.add_row(keys, meaning)
        return table


# Keys no binding of the screen names: the app's, the widgets' own, and the mouse.
EXTRA_COMMON = (
    ("ctrl+p", "Command palette: type a few letters of any action (\"tr\" finds Train)"),
    ("ctrl+q", "Quit at once, saving whatever trains"),
)
EXTRA_STUDIO = (
    ("tab", "Into the written text (or the prompt); shift+tab goes back"),
    ("← → ↑ ↓ home end", "Move the cursor through the written text: what the model weighed, what a mark means"),
    ("mouse", "Click a character to put the cursor there; the wheel scrolls the timeline"),
    ("paste", "Pasted text (or keys arriving faster than anyone types) goes into the prompt"),
    *EXTRA_COMMON,
)
EXTRA_LIBRARY = (
    ("↑ ↓", "Move through the corpora and saved models"),
    ("/ or ~", "Start typing the path of a text file to import it"),
    ("paste", "Paste or drop a file's path to import it"),
    *EXTRA_COMMON,
)
