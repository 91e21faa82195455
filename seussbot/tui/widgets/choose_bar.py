"""Choose your own next token: the model's candidates in a row, and the keys that decide.

The bar shows what the model would write next, best first (the top three and
any other it gives at least 1%), numbered for the digit keys ("␣" is a space, "⏎" a line break), with the highlighted one for the
arrows and Enter. Any other character typed is the person's own token. Tab lets
the model write one token, ctrl+w to the end of the word, ctrl+e to the end of
the sentence; ctrl+g switches the model's turns between sampled and greedy.
It only reports what the person asked for (messages); `ChooseMode` does it.
"""

from __future__ import annotations

from textual import events
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.widget import Widget

from seussbot.choosing import Offer, visible


class ChooseBar(Widget, can_focus=True):
    BINDINGS = [
        Binding("enter", "pick", "Pick"),
        Binding("up,left", "move(-1)", "Previous", show=False),
        Binding("down,right", "move(1)", "Next", show=False),
        Binding("tab", "let_model('token')", "Model: token"),
        Binding("ctrl+w", "let_model('word')", "word"),
        Binding("ctrl+e", "let_model('sentence')", "sentence"),
        Binding("escape", "leave", "Done"),
        Binding("ctrl+g", "toggle_greedy", "Greedy/sampled"),
    ]

    class Picked(Message):
        """The person chose this token (a candidate, or a character they typed)."""

        def __init__(self, token: str) -> None:
            super().__init__()
            self.token = token

    class LetModel(Message):
        def __init__(self, reach: str, greedy: bool) -> None:
            super().__init__()
            self.reach, self.greedy = reach, greedy

    class Leave(Message):
        pass

    def __init__(self, *, word_level: bool = False, id: str | None = None) -> None:
        super().__init__(id=id)
        self.offer: Offer | None = None
        self.highlighted = 0
        self.greedy = False
        self.word_level = word_level
        self.note = ""

    # -- what it shows -------------------------------------------------------------------
    def show_offer(self, offer: Offer | None, note: str = "") -> None:
        self.offer, self.highlighted, self.note = offer, 0, note
        self.refresh(layout=True)  # a note may need another row

    def render(self) -> Content:
        if self.offer is None:
            return Content.assemble(("choose: ", "bold"), self.note or "the model is reading…")
        parts: list = [("next: ", "bold")]
        for i, candidate in enumerate(self.shown):
            style = "reverse" if i == self.highlighted else ""
            parts += [(f"{i + 1}", "bold $text-accent"), (f" {visible(candidate.token)} {candidate.prob:.0%}", style), "  "]
        notes = [*(["model greedy"] if self.greedy else []), *([self.note] if self.note else [])]
        if notes:
            parts.append((" · ".join(notes), "$text-muted"))
        return Content.assemble(*parts)

    @property
    def shown(self) -> tuple:
        """The candidates on show: the first three, and any others the model gives at least 1%."""
        candidates = self.offer.candidates if self.offer else ()
        return tuple(c for i, c in enumerate(candidates) if i < 3 or c.prob >= 0.01)

    # -- keys ----------------------------------------------------------------------------
    def check_consume_key(self, key: str, character: str | None) -> bool:
        """Printable keys are tokens here, not the studio's shortcuts (and are left out of the footer)."""
        return character is not None and character.isprintable()

    def on_key(self, event: events.Key) -> None:
        character = event.character
        if character is None or not character.isprintable():
            return
        event.stop()
        event.prevent_default()
        candidates = self.shown
        if character.isdigit() and character != "0":
            index = int(character) - 1
            if index < len(candidates):
                self.post_message(self.Picked(candidates[index].token))
            return
        self.post_message(self.Picked(character))

    def action_pick(self) -> None:
        if self.shown:
            self.post_message(self.Picked(self.shown[self.highlighted].token))

    def action_move(self, delta: int) -> None:
        if self.shown:
            self.highlighted = (self.highlighted + delta) % len(self.shown)
            self.refresh()

    def action_let_model(self, reach: str) -> None:
        self.post_message(self.LetModel(reach, self.greedy))

    def action_toggle_greedy(self) -> None:
        self.greedy = not self.greedy
        self.refresh()

    def action_leave(self) -> None:
        self.post_message(self.Leave())
