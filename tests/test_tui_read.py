"""The read screen, driven by Pilot: opened from the library and the studio, coloured, sorted, pasted into."""

from __future__ import annotations

import asyncio
import time
from typing import Callable

from textual import events
from textual.widgets import Static

from seussbot.tui.app import SeussbotApp
from seussbot.tui.screens.catalog import Catalog
from seussbot.tui.screens.library import LibraryScreen
from seussbot.tui.screens.read import ReadScreen
from seussbot.tui.widgets.breakdown_bars import BreakdownBars
from seussbot.tui.widgets.read_view import ReadView
from seussbot.tui.widgets.surprise_scale import ScaleLegend, style_class

SIZE = (80, 24)


async def until(condition: Callable[[], bool], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting for the app"
        await asyncio.sleep(0.05)


def static_text(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).content)


async def test_r_on_a_saved_model_reads_its_held_out_text(trained) -> None:
    app = SeussbotApp(catalog=Catalog(only=()), warm_up=False)
    async with app.run_test(size=SIZE) as pilot:
        library = app.screen
        assert isinstance(library, LibraryScreen)
        library.reload(highlight=f"model:{trained.name}")
        await pilot.press("r")
        await until(lambda: isinstance(app.screen, ReadScreen) and app.screen.reading is not None)
        screen = app.screen
        reading = screen.reading
        assert "held-out" in screen.query_one("#text-panel").border_title
        assert f"{reading.bits_per_token:.3f} bits/char" in static_text(screen, "#totals")
        assert "top 10" in static_text(screen, "#totals")
        view = screen.query_one(ReadView)
        assert view.text == "".join(reading.tokens)
        here = view.token_at(view.cursor)
        await pilot.press("n")  # to the next error: its kind shows at the cursor and on its bar
        first = next(i for i, c in enumerate(reading.category) if c not in ("correct", "unknown") and i > here)
        assert view.token_at(view.cursor) == first
        assert f"error: {reading.category[first]}" in static_text(screen, "#at-cursor").replace("\n", " ")
        assert screen.query_one(BreakdownBars).current == reading.category[first]
        await pilot.press("m")
        assert screen.query_one(ScaleLegend).mode == "rank" and view.mode == "rank"
        await pilot.press("escape")
        assert isinstance(app.screen, LibraryScreen)


async def test_pasted_text_is_read_with_unknown_characters_marked(trained) -> None:
    app = SeussbotApp(catalog=Catalog(only=()), warm_up=False)
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(ReadScreen(model=trained.name))
        await until(lambda: isinstance(app.screen, ReadScreen) and app.screen.reading is not None)
        screen = app.screen
        screen.post_message(events.Paste("Ann saw a hat\u20ac."))
        await until(lambda: screen.reading is not None and screen.reading.tokens[0] == "A" and len(screen.reading.tokens) == 15)
        await pilot.pause()
        assert "pasted text" in screen.query_one("#text-panel").border_title
        assert "1 never seen" in static_text(screen, "#totals")
        assert style_class("surprise", screen.reading.bits[13], screen.reading.rank[13]) == "scale--unknown"


async def test_r_in_the_studio_reads_with_the_network_as_it_is(trained) -> None:
    trained.close()  # its lock, so that the studio can open the model to train
    app = SeussbotApp(catalog=Catalog(only=()), warm_up=False, start_training=False)
    async with app.run_test(size=SIZE) as pilot:
        app.open_studio(model=trained.name)
        await until(lambda: getattr(app.screen, "session", None) is not None)
        await pilot.press("r")
        await until(lambda: isinstance(app.screen, ReadScreen) and app.screen.reading is not None)
        assert app.screen.title == trained.name and app.screen.reading.read_count > 0
        app.screen.dismiss()
        await pilot.pause()
        await app.action_quit()


def test_the_scale_puts_each_value_in_one_step() -> None:
    assert [style_class("surprise", b, 1) for b in (0.0, 0.99, 1.0, 3.9, 4.0, 20.0)] == [
        "scale--s0", "scale--s0", "scale--s1", "scale--s2", "scale--s3", "scale--s4",
    ]
    assert [style_class("rank", 1.0, r) for r in (1, 2, 10, 11, 100, 101)] == [
        "scale--r0", "scale--r1", "scale--r1", "scale--r2", "scale--r2", "scale--r3",
    ]
    assert style_class("surprise", float("nan"), 0) == style_class("rank", float("nan"), 0) == "scale--unknown"


async def test_help_on_the_read_screen_explains_the_kinds(trained) -> None:
    from seussbot.tui.screens.help import HelpScreen

    app = SeussbotApp(catalog=Catalog(only=()), warm_up=False)
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(ReadScreen(model=trained.name))
        await until(lambda: isinstance(app.screen, ReadScreen) and app.screen.reading is not None)
        await pilot.press("question_mark")
        await until(lambda: isinstance(app.screen, HelpScreen))
        about = str(app.screen.query_one("#help-about", Static).content)
        assert "dynamic-memory" in about and "Karpathy" in about
