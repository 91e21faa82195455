"""The write panel's decoding modes, driven by Pilot: choose your own, decoding and stop choices, side by side."""

from __future__ import annotations

from pathlib import Path

import pytest

from seussbot import store
from seussbot.opening import TrainRequest
from seussbot.tui.screens.studio import StudioScreen
from seussbot.tui.widgets.choose_bar import ChooseBar
from seussbot.tui.widgets.stream_view import StreamView
from test_tui_journeys import SIZE, make_app, until


@pytest.fixture
def story(story_file: Path) -> str:
    """A saved model of the story that has learned to end its sentences (150 steps, not training now)."""
    from seussbot.session import TrainingSession

    store.import_corpus(story_file, "story")
    session = TrainingSession.create("story", preset="tiny", max_steps=150, threads=1, eval_every_s=999)
    for _ in session.events():
        pass
    session.save()
    session.close()
    return "story-lstm"


def open_app(model: str):
    return make_app(open_request=TrainRequest(model=model), start_training=False)


async def open_studio(app, pilot) -> StudioScreen:
    await until(lambda: isinstance(app.screen, StudioScreen))
    studio = app.screen
    await until(lambda: studio.writer.source is not None and studio.state == "ready")
    return studio


async def test_choose_mode_takes_digits_arrows_typed_characters_and_model_turns(story: str) -> None:
    app = open_app(story)
    async with app.run_test(size=SIZE) as pilot:
        studio = await open_studio(app, pilot)
        studio.writer.prompt.value = "Ann "
        await pilot.press("c")
        await until(lambda: bool(app.screen.query(ChooseBar)) and app.screen.query_one(ChooseBar).offer is not None)
        bar = app.screen.query_one(ChooseBar)
        view = app.screen.query_one(StreamView)
        assert app.focused is bar
        first, old_offer = bar.offer.candidates[0], bar.offer
        await pilot.press("1")
        await until(lambda: len(view.written.pieces) == 2)
        assert view.written.pieces[1].by_person and view.written.pieces[1].text == first.token
        await until(lambda: bar.offer is not old_offer)  # the offer after the pick, not the one before it
        second = bar.offer.candidates[1]
        await pilot.press("down", "enter")
        await until(lambda: len(view.written.pieces) == 3)
        assert view.written.pieces[2].text == second.token and view.written.pieces[2].by_person
        await pilot.press("p")  # any character the model knows; "p" is no studio key here
        await until(lambda: len(view.written.pieces) == 4)
        assert view.written.pieces[3].text == "p" and app.is_running and studio.state == "ready"
        await pilot.press("tab")  # the model writes one token
        await until(lambda: len(view.written.pieces) == 5)
        assert not view.written.pieces[4].by_person
        await pilot.press("ctrl+g", "ctrl+e")  # greedy, to the end of the sentence
        await until(lambda: view.text.rstrip().endswith("."), timeout=20)
        assert studio.writer.tally is not None
        await pilot.press("escape")
        await until(lambda: not app.screen.query(ChooseBar))
        assert app.focused is view
        await pilot.press("left")  # the cursor on a person's pick says so
        await app.action_quit()


async def test_decoding_and_stop_keys_change_what_is_written(story: str) -> None:
    app = open_app(story)
    async with app.run_test(size=SIZE) as pilot:
        studio = await open_studio(app, pilot)
        writer = studio.writer
        await pilot.press("d")
        assert writer.settings.decoding == "greedy"
        await pilot.press("d")
        assert writer.settings.decoding == "beam" and writer.settings.no_repeat
        await pilot.press("u")
        assert str(writer.settings.until) == "sentence"
        assert "beam 5" in str(app.screen.query_one("#write-status").content)
        assert "to sentence end" in str(app.screen.query_one("#write-status").content)
        writer.prompt.value = "Ann saw"
        await pilot.press("w")
        view = app.screen.query_one(StreamView)
        await until(lambda: not writer.busy)
        assert view.text.startswith("Ann saw") and view.text.endswith(".") and view.text.count(".") == 1
        from seussbot.tui.commands import SeussbotCommands

        titles = [name for name, _, _ in SeussbotCommands(app.screen)._commands()]  # what ctrl+p offers here
        assert any("Choose the next token" in t for t in titles) and any("beam" in t for t in titles)
        await app.action_quit()


async def test_sampled_and_beam_side_by_side_with_their_tallies(story: str) -> None:
    from seussbot.tui.screens.versus import VersusScreen

    app = open_app(story)
    async with app.run_test(size=SIZE) as pilot:
        studio = await open_studio(app, pilot)
        studio.writer.prompt.value = "Bob "
        await pilot.press("v")
        await until(lambda: isinstance(app.screen, VersusScreen))
        screen = app.screen
        sampled, beam = screen.query_one("#sample-view", StreamView), screen.query_one("#beam-view", StreamView)
        await until(lambda: len(sampled.text) > 200 and len(beam.text) > 200, timeout=30)
        assert sampled.text.startswith("Bob ") and beam.text.startswith("Bob ")
        await until(lambda: "per 100 words" in str(screen.query_one("#beam-tally").content))
        await until(lambda: sampled.cut)  # written to its length, maybe inside a word: it ends in "…", as in the studio
        await pilot.press("escape")
        assert app.screen is studio
        await app.action_quit()
