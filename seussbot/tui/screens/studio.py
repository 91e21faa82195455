"""The studio: watch a network train, and make it write at any moment.

Training runs on the engine's `Runner` thread and leaves its news in a
`Feed`; a timer here takes that news five times a second and updates
the chart and numbers, so the event loop does a bounded amount of work
however fast training goes. The timeline panel samples at doubling step
counts, and the write panel writes on request, each in its own thread worker
from a snapshot of the weights.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import TYPE_CHECKING

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header

from seussbot.defaults import default_minutes
from seussbot.errors import SeussbotError
from seussbot.opening import TrainRequest, open_session
from seussbot.runner import Failed, Runner, Saved, SaveFailed
from seussbot.tui import format as fmt
from seussbot.tui.memory import freeze_what_is_built, thaw
from seussbot.tui.prebuilt import build_unseen, let_go
from seussbot.tui.widgets.footer import KeyFooter
from seussbot.tui.widgets.model_source import ModelSource, mistake_profile
from seussbot.tui.widgets.series import Series
from seussbot.tui.widgets.line_chart import Line, LineChart, toggle_recent
from seussbot.tui.widgets.probe_view import ProbeChart, ProbeLine, learned_step
from seussbot.tui.widgets.stream_view import StreamView
from seussbot.tui.widgets.timeline import TimelinePanel
from seussbot.tui.widgets.training_stats import TrainingStats
from seussbot.tui.widgets.write_panel import WritePanel

if TYPE_CHECKING:
    from seussbot.corpus import Corpus
    from seussbot.mistakes import CorpusProfile
    from seussbot.session import LoadedModel, TrainingSession
    from seussbot.model import CharRNN
    from seussbot.tui.screens.inside import InsideRequest, InsideScreen

TICK_S = 1 / 5  # news from training, five times a second


def _as_prompt(text: str) -> str:
    """Text as the prompt field holds it: a leading "/" was the key that opens the prompt; a line break is typed \\n."""
    return text.removeprefix("/").replace("\n", "\\n")


def key_mistakes_of(corpus: "Corpus") -> tuple[str, ...]:
    """The mistake kinds a corpus's grammar says its lesson is about (none for other corpora)."""
    from seussbot.grammars import GRAMMARS

    grammar = GRAMMARS.get(corpus.manifest.grammar or "")
    return grammar.key_mistakes if grammar else ()


