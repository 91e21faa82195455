"""Screenshots of the library and the studio, compared with accepted ones.

Everything on screen is fixed: two imported corpora made from a seeded story,
a saved model whose history is written out by hand, training not started,
and writing with a fixed seed. No clocks, no live speeds, no dates.
"""

from __future__ import annotations

import asyncio
import math
from pathlib import Path

import pytest

from seussbot import store
from seussbot.tui.app import SeussbotApp
from seussbot.tui.screens.catalog import Catalog
from seussbot.opening import TrainRequest
from tests.conftest import little_story

SIZE = (100, 32)
TINY = {"hidden_size": 16, "embed_dim": 8, "layers": 1, "batch_size": 8, "seq_len": 32}


@pytest.fixture
def library(tmp_path: Path) -> Catalog:
    """Two corpora and one saved model with a made-up, smooth training history."""
    from seussbot.session import TrainingSession
    from seussbot.train import HistoryPoint

    for name, seed in (("story", 1), ("tales", 2)):
        source = tmp_path / f"{name}.txt"
        source.write_text(little_story(seed=seed), encoding="utf-8")
        store.import_corpus(source, name)
    session = TrainingSession.create("story", seed=0, threads=1, **TINY)
    state = session.trainer.state
    state.history = [
        HistoryPoint(step, step * 256, step / 12.5, 2.2 + 1.6 * math.exp(-step / 250), 2.3 + 1.5 * math.exp(-step / 260))
        for step in range(0, 1201, 50)
    ]
    state.step, state.tokens_seen, state.elapsed_s = 1200, 1200 * 256, 96.0
    state.best_val_loss = min(p.val_loss for p in state.history)
    session.save()
    return Catalog(only=("story", "tales"))


async def _settled(condition, timeout: float = 20.0) -> None:
    for _ in range(int(timeout / 0.05)):
        if condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the app did not settle")


def test_library(snap_compare, library: Catalog) -> None:
    app = SeussbotApp(catalog=library, start_training=False, warm_up=False)

    async def details_read(pilot) -> None:
        entry = library.corpora()[0]
        await _settled(lambda: library.cached_details(entry) is not None)
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=details_read)


def test_studio(snap_compare, library: Catalog) -> None:
    app = SeussbotApp(
        catalog=library, start_training=False, warm_up=False, open_request=TrainRequest(model="story-lstm")
    )

    async def written(pilot) -> None:
        studio = app.screen
        await _settled(lambda: studio.state == "ready" and studio.query("TimelineEntry"))
        writer = studio.writer
        writer.settings = type(writer.settings)(temperature=0.8, length=200, seed=3)
        writer.prompt.value = "Ann saw"
        writer.write()
        await _settled(lambda: not writer.busy)
        writer.show_settings()
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=written)
