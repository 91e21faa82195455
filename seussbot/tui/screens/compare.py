"""Compare: RNN, LSTM, GRU and an n-gram learn the same book side by side, on one screen.

The engine's `Comparison` trains the networks in lockstep on one runner
thread (torch keeps to all cores but one, so the screen stays quick); a timer
here takes each network's feed five times a second. Charts: validation bits
per model, and the corpus's probe (or, without one, the mistakes per 100 words
in a sample written after each evaluation). One prompt makes every model write
its own continuation in its own column, marked as the studio marks it, and the
lesson line is `seussbot.compare.lesson` over the numbers on screen.
"""

from __future__ import annotations

import asyncio
import os
import time
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header, Input, Label, Static
from textual.worker import get_current_worker

from seussbot.compare import NGRAM, ModelResult, far_band, far_share, lesson
from seussbot.errors import SeussbotError
from seussbot.tui import format as fmt
from seussbot.tui.memory import freeze_what_is_built, thaw
from seussbot.tui.widgets.footer import KeyFooter
from seussbot.tui.widgets.line_chart import Line, LineChart, toggle_recent
from seussbot.tui.widgets.mistake_marks import as_marks, mark_styles, tally_content
from seussbot.tui.widgets.series import Series
from seussbot.tui.widgets.stream_view import StreamView
from seussbot.tui.widgets.written import Written, as_written

if TYPE_CHECKING:
    from seussbot.compare import Comparison
    from seussbot.mistakes import CorpusProfile
    from seussbot.probe import ProbeResult
    from seussbot.writing import Tally

TICK_S = 1 / 5
# Writing a sample holds the GIL that training needs too: one at a time, each network at most this often.
SAMPLE_EVERY_S = 10.0
SERIES_CLASSES = {"rnn": "line-chart--series-3", "lstm": "line-chart--series-1", "gru": "line-chart--series-2", NGRAM: "line-chart--series-4"}
SWATCH = {"rnn": "$text-error", "lstm": "$text-primary", "gru": "$text-accent", NGRAM: "$text-muted"}


class ModelColumn(Vertical):
    """One model's column: its name and numbers, what it wrote, its mistakes."""

    def __init__(self, cell: str, label: str) -> None:
        super().__init__(id=f"column-{cell}", classes="panel model-column")
        self.cell, self.label = cell, label
        self.tally: Tally | None = None

    def compose(self) -> ComposeResult:
        yield Label("", classes="column-numbers")
        yield StreamView("", id=f"stream-{self.cell}")
        yield Static("", classes="column-tally")

    def on_mount(self) -> None:
        self.border_title = Content.from_markup(f"[{SWATCH[self.cell]}]━[/] {self.label}")
        self.view.set_mark_styles(mark_styles(self.view.background_colors[1]))

    @property
    def view(self) -> StreamView:
        return self.query_one(StreamView)

    def show_numbers(self, text: str) -> None:
        self.query_one(".column-numbers", Label).update(text)

    def show_tally(self, tally: "Tally | None") -> None:
        self.tally = tally
        self.query_one(".column-tally", Static).update(tally_content(tally) if tally else "")


