"""The look-inside view, driven by Pilot: from the studio's writing, from a saved model, on typed text."""

from __future__ import annotations

import io
import threading
from pathlib import Path

import pytest
import torch
from rich.console import Console
from textual.widgets import OptionList, TextArea

from seussbot import store
from seussbot.model import CELLS, CharRNN, ModelConfig
from seussbot.tui.screens.inside import InsideRequest, InsideScreen
from seussbot.tui.screens.library import LibraryScreen
from seussbot.tui.screens.studio import StudioScreen
from seussbot.tui.widgets.cursor_inspector import CursorInspector
from seussbot.tui.widgets.equations_view import EquationsView
from seussbot.tui.widgets.gate_strips import GateStrips
from seussbot.tui.widgets.inside_panels import WeightsTable
from seussbot.tui.widgets.inside_text import InsideText
from seussbot.tui.widgets.model_source import ModelSource
from seussbot.vocab import Vocab

from test_tui_journeys import SIZE, make_app, story, until  # noqa: F401 (story: a fixture)

TEXT = "Ann saw a hat.\nBob had a bun.\n"


def _rendered(widget) -> str:
    """What a Static shows, as plain text."""
    console = Console(width=100, file=io.StringIO(), color_system=None)
    console.print(widget.content)
    return console.file.getvalue()


def _toy(cell: str, seed: int, layers: int = 1) -> InsideRequest:
    """TEXT, to be read by a small untrained network of `cell`."""
    vocab = Vocab.build(TEXT)
    torch.manual_seed(seed)
    model = CharRNN(ModelConfig(cell, vocab_size=len(vocab), hidden_size=8, layers=layers, embed_dim=4)).eval()  # type: ignore[arg-type]
    return InsideRequest(TEXT, source=ModelSource(vocab, lambda: model))


async def _pushed(app, request: InsideRequest) -> InsideScreen:
    """The view of `request`, opened and mounted; its reading may still be under way."""
    screen = InsideScreen(request)
    app.push_screen(screen)
    await until(lambda: screen.is_mounted)
    return screen


async def _open(app, pilot, request: InsideRequest) -> InsideScreen:
    screen = await _pushed(app, request)
    await until(lambda: screen.reading is not None or "cannot" in (screen.sub_title or ""))
    await pilot.pause()
    return screen