class StudioScreen(Screen):
    CSS_PATH = "studio.tcss"
    AUTO_FOCUS = "#stream"  # not the prompt: with the prompt focused, letters are text, not keys
    BINDINGS = [
        # A priority binding runs before the next key is even routed, and moves focus at once,
        # so letters typed right after "/" reach the prompt however fast they come.
        Binding("slash", "focus_prompt", "Prompt", priority=True),
        # One key, three meanings; the footer shows the one that applies now (check_action).
        Binding("space", "train", "Train"),
        Binding("space", "train_more", "Train more"),
        Binding("space", "pause", "Pause"),
        Binding("space", "resume", "Resume"),
        Binding("w", "write", "Write again", show=False),
        Binding("c", "choose", "Choose"),
        Binding("d", "decoding", "Sample/greedy/beam", show=False),
        Binding("u", "until", "Stop at sentence/line/story", show=False),
        Binding("v", "versus", "Sampled vs beam", show=False),
        Binding("left_square_bracket", "temperature(-1)", "Cooler", show=False),
        Binding("right_square_bracket", "temperature(1)", "Warmer", show=False),
        Binding("minus", "length(-1)", "Shorter", show=False),
        Binding("plus,equals_sign", "length(1)", "Longer", show=False),
        Binding("x", "x_axis", "Steps/chars", show=False),
        Binding("z", "zoom", "Zoom charts to the later half", show=False),
        Binding("i", "inside", "Look inside", show=False),
        Binding("s", "save", "Save"),
        Binding("r", "read", "Read", show=False),
        Binding("b", "back", "Library"),
        Binding("escape", "leave_prompt", "Leave prompt"),
        Binding("question_mark", "help", "Help"),
        Binding("q", "quit", "Quit"),
    ]

    class Loaded(Message):
        def __init__(self, session: "TrainingSession", profile: "CorpusProfile | None") -> None:
            super().__init__()
            self.session, self.profile = session, profile

    class PlayOnly(Message):
        def __init__(self, loaded: "LoadedModel", reason: str) -> None:
            super().__init__()
            self.loaded, self.reason = loaded, reason

    class LoadFailed(Message):
        def __init__(self, reason: str) -> None:
            super().__init__()
            self.reason = reason

    class SaveDone(Message):
        def __init__(self, text: str, error: bool = False) -> None:
            super().__init__()
            self.text, self.error = text, error

    def __init__(self, request: TrainRequest, *, start_training: bool = True) -> None:
        super().__init__()
        self.request = request
        self.start_training = start_training
        self.session: TrainingSession | None = None
        self.runner: Runner | None = None
        self.state = "loading"
        self.train_series, self.val_series = Series(), Series()
        self.profile: CorpusProfile | None = None
        self.progress = None  # the latest Progress event
        self.last_val: float | None = None
        self.saved_note = ""
        self.memorising_note = ""
        self.learned_at: int | None = None  # the step the probe first reached its mark
        self.probe_shares: list[float | None] = []  # the latest probe, per band
        self.inside: "InsideScreen | None" = None  # the look-inside view, built once the model is here
        self.read_ahead: "tuple[str, CharRNN] | None" = None  # the text, and the snapshot, the unseen view has read

    # -- layout ------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Header()
        with Container(id="studio"):
            with Vertical(id="chart-panel", classes="panel") as panel:
                panel.border_title = "Loss (bits per character)"
                with Horizontal(id="charts"):
                    yield LineChart(
                        # Validation last, so its few points are drawn over the dense training curve.
                        [Line("train", "line-chart--series-1", self.train_series),
                         Line("validation", "line-chart--series-2", self.val_series)],
                        y_label="bits", empty="The loss curve appears once training starts.", id="loss-chart",
                    )
                    yield ProbeChart(id="probe-chart")
                yield ProbeLine("", id="probe-line")
            with Vertical(id="stats-panel", classes="panel") as panel:
                panel.border_title = "Training (bits)"
                yield TrainingStats(id="stats")
            with Vertical(id="write-panel-box", classes="panel") as panel:
                panel.border_title = "Write"
                yield WritePanel(id="write")
            with Vertical(id="timeline-panel", classes="panel") as panel:
                panel.border_title = "Timeline"
                yield TimelinePanel(id="samples")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.title = self.request.model or self.request.corpus or "studio"
        self.query_one("#chart-panel").border_subtitle = "[$text-primary]━ train[/]  [bold $text-accent]━ validation[/]"
        self.query_one("#timeline-panel").border_subtitle = "[$text-error]━ mistakes/100 words[/]"
        self.stats.show_state("loading")
        self.set_interval(TICK_S, self._tick)
        self._load()

    def on_resize(self) -> None:
        """Size classes for studio.tcss: the panels trade rows so written text keeps five."""
        width, height = self.size
        self.set_class(height < 34, "-short")
        self.set_class(height < 23 or width < 70, "-tiny")
        self.set_class(width < 100, "-narrow")
        self.query_one(KeyFooter).compact = width < 80  # every key label still fits at 60 columns

    @property
    def stats(self) -> TrainingStats:
        return self.query_one(TrainingStats)

    @property
    def writer(self) -> WritePanel:
        return self.query_one(WritePanel)

    @property
    def chart(self) -> LineChart:
        return self.query_one("#loss-chart", LineChart)

    # -- loading -----------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="load")
    def _load(self) -> None:
        try:
            session = open_session(self.request)
            self.post_message(self.Loaded(session, mistake_profile(session.corpus, session.vocab.level)))
        except SeussbotError as error:
            if self.request.model:  # it may still write, even if it cannot train
                self._load_for_play(str(error))
            else:
                self.post_message(self.LoadFailed(str(error)))
        except Exception as error:  # a bug or a strange file: report, stay alive
            self.post_message(self.LoadFailed(f"{type(error).__name__}: {error}"))

    def _load_for_play(self, reason: str) -> None:
        from seussbot.session import load_model

        try:
            self.post_message(self.PlayOnly(load_model(self.request.model or ""), reason))
        except SeussbotError as error:
            self.post_message(self.LoadFailed(str(error)))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        session = self.session = message.session
        self.profile = message.profile
        self.runner = Runner(session, background=True)
        for warning in session.warnings:
            self.notify(warning, severity="warning", timeout=8)
        config = session.model.config
        self.title = session.name
        level = ", word level" if session.vocab.level == "word" else ""
        self.sub_title = (  # short: the header has one line, and 60 columns at the least
            f"{config.cell.upper()} {config.layers}×{config.hidden_size} · "
            f"{fmt.short_count(session.model.parameter_count())} weights · {session.corpus.name}{level}"
        )
        unit = "words seen" if session.vocab.level == "word" else "characters seen"
        for chart in self.query(LineChart):
            chart.tokens_label = unit
        if session.vocab.level == "word":
            self.query_one("#chart-panel").border_title = "Loss (bits per word)"
        for point in session.state.history:
            self.train_series.append(point.step, point.tokens_seen, fmt.bits(point.train_loss))
            self.val_series.append(point.step, point.tokens_seen, fmt.bits(point.val_loss))
            self.last_val = point.val_loss
        self._show_probe_history(session)
        self._lay_out_like(session.corpus)  # before the restored timeline is shown
        self.timeline.watch_kinds(key_mistakes_of(session.corpus))
        self.writer.set_source(ModelSource(session.vocab, session.snapshot_model, message.profile))
        self.writer.restore_settings(session.note("write"))
        self.writer.keep = lambda settings: session.set_note("write", settings)
        for warning in session.warnings:
            self.notify(warning, severity="warning", timeout=10)
        self._set_state("ready")
        self._show_numbers()
        last_sample = self.timeline.restore(session.note("timeline"))  # a reopened model's timeline
        self.timeline.keep = lambda kept: session.set_note("timeline", kept)
        if last_sample < session.state.step or not last_sample:
            self._take_sample()
        freeze_what_is_built()  # the session, its corpus and profile, and this screen live on
        if self.start_training:
            self._start()
        self.call_after_refresh(self._build_inside)

    @on(PlayOnly)
    def _play_only(self, message: PlayOnly) -> None:
        loaded = message.loaded
        self.title = loaded.name
        self.sub_title = "writing only"
        self.writer.set_source(ModelSource(loaded.vocab, lambda: loaded.model))
        self.writer.restore_settings(loaded.meta.get("notes", {}).get("write") if isinstance(loaded.meta.get("notes"), dict) else None)
        self.timeline.restore(loaded.meta["notes"].get("timeline") if isinstance(loaded.meta.get("notes"), dict) else None)
        self._set_state("play")
        self.notify(f"This model can write but not train: {message.reason}", severity="warning", timeout=8)
        self.call_after_refresh(self._build_inside)

    async def _build_inside(self) -> None:
        """Build the look-inside view now, unseen, so that `i` opens it at once (`seussbot.tui.prebuilt`)."""
        from seussbot.tui.screens.inside import InsideScreen

        if self.inside is not None or not self.is_attached:
            return
        self.inside = InsideScreen()
        built = await build_unseen(self.app, self.inside, f"inside-{id(self)}")
        if not self.is_attached:  # closed meanwhile: on_unmount has been and gone
            let_go(self.app, self.inside)
        elif built:
            freeze_what_is_built()  # its widgets live as long as this screen

    @on(LoadFailed)
    def _load_failed(self, message: LoadFailed) -> None:
        self._set_state("failed", message.reason)
        self.notify(message.reason, title="Cannot open", severity="error", timeout=10)

    # -- training ----------------------------------------------------------------------
    def _start(self) -> None:
        if self.runner is None:
            return
        self.runner.start()
        self._set_state("running")

    def action_toggle_training(self) -> None:
        """Space: pause, resume or train, whichever the state allows."""
        if self.state == "running":
            self.action_pause()
        elif self.state == "paused":
            self.action_resume()
        else:
            self.action_train()

    def action_pause(self) -> None:
        if self.runner is not None and self.state == "running":
            self.runner.pause()
            self._set_state("paused")

    def action_resume(self) -> None:
        if self.runner is not None and self.state == "paused":
            self.runner.resume()
            self._set_state("running")

    def action_train_more(self) -> None:
        self.action_train()

    def action_train(self) -> None:
        if self.runner is None:
            if self.state == "play":
                self.notify("This model can only write: its corpus cannot be loaded.", severity="warning")
            return
        runner, session = self.runner, self.runner.sessions[0]
        if self.state in ("ready", "finished", "failed") and not runner.running:
            if self.state == "finished" or session.budget_spent:
                session.set_budget(default_minutes(session.preset))
            self._start()

    def _set_state(self, state: str, detail: str = "") -> None:
        self.state = state
        self.stats.show_state(state, detail)
        self.refresh_bindings()  # the footer's space label follows the state

    def _tick(self) -> None:
        """Take the feed's news and redraw what changed (a few times a second)."""
        if self.runner is None:
            return
        news = self.runner.feed().take()
        for step, tokens, loss in news.losses:
            self.train_series.append(step, tokens, fmt.bits(loss))
        if news.notices:
            self._handle(news.notices)
        if news.progress is not None:
            self.progress = news.progress
        if news.progress is not None or news.notices:
            self._show_numbers()
        if self.chart.stale:
            self.chart.refresh()
        if self.state == "running" and self.progress and self.timeline.due(self.progress.step):
            self._take_sample()

    def _handle(self, notices: list[object]) -> None:
        # Notices exist only once a session has loaded the engine, so this import is
        # free; done any earlier it would wait on the worker importing torch.
        from seussbot.train import Evaluation, Finished, Learned, Memorising, Recovered

        for notice in notices:
            if isinstance(notice, Evaluation):
                self.val_series.append(notice.step, notice.tokens_seen, fmt.bits(notice.val_loss))
                self.last_val = notice.val_loss
                if notice.probe is not None:
                    self._show_probe(notice.step, notice.tokens_seen, notice.probe.shares)
            elif isinstance(notice, Learned):
                self.learned_at = notice.step
                if self.session is not None and self.session.probe is not None:
                    self.query_one(ProbeLine).show(self.session.probe.spec, self.probe_shares, self.learned_at)
                self.notify(notice.message[0].upper() + notice.message[1:] + ".", title="The rule", timeout=10)
            elif isinstance(notice, Memorising):
                self.memorising_note = f"memorising · best {notice.best_step:,}"  # the notice says it all
                self.notify(notice.message.capitalize() + ".", severity="warning", timeout=10)
            elif isinstance(notice, Recovered):
                self.notify(f"Step {notice.step:,}: {notice.message}; went back to the last good weights.", severity="warning")
            elif isinstance(notice, Saved):
                self.saved_note = f"saved at step {notice.step:,}"
            elif isinstance(notice, SaveFailed):
                self.notify(notice.message, title="Not saved", severity="error", timeout=10)
            elif isinstance(notice, Failed):
                self._set_state("failed", notice.message)
                self.notify(notice.message, title="Training stopped", severity="error", timeout=10)
            elif isinstance(notice, Finished) and self.state != "failed":
                if notice.reason == "early-stop":
                    self.notify("Validation stopped improving, so training stopped; the best weights are kept.", timeout=8)
                self._set_state("finished" if notice.reason in ("budget", "early-stop") else "ready")

    def _lay_out_like(self, corpus: "Corpus") -> None:
        """Prose whose lines a wrapper broke: the model's line breaks read as spaces, not ragged lines."""
        from seussbot.corpus import is_soft_wrapped

        soft = is_soft_wrapped(corpus.text[:20_000])
        view = self.query_one(StreamView)
        view.soft_breaks = view.written.soft_breaks = soft
        self.timeline.soft_breaks = soft

    # -- the probe: has it learned the corpus's rule? ---------------------------------------
    def _show_probe_history(self, session: "TrainingSession") -> None:
        """Show the probe's chart and line if the corpus has one, with what a reopened model measured."""
        self.set_class(session.probe is not None, "-probe")  # studio.tcss shows its chart and line
        if session.probe is None:
            return
        spec = session.probe.spec
        self.probe_chart.set_bands(spec.bands, spec.chance)
        self.probe_chart.add_history(session.state.history)
        self.learned_at = learned_step(session.state.history, spec.learned_at)
        probed = [p for p in session.state.history if p.probe_bands is not None]
        if probed:
            self.probe_shares = probed[-1].probe_bands or []
            self.query_one(ProbeLine).show(spec, self.probe_shares, self.learned_at)
        else:
            self.query_one(ProbeLine).update(f"{spec.title}: measured at each evaluation (chance {100 * spec.chance:.0f}%)")

    def _show_probe(self, step: int, tokens: int, shares: list[float | None]) -> None:
        if self.session is None or self.session.probe is None:
            return
        self.probe_shares = shares
        self.probe_chart.add(step, tokens, shares)
        self.probe_chart.refresh()
        self.query_one(ProbeLine).show(self.session.probe.spec, shares, self.learned_at)

    @property
    def probe_chart(self) -> ProbeChart:
        return self.query_one(ProbeChart)

    def _show_numbers(self) -> None:
        session, p = self.session, self.progress
        if session is None:
            return
        st = session.state
        self.stats.show(
            step=p.step if p else st.step,
            train_nats=p.train_loss if p else (st.history[-1].train_loss if st.history else None),
            val_nats=self.last_val,
            tokens_per_s=p.tokens_per_s if p else None,
            unit="words" if session.vocab.level == "word" else "chars",
            elapsed_s=p.elapsed_s if p else st.elapsed_s,
            eta_s=p.eta_s if p else session.time_left_s,
            fraction=p.fraction if p else session.budget_fraction,
            note=self.memorising_note or self.saved_note,  # one line on the frame: the warning wins
        )

    # -- the timeline ------------------------------------------------------------------
    @property
    def timeline(self) -> TimelinePanel:
        return self.query_one(TimelinePanel)

    def _take_sample(self) -> None:
        if self.session is not None:
            self.timeline.sample(self.session, self.profile, self.progress.train_loss if self.progress else None)

    # -- keys --------------------------------------------------------------------------
    SPACE_STATES = {
        "train": ("ready", "failed", "loading", "play"), "train_more": ("finished",), "pause": ("running",), "resume": ("paused",),
    }

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        typing = self._typing()
        if action == "leave_prompt":  # only offered (and shown) while typing a prompt
            return typing
        if action == "focus_prompt":  # while typing, "/" is a letter of the prompt
            return not typing
        if action in self.SPACE_STATES:
            if self.state not in self.SPACE_STATES[action]:
                return False
            return None if self.state in ("loading", "play", "stopping") else True  # None: shown, dimmed
        return True

    def _typing(self) -> bool:
        # Asked for every binding whenever the footer is drawn: a DOM query here cost 2 ms a call.
        focused = self.focused
        return focused is not None and focused.id == "prompt"

    def take_text(self, text: str) -> bool:
        """Text that arrived at once (pasted, or a burst of keys): it goes into the prompt, as if after "/".

        False while the keys already reach a text field (the prompt, or a choice being made), so they go there as keys.
        """
        focused = self.focused
        if self._typing() or (focused is not None and focused is not self.query_one(StreamView)):
            return False
        prompt = self.writer.prompt
        self.set_focus(prompt)  # as "/" does: the old prompt is selected, so the new text replaces it
        prompt.post_message(events.Paste(_as_prompt(text)))  # after the focus, and before the keys that follow
        return True

    def action_focus_prompt(self) -> None:
        self.set_focus(self.writer.prompt)  # now, not after the keys already queued (Widget.focus waits)

    def action_leave_prompt(self) -> None:
        if self.focused is self.writer.prompt:
            self.query_one(StreamView).focus()

    def action_write(self) -> None:
        self.writer.write()

    def action_choose(self) -> None:
        self.writer.choose()

    def action_decoding(self) -> None:
        self.writer.change(decoding=True)

    def action_until(self) -> None:
        self.writer.change(until=True)

    def action_versus(self) -> None:
        from seussbot.tui.screens.versus import VersusScreen

        if self.writer.source is not None:
            self.app.push_screen(VersusScreen(self.writer.source, self.writer.prompt.value.replace("\\n", "\n"), self.writer.settings))

    def palette_commands(self):
        """The writing modes in the command palette (the app asks each screen for its own)."""
        from seussbot.tui.screens.write_commands import write_commands

        return write_commands(self)

    def action_temperature(self, direction: int) -> None:
        self.writer.change(temperature=direction)

    def action_length(self, direction: int) -> None:
        self.writer.change(length=direction)

    def action_x_axis(self) -> None:
        axis = "tokens" if self.chart.x_axis == "step" else "step"
        for chart in self.query(LineChart):
            chart.set_x_axis(axis)

    def action_zoom(self) -> None:
        toggle_recent(self.query(LineChart))

    def action_save(self) -> None:
        if self.runner is None:
            self.notify("Nothing to save yet.", severity="warning")
            return
        self._save(self.runner)

    @work(thread=True, group="save")
    def _save(self, runner: Runner) -> None:
        try:
            path = runner.save()
            self.post_message(self.SaveDone(f"Saved {path.name if path else 'the model'}."))
        except SeussbotError as error:
            self.post_message(self.SaveDone(str(error), error=True))

    @on(SaveDone)
    def _save_done(self, message: SaveDone) -> None:
        self.notify(message.text, severity="error" if message.error else "information", timeout=4)

    def action_help(self) -> None:
        from seussbot.tui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen(self))

    def action_inside(self) -> None:
        """Look inside the network at the text just written (training goes on)."""
        self.look_inside(self.writer.view.text)

    def look_inside(self, text: str) -> None:
        """Open the look-inside view on `text`: the text just written as the weights that wrote it saw
        it (read ahead, unseen, when the writing ended), any other text as the network is now."""
        from seussbot.tui.screens.inside import InsideScreen

        inside = self.inside
        if inside is not None and inside.is_mounted and self.read_ahead == (text, self.writer.written_by):
            self.read_ahead = None
            self.app.push_screen(inside)  # read and drawn already
            return
        request = self._inside_request(text, self.writer.prepared.recent_model(self.writer.source))
        if request is None:
            self.notify("The model is still loading.", severity="warning")
        elif inside is None or not inside.is_mounted:  # a key sooner than the view was built
            self.app.push_screen(InsideScreen(request))
        else:
            self.read_ahead = None
            inside.look_into(request)  # the reading starts before the switch
            self.app.push_screen(inside)

    def _inside_request(self, text: str, taken: "CharRNN | None", note: str = "") -> "InsideRequest | None":
        """What the view looks into for `text`: the snapshot `taken`, or else a fresh one (which waits
        for the training step under way to end)."""
        from seussbot.tui.screens.inside import InsideRequest

        session, source = self.session, self.writer.source
        if source is None:
            return None
        corpus, split = (session.corpus, session.split_mode) if session else (None, "interleaved")
        view_source = source if taken is None else replace(source, snapshot=lambda: taken)
        return InsideRequest(text, source=view_source, corpus=corpus, split_mode=split, name=self.title, note=note)

    @on(WritePanel.Done)
    def _read_ahead(self, message: WritePanel.Done) -> None:
        """A writing ended: the unseen look-inside view reads it now, with the snapshot that wrote it.

        Looking inside at the text just written is what `i` is for. Read here, in the
        background (60-70 ms of one core for 1,000 characters), the view opens on it read
        and drawn in its first frame; if the text changed since, `i` reads it as any other.
        """
        inside, writer = self.inside, self.writer
        if message.error or message.writing != writer.writing or inside is None or not inside.is_mounted:
            return
        wrote, text = writer.written_by, writer.view.text
        if self.app.screen is not self or wrote is None or not text:
            return
        request = self._inside_request(text, wrote, note="weights that wrote it")
        if request is not None:
            inside.look_into(request)
            self.read_ahead = (text, wrote)

    def action_read(self) -> None:
        """The network as it is now reads its held-out text; training goes on underneath."""
        from seussbot.tui.screens.read import ReadScreen

        if self.session is None and not self.request.model:
            self.notify("The model is still loading.", severity="warning")
            return
        self.app.push_screen(ReadScreen.from_studio(self.session, self.request.model))

    @property
    def training_under_way(self) -> bool:
        return self.runner is not None and self.runner.running

    def action_back(self) -> None:
        self._after_asking("Training is under way. Stop it, save the model and go back to the library?", self._back)

    def action_quit(self) -> None:
        self._after_asking("Training is under way. Stop it, save the model and quit? (ctrl+q quits without asking)", self.app.action_quit)

    def _after_asking(self, question: str, then) -> None:
        from seussbot.tui.screens.confirm import after_asking

        after_asking(self, question, then, ask=self.training_under_way)

    async def _back(self) -> None:
        await self.shutdown()
        self.dismiss()

    # -- leaving -----------------------------------------------------------------------
    async def shutdown(self) -> None:
        """Stop training and keep the model: the thread ends its step and saves."""
        runner = self.runner
        if runner is None:
            return
        runner.stop()
        if runner.running:
            self._set_state("stopping")
            await asyncio.to_thread(runner.wait, 120)
        if runner.unsaved():
            try:
                await asyncio.to_thread(runner.save)
            except SeussbotError as error:
                self.notify(str(error), title="Not saved", severity="error")
        if not runner.running:
            runner.sessions[0].close()  # let the CLI (or another screen) train this model now

    def on_unmount(self) -> None:
        if self.runner is not None:  # never leave a training thread behind
            self.runner.stop()
        if self.inside is not None:
            let_go(self.app, self.inside)
        thaw()  # what `_loaded` froze may be collected now
