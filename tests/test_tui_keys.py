"""Keys as a person types them: fast, while training, and never doing what was not meant."""

from __future__ import annotations

import asyncio

from textual import events

from seussbot import store
from seussbot.tui.app import SeussbotApp
from seussbot.tui.screens.catalog import Catalog
from seussbot.tui.screens.confirm import ConfirmScreen
from seussbot.tui.screens.studio import StudioScreen
from seussbot.tui.widgets.stream_view import StreamView
from test_tui_journeys import SIZE, make_app, open_studio_and_train, story, until  # noqa: F401 (story is a fixture)


def burst(app, text: str) -> None:
    """Post every key at once, as a terminal delivers fast typing: none waits for the one before."""
    names = {"/": "slash", " ": "space", ".": "full_stop"}
    for char in text:
        app.post_message(events.Key(names.get(char, char), char))


async def ready_writer(app, pilot):
    """The studio's write panel, its model loaded, training not started."""
    studio = await open_studio_ready(app, pilot)
    await until(lambda: studio.writer.source is not None)
    return studio.writer


async def open_studio_ready(app, pilot) -> StudioScreen:
    """Enter on the highlighted corpus, with training not started: the studio, ready."""
    await pilot.press("enter")
    await until(lambda: isinstance(app.screen, StudioScreen) and app.screen.state == "ready")
    return app.screen


def space_label(screen) -> str:
    return screen.active_bindings["space"].binding.description


async def test_typing_fast_after_slash_reaches_the_prompt(story: str) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        studio = await open_studio_and_train(app, pilot)
        burst(app, "/bob saw aeiou.")  # b would go back, s save, space pause, if they escaped the prompt
        await until(lambda: studio.writer.prompt.value == "bob saw aeiou.", timeout=10)
        assert app.screen is studio and studio.state == "running"
        await app.action_quit()


async def test_writing_hands_the_keys_back_so_space_pauses(story: str) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        studio = await open_studio_and_train(app, pilot)
        burst(app, "/Ann")
        await until(lambda: studio.writer.prompt.value == "Ann")
        await pilot.press("enter")
        assert app.focused is studio.query_one(StreamView)
        await pilot.press("space")
        assert studio.state == "paused" and studio.writer.prompt.value == "Ann"
        await app.action_quit()