@pytest.mark.parametrize("cell", CELLS)
async def test_every_cell_shows_its_own_gates_and_equations(cell: str) -> None:
    app = make_app(start_training=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(app, pilot, _toy(cell, 0, layers=2))
        strips = screen.query_one("#inside-strips-box")
        titles = [strips.border_title]
        for _ in range({"lstm": 5, "gru": 3, "rnn": 0}[cell]):
            await pilot.press("t")
            titles.append(strips.border_title)
        expected = {"lstm": ["input gate i", "forget gate f", "output gate o", "candidate g", "cell state c", "hidden state h"],
                    "gru": ["reset gate r", "update gate z", "candidate n", "hidden state h"], "rnn": ["hidden state h"]}[cell]
        assert [t.split(" · ")[0] for t in titles] == expected
        await pilot.press("l")
        assert "layer 2 of 2" in strips.border_title
        await pilot.press("right", "right")
        assert "'n'" in _rendered(screen.query_one(CursorInspector))  # "Ann": the cursor's character
        equations = _rendered(screen.query_one(EquationsView))
        assert {"lstm": "forgetting", "gru": "update gate", "rnn": "h = tanh("}[cell] in equations
        assert "of layer 2" in equations


async def test_moving_the_cursor_updates_candidates_strips_and_equations() -> None:
    app = make_app(start_training=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(app, pilot, _toy("lstm", 1))
        strips = screen.query_one(GateStrips)
        await pilot.press("right", "right", "right")
        assert screen.index == 3 and strips.cursor == 3
        inspector = _rendered(screen.query_one(CursorInspector))
        p = float(screen.reading.prob[3])
        assert f"p = {p:.1%}" in inspector and "'␣'" in inspector
        unit = screen.unit
        await pilot.press("j")
        assert screen.unit == strips.order[strips.order.index(unit) + 1]
        assert f"unit {screen.unit} of layer 1" in _rendered(screen.query_one(EquationsView))
        await pilot.press("s")
        assert strips.order == list(range(8))
        await pilot.press("u")
        await pilot.press("5", "enter")
        assert screen.unit == 5 and strips.selected == 5


async def test_the_inspector_strips_and_equations_follow_the_cursor_in_its_own_turn() -> None:
    """All that a move changes is ready before Textual draws the move's frame: nothing waits a frame."""
    app = make_app(start_training=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(app, pilot, _toy("lstm", 1))
        screen.view.action_cursor_to(4)  # no await: no message may be needed to get there
        p = float(screen.reading.prob[4])
        assert screen.index == 4 and screen.strips.cursor == 4
        assert f"p = {p:.1%}" in _rendered(screen.query_one(CursorInspector))
        assert "after 's'" in _rendered(screen.query_one(EquationsView))  # "Ann saw": character 4


async def test_reach_lights_the_text_and_says_how_far_back() -> None:
    app = make_app(start_training=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(app, pilot, _toy("gru", 2))
        await pilot.press("end", "r")
        box = screen.query_one("#inside-text-box")
        await until(lambda: "90%" in (box.border_subtitle or ""))
        view = screen.query_one(InsideText)
        assert view.reach_shade and max(view.reach_shade) < len(TEXT) - 1  # only characters before the cursor
        await pilot.press("r")
        assert not view.reach_shade and not box.border_subtitle


async def test_a_saved_model_reads_its_held_out_text_finds_cells_and_counts_weights(trained) -> None:
    app = make_app(start_training=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(app, pilot, InsideRequest("", model=trained.name, name=trained.name))
        assert screen.reading is not None and len(screen.reading) > 100
        await pilot.press("w")
        weights = _rendered(screen.query_one(WeightsTable))
        assert f"{trained.model.parameter_count():,}" in weights and "W_hf" in weights
        await pilot.press("w", "n")
        cells = screen.query_one("#inside-cells", OptionList)
        await until(lambda: cells.option_count > 3 and "r =" in str(cells.get_option_at_index(0).prompt))
        await pilot.press("down", "enter")
        chosen = cells.findings[1]
        assert (screen.unit, screen.shown_layer) == (chosen.unit, chosen.layer)
        assert screen.track.key == chosen.track


async def test_typed_text_is_read_and_unknown_characters_are_refused(trained) -> None:
    app = make_app(start_training=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(app, pilot, InsideRequest("", model=trained.name))
        await pilot.press("e")
        editor = screen.query_one(TextArea)
        assert app.focused is editor
        editor.text = "Dan hid the cup."
        await pilot.press("ctrl+r")
        await until(lambda: screen.reading is not None and len(screen.reading) == len("Dan hid the cup."))
        await pilot.press("e")
        editor.text = "Dan ~ cup"
        await pilot.press("ctrl+r")
        await until(lambda: "never saw" in str(screen.query_one("#inside-status").render()))


async def test_the_studio_opens_the_view_on_the_text_just_written(story: str) -> None:
    app = make_app(start_training=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        await until(lambda: isinstance(app.screen, StudioScreen) and app.screen.writer.source is not None)
        studio = app.screen
        studio.writer.prompt.value = "Ann"
        studio.writer.write()
        await until(lambda: not studio.writer.busy and len(studio.writer.view.text) > 10)
        await pilot.press("i")
        await until(lambda: isinstance(app.screen, InsideScreen) and app.screen.reading is not None)
        assert "".join(app.screen.reading.tokens) == studio.writer.view.text
        await pilot.press("escape")
        assert app.screen is studio


async def test_the_library_opens_a_saved_model_to_look_inside(story: str, tmp_path: Path) -> None:
    from seussbot.session import TrainingSession

    session = TrainingSession.create("story", preset="tiny", max_steps=3, threads=1, eval_every_s=999, hidden_size=16)
    for _ in session.events():
        pass
    session.save()
    session.close()
    app = make_app(start_training=False)
    async with app.run_test(size=SIZE) as pilot:
        library = app.screen
        assert isinstance(library, LibraryScreen)
        await pilot.press("g")  # on a corpus: says what to do
        library.items.highlighted = [o.id for o in library.items._options].index(f"model:{session.name}")
        await pilot.press("g")
        await until(lambda: isinstance(app.screen, InsideScreen) and app.screen.reading is not None)
        assert store.list_models()[0].name == session.name


async def test_the_mistake_under_the_cursor_is_named(trained) -> None:
    text = "Ann hid a gopip.\n"
    app = make_app(start_training=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(app, pilot, InsideRequest("", model=trained.name))
        await pilot.press("e")
        screen.query_one(TextArea).text = text
        await pilot.press("ctrl+r")
        view = screen.query_one(InsideText)
        await until(lambda: screen.reading is not None and len(screen.reading) == len(text) and view.written.marks)
        assert any(m.kind == "made-up" and text[m.start:m.end] == "gopip" for m in view.written.marks)
        view.action_cursor_to(text.index("gopip") + 2)
        await pilot.pause()
        assert "made-up" in _rendered(screen.query_one(CursorInspector)).lower()


async def test_an_arrow_key_redraws_only_the_lines_and_columns_it_changes(monkeypatch) -> None:
    """Work per key, not time: the text redraws the cursor's lines, the strips their header row, and the
    cursor's column through the rows once the cursor rests (two one-cell columns, never a whole row)."""
    long_text = TEXT * 20
    vocab = Vocab.build(long_text)
    torch.manual_seed(3)
    model = CharRNN(ModelConfig("lstm", vocab_size=len(vocab), hidden_size=8, layers=1, embed_dim=4)).eval()
    app = make_app(start_training=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(app, pilot, InsideRequest(long_text, source=ModelSource(vocab, lambda: model)))
        await pilot.press("home", "right")
        await pilot.pause()
        text_lines, strip_repaints = [], []
        render_line, refresh = InsideText.render_line, GateStrips.refresh
        monkeypatch.setattr(InsideText, "render_line", lambda self, y: text_lines.append(y) or render_line(self, y))
        monkeypatch.setattr(GateStrips, "refresh", lambda self, *r, **k: strip_repaints.append(r) or refresh(self, *r, **k))
        view, kept = screen.query_one(InsideText), dict(screen.strips._rows)
        visible = view.scrollable_content_region.height
        assert len(view.written.lines) > visible > 4  # a whole redraw would be many lines
        for _ in range(5):
            await pilot.press("right")
        await until(lambda: screen.strips.marked == 6, timeout=10)  # the column follows once the cursor rests
        assert screen.index == 6
        assert len(text_lines) <= 2 * 5  # the line the cursor left and the one it entered
        headers = [r for r in strip_repaints if len(r) == 1 and (r[0].y, r[0].height) == (0, 1)]
        columns = [r for r in strip_repaints if r and all(region.width == 1 for region in r)]
        assert len(headers) == 5 and 1 <= len(columns) <= 5 and len(headers) + len(columns) == len(strip_repaints)
        assert screen.strips.marked == screen.strips.cursor == 6
        assert screen.strips._rows == kept  # no row was built again: the cursor is spliced into kept strips


async def test_question_mark_opens_the_views_own_help_with_its_keys_and_gate_names() -> None:
    from textual.widgets import Static

    from seussbot.tui.screens.help import HelpScreen

    app = make_app(start_training=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(app, pilot, _toy("lstm", 0))
        await pilot.press("question_mark")
        await until(lambda: isinstance(app.screen, HelpScreen))
        keys = _rendered(app.screen.query_one("#help-keys", Static))
        for key, meaning in (("t", "Gate"), ("l", "Layer"), ("r", "Reach"), ("n", "Cells"), ("w", "Weights"), ("e", "Edit text")):
            assert any(line.split()[:1] == [key] and meaning in line for line in keys.splitlines()), key
        assert "Move the cursor through the text" in keys and "corpora" not in keys  # the view's keys, not the library's
        about = str(app.screen.query_one("#help-about", Static).content)
        assert "f forget gate (forgetting)" in about and "g candidate (possibilities)" in about
        assert "c cell state (memory)" in about and "GRU" not in about  # the cell being looked at
        await pilot.press("escape")
        assert app.screen is screen


def _held_back(gate: "threading.Event") -> tuple[Vocab, CharRNN, ModelSource]:
    """TEXT's vocabulary, a small LSTM, and a source whose snapshot waits for `gate` (the reading cannot end before it)."""
    vocab = Vocab.build(TEXT)
    torch.manual_seed(0)
    model = CharRNN(ModelConfig("lstm", vocab_size=len(vocab), hidden_size=8, layers=1, embed_dim=4)).eval()

    def slow_snapshot() -> CharRNN:
        gate.wait(30)
        return model

    return vocab, model, ModelSource(vocab, slow_snapshot)


async def test_the_text_shows_before_the_reading_and_the_gates_fill_in_after() -> None:
    gate = threading.Event()
    _, _, held_back = _held_back(gate)
    app = make_app(start_training=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _pushed(app, InsideRequest(TEXT, source=held_back))
        await until(lambda: screen.query_one(InsideText).text == TEXT)
        view = screen.query_one(InsideText)
        await pilot.pause()
        assert screen.reading is None and screen.query_one(GateStrips).levels is None
        assert "reading" in _rendered(screen.query_one(CursorInspector))
        gate.set()
        await until(lambda: screen.reading is not None and screen.query_one(GateStrips).levels is not None)
        assert view.text == TEXT and view.written.pieces[0].prob == pytest.approx(float(screen.reading.prob[0]))


async def test_the_studio_under_the_view_rests_and_comes_back_whole_after_a_resize(story: str) -> None:
    """The opaque view hides the studio: its training charts no longer repaint the view, and it catches up on return."""
    from test_tui_journeys import open_studio_and_train

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        studio = await open_studio_and_train(app, pilot)
        await pilot.press("slash", *"Ann ", "enter")
        await until(lambda: not studio.writer.busy)
        await pilot.press("i")
        await until(lambda: isinstance(app.screen, InsideScreen) and app.screen.reading is not None)
        assert not studio.is_current and app._background_screens == []
        await pilot.resize_terminal(SIZE[0] + 20, SIZE[1] + 6)
        await pilot.pause(0.3)
        await pilot.press("escape")
        await until(lambda: app.screen is studio and studio.is_current)
        await pilot.pause()
        assert studio.size == (SIZE[0] + 20, SIZE[1] + 6)
        assert studio.query_one("#write-panel-box").region.right <= SIZE[0] + 20


async def test_the_studio_builds_its_view_unseen_and_reads_what_it_wrote_before_i_is_pressed(story: str) -> None:
    """`i` then switches to a view already read and drawn: the same screen, no second reading."""
    app = make_app(start_training=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        await until(lambda: isinstance(app.screen, StudioScreen) and app.screen.inside is not None and app.screen.inside.is_mounted)
        studio = app.screen
        inside = studio.inside
        assert inside not in app.screen_stack and app.is_screen_installed(inside)
        focused = studio.focused
        studio.writer.prompt.value = "Ann"
        studio.writer.write()
        await until(lambda: not studio.writer.busy and inside.reading is not None)
        assert "".join(inside.reading.tokens) == studio.writer.view.text  # read before the key, unseen
        assert app.screen is studio and studio.focused is focused  # the studio kept its keys
        read_ahead = inside.reading
        await pilot.press("i")
        assert app.screen is inside and inside.reading is read_ahead  # shown, not read again
        assert "weights that wrote it" in inside.query_one("#inside-text-box").border_title
        await pilot.press("e")
        inside.query_one("#inside-edit", TextArea).text = "Bob had a bun."
        await pilot.press("ctrl+r")  # typed here: read by the same weights, but they did not write it
        await until(lambda: inside.reading is not None and "".join(inside.reading.tokens) == "Bob had a bun.")
        assert inside.query_one("#inside-text-box").border_title == "Text"
        await pilot.press("escape")
        assert app.screen is studio and app.is_screen_installed(inside)
        studio.look_inside("Bob had a bun.")  # another text: read at the key, in the same view
        assert app.screen is inside and inside.reading is None and inside.query_one(GateStrips).levels is None
        await until(lambda: inside.reading is not None)
        assert "".join(inside.reading.tokens) == "Bob had a bun."
        assert inside.query_one("#inside-text-box").border_title == "Text"  # read by the network as it is now
        await pilot.press("escape", "b")  # the view, then the studio: the view goes with it
        await until(lambda: not studio.is_attached)
        assert not app.is_screen_installed(inside)


async def test_a_reading_that_ends_after_a_newer_text_was_asked_for_is_dropped() -> None:
    gate = threading.Event()
    vocab, model, held_back = _held_back(gate)
    app = make_app(start_training=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _pushed(app, InsideRequest(TEXT, source=held_back))
        screen.look_into(InsideRequest("Bob saw a hat.", source=ModelSource(vocab, lambda: model)))
        await until(lambda: screen.reading is not None)
        gate.set()  # the first reading ends now, after the second
        await pilot.pause(0.3)
        assert "".join(screen.reading.tokens) == "Bob saw a hat."
        assert screen.query_one(InsideText).text == "Bob saw a hat."
