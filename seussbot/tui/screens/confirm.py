"""A yes-or-no question before something that cannot be undone (leaving while training)."""

from __future__ import annotations

from typing import Awaitable, Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Label


class ConfirmScreen(ModalScreen[bool]):
    """Dismisses with True for y or Enter, False for n or Escape."""

    BINDINGS = [
        Binding("y,enter", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "No"),
    ]

    def __init__(self, question: str, title: str = "Are you sure?") -> None:
        super().__init__()
        self.question, self.heading = question, title

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box") as box:
            box.border_title = self.heading
            box.border_subtitle = "y yes · n no"
            yield Label(self.question, id="confirm-question", markup=False)

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


def after_asking(screen: Screen, question: str, then: Callable[[], Awaitable[object]], *, ask: bool) -> None:
    """Run `then` on `screen` at once, or, when `ask` (training is under way), only after a yes."""
    if not ask:
        screen.run_worker(then(), group="leave")
        return

    def answered(yes: bool | None) -> None:
        if yes:
            screen.run_worker(then(), group="leave")

    screen.app.push_screen(ConfirmScreen(question, "Stop training?"), callback=answered)
