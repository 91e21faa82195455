"""Each journey through the app, driven by Pilot, with a tiny network on a small corpus.

A training thread keeps the process busy, and Pilot's key presses wait for
the process to go idle (up to ~2 s each), so these tests press few keys while
training runs, set text fields directly, and poll for the state they expect.
"""

from __future__ import annotations

import asyncio
import gc
import time
from pathlib import Path
from typing import Callable

import pytest
from textual import events
from textual.widgets import Input, Label

from seussbot import store
from seussbot.tui.app import SeussbotApp
from seussbot.tui.screens.catalog import Catalog
from seussbot.tui.screens.import_path import ImportScreen
from seussbot.tui.screens.library import LibraryScreen
from seussbot.tui.screens.studio import StudioScreen
from seussbot.opening import TrainRequest
from seussbot.until import Until
from seussbot.tui.widgets.stream_view import StreamView

TINY = {"hidden_size": 16, "embed_dim": 8, "layers": 1, "batch_size": 8, "seq_len": 32, "eval_every_s": 0.5}
SIZE = (100, 32)


@pytest.fixture
def story(story_file: Path) -> str:
    store.import_corpus(story_file, "story")
    return "story"


def make_app(**options: object) -> SeussbotApp:
    return SeussbotApp(train_overrides=TINY, catalog=Catalog(only=("story",)), warm_up=False, **options)


