"""Look inside: why the network wrote each character, and how far back it looked.

A text (just written in the studio, typed or pasted here, or read by a saved
model) is read once through a snapshot of the weights, in a thread worker
(`seussbot.inside.read_text`); after that, moving the cursor only redraws.
Around the text: what the model weighed at the cursor, the gates and cells
of every unit as strips, the selected unit's equations with their numbers, the
reach of the prediction at the cursor (autograd on the snapshot, in a worker,
never on the training model), the cells that follow a nameable feature, and
the weights by matrix.
"""

from __future__ import annotations

import threading
from dataclasses import replace
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import ContentSwitcher, Header, Input, Label, OptionList, TextArea

from seussbot.errors import SeussbotError
from seussbot.inside.tracks import TRACKS
from seussbot.tui.widgets.cursor_inspector import CursorInspector, shown
from seussbot.tui.widgets.equations_view import EquationsView
from seussbot.tui.widgets.footer import KeyFooter
from seussbot.tui.widgets.gate_strips import GateStrips
from seussbot.tui.widgets.inside_panels import CellsList, WeightsTable
from seussbot.tui.widgets.inside_text import InsideText
from seussbot.tui.widgets.mistake_marks import as_marks, explain, mark_styles
from seussbot.tui.screens.inside_source import InsideRequest, Looked, excerpt, load_saved
from seussbot.tui.widgets.model_source import ModelSource
from seussbot.tui.widgets.value_scale import Scale, ScaleKey
from seussbot.tui.widgets.written import Written

if TYPE_CHECKING:
    from seussbot.corpus import Corpus
    from seussbot.inside.reading import Reading
    from seussbot.model import CharRNN

CELLS_TOKENS = 20_000  # validation text read to find cells: about a second on a small network
REACH_DELAY_S = 0.15  # a reach is measured once the cursor rests