class CompareScreen(Screen):
    CSS_PATH = "compare.tcss"
    AUTO_FOCUS = ""  # nothing (None would mean the app's "*", the prompt): with the prompt focused, letters are text, not keys
    BINDINGS = [
        Binding("slash", "focus_prompt", "Prompt"),
        Binding("space", "toggle_training", "Pause"),
        Binding("left", "select(-1)", "Column", show=False),
        Binding("right", "select(1)", "Column", show=False),
        Binding("o", "open_selected", "Open in studio"),
        Binding("k", "next_kind", "Chart kind", show=False),
        Binding("z", "zoom", "Zoom charts"),
        Binding("escape", "leave_prompt", "Leave prompt", show=False),
        Binding("b", "back", "Library"),
        Binding("question_mark", "help", "Help"),
        Binding("q", "quit", "Quit"),
    ]

    class Ready(Message):
        def __init__(self, comparison: "Comparison", profile: "CorpusProfile | None", ngram: ModelResult | None) -> None:
            super().__init__()
            self.comparison, self.profile, self.ngram = comparison, profile, ngram

    class LoadFailed(Message):
        def __init__(self, reason: str) -> None:
            super().__init__()
            self.reason = reason

    class Wrote(Message):
        def __init__(
            self, writing: int, cell: str, pieces: list[Written], marks: list, tally: "Tally | None", cut: bool = False
        ) -> None:
            super().__init__()
            self.writing, self.cell, self.pieces, self.marks, self.tally = writing, cell, pieces, marks, tally
            self.cut = cut  # the length stopped it, maybe inside a word: the column ends in "…"

    class Sampled(Message):
        """A sample written after an evaluation: its mistakes per 100 words, by kind."""

        def __init__(self, cell: str, step: int, tokens: int, tally: "Tally | None") -> None:
            super().__init__()
            self.cell, self.step, self.tokens, self.tally = cell, step, tokens, tally

    def __init__(self, corpus: str, cells: tuple[str, ...], *, minutes: float | None = None) -> None:
        super().__init__()
        self.corpus_name, self.cells, self.minutes = corpus, cells, minutes
        self.comparison: Comparison | None = None
        self.profile: CorpusProfile | None = None
        self.state = "loading"
        self.val_series = {cell: Series() for cell in cells}
        self.probe_series = {cell: Series() for cell in cells}
        self.mistake_series: dict[str, dict[str, Series]] = {cell: {} for cell in cells}  # cell -> kind ("all") -> series
        self.kind = "all"
        self.probes: dict[str, ProbeResult] = {}
        self.ngram_result: ModelResult | None = None
        self.writing = 0
        self.selected = 0
        self._sampling: set[str] = set()
        self._ngram_flat: list[tuple[Series, float]] = []
        self._sampled_at: dict[str, float] = {}

    # -- layout ------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="compare"):
            with Horizontal(id="compare-charts"):
                with Vertical(id="val-panel", classes="panel") as panel:
                    panel.border_title = "Validation (bits per character)"
                    yield LineChart(self._lines(self.val_series), y_label="bits", empty="Validation appears after the first evaluation.", id="val-chart")
                with Vertical(id="second-panel", classes="panel") as panel:
                    panel.border_title = "The rule, learned"
                    yield LineChart(self._lines(self.probe_series), y_label="%", empty="Measured at each evaluation.", id="second-chart")
            yield Static("Building the networks...", id="lesson")
            with Horizontal(id="compare-prompt-row"):
                yield Label("›", id="prompt-mark")
                yield Input(placeholder="press / to type a prompt; Enter makes every model write", id="compare-prompt", compact=True)
            with Horizontal(id="columns"):
                for cell in self.cells:
                    yield ModelColumn(cell, cell.upper())
        yield KeyFooter()

    def _lines(self, series: dict[str, Series]) -> list[Line]:
        return [Line(cell, SERIES_CLASSES[cell], s) for cell, s in series.items()]

    def on_mount(self) -> None:
        self.title = f"Compare · {self.corpus_name}"
        self.sub_title = "building the networks"
        self.query_one("#val-panel").border_subtitle = "  ".join(f"[{SWATCH[c]}]━ {c.upper()}[/]" for c in self.cells)
        self.set_interval(TICK_S, self._tick)
        self._build()

    @work(thread=True, exclusive=True, group="build")
    def _build(self) -> None:
        from seussbot.compare import Comparison
        from seussbot.tui.widgets.model_source import mistake_profile

        try:
            threads = max(1, (os.cpu_count() or 1) - 1)  # the screen keeps a core
            overrides = getattr(self.app, "train_overrides", None)
            comparison = Comparison(
                self.corpus_name, self.cells, minutes=self.minutes, threads=threads, overrides=overrides, background=True
            )
        except SeussbotError as error:
            self.post_message(self.LoadFailed(str(error)))
            return
        except Exception as error:  # a strange corpus: say it, stay alive
            self.post_message(self.LoadFailed(f"{type(error).__name__}: {error}"))
            return
        profile = mistake_profile(comparison.corpus, comparison.vocab.level)
        ngram = None
        if comparison.ngram is not None:
            from seussbot.probe import Probe

            probe = Probe.for_corpus(comparison.corpus, comparison.vocab)
            model = comparison.ngram
            ngram = ModelResult(NGRAM, comparison.labels[NGRAM], None, 0, 0.0, model.val_bits, probe.measure(model) if probe else None, None)
        self.post_message(self.Ready(comparison, profile, ngram))

    @on(Ready)
    def _ready(self, message: Ready) -> None:
        comparison = self.comparison = message.comparison
        self.profile, self.ngram_result = message.profile, message.ngram
        labels = comparison.labels
        for column in self.query(ModelColumn):
            column.label = labels.get(column.cell, column.cell)
            name, _, size = column.label.partition(" · ")
            column.border_title = Content.from_markup(f"[{SWATCH[column.cell]}]━[/] ") + Content(name)
            column.border_subtitle = size
        level = comparison.vocab.level
        unit = "bits per word" if level == "word" else "bits per character"
        self.query_one("#val-panel").border_title = f"Validation ({unit})"
        has_probe = message.ngram is not None and message.ngram.probe is not None or self._probe_title() is not None
        self._second_chart_title(has_probe)
        if message.ngram is not None:
            if message.ngram.val_bits is not None:
                self._flat_line(self.val_series[NGRAM], message.ngram.val_bits)
            if message.ngram.probe is not None and message.ngram.probe.share is not None:
                self.probes[NGRAM] = message.ngram.probe
                self._flat_line(self.probe_series[NGRAM], 100 * (far_share(message.ngram.probe) or 0))
            self.query_one(f"#column-{NGRAM}", ModelColumn).show_numbers(self._numbers(message.ngram))
        mode = "same time each" if comparison.same_time else "lockstep: each sees the same characters"
        self.sub_title = f"{comparison.corpus.name}, {level} level · {mode} · torch on {comparison.sessions[0].train_config.threads} thread(s)"
        freeze_what_is_built()  # the networks, the corpus, its n-gram counts and this screen live on
        comparison.start()
        self.state = "running"
        self._show_lesson()

    def _flat_line(self, series: Series, value: float) -> None:
        """The n-gram needs no training: its number stands across the chart."""
        series.clear()
        series.append(0, 0, value)
        self._ngram_flat.append((series, value))

    def _second_chart_title(self, has_probe: bool) -> None:
        panel = self.query_one("#second-panel")
        chart = self.query_one("#second-chart", LineChart)
        if has_probe and self.kind == "all":
            panel.border_title = "Probe: the rule at its farthest (%)"
            chart.lines = self._lines(self.probe_series)
        else:
            shown = "all kinds" if self.kind == "all" else self.kind
            panel.border_title = f"Mistakes per 100 words: {shown}"
            chart.lines = [Line(c, SERIES_CLASSES[c], self.mistake_series[c].setdefault(self.kind, Series())) for c in self.cells]
        panel.border_subtitle = "[$text-accent]k[/] next kind"
        chart.refresh()

    @on(LoadFailed)
    def _load_failed(self, message: LoadFailed) -> None:
        self.state = "failed"
        self.query_one("#lesson", Static).update(Content(message.reason))
        self.notify(message.reason, title="Cannot compare", severity="error", timeout=10)

    # -- training news ---------------------------------------------------------------
    def _tick(self) -> None:
        comparison = self.comparison
        if comparison is None:
            return
        from seussbot.runner import Failed
        from seussbot.train import Evaluation, Finished, Learned

        changed = False
        for session in comparison.sessions:
            cell = session.model.config.cell
            news = comparison.runner.feed(session).take()
            for notice in news.notices:
                if isinstance(notice, Evaluation):
                    self.val_series[cell].append(notice.step, notice.tokens_seen, fmt.bits(notice.val_loss))
                    if notice.probe is not None and notice.probe.share is not None:
                        self.probes[cell] = notice.probe
                        self.probe_series[cell].append(notice.step, notice.tokens_seen, 100 * (far_share(notice.probe) or 0))
                    self._sample_after_evaluation(cell, notice.step, notice.tokens_seen)
                elif isinstance(notice, Learned):
                    self.notify(f"{cell.upper()}: {notice.message}", timeout=6)
                elif isinstance(notice, Failed):
                    self.notify(f"{cell.upper()}: {notice.message}", severity="error", timeout=10)
                elif isinstance(notice, Finished):
                    pass
            changed |= bool(news.notices) or news.progress is not None
        if self.state == "running" and not comparison.runner.running:
            self.state = "finished"
            self.notify("The comparison is over; every network is saved. Press o to open one in the studio.", timeout=8)
        if changed:
            self._stretch_ngram_lines(comparison)
            for column in self.query(ModelColumn):
                if column.cell != NGRAM:
                    column.show_numbers(self._numbers(self._live_result(column.cell)))
            self._show_lesson()
            for chart in self.query(LineChart):
                if chart.stale:
                    chart.refresh()

    def _stretch_ngram_lines(self, comparison: "Comparison") -> None:
        """Keep the n-gram's flat line as long as the networks' steps."""
        step = max((s.trainer.state.step for s in comparison.sessions), default=0)
        tokens = max((s.trainer.state.tokens_seen for s in comparison.sessions), default=0)
        for series, value in self._ngram_flat:
            if series.points and series.points[-1].step < step:
                series.append(step, tokens, value)

    def _live_result(self, cell: str) -> ModelResult:
        """The numbers the lesson is made of, as the screen knows them now."""
        comparison = self.comparison
        assert comparison is not None
        session = comparison.session_of(cell)
        assert session is not None
        state = session.trainer.state
        column = self.query_one(f"#column-{cell}", ModelColumn)
        tally = column.tally
        from seussbot.mistakes import NEUTRAL

        by_kind = {k: round(100 * n / max(1, tally.words), 2) for k, n in tally.counts.items() if k not in NEUTRAL} if tally else {}
        val_bits = fmt.bits(state.best_val_loss) if state.best_step is not None else None
        return ModelResult(
            cell, column.label, session.name, state.step, state.elapsed_s, val_bits, self.probes.get(cell),
            tally.per_100_words if tally else None, by_kind,
        )

    def _numbers(self, result: ModelResult) -> str:
        """'1.94 bits · 88%': the column is narrow; steps are the same for all and in the lesson."""
        parts = ["–" if result.val_bits is None else f"{result.val_bits:.2f} bits"]
        if result.probe is not None and result.probe.share is not None:
            band = far_band(result.probe)
            parts.append(f"{band.label} {100 * (band.share or 0):.0f}%".strip())
        return " · ".join(parts)

    def _show_lesson(self) -> None:
        if self.comparison is None:
            return
        results = [self._live_result(c.cell) for c in self.comparison.contestants]
        if self.ngram_result is not None:
            column = self.query_one(f"#column-{NGRAM}", ModelColumn)
            tally = column.tally
            r = self.ngram_result
            self.ngram_result = ModelResult(r.cell, r.label, None, 0, 0.0, r.val_bits, r.probe, tally.per_100_words if tally else None)
            results.append(self.ngram_result)
        sentence = lesson(results, self.comparison.vocab.level)
        fraction = self.comparison.runner.shared_fraction()
        clock = f"  ·  {100 * fraction:.0f}% of the training time spent" if fraction is not None and self.state == "running" else ""
        self.query_one("#lesson", Static).update(Content(sentence + clock))

    def _probe_title(self) -> str | None:
        return next((p.title for p in self.probes.values()), None)

    # -- a sample after each evaluation, for the mistakes chart ------------------------
    def _sample_after_evaluation(self, cell: str, step: int, tokens: int) -> None:
        now = time.monotonic()
        if self.profile is None or self._sampling or self.comparison is None or now - self._sampled_at.get(cell, -1e9) < SAMPLE_EVERY_S:
            return
        self._sampling.add(cell)
        self._sampled_at[cell] = now
        self._sample(cell, step, tokens)

    @work(thread=True, group="samples")
    def _sample(self, cell: str, step: int, tokens: int) -> None:
        from seussbot.compare import sample_length
        from seussbot.writing import WriteSettings, write_all

        comparison = self.comparison
        session = comparison.session_of(cell) if comparison else None
        if comparison is None or session is None:
            return
        tally = None
        try:
            _, _, tally = write_all(session.snapshot_model(), comparison.vocab, "", WriteSettings(length=sample_length(comparison.corpus), seed=step), self.profile)
        finally:  # a failed sample must not stop the next ones
            self.post_message(self.Sampled(cell, step, tokens, tally))

    @on(Sampled)
    def _sampled(self, message: Sampled) -> None:
        self._sampling.discard(message.cell)
        if message.tally is None:
            return
        kinds = self.mistake_series[message.cell]
        words = max(1, message.tally.words)
        kinds.setdefault("all", Series()).append(message.step, message.tokens, message.tally.per_100_words)
        for kind in set(kinds) | set(message.tally.counts):
            if kind != "all":
                kinds.setdefault(kind, Series()).append(message.step, message.tokens, 100 * message.tally.counts.get(kind, 0) / words)
        self.query_one("#second-chart", LineChart).refresh()

    def action_zoom(self) -> None:
        toggle_recent(self.query(LineChart))

    def action_next_kind(self) -> None:
        kinds = sorted({k for series in self.mistake_series.values() for k in series if k != "all"})
        has_probe = self._probe_title() is not None
        order = (["probe"] if has_probe else []) + ["all"] + kinds
        current = "probe" if has_probe and self.kind == "all" and self.query_one("#second-panel").border_title.startswith("Probe") else self.kind
        following = order[(order.index(current) + 1) % len(order)] if current in order else order[0]
        if following == "probe":
            self.kind = "all"
            self._second_chart_title(True)
        else:
            self.kind = following
            self._second_chart_title(False)

    # -- writing from all at once -------------------------------------------------------
    @on(Input.Submitted, "#compare-prompt")
    def _write_all(self, event: Input.Submitted) -> None:
        comparison = self.comparison
        if comparison is None:
            self.notify("The networks are still being built.", severity="warning")
            return
        prompt = event.value.replace("\\n", "\n")
        try:
            comparison.vocab.encode(prompt)
        except SeussbotError as error:
            self.notify(str(error), severity="warning")
            return
        self.writing += 1
        self.set_focus(None)  # keys are keys again while they write (space pauses, / types anew)
        for column in self.query(ModelColumn):
            column.view.clear()
            column.show_tally(None)
            if prompt:
                column.view.append([Written(prompt, None)])
        self._write(self.writing, prompt)

    @work(thread=True, exclusive=True, group="write")
    def _write(self, writing: int, prompt: str) -> None:
        """Each model in turn, a batch at a time, so the columns fill together."""
        from seussbot.compare import sample_length
        from seussbot.writing import WriteSettings, write_and_judge

        comparison = self.comparison
        assert comparison is not None
        worker = get_current_worker()
        models = {c.cell: comparison.session_of(c.cell).snapshot_model() for c in comparison.contestants}  # type: ignore[union-attr]
        if comparison.ngram is not None:
            models[NGRAM] = comparison.ngram
        settings = WriteSettings(length=min(600, sample_length(comparison.corpus)))
        streams = {
            cell: write_and_judge(model, comparison.vocab, prompt, settings, self.profile, cancelled=lambda: worker.is_cancelled)  # type: ignore[arg-type]
            for cell, model in models.items()
        }
        while streams and not worker.is_cancelled:
            for cell, stream in list(streams.items()):
                batch = next(stream, None)
                if batch is None:
                    del streams[cell]
                    continue
                self.post_message(self.Wrote(writing, cell, [as_written(s) for s in batch.steps], as_marks(batch.mistakes), batch.tally, batch.cut))

    @on(Wrote)
    def _wrote(self, message: Wrote) -> None:
        if message.writing != self.writing:
            return
        column = self.query_one(f"#column-{message.cell}", ModelColumn)
        if message.pieces:
            column.view.append(message.pieces)
        if message.marks:
            column.view.add_marks(message.marks)
        if message.cut:
            column.view.show_cut()
        if message.tally is not None:
            column.show_tally(message.tally)
            self._show_lesson()

    # -- keys --------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        typing = self.focused is not None and self.focused.id == "compare-prompt"
        if action == "leave_prompt":
            return typing
        if typing and action in ("select", "toggle_training", "open_selected", "next_kind", "back", "quit", "help", "focus_prompt"):
            return False  # letters typed into the prompt are text, not keys
        return True

    def action_focus_prompt(self) -> None:
        self.query_one("#compare-prompt", Input).focus()

    def action_leave_prompt(self) -> None:
        self.set_focus(None)

    def action_toggle_training(self) -> None:
        comparison = self.comparison
        if comparison is None or not comparison.runner.running:
            return
        if comparison.runner.paused:
            comparison.runner.resume()
            self.state = "running"
            self.notify("Training again.", timeout=2)
        else:
            comparison.runner.pause()
            self.state = "paused"
            self.notify("Paused: every network waits.", timeout=2)

    def action_select(self, direction: int) -> None:
        columns = [c for c in self.query(ModelColumn) if c.cell != NGRAM]
        if not columns:
            return
        self.selected = (self.selected + direction) % len(columns)
        for i, column in enumerate(columns):
            column.set_class(i == self.selected, "-selected")

    async def action_open_selected(self) -> None:
        """Stop the comparison (every network is saved) and open the chosen one in the studio."""
        comparison = self.comparison
        if comparison is None:
            return
        columns = [c for c in self.query(ModelColumn) if c.cell != NGRAM]
        session = comparison.session_of(columns[self.selected % len(columns)].cell)
        if session is None:
            return
        name = session.name
        await self.shutdown()
        self.app.pop_screen()
        self.app.open_studio(model=name)

    def action_back(self) -> None:
        self._after_asking("The networks are training. Stop them, save them all and go back to the library?", self._back)

    def action_quit(self) -> None:
        self._after_asking("The networks are training. Stop them, save them all and quit? (ctrl+q quits without asking)", self.app.action_quit)

    def _after_asking(self, question: str, then) -> None:
        from seussbot.tui.screens.confirm import after_asking

        after_asking(self, question, then, ask=self.comparison is not None and self.comparison.runner.running)

    async def _back(self) -> None:
        await self.shutdown()
        self.dismiss()

    def action_help(self) -> None:
        from seussbot.tui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen(self))

    # -- leaving -----------------------------------------------------------------------
    async def shutdown(self) -> None:
        """Stop every network and keep it: the thread ends its steps and saves them all."""
        comparison = self.comparison
        if comparison is None:
            return
        comparison.stop()
        if comparison.runner.running:
            self.sub_title = "stopping: saving every network"
            await asyncio.to_thread(comparison.runner.wait, 120)
        for session in comparison.sessions:
            if comparison.runner.unsaved(session):
                try:
                    await asyncio.to_thread(comparison.runner.save, session)
                except SeussbotError as error:
                    self.notify(str(error), title="Not saved", severity="error")
        comparison.close()
        self.comparison = None

    def on_unmount(self) -> None:
        if self.comparison is not None:
            self.comparison.stop()
        thaw()  # what `_ready` froze may be collected now

