"""Samples taken as training goes on, from gibberish to words, each scored for mistakes.

At doubling step counts the panel takes a fixed-seed sample from a snapshot
of the weights (in its own thread worker), scores it with the corpus's
mistake detectors, and charts mistakes per 100 words against step above the
samples. Entries are few (one per doubling), so ordinary widgets do here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Static

from seussbot.errors import SeussbotError
from seussbot.tui import format as fmt
from seussbot.tui.widgets.probability import STYLE_CLASSES, band_of, style_class
from seussbot.tui.widgets.series import Series
from seussbot.tui.widgets.line_chart import Line, LineChart
from seussbot.tui.widgets.mistake_marks import as_marks, mark_styles
from seussbot.tui.widgets.written import Mark, Written, as_written
from seussbot.writing import WriteSettings

if TYPE_CHECKING:
    from seussbot.mistakes import CorpusProfile
    from seussbot.session import TrainingSession

# One seed for every sample: the differences between samples are what the network learned.
TIMELINE_SETTINGS = WriteSettings(temperature=0.8, length=160, seed=7)
FIRST_TIMELINE_STEP = 32
MAX_KEPT = 40  # samples kept with a model: doublings from step 32 reach 17 trillion first


def next_timeline_step(step: int) -> int:
    """The next step worth a timeline sample: 32, 64, 128, ... (doubling)."""
    target = FIRST_TIMELINE_STEP
    while target <= step:
        target *= 2
    return target


class TimelineEntry(Static):
    COMPONENT_CLASSES = STYLE_CLASSES | {"timeline-entry--head"}
    soft_breaks = False  # set for a corpus whose line breaks were a wrapper's: they read as spaces

    def __init__(self, step: int, loss_nats: float | None, pieces: list[Written], score: str = "", marks: list[Mark] | None = None) -> None:
        super().__init__()
        self.step, self.loss_nats, self.pieces, self.score = step, loss_nats, pieces, score
        self.marks = marks or []  # the mistakes found in it, marked as the write panel marks them

    @property
    def text(self) -> str:
        return "".join(piece.text for piece in self.pieces)

    def render(self) -> Text:
        head = f"step {fmt.count(self.step)}"
        if self.loss_nats is not None:
            head += f" · loss {fmt.bits(self.loss_nats):.2f}"
        if self.score:
            head += f" · {self.score}"
        text = Text(head + "\n", self.get_component_rich_style("timeline-entry--head"))
        marked = self._marked_styles()
        at = 0  # character offset in the sample, which the marks count in
        for piece in self.pieces:
            style = self.get_component_rich_style(style_class(band_of(piece.prob)))
            for char in piece.text:
                shown = (" " if self.soft_breaks else " ⏎ ") if char == "\n" else char
                if shown == " " and text.plain.endswith(" "):
                    shown = ""  # one space where a line break met a space
                text.append(shown, style + marked[at] if at in marked else style)
                at += 1
        return text

    def _marked_styles(self):
        """Character offset -> the tint of the mistake over it (a real mistake wins over a neutral find)."""
        if not self.marks:
            return {}
        styles = mark_styles(self.background_colors[1])
        found = {}
        for mark in sorted(self.marks, key=lambda m: not m.neutral):
            if mark.kind in styles:
                for i in range(mark.start, mark.end):
                    found[i] = styles[mark.kind]
        return found


class Timeline(VerticalScroll):
    def compose(self) -> ComposeResult:
        yield Static("Samples appear here at steps 32, 64, 128, …", classes="hint")

    def add_entry(self, entry: TimelineEntry) -> None:
        if not self.is_attached:  # a sample that arrives as the app or screen closes
            return
        self.query(".hint").remove()
        self.mount(entry)
        # Show the newest sample from its first line (its step and score), not its last.
        self.call_after_refresh(self.scroll_to_widget, entry, animate=False, top=True)

    @property
    def entries(self) -> list[TimelineEntry]:
        return list(self.query(TimelineEntry))


class TimelinePanel(Vertical):
    """The mistakes chart over the list of samples; asks for a sample when one is due."""

    class Sampled(Message):
        def __init__(
            self, step: int, tokens: int, loss: float | None, pieces: list[Written], rate: float | None,
            marks: list[Mark], per_kind: dict[str, float],
        ) -> None:
            super().__init__()
            self.step, self.tokens, self.loss, self.pieces, self.rate = step, tokens, loss, pieces, rate
            self.marks, self.per_kind = marks, per_kind

    SHOWN_KINDS = 2  # lines of their own for a corpus that names none: its most frequent kinds

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.mistakes = Series()
        self.by_kind: dict[str, Series] = {}  # mistakes per 100 words of each kind, per sample
        self.key_kinds: tuple[str, ...] = ()  # the kinds the corpus's lesson is about (its grammar says)
        self.next_step = 0
        self.sampling = False
        self.soft_breaks = False  # the corpus's line breaks were a wrapper's (TimelineEntry.soft_breaks)
        self.kept: list[dict] = []  # every sample as JSON, kept with the model so reopening shows them
        self.keep: Callable[[list[dict]], None] | None = None  # where to keep them (the session's notes)

    def compose(self) -> ComposeResult:
        yield LineChart(
            [Line("mistakes", "line-chart--series-3", self.mistakes)],
            y_label="per 100 words", empty="Mistakes per 100 words, per sample", id="mistake-chart",
        )
        yield Timeline(id="timeline")

    def watch_kinds(self, kinds: tuple[str, ...]) -> None:
        """Chart these kinds apart (homecoming: forgot-hero), beside the total."""
        self.key_kinds = kinds

    def _chart_kinds(self) -> None:
        """The total, then a line per kind worth watching, in the kind's own colour; the legend says which."""
        from seussbot.mistakes import KINDS

        totals = {kind: sum(p.value for p in series.points) for kind, series in self.by_kind.items()}
        kinds = [k for k in self.key_kinds if k in KINDS] or sorted((k for k in totals if totals[k] > 0), key=lambda k: -totals[k])[: self.SHOWN_KINDS]
        chart = self.query_one("#mistake-chart", LineChart)
        chart.lines = [Line("mistakes", "line-chart--series-3", self.mistakes)] + [
            Line(KINDS[k].label, "", self.by_kind.setdefault(k, Series()), KINDS[k].colour) for k in kinds
        ]
        legend = "  ".join(f"[{KINDS[k].colour}]━ {KINDS[k].label}[/]" for k in kinds)
        if self.parent is not None:
            self.parent.border_subtitle = "[$text-error]━ mistakes/100 words[/]" + (f"  {legend}" if legend else "")

    def due(self, step: int) -> bool:
        return step >= self.next_step and not self.sampling

    def sample(self, session: "TrainingSession", profile: "CorpusProfile | None", loss: float | None) -> None:
        """Take a sample now (in a worker); the next one is due when the step count doubles."""
        self.sampling = True
        self.next_step = next_timeline_step(session.state.step)
        self._sample(session, profile, loss)

    @work(thread=True, group="timeline")
    def _sample(self, session: "TrainingSession", profile: "CorpusProfile | None", loss: float | None) -> None:
        from seussbot.writing import write_all

        state = session.state
        step, tokens = state.step, state.tokens_seen
        try:
            steps, mistakes, tally = write_all(session.snapshot_model(), session.vocab, "", TIMELINE_SETTINGS, profile)
        except SeussbotError:
            steps, mistakes, tally = [], [], None
        pieces = [as_written(s) for s in steps]
        rate = tally.per_100_words if tally is not None and pieces else None
        words = max(1, tally.words) if tally is not None else 1
        per_kind = {kind: 100 * n / words for kind, n in tally.counts.items()} if tally is not None else {}
        self.post_message(self.Sampled(step, tokens, loss, pieces, rate, as_marks(mistakes), per_kind))

    @on(Sampled)
    def _sampled(self, message: Sampled) -> None:
        self.sampling = False
        if not message.pieces:
            return
        self._show(message)
        self.kept = [*self.kept, _as_json(message)][-MAX_KEPT:]
        if self.keep is not None:
            self.keep(self.kept)

    def restore(self, kept: object) -> int:
        """Show the samples a reopened model kept; returns the last one's step (0: none).

        They come from a file, so anything malformed is left out, never trusted.
        """
        if not isinstance(kept, list):
            return 0
        last = 0
        for item in kept[-MAX_KEPT:]:
            message = _from_json(item)
            if message is not None:
                self._show(message)
                self.kept.append(item)
                last = message.step
        self.next_step = next_timeline_step(last) if last else 0
        return last

    def _show(self, message: Sampled) -> None:
        score = "" if message.rate is None else f"{message.rate:.1f} mistakes/100 words"
        if message.rate is not None:
            self.mistakes.append(message.step, message.tokens, message.rate)
            for kind in {*self.by_kind, *message.per_kind}:
                self.by_kind.setdefault(kind, Series()).append(message.step, message.tokens, message.per_kind.get(kind, 0.0))
            self._chart_kinds()
            self.query_one("#mistake-chart", LineChart).refresh()
        entry = TimelineEntry(message.step, message.loss, message.pieces, score, message.marks)
        entry.soft_breaks = self.soft_breaks
        self.query_one(Timeline).add_entry(entry)


def _as_json(message: TimelinePanel.Sampled) -> dict:
    return {
        "step": message.step, "tokens": message.tokens, "loss": message.loss, "rate": message.rate,
        "per_kind": message.per_kind,
        "pieces": [[p.text, p.prob] for p in message.pieces],
        "marks": [[m.start, m.end, m.kind, m.label, m.detail, m.neutral] for m in message.marks],
    }


def _from_json(item: object) -> TimelinePanel.Sampled | None:
    """A kept sample read back, or None if any part of it is not what `_as_json` writes."""
    if not isinstance(item, dict):
        return None
    try:
        step, tokens = int(item["step"]), int(item["tokens"])
        loss, rate = (None if item[k] is None else float(item[k]) for k in ("loss", "rate"))
        pieces = [Written(str(text), None if prob is None else float(prob)) for text, prob in item["pieces"]]
        marks = [Mark(int(a), int(b), str(kind), str(label), str(detail), bool(neutral)) for a, b, kind, label, detail, neutral in item["marks"]]
        per_kind = {str(k): float(v) for k, v in dict(item["per_kind"]).items()}
    except (KeyError, TypeError, ValueError):
        return None
    return TimelinePanel.Sampled(step, tokens, loss, pieces, rate, marks, per_kind)
