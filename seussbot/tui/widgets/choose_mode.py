"""The write panel's choose-your-own mode: a `Choosing` run in a worker, shown in the panel's stream.

Entering the mode takes the prompt and a snapshot of the weights; the mode is
a small widget mounted under the stream, holding the `ChooseBar` and acting
on its messages. Each decision runs in a thread worker (a sentence's worth of
tokens takes a moment) under a lock, since one text is written one decision
at a time. The steps arrive as the panel's own `Wrote`
messages, so colours, marks and the tally work as in streamed writing; a
token the person picked is drawn as theirs.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical

from seussbot.errors import SeussbotError
from seussbot.tui.widgets.choose_bar import ChooseBar
from seussbot.tui.widgets.mistake_marks import as_marks
from seussbot.tui.widgets.written import as_written

if TYPE_CHECKING:
    from seussbot.choosing import Choosing
    from seussbot.tui.widgets.write_panel import WritePanel


class ChooseMode(Vertical):
    DEFAULT_CSS = "ChooseMode { height: auto; } ChooseMode > ChooseBar { height: auto; }"

    def __init__(self, panel: "WritePanel", writing: int, prompt: str) -> None:
        super().__init__(id="choose-mode")
        self.panel, self.writing, self.prompt = panel, writing, prompt
        self.choosing: Choosing | None = None
        self.lock = threading.Lock()
        self.word_level = panel.source is not None and panel.source.vocab.level == "word"

    @property
    def bar(self) -> ChooseBar:
        return self.query_one(ChooseBar)

    def compose(self) -> ComposeResult:
        yield ChooseBar(word_level=self.word_level)

    def on_mount(self) -> None:
        self.bar.focus()
        source = self.panel.source
        assert source is not None
        self.run_worker(lambda: self._open(source), thread=True, group="choose")

    def leave(self) -> None:
        """Back to streamed writing: the text stays, the cursor can walk it."""
        self.writing = -1  # decisions still in flight are dropped
        self.panel.view.focus()
        self.remove()

    # -- the person's decisions ---------------------------------------------------------------
    @on(ChooseBar.Picked)
    def _picked(self, message: ChooseBar.Picked) -> None:
        token = message.token
        self._run(lambda choosing: choosing.pick(token))

    @on(ChooseBar.LetModel)
    def _let_model(self, message: ChooseBar.LetModel) -> None:
        reach, greedy = message.reach, message.greedy
        self._run(lambda choosing: choosing.let_model(reach, greedy=greedy))  # type: ignore[arg-type]

    @on(ChooseBar.Leave)
    def _leave(self) -> None:
        self.leave()

    # -- in the worker threads ----------------------------------------------------------------
    def _open(self, source) -> None:
        from seussbot.choosing import Choosing

        writing = self.writing
        with self.lock:
            try:
                self.choosing = Choosing(self.panel.prepared.take(source), source.vocab, self.prompt, self.panel.settings, source.profile)
            except SeussbotError as error:
                self.panel.post_message(self.panel.Done(writing, str(error)))
                return
            self._offer(writing)

    def _run(self, decide) -> None:
        writing = self.writing

        def work() -> None:
            with self.lock:
                choosing = self.choosing
                if choosing is None or writing != self.writing:
                    return
                try:
                    batch = decide(choosing)
                except SeussbotError as error:
                    self.app.call_from_thread(self.bar.show_offer, choosing.offer(), str(error))
                    return
                self.panel.post_message(self.panel.Wrote(writing, [as_written(s) for s in batch.steps], as_marks(batch.mistakes), batch.tally))
                self._offer(writing)

        self.run_worker(work, thread=True, group="choose")

    def _offer(self, writing: int) -> None:
        choosing = self.choosing
        if choosing is not None and writing == self.writing:
            offer = choosing.offer()
            self.app.call_from_thread(self.bar.show_offer, offer)
