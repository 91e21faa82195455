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
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        seen: set[str] = set()
        bindings = [*self.underneath.BINDINGS, *self.app.BINDINGS]
        for binding in bindings:
            if not isinstance(binding, Binding) or binding.description in seen or not binding.description:
                continue
            seen.add(binding.description)
            keys = " / ".join(self.app.get_key_display(Binding(key, "")) for key in binding.key.split(","))
            table.add_row(keys, binding.description)
        return table
