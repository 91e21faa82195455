"""The compare screen, driven by Pilot: choose the cells, watch them train, write from all at once."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Callable

from textual.widgets import Input, Label, SelectionList, Static

from seussbot.tui.app import SeussbotApp
from seussbot.tui.screens.catalog import Catalog
from seussbot.tui.screens.compare import CompareScreen, ModelColumn
from seussbot.tui.screens.compare_choice import CompareChoiceScreen
from seussbot.tui.widgets.line_chart import LineChart

TINY = {"hidden_size": 16, "embed_dim": 8, "layers": 1, "batch_size": 8, "seq_len": 32, "eval_every_s": 0.3}


async def until(condition: Callable[[], bool], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting for the app"
        await asyncio.sleep(0.05)


async def test_compare_trains_side_by_side_and_writes_from_all(tmp_path) -> None:
    app = SeussbotApp(train_overrides=TINY, catalog=Catalog(only=("spot",)), warm_up=False)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("v")
        await until(lambda: isinstance(app.screen, CompareChoiceScreen))
        app.screen.query_one(SelectionList).deselect("gru")
        await pilot.press("m")  # 10 -> 30 minutes: far-reaching rules need longer
        assert "30 min in all" in str(app.screen.query_one("#compare-time", Label).content)
        await pilot.press("enter")
        await until(lambda: isinstance(app.screen, CompareScreen))
        screen = app.screen
        assert screen.minutes == 30.0
        assert screen.focused is None  # keys are keys: a letter typed now must not go into the prompt
        assert [c.cell for c in screen.query(ModelColumn)] == ["rnn", "lstm", "ngram"]
        await until(lambda: screen.comparison is not None and all(s.trainer.state.step >= 20 for s in screen.comparison.sessions))
        steps = [s.trainer.state.step for s in screen.comparison.sessions]
        assert max(steps) - min(steps) <= 2  # lockstep
        assert screen.comparison.runner.background  # the screen's threads come first
        assert screen.comparison.runner.shared_budget_s == 30 * 60
        await until(lambda: "%" in str(screen.query_one("#column-lstm .column-numbers").content))
        lesson = str(screen.query_one("#lesson", Static).content)
        assert lesson.startswith("After") and "LSTM" in lesson and "RNN" in lesson
        await pilot.press("z")  # both charts to the later half, where the networks part
        assert all(chart.recent for chart in screen.query(LineChart))
        prompt = screen.query_one("#compare-prompt", Input)
        prompt.value = "Doug saw"
        prompt.focus()
        await pilot.press("enter")
        await until(lambda: all(len(c.view.text) > len("Doug saw") + 10 for c in screen.query(ModelColumn)))
        assert all(c.view.text.startswith("Doug saw") for c in screen.query(ModelColumn))
        assert Path(app.save_screenshot("compare.svg", str(tmp_path))).stat().st_size > 0  # the screen draws whole
        names = [s.name for s in screen.comparison.sessions]
        await pilot.press("escape", "b")  # while training: asked first
        from seussbot.tui.screens.confirm import ConfirmScreen

        await until(lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await until(lambda: isinstance(app.screen, CompareScreen) is False and not isinstance(app.screen, ConfirmScreen))
    from seussbot.session import load_model

    for name in names:
        assert load_model(name).model.config.cell in ("rnn", "lstm")
