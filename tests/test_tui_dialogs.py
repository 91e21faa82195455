"""Dialogs and side doors: importing under a taken name, a small corpus, screenshots."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Label

from seussbot import paths, store
from seussbot.tui.screens.import_path import ImportScreen
from test_tui_journeys import SIZE, make_app, until


async def test_a_taken_name_offers_a_free_one_and_enter_imports_under_it(story_file: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        app.open_import(story_file)
        await until(lambda: isinstance(app.screen, ImportScreen) and app.screen.query("#import-name"))
        dialog = app.screen
        dialog.query_one("#import-name", Input).value = "spot"  # a bundled corpus's name
        dialog.query_one("#import-go").press()
        error = dialog.query_one("#import-error", Label)
        await until(lambda: str(error.content) not in ("", "Checking…"))
        assert "spot-2" in str(error.content), error.content
        assert "--name" not in str(error.content) and app.screen is dialog  # the dialog's words; still open
        assert dialog.query_one("#import-name", Input).value == "spot-2" and app.focused is dialog.query_one("#import-name")
        await pilot.press("enter")
        await until(lambda: not isinstance(app.screen, ImportScreen))
        assert (paths.corpora_dir() / "spot-2.txt").exists()
        messages = [n.message for n in app._notifications]
        assert any("Imported 'spot-2'" in m for m in messages)
        assert any("learn it by heart" in m for m in messages)  # the story is a few thousand characters


def test_the_cli_still_says_which_flag_names_an_import(story_file: Path) -> None:
    from seussbot.errors import CorpusNameTaken

    try:
        store.import_corpus(story_file, "spot")
    except CorpusNameTaken as taken:
        assert "--name" in str(taken) and taken.free == "spot-2"
    else:
        raise AssertionError("a bundled name was taken")


async def test_a_screenshot_lands_in_seussbots_folder_and_says_where() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        app.action_screenshot()
        await pilot.pause()
        saved = list(paths.screenshots_dir().glob("*.svg"))
        assert len(saved) == 1
        assert any(str(saved[0]) in n.message for n in app._notifications)


async def test_the_command_palette_finds_the_apps_own_actions(story_file: Path) -> None:
    from textual.command import CommandPalette

    from seussbot.tui.commands import SeussbotCommands

    store.import_corpus(story_file, "story")
    app = make_app(start_training=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await until(lambda: isinstance(app.screen, CommandPalette))
        provider = SeussbotCommands(app.screen_stack[-2])
        found = [str(hit.text) async for hit in provider.search("tr")]
        assert any(name.startswith("Train story") for name in found), found
        await pilot.press("escape")
        await pilot.press("enter")  # the studio, ready to train
        await until(lambda: type(app.screen).__name__ == "StudioScreen" and app.screen.state == "ready")
        names = [str(hit.text) async for hit in SeussbotCommands(app.screen).search("tr")]
        assert "Train" in names
        names = [str(hit.text) async for hit in SeussbotCommands(app.screen).search("sav")]
        assert "Save" in names


async def test_help_lists_every_key_and_how_to_look_inside(story_file: Path) -> None:
    from seussbot.tui.screens.help import HelpScreen

    store.import_corpus(story_file, "story")
    app = make_app(start_training=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        await until(lambda: type(app.screen).__name__ == "StudioScreen" and app.screen.state == "ready")
        await pilot.press("question_mark")
        await until(lambda: isinstance(app.screen, HelpScreen))
        await pilot.pause()
        table = app.screen._keys()
        text = "\n".join(f"{k} {m}" for k, m in zip(table.columns[0]._cells, table.columns[1]._cells))
        for words in ("ctrl+p", "ctrl+q", "Train / Train more / Pause / Resume", "Click a character", "Move the cursor"):
            assert words in text, words