async def test_leaving_while_training_asks_first(story: str) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        studio = await open_studio_and_train(app, pilot)
        await pilot.press("b")
        await until(lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("n")
        await until(lambda: app.screen is studio)
        assert studio.state == "running" and studio.runner.running
        await pilot.press("q")
        await until(lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await until(lambda: not app.is_running)
    [saved] = store.list_models()
    assert saved.steps > 0


async def test_the_footer_says_what_space_does_now(story: str) -> None:
    app = make_app(start_training=False)
    async with app.run_test(size=SIZE) as pilot:
        studio = await open_studio_ready(app, pilot)
        assert space_label(studio) == "Train"
        await pilot.press("space")
        await until(lambda: studio.state == "running")
        assert space_label(studio) == "Pause"
        await pilot.press("space")
        assert space_label(studio) == "Resume"
        await pilot.press("b")  # paused is still under way: it asks
        await until(lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await until(lambda: not isinstance(app.screen, StudioScreen))


async def test_a_path_typed_on_the_library_goes_into_the_import_dialog(story: str) -> None:
    from seussbot.tui.screens.import_path import ImportScreen
    from textual.widgets import Input

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        burst(app, "/tmp/tuitest/my poems.txt")  # i would import, p and m change the corpus's settings
        await until(lambda: isinstance(app.screen, ImportScreen) and app.screen.query("#import-path"))
        path = app.screen.query_one("#import-path", Input)
        await until(lambda: path.value == "/tmp/tuitest/my poems.txt", timeout=10)
        assert len(app.screen_stack) == 3  # one dialog, not one per "i"
        await pilot.press("escape")
        library = app.screen
        assert library.choices == {}  # nothing was cycled by the letters of the path


async def test_reopening_a_model_keeps_its_timeline_and_write_settings(story: str) -> None:
    from seussbot.tui.widgets.timeline import TimelineEntry

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        studio = await open_studio_and_train(app, pilot)
        await until(lambda: len(studio.query(TimelineEntry)) >= 2, timeout=60)
        await pilot.press("right_square_bracket", "right_square_bracket", "plus")  # warmer twice, longer
        settings = studio.writer.settings
        steps = [e.step for e in studio.query(TimelineEntry)]
        studio.runner.pause()
        await app.action_quit()
    app = SeussbotApp(catalog=Catalog(only=("story",)), warm_up=False, start_training=False)  # sizes come from the file
    async with app.run_test(size=SIZE) as pilot:
        library = app.screen
        await until(lambda: any(o.id == "model:story-lstm" for o in library.items.options))
        library.items.highlighted = [o.id for o in library.items.options].index("model:story-lstm")
        await pilot.press("enter")
        await until(lambda: isinstance(app.screen, StudioScreen) and app.screen.state != "loading")
        studio = app.screen
        assert studio.state == "ready", (studio.state, studio.stats.query_one("#state").render())
        assert studio.request.model == "story-lstm", studio.request
        assert [e.step for e in studio.query(TimelineEntry)][: len(steps)] == steps
        assert studio.writer.settings.temperature == settings.temperature == 1.2
        assert studio.writer.settings.length == settings.length == 500
        assert "temperature 1.2" in str(studio.query_one("#write-status").render())
        await app.action_quit()


async def test_a_click_puts_the_cursor_on_a_character_and_a_mark_explains_itself(story: str) -> None:
    from seussbot.tui.widgets.written import Mark, Written

    app = make_app(start_training=False)
    async with app.run_test(size=SIZE) as pilot:
        view = (await open_studio_ready(app, pilot)).query_one(StreamView)
        view.clear()
        view.append([Written("Ann saw ", 0.9), Written("zorp", 0.1)])
        view.add_marks([Mark(8, 12, "made-up", "made-up word", '"zorp" is not a word, in the book or in English')])
        await pilot.pause()
        assert view.cursor == -1  # focus alone shows no cursor
        await pilot.click(StreamView, offset=(9 + view.region.x - view.content_region.x + 0, view.content_region.y - view.region.y))
        assert app.focused is view and view.cursor == 9
        status = str(app.screen.query_one("#write-status").render())
        assert 'made-up word: "zorp" is not a word' in status and "shorter" not in status
        await pilot.hover(StreamView, offset=(9 + view.content_region.x - view.region.x, view.content_region.y - view.region.y))
        assert view.tooltip and "zorp" in view.tooltip
        await app.action_quit()


def wheel(app, widget, event_type: type[events.MouseEvent], offset: tuple[int, int] = (2, 2)) -> None:
    """One notch of the mouse wheel over `widget`, as the terminal driver delivers it to the app."""
    x, y = widget.region.x + offset[0], widget.region.y + offset[1]
    app.post_message(event_type(None, x, y, 0, 0, 0, False, False, False, screen_x=x, screen_y=y))


async def test_the_timeline_scrolls_with_the_wheel_under_its_pinned_chart(story: str) -> None:
    from seussbot.tui.widgets.line_chart import LineChart
    from seussbot.tui.widgets.timeline import Timeline, TimelineEntry, TimelinePanel
    from seussbot.tui.widgets.written import Written

    app = make_app(start_training=False)
    async with app.run_test(size=(80, 24)) as pilot:
        panel = (await open_studio_ready(app, pilot)).query_one(TimelinePanel)
        for n, step in enumerate((32, 64, 128, 256, 512, 1024)):  # more samples than the panel has rows
            sample = [Written("Ann saw a hat. Bob hid the cup. " * 4, 0.5)]
            panel.post_message(TimelinePanel.Sampled(step, step * 100, 2.0, sample, 10.0 - n, [], {}))
        timeline, chart = panel.query_one(Timeline), panel.query_one(LineChart)
        await until(lambda: len(timeline.query(TimelineEntry)) >= 6 and timeline.max_scroll_y > 0)
        last = timeline.query(TimelineEntry).last()
        await until(lambda: timeline.scroll_y == min(timeline.max_scroll_y, last.virtual_region.y) > 0)  # the newest shown
        chart_at, newest = chart.region, timeline.scroll_y
        for _ in range(3):
            wheel(app, timeline, events.MouseScrollUp)
        await until(lambda: timeline.scroll_y < newest)
        scrolled_up = timeline.scroll_y
        wheel(app, timeline, events.MouseScrollDown)
        await until(lambda: timeline.scroll_y > scrolled_up)
        assert chart.region == chart_at and chart.region.y < timeline.region.y  # the chart stays put above the samples
        await app.action_quit()


async def test_z_zooms_every_chart_of_the_studio_to_the_later_half_and_back(story: str) -> None:
    from seussbot.tui.widgets.line_chart import LineChart

    app = make_app(start_training=False)
    async with app.run_test(size=(80, 24)) as pilot:
        studio = await open_studio_ready(app, pilot)
        charts = list(studio.query(LineChart))
        assert charts and not any(chart.recent for chart in charts)
        await pilot.press("z")
        assert all(chart.recent for chart in charts)
        await pilot.press("z")
        assert not any(chart.recent for chart in charts)
        await app.action_quit()


def keys_of(text: str) -> list[events.Key]:
    names = {"/": "slash", " ": "space", ".": "full_stop", "[": "left_square_bracket", "?": "question_mark"}
    return [events.Key(names.get(char, char), char) for char in text]


async def test_a_burst_of_text_in_the_studio_goes_into_the_prompt_not_the_bindings(story: str) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        studio = await open_studio_and_train(app, pilot)
        temperature = studio.writer.settings.temperature
        burst(app, "Ann saw [b].")  # space would pause, s save, [ cool, b go back: none of them may act
        await until(lambda: studio.writer.prompt.value == "Ann saw [b].", timeout=10)
        assert app.screen is studio and studio.state == "running"
        assert studio.writer.settings.temperature == temperature
        await app.action_quit()


async def test_keys_pressed_one_at_a_time_still_act_at_once(story: str) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        studio = await open_studio_and_train(app, pilot)
        temperature = studio.writer.settings.temperature
        await pilot.press("left_square_bracket", "left_square_bracket", "space")  # Pilot waits 20 ms+ between keys
        assert studio.writer.settings.temperature < temperature and studio.writer.settings.warmer(1).temperature < temperature
        assert studio.state == "paused" and studio.writer.prompt.value == ""
        await app.action_quit()


async def test_a_burst_noticed_late_takes_back_what_its_first_keys_did(story: str) -> None:
    """The terminal's reader was interrupted: the first keys acted before the rest were queued."""
    from seussbot.tui.screens.help import HelpScreen

    app = make_app(start_training=False)
    async with app.run_test(size=SIZE) as pilot:
        studio = await open_studio_ready(app, pilot)
        keys = keys_of("?ab")  # made together, as one read makes them; ? opens help, b would leave
        for key in keys:
            app.post_message(key)
            await asyncio.sleep(0)  # each handled before the next arrives
            await asyncio.sleep(0)
        await until(lambda: studio.writer.prompt.value == "?ab", timeout=10)
        assert app.screen is studio and not any(isinstance(s, HelpScreen) for s in app.screen_stack)


async def test_pasted_text_in_the_studio_goes_into_the_prompt(story: str) -> None:
    app = make_app(start_training=False)
    async with app.run_test(size=SIZE) as pilot:
        studio = await open_studio_ready(app, pilot)
        app.post_message(events.Paste("Ann saw\nthe cat"))  # bracketed paste: one event
        await until(lambda: studio.writer.prompt.value == "Ann saw\\nthe cat", timeout=10)
        assert app.focused is studio.writer.prompt and studio.state == "ready"


async def test_a_path_arriving_as_a_burst_on_the_library_is_a_path_however_it_begins(story: str) -> None:
    from seussbot.tui.screens.import_path import ImportScreen
    from textual.widgets import Input

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        burst(app, "tuitest/my poems.txt")  # no / or ~ first: the i, p and m must not act
        await until(lambda: isinstance(app.screen, ImportScreen) and app.screen.query("#import-path"))  # pushed and composed
        path = app.screen.query_one("#import-path", Input)
        await until(lambda: path.value == "tuitest/my poems.txt", timeout=10)
        assert len(app.screen_stack) == 3
        await pilot.press("escape")
        assert app.screen.choices == {}
        app.post_message(events.Paste("tuitest/other.txt"))  # pasted, and no file by that name here: still a path
        await until(lambda: isinstance(app.screen, ImportScreen) and app.screen.query("#import-path"))
        await until(lambda: app.screen.query_one("#import-path", Input).value == "tuitest/other.txt", timeout=10)


async def test_enter_writes_the_first_letter_before_it_returns_when_the_prompt_was_read_ahead(story: str) -> None:
    """The first letter is written on the screen's thread, so it is drawn in the frame that shows the Enter."""
    app = make_app(start_training=False)
    async with app.run_test(size=SIZE) as pilot:
        writer = await ready_writer(app, pilot)
        await pilot.press("slash", *"Ann ")
        writer.prepared.prepare(writer.source, "Ann ")  # what the preparer thread does as the prompt is typed
        writer.write()
        pieces = writer.view.written.pieces
        assert any(p.prob is not None for p in pieces), "the first letter waits for a worker"
        await until(lambda: not writer.busy)
        assert len(writer.view.text) > len("Ann ") + 1  # the worker wrote the rest


async def test_the_footer_is_one_line_of_keys_that_follows_the_state_and_takes_clicks(story: str) -> None:
    from seussbot.tui.widgets.footer import KeyFooter

    app = make_app(start_training=False)
    async with app.run_test(size=(60, 20)) as pilot:
        studio = await open_studio_ready(app, pilot)
        footer = studio.query_one(KeyFooter)
        await pilot.pause()
        line = footer.render().plain
        assert "space Train" in line and line.endswith("│^p palette") and len(line) <= 60
        assert "…" in line  # the keys that do not fit at 60 columns end in an ellipsis, not in the palette key
        await pilot.press("space")
        await until(lambda: studio.state == "running")
        await pilot.pause()
        assert "space Pause" in footer.render().plain
        start, _end, item = next(span for span in footer._spans if span[2].description == "Pause")
        await pilot.click(KeyFooter, offset=(start + 1, 0))
        await until(lambda: studio.state == "paused")


async def test_enter_writes_what_was_typed_before_it_when_more_keys_follow_at_once(story: str) -> None:
    """tmux send-keys '/' 'Ann ' Enter ']' ']' '[' delivers all of it in one read: Enter still writes 'Ann '."""
    app = make_app(start_training=False)
    async with app.run_test(size=SIZE) as pilot:
        writer = await ready_writer(app, pilot)
        burst(app, "/Ann ")
        app.post_message(events.Key("enter", "\r"))
        burst(app, "]][")
        await until(lambda: writer.view.written.pieces and not writer.busy, timeout=10)
        first = writer.view.written.pieces[0]
        assert first.prob is None and first.text == "Ann "  # the prompt as it was at Enter