async def until(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    """Let the app run until `condition` holds (the app shares this event loop)."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting for the app"
        await asyncio.sleep(0.05)


def text_of(app: SeussbotApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Label).content)


async def open_studio_and_train(app: SeussbotApp, pilot) -> StudioScreen:
    await pilot.press("enter")  # on the highlighted corpus: start training
    await until(lambda: isinstance(app.screen, StudioScreen))
    studio = app.screen
    await until(lambda: studio.progress is not None and studio.progress.step > 0)
    return studio


async def test_enter_starts_training_and_quit_keeps_the_model(story: str) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, LibraryScreen)
        studio = await open_studio_and_train(app, pilot)
        assert studio.state == "running"
        await until(lambda: text_of(app, "#step") not in ("step –", "step 0"))
        assert text_of(app, "#step").startswith("step ")
        assert "train" in text_of(app, "#loss") and not text_of(app, "#loss").startswith("–")
        assert "chars/s" in text_of(app, "#speed")
        await pilot.press("q")  # while training, q asks first
        await until(lambda: type(app.screen).__name__ == "ConfirmScreen")
        await pilot.press("y")
        await until(lambda: not app.is_running)
    assert app.return_value == 0
    [saved] = store.list_models()
    assert saved.name == "story-lstm" and saved.corpus == "story" and saved.steps > 0


async def test_prompt_writes_while_training_goes_on(story: str) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        studio = await open_studio_and_train(app, pilot)
        await pilot.press("slash")
        prompt = studio.writer.prompt
        assert app.focused is prompt
        await pilot.press("q")  # a letter in the prompt, not "quit"
        assert app.is_running and prompt.value == "q"
        prompt.value = "Ann saw"
        step_before = studio.session.state.step
        await pilot.press("enter")
        view = app.screen.query_one(StreamView)
        await until(lambda: len(view.text) > len("Ann saw") + 20)
        assert view.text.startswith("Ann saw")
        assert view.written.pieces[0].prob is None  # the prompt is the person's
        assert all(0.0 <= piece.prob <= 1.0 for piece in view.written.pieces[1:])
        await until(lambda: studio.session.state.step > step_before)
        assert studio.state == "running"
        await pilot.press("escape")
        assert app.focused is view
        await app.action_quit()


async def test_space_pauses_and_resumes_but_types_in_the_prompt(story: str) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        studio = await open_studio_and_train(app, pilot)
        runner, trainer = studio.runner, studio.session.trainer
        await pilot.press("space")
        assert studio.state == "paused" and runner.paused
        assert "Paused" in text_of(app, "#state")
        await until(lambda: trainer.parked)  # the step in flight has finished
        paused_at = trainer.state.step
        await asyncio.sleep(0.3)
        assert trainer.state.step == paused_at
        await pilot.press("space")
        assert studio.state == "running"
        await until(lambda: trainer.state.step > paused_at)
        await pilot.press("slash", "space")
        assert studio.writer.prompt.value == " " and studio.state == "running"
        await app.action_quit()


async def test_pasted_path_offers_import_and_adds_the_corpus(tmp_path: Path, story_file: Path) -> None:
    dropped = tmp_path / "my poems.txt"
    dropped.write_text(story_file.read_text(encoding="utf-8"), encoding="utf-8")
    app = SeussbotApp(start_training=False, warm_up=False)
    async with app.run_test(size=SIZE) as pilot:
        app.post_message(events.Paste(f"'{dropped}'"))  # how a terminal pastes a dropped file
        await until(lambda: isinstance(app.screen, ImportScreen) and app.screen.query("#import-path"))
        assert app.screen.query_one("#import-path", Input).value == str(dropped)
        await pilot.press("enter")  # the Import button has focus
        await until(lambda: isinstance(app.screen, LibraryScreen))
        assert "my-poems" in [name for name, *_ in __import__("seussbot.corpus").corpus.list_corpora()]
        await until(lambda: app.screen.items.highlighted_option.id == "corpus:my-poems")


async def test_bad_file_shows_the_engines_sentence(tmp_path: Path) -> None:
    binary = tmp_path / "photo.txt"
    binary.write_bytes(b"\x89PNG\x00\x01" * 400)
    app = SeussbotApp(start_training=False, warm_up=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("i")
        dialog = app.screen
        assert isinstance(dialog, ImportScreen)
        dialog.query_one("#import-path", Input).value = str(binary)
        dialog.query_one("#import-path", Input).focus()
        await pilot.press("enter")
        error = dialog.query_one("#import-error", Label)
        await until(lambda: "binary" in str(error.content))
        assert str(error.content) == f"'{binary}' looks like a binary file, not text."
        assert app.screen is dialog and app.is_running
        await pilot.press("escape")
        assert isinstance(app.screen, LibraryScreen)


async def test_a_corpus_that_went_bad_shows_an_error_in_the_studio(story: str) -> None:
    (store.paths.corpora_dir() / "story.txt").write_bytes(b"\x00\x01" * 2000)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        await until(lambda: isinstance(app.screen, StudioScreen) and app.screen.state == "failed")
        assert "binary file" in text_of(app, "#state")
        await pilot.press("b")  # the app stays usable: back to the library
        assert isinstance(app.screen, LibraryScreen)


async def test_a_damaged_model_file_is_listed_and_explained_but_not_opened(story: str) -> None:
    store.paths.models_dir().mkdir(parents=True)
    (store.paths.models_dir() / "junk.safetensors").write_bytes(b"nonsense")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        items = app.screen.items
        items.highlighted = items.get_option_index("model:junk")
        await pilot.pause()
        assert "not a safetensors model file" in str(app.screen.query_one("#details-facts").content)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, LibraryScreen) and app.is_running
        assert any("not a safetensors model file" in n.message for n in app._notifications)


async def test_saved_model_without_its_corpus_still_writes(story: str) -> None:
    from seussbot.session import TrainingSession

    session = TrainingSession.create("story", max_steps=5, threads=1, **TINY)
    for _ in session.events():
        pass
    session.save()
    (store.paths.corpora_dir() / "story.txt").unlink()
    app = make_app(open_request=TrainRequest(model="story-lstm"), start_training=False)
    async with app.run_test(size=SIZE) as pilot:
        studio = app.screen
        await until(lambda: studio.state == "play")
        studio.writer.settings = studio.writer.settings.longer(-1)
        await pilot.press("w")
        view = studio.query_one(StreamView)
        await until(lambda: len(view.text) >= 100)
        await pilot.press("space")  # cannot train: says so, no crash
        assert studio.state == "play" and app.is_running


async def test_mistakes_are_marked_counted_and_explained(story: str) -> None:
    from seussbot.mistakes import KINDS
    from seussbot.session import TrainingSession

    TrainingSession.create("story", threads=1, **TINY).save()  # untrained: its writing is full of mistakes
    app = make_app(open_request=TrainRequest(model="story-lstm"), start_training=False)
    async with app.run_test(size=SIZE) as pilot:
        studio = app.screen
        await until(lambda: studio.state == "ready" and studio.query("TimelineEntry"))
        entry = studio.query_one("TimelineEntry")
        assert "mistakes/100 words" in entry.score and len(studio.timeline.mistakes) == 1
        writer = studio.writer
        writer.settings = type(writer.settings)(temperature=1.0, length=200, seed=5)
        writer.prompt.value = "Ann saw"
        writer.write()
        await until(lambda: not writer.busy)
        view = studio.query_one(StreamView)
        marks = view.written.marks
        assert marks and all(mark.start >= 0 and mark.kind in KINDS for mark in marks)
        assert writer.tally.per_100_words > 0 and sum(writer.tally.counts.values()) == len(marks)
        assert "per 100 words" in str(studio.query_one("#tally").content)
        first = marks[0]
        view.focus()
        await pilot.pause()
        view.action_cursor_to(first.start)
        await pilot.pause()
        status = text_of(app, "#write-status")
        # The mark's own detail names this case; the general rule is said only when there is none.
        said = first.detail or KINDS[first.kind].explanation
        assert status.startswith(KINDS[first.kind].label) and said in status


async def test_a_word_the_length_cut_off_shows_as_cut_not_made_up(story: str) -> None:
    from seussbot.mistakes import find_mistakes
    from seussbot.session import TrainingSession

    TrainingSession.create("story", threads=1, **TINY).save()  # untrained: it invents words
    app = make_app(open_request=TrainRequest(model="story-lstm"), start_training=False)
    async with app.run_test(size=SIZE) as pilot:
        studio = app.screen
        await until(lambda: studio.state == "ready" and studio.writer.source is not None)
        writer, view = studio.writer, studio.query_one(StreamView)
        writer.prompt.value = "Ann "
        for seed in range(20):  # until a text stops inside a word that, judged whole, would be made up
            writer.settings = type(writer.settings)(temperature=1.5, length=50, seed=seed)
            writer.write()
            await until(lambda: not writer.busy)
            text = view.text
            whole = find_mistakes(text, writer.source.profile, protected_prefix=4)
            if any(m.kind == "made-up" and m.end == len(text) for m in whole):
                break
        else:
            pytest.fail("no seed stopped inside a made-up-looking word")
        await pilot.pause()
        assert not any(m.end == len(text) and m.kind == "made-up" for m in view.written.marks)
        last_row = len(view.written.lines) - 1 - view.scroll_offset.y
        assert view.render_line(last_row).text.rstrip().endswith(text.rsplit(None, 1)[-1] + StreamView.CUT)
        writer.settings = type(writer.settings)(temperature=1.5, length=50, seed=seed, until=Until("sentence"))
        writer.write()
        await until(lambda: not writer.busy)
        assert not view.cut or len(view.text) == 4 + 50


async def test_the_studio_freezes_what_it_built_and_thaws_it_when_it_closes(story: str) -> None:
    """A full garbage collection walked the session, its profile and the widgets: 120-160 ms of a
    stopped screen. Frozen, they are skipped; but frozen objects are never collected, so the studio
    gives them back to the collector when it closes."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        studio = await open_studio_and_train(app, pilot)
        assert studio.runner.background  # its training yields the CPU to the screen
        assert gc.get_freeze_count() > 0 and not any(o is studio for o in gc.get_objects())  # frozen: not tracked
        await studio.shutdown()
        studio.dismiss()
        await until(lambda: isinstance(app.screen, LibraryScreen) and not studio.is_attached)
        assert gc.get_freeze_count() == 0
