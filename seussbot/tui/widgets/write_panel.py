"""Prompt in, text out: the person types a prompt, the model writes, coloured by confidence.

Writing runs in a thread worker from a snapshot of the weights, through the
engine's `write_and_judge`, and arrives in small batches with the mistakes
each revealed, so marks and counters arrive with the letters; a new request
cancels the one still writing. Moving the cursor through the text shows what the
model weighed at that character, and what a marked mistake is.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Callable, Iterator

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Input, Label, Static

from seussbot.errors import SeussbotError
from seussbot.tui.pacing import Pace
from seussbot.tui.widgets.choose_mode import ChooseMode
from seussbot.tui.widgets.decoding import decoding_status, next_decoding
from seussbot.tui.widgets.mistake_marks import as_marks, explain, mark_styles, tally_content
from seussbot.tui.widgets.model_source import ModelSource
from seussbot.tui.widgets.prepared import Prepared
from seussbot.tui.widgets.prob_legend import ProbLegend
from seussbot.tui.widgets.stream_view import StreamView
from seussbot.tui.widgets.written import Mark, Written, as_written
from seussbot.writing import Tally, WriteSettings

if TYPE_CHECKING:
    from seussbot.model import CharRNN
    from seussbot.writing import Batch


class PromptInput(Input):
    """The prompt; its Enter is shown in the footer as what it does here.

    Enter submits in the prompt's own turn, between the keys before it and after it.
    As a binding it ran only once the key had bubbled up unhandled, by when keys sent
    in the same burst ("Ann \\r]][") were in the prompt too; as a priority binding it
    ran before the prompt had taken the keys ahead of it.
    """

    BINDINGS = [Binding("enter", "submit", "Write")]

    async def _on_key(self, event: events.Key) -> None:
        if event.key == "enter":
            event.stop()
            event.prevent_default()
            await self.action_submit()
            return
        await super()._on_key(event)


class WritePanel(Vertical):
    class Wrote(Message):
        def __init__(
            self, writing: int, pieces: list[Written], marks: list[Mark], tally: Tally | None, cut: bool = False,
            pace: Pace | None = None, written_by: "CharRNN | None" = None,
        ) -> None:
            super().__init__()
            self.writing, self.pieces, self.marks, self.tally, self.cut = writing, pieces, marks, tally, cut
            self.pace, self.written_by = pace, written_by  # the snapshot writing, on the first batch from a worker

    class Done(Message):
        def __init__(self, writing: int, error: str | None = None) -> None:
            super().__init__()
            self.writing, self.error = writing, error

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.source: ModelSource | None = None
        self.settings = WriteSettings()
        self.writing = 0  # id of the current writing; batches from older ones are dropped
        self.written_by: "CharRNN | None" = None  # the snapshot whose weights wrote the text shown
        self.busy = False
        self.tally: Tally | None = None
        self.keep: Callable[[dict], None] | None = None  # where the settings are kept (the model's notes)
        self.prepared = Prepared()

    def compose(self) -> ComposeResult:
        with Horizontal(id="prompt-row"):
            yield Label("›", id="prompt-mark")
            yield PromptInput(placeholder="press / to type a prompt, Enter to write", id="prompt", compact=True)
        yield StreamView("The model's writing appears here, coloured by how sure it was.", id="stream")
        yield ProbLegend(id="legend")
        yield Static("", id="tally")
        yield Label("", id="write-status")

    def on_mount(self) -> None:
        self.show_settings()
        self._style_marks()
        self.app.theme_changed_signal.subscribe(self, lambda _: self._style_marks())

    def _style_marks(self) -> None:
        self.view.set_mark_styles(mark_styles(self.view.background_colors[1]))

    # -- controls --------------------------------------------------------------------
    @property
    def prompt(self) -> Input:
        return self.query_one("#prompt", Input)

    @property
    def view(self) -> StreamView:
        return self.query_one(StreamView)

    def set_source(self, source: ModelSource | None) -> None:
        self.source = source
        self.show_settings()
        self._prepare()

    def on_descendant_focus(self, event) -> None:
        if event.widget is self.prompt:
            self._prepare()

    @on(Input.Changed, "#prompt")
    def _prepare(self) -> None:
        """Have a snapshot, with the prompt read, ready for Enter (see `Prepared`)."""
        if self.source is not None:
            source, prompt = self.source, self.prompt.value.replace("\\n", "\n")
            self.prepared.request(source, prompt)

    def change(self, *, temperature: int = 0, length: int = 0, decoding: bool = False, until: bool = False) -> None:
        if temperature:
            self.settings = self.settings.warmer(temperature)
        if length:
            self.settings = self.settings.longer(length)
        if decoding:
            self.settings = next_decoding(self.settings)
        if until:
            self.settings = self.settings.stopping()
        self.show_settings()
        if self.keep is not None:
            self.keep({"temperature": self.settings.temperature, "length": self.settings.length})

    def restore_settings(self, kept: object) -> None:
        """The temperature and length a reopened model was last written with (checked: from a file)."""
        if not isinstance(kept, dict):
            return
        s = self.settings
        temperature, length = kept.get("temperature"), kept.get("length")
        if isinstance(temperature, (int, float)) and temperature in s.TEMPERATURES:
            s = replace(s, temperature=float(temperature))
        if isinstance(length, int) and length in s.LENGTHS:
            s = replace(s, length=length)
        self.settings = s
        self.show_settings()

    def show_settings(self, note: str = "") -> None:
        s = self.settings
        keys = "bold $text-accent"
        text = Content.assemble(
            f"temperature {s.temperature:.1f} ", ("[ ]", keys), f"  ·  length {s.length:,} ", ("- +", keys),
            *decoding_status(s, keys),
        )
        if note:
            text = Content.assemble(f"{note}  ·  ", text)
        self._status(text)

    def show_error(self, message: str) -> None:
        self._status(Content(message), error=True)  # plain: an engine message may hold brackets

    def _status(self, content: Content, error: bool = False) -> None:
        status = self.query_one("#write-status", Label)
        status.update(content, layout=False)  # one row (CSS), whatever it says: no layout pass per status
        status.set_class(error, "-problem")

    # -- writing ---------------------------------------------------------------------
    @on(Input.Submitted, "#prompt")
    def _submitted(self, event: Input.Submitted) -> None:
        # The value at Enter: keys already queued behind Enter (sent all at once) reach the prompt before this runs.
        self.write(event.value)
        self.screen.set_focus(self.view)  # written: keys are the studio's again (space pauses); / types more

    def write(self, typed: str | None = None) -> None:
        """Write from the prompt: the first letter here and now if a prepared stepper has read the prompt, the rest in a worker.

        The first letter written on the screen's thread (one step, a few ms) is drawn in the
        same frame as Enter's own changes; handed to a worker, it waited for the worker
        thread to start and for a frame of its own (measured in a pty: 35-60 ms later).
        """
        prompt = self._begin(typed)
        if prompt is None:
            return
        self.busy = True
        self.show_settings("writing…")
        source, writing, settings = self.source, self.writing, self.settings
        assert source is not None

        def cancelled() -> bool:  # a newer writing began, or the panel is gone (the studio closed)
            return writing != self.writing or not self.is_attached

        batches, pace = None, Pace()
        stepper = self.prepared.ready(source, prompt)
        if stepper is not None:
            self.written_by = stepper.model
            from seussbot.writing import write_and_judge

            batches = write_and_judge(stepper, source.vocab, prompt, settings, source.profile, cancelled=cancelled)
            try:
                first = next(batches, None)
            except SeussbotError as error:
                self.post_message(self.Done(writing, str(error)))  # posted: the studio hears of every ending
                return
            if first is not None:
                pace.sent()  # the worker starts once this is drawn: until then it would take the interpreter from the drawing
                self._wrote(self.Wrote(writing, [as_written(step) for step in first.steps], as_marks(first.mistakes), first.tally, first.cut, pace))
            if first is None or first.done:
                self.post_message(self.Done(writing))
                return
        self._write(writing, source, prompt, settings, batches, pace, cancelled)

    def choose(self) -> None:
        """Choose-your-own writing from the prompt, or back to streamed writing if already choosing."""
        if self.query(ChooseMode):
            self._leave_choosing()
            return
        prompt = self._begin()
        if prompt is not None:
            self.workers.cancel_group(self, "write")
            self.show_settings()
            self.mount(ChooseMode(self, self.writing, prompt), after=self.view)

    def _begin(self, typed: str | None = None) -> str | None:
        """A new writing of `typed` (default: the prompt as it is now): the view cleared, the prompt shown;
        the prompt, or None if there is no model yet."""
        if self.source is None:
            self.show_error("The model is still loading.")
            return None
        self._leave_choosing()
        prompt = (self.prompt.value if typed is None else typed).replace("\\n", "\n")
        self.writing += 1
        self.written_by = None
        view = self.view
        view.clear()
        if prompt:
            view.append([Written(prompt, None)])
        return prompt

    def _leave_choosing(self) -> None:
        for mode in self.query(ChooseMode):
            mode.leave()

    @work(thread=True, exclusive=True, group="write")
    def _write(
        self, writing: int, source: ModelSource, prompt: str, settings: WriteSettings,
        batches: "Iterator[Batch] | None", pace: Pace, cancelled: Callable[[], bool],
    ) -> None:
        from seussbot.writing import write_and_judge

        try:
            if batches is None:
                from seussbot.stepper import Stepper

                taken = self.prepared.take(source)
                wrote = taken.model if isinstance(taken, Stepper) else taken
                batches = write_and_judge(taken, source.vocab, prompt, settings, source.profile, cancelled=cancelled)
            else:
                wrote = None  # the screen's thread took the stepper, and said so
            pace.wait_until_drawn()
            for batch in batches:
                pieces = [as_written(step) for step in batch.steps]
                pace.sent()
                self.post_message(self.Wrote(writing, pieces, as_marks(batch.mistakes), batch.tally, batch.cut, pace, wrote))
                wrote = None
                pace.wait_until_drawn()  # the screen draws this batch before the writer takes the interpreter back
        except SeussbotError as error:
            self.post_message(self.Done(writing, str(error)))
            return
        self.post_message(self.Done(writing))

    @on(Wrote)
    def _wrote(self, message: Wrote) -> None:
        if message.writing != self.writing:
            if message.pace:
                message.pace.release()
            return
        if message.pace:
            message.pace.drawn_by(self)
        if message.written_by is not None:  # set here, on the screen's thread, for this writing only
            self.written_by = message.written_by
        if message.pieces:
            self.view.append(message.pieces)
        if message.marks:
            self.view.add_marks(message.marks)
        if message.cut:
            self.view.show_cut()
        if message.tally is not None:
            self.tally = message.tally
            self._show_tally(message.tally)

    def _show_tally(self, tally: Tally) -> None:
        """Update the counters, in rows kept for them (CSS): a layout pass here delayed the first letter by 30 ms."""
        widget = self.query_one("#tally", Static)
        widget.update(tally_content(tally, widget.size.width or self.size.width), layout=False)

    def on_resize(self) -> None:
        if self.tally is not None:  # lay the items out again for the new width
            self._show_tally(self.tally)

    @on(Done)
    def _done(self, message: Done) -> None:
        if message.writing != self.writing:
            return
        self.busy = False
        if message.error:
            self.show_error(message.error)
        else:
            self.show_settings()

    # -- looking inside --------------------------------------------------------------
    @on(StreamView.CursorMoved)
    def _cursor_moved(self, message: StreamView.CursorMoved) -> None:
        written = self.view.written
        piece = written.piece_at(message.index)
        mark = written.mark_at(message.index)
        if mark is not None:
            self._status(Content(explain(mark)))
        elif piece is None or piece.prob is None:
            self.show_settings("the prompt" if piece else "")
        elif piece.by_person:
            others = ", ".join(f"{_shown(t)} {p:.0%}" for t, p in piece.candidates[:4])
            self._status(Content(f"you picked {_shown(piece.text)}; the model gave it {piece.prob:.0%} and weighed {others}"))
        else:
            others = ", ".join(f"{_shown(t)} {p:.0%}" for t, p in piece.candidates[:4])
            self._status(Content(f"{_shown(piece.text)} had {piece.prob:.0%}  ·  the model weighed {others}"))


def _shown(token: str) -> str:
    """A token as the status line can show it (spaces and line breaks made visible)."""
    return "'" + token.replace("\n", "⏎").replace(" ", "␣") + "'"