class InsideScreen(Screen):
    CSS_PATH = "inside.tcss"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]  # 80 columns: halves, so the numbers fit
    AUTO_FOCUS = "#inside-text"
    BINDINGS = [
        Binding("t", "track", "Gate"),
        Binding("l", "layer", "Layer"),
        Binding("s", "sort", "Sort", show=False),
        Binding("j", "unit(1)", "Next unit", show=False),
        Binding("k", "unit(-1)", "Previous unit", show=False),
        Binding("u", "pick_unit", "Unit #", show=False),
        Binding("r", "reach", "Reach"),
        Binding("n", "cells", "Cells"),
        Binding("w", "weights", "Weights"),
        Binding("e", "edit", "Edit text", show=False),
        Binding("ctrl+r", "read_edited", "Read it", show=False),
        Binding("escape,b", "back", "Back"),
        Binding("question_mark", "help", "Help"),
    ]

    class Read(Message):
        def __init__(self, looking: object, looked: Looked, error: str | None = None) -> None:
            super().__init__()
            self.looking, self.looked, self.error = looking, looked, error

    class Marked(Message):
        def __init__(self, looking: object, marks: list) -> None:
            super().__init__()
            self.looking, self.marks = looking, marks

    class Reached(Message):
        def __init__(self, looking: object, position: int, found: object) -> None:
            super().__init__()
            self.looking, self.position, self.found = looking, position, found

    class CellsFound(Message):
        def __init__(self, looking: object, findings: list | None, error: str | None = None) -> None:
            super().__init__()
            self.looking, self.findings, self.error = looking, findings, error

    @property
    def help_keys(self) -> tuple[tuple[str, str], ...]:
        """The keys no binding of this screen names (the text's own, the editor's)."""
        from seussbot.tui.screens.help import EXTRA_COMMON

        return (
            ("← → ↑ ↓ home end", "Move the cursor through the text: what the model weighed there, its gates, its equations"),
            ("ctrl+r", "In the editor (e): read the typed or pasted text"),
            *EXTRA_COMMON,
        )

    @property
    def help_about(self) -> str:
        """What each part of the view shows, with every gate's textbook name and Rohrer's."""
        cell = self.reading.cell if self.reading is not None else None
        gates = []
        for name, tracks in TRACKS.items():
            if cell is None or name == cell:
                names = ", ".join(f"{t.symbol} {t.textbook}" + (f" ({t.rohrer})" if t.rohrer else "") for t in tracks)
                gates.append(f"  {name.upper()}: {names}")
        return (
            "Text: coloured by how sure the network was of each character before it came. "
            "With r, characters before the cursor light up by how much they swayed the prediction at the "
            "cursor (the gradient of its log-probability with respect to each earlier input), and the "
            "border says within how many characters 90% of that influence lies.\n\n"
            "At the cursor: the character's probability, the entropy of the prediction, the top candidates "
            "as bars, and the mistake it belongs to.\n\n"
            "Gates and cells: one row per unit, one column per character around the cursor, shaded by value "
            "on the key above them (gates run 0 to 1; candidates, h and the cell state run below and above 0). "
            "t picks what is shown, l the layer; rows are sorted by how much a unit varies (s: by number).\n\n"
            "Equations: the selected unit's step at the cursor with the numbers filled in; n lists cells "
            "that follow a nameable feature (inside a word, in quotes, line position), w counts the weights by matrix.\n\n"
            "What each row can show, in the textbook's words and Brandon Rohrer's:\n" + "\n".join(gates)
        )

    def action_help(self) -> None:
        from seussbot.tui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen(self))

    def __init__(self, request: InsideRequest | None = None) -> None:
        """A view of `request`; or, with none, a view built ahead of time for `look_into` to fill."""
        super().__init__()
        self.shown_layer = 0  # what is shown stays chosen from one text to the next
        self.track_index = 0
        self.by_variance = True
        self.reach_on = False
        self._reach_timer = None
        self._take(request or InsideRequest(""))
        self._pending = request is not None  # read once composed

    def _take(self, request: InsideRequest) -> None:
        """Forget the last text and network; `request` is what is looked into now."""
        self.request = request
        self.text = request.text
        self.source = request.source
        self.corpus = request.corpus
        self.split_mode = request.split_mode
        self.reading: Reading | None = None
        self.model: CharRNN | None = None  # the snapshot read (reach and cells use the same weights)
        self.unit: int | None = None  # None until a unit is chosen: the one that varies most
        self.index = 0  # the token under the cursor
        self.looking = object()  # this text's token: what a worker finds for an earlier one is dropped

    def look_into(self, request: InsideRequest) -> None:
        """Look into a new text and network with this view as it is, already built.

        The studio builds its view before the key that opens it (`seussbot.tui.prebuilt`),
        so opening costs a switch of screens, not a mount; the reading starts here, before it.
        """
        self._take(request)
        self.reach_on = False
        self._stop_reach_timer()
        self._start_reading()
        if self.is_mounted:
            self._show_unread()

    def compose(self) -> ComposeResult:
        if self._pending:  # the worker starts before the widgets are built and styled
            self._start_reading()
        yield Header()
        with Container(id="inside"):
            with Vertical(id="inside-text-box", classes="panel") as box:
                box.border_title = "Text"
                yield TextArea(self.text, id="inside-edit", soft_wrap=True, show_line_numbers=False)
                yield InsideText("Press e to type or paste a text to look into.", follow=self._follow_cursor, id="inside-text")
                yield Label("", id="inside-status")
            with Vertical(id="inside-cursor-box", classes="panel") as box:
                box.border_title = "At the cursor"
                yield CursorInspector(id="inside-cursor")
            with Vertical(id="inside-strips-box", classes="panel") as box:
                box.border_title = "Gates and cells"
                yield ScaleKey(id="inside-scale")
                yield GateStrips(id="inside-strips")
                yield Input(placeholder="unit number, Enter", id="inside-unit", type="integer", compact=True)
            with ContentSwitcher(initial="inside-equations", id="inside-side", classes="panel"):
                with VerticalScroll(id="inside-equations"):
                    yield EquationsView()
                yield CellsList(id="inside-cells")
                yield WeightsTable("", id="inside-weights")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#inside-side").border_title = "Equations"
        if self._pending:
            self._show_unread()

    def on_screen_resume(self) -> None:
        if self.focused is None or not self.focused.display:  # a view filled unseen: the text takes the keys
            self.view.focus()
        if self.reach_on and self.reading is not None:  # a reach the suspension stopped
            self._schedule_reach()

    def on_screen_suspend(self) -> None:
        self._stop_reach_timer()  # nothing is measured for a view no one sees

    def _show_unread(self) -> None:
        """The text at once, uncoloured, and nothing of any earlier text; the reading fills in the rest."""
        self.title = self.request.name or self.request.model or "look inside"
        self.sub_title = "reading…"
        view = self.view
        view.set_mark_styles(mark_styles(view.background_colors[1]))  # the theme may have changed since the last text
        view.clear()
        view.show_reach({})
        view.display = True
        self.query_one("#inside-edit").display = False
        self.query_one("#inside-unit").display = False
        text_box = self.query_one("#inside-text-box")
        text_box.border_title, text_box.border_subtitle = "Text", ""
        self._status("")
        self.strips.clear()
        self.query_one(ScaleKey).clear()
        self.query_one(EquationsView).show_lines([])
        self.query_one(CellsList).forget()
        self._side("inside-equations", "Equations")
        if self.text:  # colours, candidates and gates follow the reading
            view.append([Written(self.text, None)])
            self.query_one(CursorInspector).show_nothing("reading the text through the network…")
        else:
            self.query_one(CursorInspector).show_nothing("")

    @property
    def view(self) -> InsideText:
        return self.query_one(InsideText)

    @property
    def strips(self) -> GateStrips:
        return self.query_one(GateStrips)

    def _status(self, text: str) -> None:
        self.query_one("#inside-status", Label).update(text)

    # -- reading ---------------------------------------------------------------------
    def _start_reading(self) -> None:
        """Read `self.text` in a thread of its own, started now.

        A Textual thread worker starts from an asyncio task, which ran only after the
        screen switch had drawn its first two frames: 55-62 ms after the key, in a pty
        trace while training. Everything the reading needs is passed in: `look_into` may
        replace the request while an earlier reading runs, and that result is dropped.
        """
        arguments = (self.looking, self.text, self.source, self.request.model, self.corpus, self.split_mode)
        threading.Thread(target=self._read, args=arguments, name="seussbot-inside-read", daemon=True).start()

    def _read(
        self, looking: object, text: str, source: ModelSource | None, saved: str | None, corpus: "Corpus | None", split_mode: str
    ) -> None:
        import torch

        torch.set_num_threads(1)  # leave the other core to training and the screen
        try:
            if source is None:
                source, corpus, split_mode = load_saved(saved or "")
                if not text and corpus is not None:  # a saved model reads what it never trained on
                    text = excerpt(corpus.split(mode=split_mode)[1])  # type: ignore[arg-type]
            model = reading = None
            if text:
                from seussbot.inside.reading import read_text

                model = source.snapshot()  # reading, reach and cells all look at these weights
                reading = read_text(model, source.vocab, text)
            self.post_message(self.Read(looking, Looked(text, source, model, reading, corpus, split_mode)))
        except Exception as error:  # a strange model file or a bug: said on the screen, which stays alive
            said = str(error) if isinstance(error, SeussbotError) else f"{type(error).__name__}: {error}"
            self.post_message(self.Read(looking, Looked(text, source, None, None, corpus, split_mode), said))

    @work(thread=True, exclusive=True, group="inside-marks")
    def _mark(self, looking: object, text: str, source: ModelSource) -> None:
        """Judge the text once the reading is drawn: pure Python, so it would hold the GIL meanwhile."""
        if source.profile is not None and source.vocab.level == "char":
            from seussbot.mistakes import find_mistakes

            self.post_message(self.Marked(looking, as_marks(find_mistakes(text, source.profile))))

    @on(Marked)
    def _marked(self, message: Marked) -> None:
        if message.looking is self.looking and self.reading is not None:
            self.view.add_marks(message.marks)

    @on(Read)
    def _shown_reading(self, message: Read) -> None:
        if message.looking is not self.looking:  # an earlier text's, finished after `look_into`
            return
        looked = message.looked
        self.text, self.source, self.model = looked.text, looked.source, looked.model
        self.corpus, self.split_mode = looked.corpus, looked.split_mode
        if message.error:
            self.sub_title = "cannot read this text"
            self._status(message.error)
            self.notify(message.error, severity="error", timeout=8)
            return
        self.reading = reading = looked.reading
        if reading is None:
            self.sub_title = "no text yet"
            self.action_edit()
            return
        from seussbot.vocab import JoinState

        join = JoinState()
        vocab = self.source.vocab  # type: ignore[union-attr]
        view = self.view
        view.clear()
        # Whole tensors to lists once: a thousand tensor reads per text cost more than the drawing. No
        # candidates per piece: the inspector reads them from the reading for the one character it shows.
        view.append([
            Written(join.join(vocab.level, token), p, entropy_bits=bits)
            for token, p, bits in zip(reading.tokens, reading.prob.tolist(), reading.entropy_bits.tolist())
        ])
        self.shown_layer = min(self.shown_layer, reading.layers - 1)
        self.track_index %= len(TRACKS[reading.cell])
        self.sub_title = f"{reading.cell.upper()} · {reading.layers} layer{'s' if reading.layers > 1 else ''} · {len(reading):,} tokens read"
        self.query_one("#inside-text-box").border_title = f"Text, read by the {self.request.note}" if self.request.note else "Text"
        self._status("? help · arrows move · t gate · l layer · s sort · j/k unit · r reach · n cells · w weights")
        self._show_track()
        if self.is_current:  # unseen, it would take the focus from the screen in front
            view.focus()
        view.action_cursor_to(min(self.index, len(reading) - 1))
        self.call_after_refresh(self._mark, self.looking, self.text, self.source)

    # -- the cursor --------------------------------------------------------------------
    def _follow_cursor(self, index: int) -> None:
        """The text's cursor is on character `index`: everything about it follows, in the same frame."""
        reading, written = self.reading, self.view.written
        if reading is None or not 0 <= index < len(written.piece_of):
            return
        self.index = written.piece_of[index]
        mark = written.mark_at(index)
        t = self.index
        self.query_one(CursorInspector).show(
            t, reading.tokens[t], float(reading.prob[t]), float(reading.entropy_bits[t]),
            reading.candidates(t, self.source.vocab), explain(mark) if mark else None,  # type: ignore[union-attr]
        )
        self.strips.set_cursor(t)
        self._show_equations()
        if self.reach_on:
            self._schedule_reach()

    def _show_equations(self) -> None:
        from seussbot.inside.equations import unit_step

        reading = self.reading
        if reading is None or self.unit is None:
            return
        step = unit_step(reading, self.shown_layer, self.unit, self.index)
        self.query_one(EquationsView).show(step, shown(reading.tokens[self.index]))

    # -- strips ------------------------------------------------------------------------
    @property
    def track(self):
        return TRACKS[self.reading.cell][self.track_index]  # type: ignore[union-attr]

    def _show_track(self) -> None:
        reading = self.reading
        if reading is None:
            return
        track = self.track
        values = reading.tracks[self.shown_layer][track.key]
        if track.key == "cell":  # unbounded: scale to what this text reached
            top = float(values.abs().quantile(0.99)) if values.numel() < 16_000_000 else float(values.abs().max())
            low, high = -max(top, 0.1), max(top, 0.1)
        else:
            low, high = track.low, track.high
        order = (
            values.var(dim=0).argsort(descending=True).tolist() if self.by_variance and len(values) > 1
            else list(range(values.shape[1]))
        )
        box = self.query_one("#inside-strips-box")
        names = f"{track.textbook} {track.symbol}" + (f" · {track.rohrer}" if track.rohrer else "")
        box.border_title = f"{names} · layer {self.shown_layer + 1} of {reading.layers}"
        box.border_subtitle = "by how much each unit varies" if self.by_variance else "by unit number"
        strips_style = self.strips
        scale = Scale(
            low, high, strips_style.background_colors[1],
            strips_style.get_component_styles("gate-strips--low").color,
            strips_style.get_component_styles("gate-strips--high").color,
        )
        self.query_one(ScaleKey).show(scale, f"{track.symbol}:")
        self.strips.show(reading.tokens, values, scale, order)
        self.strips.set_cursor(self.index)
        if self.unit is None:
            self.unit = order[0]
        self.strips.select(self.unit)

    def action_track(self) -> None:
        if self.reading is not None:
            self.track_index = (self.track_index + 1) % len(TRACKS[self.reading.cell])
            self._show_track()

    def action_layer(self) -> None:
        if self.reading is not None:
            self.shown_layer = (self.shown_layer + 1) % self.reading.layers
            self._show_track()
            self._show_equations()

    def action_sort(self) -> None:
        self.by_variance = not self.by_variance
        self._show_track()

    def action_unit(self, delta: int) -> None:
        order = self.strips.order
        if order:
            position = order.index(self.unit) if self.unit in order else 0
            self._select_unit(order[max(0, min(len(order) - 1, position + delta))])

    def _select_unit(self, unit: int) -> None:
        self.unit = unit
        self.strips.select(unit)
        self._show_equations()

    def action_pick_unit(self) -> None:
        box = self.query_one("#inside-unit", Input)
        box.display = True
        box.value = ""
        box.focus()

    @on(Input.Submitted, "#inside-unit")
    def _unit_picked(self, event: Input.Submitted) -> None:
        event.input.display = False
        self.view.focus()
        size = self.reading.tracks[0]["hidden"].shape[1] if self.reading else 0
        try:
            unit = int(event.value)
        except ValueError:
            return
        if not 0 <= unit < size:
            self.notify(f"Units are numbered 0 to {size - 1}.", severity="warning")
            return
        self._select_unit(unit)

    # -- reach -------------------------------------------------------------------------
    def action_reach(self) -> None:
        self.reach_on = not self.reach_on
        if self.reach_on:
            self._schedule_reach()
        else:
            self.view.show_reach({})
            self.query_one("#inside-text-box").border_subtitle = ""

    def _stop_reach_timer(self) -> None:
        if self._reach_timer is not None:
            self._reach_timer.stop()

    def _schedule_reach(self) -> None:
        self._stop_reach_timer()
        self._reach_timer = self.set_timer(
            REACH_DELAY_S, lambda: self._reach(self.looking, self.model, self.source, self.text, self.index)
        )

    @work(thread=True, exclusive=True, group="inside-reach")
    def _reach(self, looking: object, model: "CharRNN | None", source: ModelSource | None, text: str, position: int) -> None:
        import torch

        from seussbot.inside.reach import reach

        torch.set_num_threads(1)
        if source is None or model is None or position < 1:
            self.post_message(self.Reached(looking, position, None))
            return
        try:
            self.post_message(self.Reached(looking, position, reach(model, source.vocab, text, position)))
        except SeussbotError:
            self.post_message(self.Reached(looking, position, None))

    @on(Reached)
    def _reached(self, message: Reached) -> None:
        found = message.found
        box = self.query_one("#inside-text-box")
        if not self.reach_on or message.looking is not self.looking or message.position != self.index:
            return
        if found is None:
            self.view.show_reach({})
            box.border_subtitle = "reach: nothing before the first character"
            return
        starts = self.view.written.piece_of
        first_char = {}
        for char_index, token_index in enumerate(starts):
            first_char.setdefault(token_index, char_index)
        self.view.show_reach({first_char[i]: found.of(i) for i in range(found.begin, found.position)})  # type: ignore[attr-defined]
        unit = "words" if self.source and self.source.vocab.level == "word" else "characters"
        box.border_subtitle = f"reach: 90% within {found.within_90:,} {unit}"  # type: ignore[attr-defined]

    # -- cells and weights -------------------------------------------------------------
    def action_cells(self) -> None:
        side = self.query_one(ContentSwitcher)
        if side.current == "inside-cells":
            self._side("inside-equations", "Equations")
            return
        self._side("inside-cells", "Cells that mean something")
        cells = self.query_one(CellsList)
        if not cells.findings:
            cells.clear_options()
            cells.add_option("finding cells in the corpus's validation text…")
            self._find_cells(self.looking, self.model, self.source, self.corpus, self.split_mode)

    @work(thread=True, exclusive=True, group="inside-cells")
    def _find_cells(
        self, looking: object, model: "CharRNN | None", source: ModelSource | None, corpus: "Corpus | None", split_mode: str
    ) -> None:
        import torch

        from seussbot.inside.cells import find_cells

        torch.set_num_threads(1)
        if source is None or model is None or corpus is None:
            self.post_message(self.CellsFound(looking, None, "The corpus this model learned is not at hand."))
            return
        try:
            _, validation = corpus.split(mode=split_mode)  # type: ignore[arg-type]
            report = find_cells(model, source.vocab, validation, max_tokens=CELLS_TOKENS)
            self.post_message(self.CellsFound(looking, report.findings))
        except SeussbotError as error:
            self.post_message(self.CellsFound(looking, None, str(error)))

    @on(CellsFound)
    def _cells_found(self, message: CellsFound) -> None:
        if message.looking is not self.looking:
            return
        cells = self.query_one(CellsList)
        if message.findings is None:
            cells.clear_options()
            cells.add_option(message.error or "")
            return
        cells.show(message.findings)

    @on(OptionList.OptionSelected, "#inside-cells")
    def _cell_chosen(self, event: OptionList.OptionSelected) -> None:
        findings = self.query_one(CellsList).findings
        if self.reading is None or not event.option.id or int(event.option.id) >= len(findings):
            return
        finding = findings[int(event.option.id)]
        self.shown_layer = finding.layer
        self.track_index = [t.key for t in TRACKS[self.reading.cell]].index(finding.track)
        self.unit = finding.unit
        self._show_track()
        self._show_equations()

    def action_weights(self) -> None:
        side = self.query_one(ContentSwitcher)
        if side.current == "inside-weights":
            self._side("inside-equations", "Equations")
        elif self.model is not None:
            from seussbot.inside.weights import weight_breakdown

            matrices = weight_breakdown(self.model.config)
            total = sum(m.count for m in matrices)
            self.query_one(WeightsTable).show(matrices, total)
            self._side("inside-weights", f"Weights: {total:,}")

    def _side(self, which: str, title: str) -> None:
        side = self.query_one(ContentSwitcher)
        side.current = which
        side.border_title = title
        if not self.is_current:
            return
        if which == "inside-cells":
            self.query_one(CellsList).focus()
        else:
            self.view.focus()

    # -- a new text --------------------------------------------------------------------
    def action_edit(self) -> None:
        editor = self.query_one("#inside-edit", TextArea)
        if not editor.display:
            editor.text = self.text
        editor.display = True
        self.view.display = False
        editor.focus()
        self._status("type or paste a text · ctrl+r reads it · escape goes back")

    def action_read_edited(self) -> None:
        editor = self.query_one("#inside-edit", TextArea)
        if not editor.display:
            return
        self.text = editor.text
        self.request = replace(self.request, text=self.text, note="")  # typed here: no writer's weights to name
        editor.display = False
        self.view.display = True
        self.sub_title = "reading…"
        self.looking = object()  # a reading of the text before is dropped
        self._start_reading()

    def action_back(self) -> None:
        editor = self.query_one("#inside-edit", TextArea)
        if editor.display and self.reading is not None:
            editor.display = False
            self.view.display = True
            self.view.focus()
            return
        self.dismiss()
