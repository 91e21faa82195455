"""Import a text file as a corpus: from a pasted (dropped) path, or one typed in.

The engine checks the file; if it refuses, its one-sentence reason is shown
right here and the dialog stays open to try another path.
"""

from __future__ import annotations

from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label

from seussbot.errors import CorpusNameTaken, SeussbotError
from seussbot.tui.pasted import parse_pasted_path


class ImportScreen(ModalScreen[str | None]):
    """Dismisses with the imported corpus's name, or None if cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    class Finished(Message):
        def __init__(self, name: str | None, error: str | None, free: str | None = None) -> None:
            super().__init__()
            self.name, self.error, self.free = name, error, free

    def __init__(self, path: Path | None = None, *, typed: str = "") -> None:
        super().__init__()
        self.initial = typed if path is None else str(path)
        self.typing = bool(typed)  # a path being typed: keep the focus in it

    def compose(self) -> ComposeResult:
        with Vertical(id="import-box") as box:
            box.border_title = "Import a corpus"
            yield Label("A UTF-8 text file of at least 1,000 characters (you can also drop one onto the terminal).")
            yield Input(self.initial, placeholder="path to a .txt file", id="import-path")
            yield Input(placeholder="name (optional; default: the file's name)", id="import-name")
            yield Label("", id="import-error")
            with Horizontal(id="import-buttons"):
                yield Button("Import", variant="primary", id="import-go")
                yield Button("Cancel", id="import-cancel")

    def on_mount(self) -> None:
        path = self.query_one("#import-path", Input)
        path.value = self.initial  # with any text that arrived after it was composed (`take_text`)
        if self.initial and not self.typing:
            self.set_focus(self.query_one("#import-go"))
        else:
            self.set_focus(path)
            path.cursor_position = len(path.value)

    def on_key(self, event) -> None:
        """Letters that arrive before the path field has focus (fast typing) belong in it."""
        if self.focused is None and event.is_printable and event.character:
            path = self.query_one("#import-path", Input)
            path.value += event.character
            path.cursor_position = len(path.value)
            event.stop()

    def take_text(self, text: str) -> bool:
        """More of a path arriving at once (a burst of keys): on the end of the path, even before the dialog is drawn."""
        if not self.is_mounted:
            self.initial, self.typing = self.initial + text, True
            return True
        path = self.query_one("#import-path", Input)
        if self.focused not in (None, path):
            return False  # the name, or a button: the keys are theirs
        path.value += text
        path.cursor_position = len(path.value)
        self.set_focus(path)
        return True

    @on(Input.Submitted)
    @on(Button.Pressed, "#import-go")
    def _go(self) -> None:
        raw = self.query_one("#import-path", Input).value
        path = parse_pasted_path(raw) or Path(raw.strip()).expanduser()
        if not raw.strip():
            self._show_error("Type or paste the path of a text file.")
            return
        self._show_error("Checking…", busy=True)
        self._import(path, self.query_one("#import-name", Input).value.strip() or None)

    @work(thread=True, exclusive=True)
    def _import(self, path: Path, name: str | None) -> None:
        from seussbot import store

        try:
            target = store.import_corpus(path, name)
            self.post_message(self.Finished(target.stem, None))
        except CorpusNameTaken as taken:  # said here in the dialog's words, not the CLI's flag
            why = str(taken).split(";")[0]
            self.post_message(self.Finished(None, f"{why}. Press Enter to import it as '{taken.free}', or type another name.", taken.free))
        except SeussbotError as error:
            self.post_message(self.Finished(None, str(error)))

    @on(Finished)
    def _finished(self, message: Finished) -> None:
        if message.free:
            name = self.query_one("#import-name", Input)
            name.value = message.free
            self.set_focus(name)
        if message.error:
            self._show_error(message.error)  # the dialog stays open: never closes without a word
        else:
            self.dismiss(message.name)

    def _show_error(self, text: str, busy: bool = False) -> None:
        label = self.query_one("#import-error", Label)
        label.update(Content(text))
        label.set_class(not busy, "-problem")

    @on(Button.Pressed, "#import-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
