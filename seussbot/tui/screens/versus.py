"""`v`: one prompt, written sampled and by beam search side by side, each with its mistake tally.

Beam text is "safe and dull", like a very low temperature: it takes the
likeliest way through, repeats itself unless forbidden to, and makes fewer
mistakes of some kinds and more of others. Seeing the two next to each other,
from the same snapshot of the weights, shows why.
"""

from __future__ import annotations

from dataclasses import replace

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Static
from textual.worker import get_current_worker

from seussbot.errors import SeussbotError
from seussbot.tui.widgets.decoding import BEAM_NO_REPEAT, BEAM_WIDTH
from seussbot.tui.widgets.footer import KeyFooter
from seussbot.tui.widgets.mistake_marks import as_marks, mark_styles, tally_content
from seussbot.tui.widgets.model_source import ModelSource
from seussbot.tui.widgets.stream_view import StreamView
from seussbot.tui.widgets.written import Written, as_written
from seussbot.writing import WriteSettings


class VersusScreen(ModalScreen[None]):
    CSS_PATH = "studio.tcss"  # the stream's colours
    DEFAULT_CSS = """
    VersusScreen { align: center middle; }
    #versus { width: 96%; height: 90%; border: round $accent; background: $surface; padding: 0 1; }
    #versus Horizontal { height: 1fr; }
    .side { width: 1fr; height: 1fr; padding: 0 1; }
    .side StreamView { height: 1fr; }
    .side-title { text-style: bold; }
    .side-tally { height: auto; color: $text-muted; }
    """
    BINDINGS = [Binding("escape,v,q", "dismiss", "Close"), Binding("w", "write", "Write again")]

    class Wrote(Message):
        def __init__(self, round: int, side: str, pieces: list[Written], marks: list, tally, cut: bool = False) -> None:
            super().__init__()
            self.round, self.side, self.pieces, self.marks, self.tally = round, side, pieces, marks, tally
            self.cut = cut  # the length stopped it, maybe inside a word: the text ends in "…"

    def __init__(self, source: ModelSource, prompt: str, settings: WriteSettings) -> None:
        super().__init__()
        self.source, self.prompt = source, prompt
        self.sampled = replace(settings, decoding="sample", no_repeat=None)
        self.beam = replace(settings, decoding="beam", beam=BEAM_WIDTH, no_repeat=BEAM_NO_REPEAT)
        self.round = 0  # which writing the messages belong to: "w" starts a new one

    def compose(self) -> ComposeResult:
        with Vertical(id="versus") as box:
            box.border_title = "Sampled and beam, one prompt"
            box.border_subtitle = "w writes again · escape closes"
            with Horizontal():
                for side, title in (("sample", f"sampled, temperature {self.sampled.temperature:g}"),
                                    ("beam", f"beam {BEAM_WIDTH}, no repeated {BEAM_NO_REPEAT}-gram")):
                    with Vertical(classes="side"):
                        yield Static(title, classes="side-title", markup=False)
                        yield StreamView("", id=f"{side}-view")
                        yield Static("", id=f"{side}-tally", classes="side-tally")
        yield KeyFooter()

    def on_mount(self) -> None:
        for view in self.query(StreamView):
            view.set_mark_styles(mark_styles(view.background_colors[1]))
        self.action_write()

    def action_write(self) -> None:
        self.workers.cancel_group(self, "versus")
        self.round += 1
        for side, settings in (("sample", self.sampled), ("beam", self.beam)):
            view = self.query_one(f"#{side}-view", StreamView)
            view.clear()
            if self.prompt:
                view.append([Written(self.prompt, None)])
            self.query_one(f"#{side}-tally", Static).update("writing…")
            self._write(self.round, side, settings)

    @work(thread=True, group="versus")
    def _write(self, round: int, side: str, settings: WriteSettings) -> None:
        from seussbot.writing import write_and_judge

        worker = get_current_worker()
        try:
            for batch in write_and_judge(
                self.source.snapshot(), self.source.vocab, self.prompt, settings, self.source.profile,
                cancelled=lambda: worker.is_cancelled,
            ):
                self.post_message(self.Wrote(round, side, [as_written(s) for s in batch.steps], as_marks(batch.mistakes), batch.tally, batch.cut))
        except SeussbotError as error:
            self.app.call_from_thread(self.query_one(f"#{side}-tally", Static).update, str(error))

    @on(Wrote)
    def _wrote(self, message: Wrote) -> None:
        if message.round != self.round:
            return
        view = self.query_one(f"#{message.side}-view", StreamView)
        if message.pieces:
            view.append(message.pieces)
        if message.marks:
            view.add_marks(message.marks)
        if message.cut:
            view.show_cut()
        tally = self.query_one(f"#{message.side}-tally", Static)
        if message.tally is not None:
            tally.update(tally_content(message.tally))
        elif self.source.profile is None:
            tally.update("no corpus at hand to judge by")
