"""The read screen: a model reads a text; each character coloured by surprise, errors sorted by kind.

Opened on a saved model from the library (`r`) or on the network training in
the studio (`r`), it reads the model's held-out text; pasting text into the
screen reads that instead, and `h` goes back to the held-out text. Reading
runs in a thread worker (the n-gram tables of a new corpus take a few seconds
the first time); the text, the totals, the breakdown of Karpathy, Johnson &
Fei-Fei and the cursor's character are drawn from the finished `Reading`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header, Static

from seussbot.errors import SeussbotError
from seussbot.tui.widgets.breakdown_bars import BreakdownBars
from seussbot.tui.widgets.footer import KeyFooter
from seussbot.tui.widgets.read_view import ReadView
from seussbot.tui.widgets.stream_view import StreamView
from seussbot.tui.widgets.surprise_scale import MODES, ScaleLegend

if TYPE_CHECKING:
    from seussbot.reading import Reading, ReadSubject

HELD_OUT = "its corpus's held-out text"


class ReadScreen(Screen):
    CSS_PATH = "read.tcss"
    AUTO_FOCUS = "#read-text"
    BINDINGS = [
        Binding("m", "switch_scale", "Surprise/rank"),
        Binding("n", "next_error(1)", "Next error"),
        Binding("p", "next_error(-1)", "Previous error", show=False),
        Binding("j", "next_hardest", "Hardest"),
        Binding("h", "held_out", "Held-out text", show=False),
        Binding("escape,b", "back", "Back"),
        Binding("question_mark", "help", "Help"),
        Binding("q", "quit", "Quit"),
    ]

    class Done(Message):
        def __init__(self, reading: "Reading", name: str, source: str, note: str | None) -> None:
            super().__init__()
            self.reading, self.name, self.source, self.note = reading, name, source, note

    class Failed(Message):
        def __init__(self, reason: str) -> None:
            super().__init__()
            self.reason = reason

    def __init__(self, *, model: str | None = None, subject: "ReadSubject | None" = None) -> None:
        super().__init__()
        self.model_name, self.subject = model, subject
        self.reading: Reading | None = None
        self.mode_index = 0
        self.hardest_index = -1

    @property
    def help_about(self) -> str:
        """What the help screen says here: the colours, and what each kind of error means."""
        from seussbot.reading import CATEGORIES, EXPLANATIONS

        kinds = "\n".join(f"  {kind}: {EXPLANATIONS[kind]}" for kind in CATEGORIES)
        return (
            "Each character is coloured by how surprised the model was to read it (bits: -log2 of the "
            "probability it gave the true character), or, after m, by the rank of the true character "
            "among its guesses. A character is an error when the model gave it less than 50%; errors "
            "are sorted in this order (Karpathy, Johnson & Fei-Fei 2015), each by the first kind that "
            "explains it:\n" + kinds + "\nPaste any text here to read it; h reads the held-out text again."
        )

    @classmethod
    def from_studio(cls, session, model: str | None) -> "ReadScreen":
        """On the session training now, or on the saved model a play-only studio opened."""
        from seussbot.reading import ReadSubject

        return cls(subject=ReadSubject.of_session(session)) if session is not None else cls(model=model)

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="read"):
            with Vertical(id="text-panel", classes="panel") as panel:
                panel.border_title = "Reading"
                panel.border_subtitle = "paste text to read it"
                yield ReadView("The model is reading…", id="read-text")
                yield ScaleLegend(id="legend")
            with Vertical(id="side"):
                with Vertical(id="totals-panel", classes="panel") as panel:
                    panel.border_title = "Totals"
                    yield Static("", id="totals")
                with Vertical(id="bars-panel", classes="panel") as panel:
                    panel.border_title = "Errors by kind (p < 0.5)"
                    yield BreakdownBars(id="bars")
                with Vertical(id="cursor-panel", classes="panel") as panel:
                    panel.border_title = "At the cursor"
                    yield Static("Move with the arrow keys; n jumps to the next error.", id="at-cursor")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.sub_title = "surprise and errors, as Karpathy, Johnson & Fei-Fei sorted them"
        self._start(None)

    @property
    def view(self) -> ReadView:
        return self.query_one("#read-text", ReadView)

    # -- reading in a worker ---------------------------------------------------------------
    def _start(self, text: str | None) -> None:
        self.view.reading = None
        self.view.clear()
        self.query_one("#totals", Static).update("Reading…")
        self._read(text)

    @work(thread=True, exclusive=True, group="read")
    def _read(self, text: str | None) -> None:
        """Read `text` (None: the held-out text) with the model; post the reading or one sentence."""
        from seussbot.reading import ReadSubject, read_text

        try:
            subject = self.subject = self.subject or ReadSubject.of_saved(self.model_name or "")
            source = HELD_OUT if text is None else "pasted text"
            text = subject.held_out() if text is None else text
            try:
                oracles, note = subject.oracles(), subject.corpus_problem
            except SeussbotError as error:
                oracles, note = None, str(error)
            reading = read_text(subject.snapshot(), subject.vocab, text, oracles)
            self.post_message(self.Done(reading, subject.name, source, note))
        except SeussbotError as error:
            self.post_message(self.Failed(str(error)))
        except Exception as error:  # a bug or a strange file: say it, stay alive
            self.post_message(self.Failed(f"{type(error).__name__}: {error}"))

    @on(Done)
    def _done(self, message: Done) -> None:
        reading = self.reading = message.reading
        self.title = message.name
        panel = self.query_one("#text-panel")
        panel.border_title = f"{message.name} reads {message.source}"
        self.view.show(reading)
        self.query_one(BreakdownBars).show(reading)
        self.query_one("#totals", Static).update(_totals(reading))
        self.hardest_index = -1
        if message.note:
            self.notify(message.note, severity="warning", timeout=8)
        if self.view.has_focus:
            self.view.action_cursor_to(0)

    @on(Failed)
    def _failed(self, message: Failed) -> None:
        self.query_one("#totals", Static).update(message.reason)
        self.view.placeholder = "Nothing was read."
        self.view.refresh()
        self.notify(message.reason, title="Cannot read", severity="error", timeout=10)

    def on_paste(self, event: events.Paste) -> None:
        """Pasted text is read at once (here a pasted path is text too, not a corpus to import)."""
        event.stop()
        if event.text.strip():
            self._start(event.text.replace("\r\n", "\n"))

    # -- the cursor ------------------------------------------------------------------------
    def on_stream_view_cursor_moved(self, message: StreamView.CursorMoved) -> None:
        reading, token = self.reading, self.view.token_at(message.index)
        if reading is None or token < 0:
            return
        lines = [reading.explain(token)]
        if reading.known[token]:
            lines.append("expected " + "  ".join(f"{_shown(t)} {p:.0%}" for t, p in reading.candidates(token)))
        self.query_one("#at-cursor", Static).update("\n".join(lines))
        category = reading.category[token]
        self.query_one(BreakdownBars).current = category

    def _move_to_token(self, token: int) -> None:
        char_level = self.reading is not None and self.reading.vocab.level == "char"
        self.view.focus()
        self.view.action_cursor_to(token if char_level else self.view.written.piece_of.index(token))

    # -- actions ---------------------------------------------------------------------------
    def action_switch_scale(self) -> None:
        self.mode_index = (self.mode_index + 1) % len(MODES)
        mode = MODES[self.mode_index]
        self.view.set_mode(mode)
        self.query_one(ScaleLegend).mode = mode

    def action_next_error(self, direction: int) -> None:
        from seussbot.reading import CORRECT, UNKNOWN

        reading = self.reading
        if reading is None:
            return
        here = self.view.token_at(self.view.cursor)
        order = range(here + 1, len(reading.tokens)) if direction > 0 else range(here - 1, -1, -1)
        found = next((i for i in order if reading.category[i] not in (CORRECT, UNKNOWN)), None)
        if found is None:
            self.notify("No more errors this way.", timeout=2)
            return
        self._move_to_token(found)

    def action_next_hardest(self) -> None:
        reading = self.reading
        if reading is None:
            return
        hardest = reading.hardest(5)
        if not hardest:
            return
        self.hardest_index = (self.hardest_index + 1) % len(hardest)
        stretch = hardest[self.hardest_index]
        self._move_to_token(stretch.start)
        self.notify(
            f"{stretch.bits:.0f} bits: {stretch.text!r}\nit expected {stretch.expected!r}",
            title=f"Hardest place {self.hardest_index + 1} of {len(hardest)}", timeout=6,
        )

    def action_held_out(self) -> None:
        self._start(None)

    def action_back(self) -> None:
        self.dismiss()

    def action_help(self) -> None:
        from seussbot.tui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen(self))

    async def action_quit(self) -> None:
        await self.app.action_quit()


def _totals(reading: "Reading") -> str:
    unit = "char" if reading.vocab.level == "char" else "token"
    unknown = f", {reading.unknown_count:,} never seen" if reading.unknown_count else ""
    if not reading.read_count:
        return f"{len(reading.tokens):,} {unit}s{unknown}: none it could read"
    bands = "  ".join(f"{band} {share:.0%}" for band, share in reading.rank_bands.items())
    return f"{reading.bits_per_token:.3f} bits/{unit} · {len(reading.tokens):,} {unit}s{unknown}\n{bands}"


def _shown(token: str) -> str:
    return {"\n": "⏎", " ": "␣", "\t": "⇥"}.get(token, token)
