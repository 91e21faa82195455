"""Shared fixtures: every test gets its own SEUSSBOT_HOME, so no test touches a real home."""

from __future__ import annotations

import gc
import random
import time
from pathlib import Path

import pytest

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


@pytest.fixture(autouse=True)
def seussbot_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "seussbot-home"
    monkeypatch.setenv("SEUSSBOT_HOME", str(home))
    return home


@pytest.fixture(autouse=True)
def nothing_stays_frozen():
    """The app freezes what its screens build (seussbot.tui.memory); no test keeps that for the next."""
    yield
    gc.unfreeze()


def until(condition, timeout: float = 30.0) -> None:
    """Wait for `condition` from a test's own thread (a loaded machine is slow, never wrong)."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def little_story(sentences: int = 400, seed: int = 1) -> str:
    """A small, learnable text: a few names and verbs in short sentences, wrapped in lines."""
    rng = random.Random(seed)
    names, verbs, things = ["Ann", "Bob", "Cat", "Dan"], ["saw", "had", "got", "hid"], ["a hat", "a bun", "the cup", "a pig"]
    words = [f"{rng.choice(names)} {rng.choice(verbs)} {rng.choice(things)}." for _ in range(sentences)]
    lines, line = [], ""
    for sentence in words:
        if len(line) + len(sentence) > 60:
            lines.append(line)
            line = sentence
        else:
            line = f"{line} {sentence}".strip()
    lines.append(line)
    return "\n".join(lines) + "\n"


@pytest.fixture
def story_file(tmp_path: Path) -> Path:
    path = tmp_path / "story.txt"
    path.write_text(little_story(), encoding="utf-8")
    return path


@pytest.fixture
def trained(story_file: Path):
    """A tiny network trained 20 steps on `story_file` and saved."""
    from seussbot.session import TrainingSession

    session = TrainingSession.create(str(story_file), preset="tiny", max_steps=20, threads=1, eval_every_s=999)
    for _ in session.events():
        pass
    session.save()
    return session


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory):
    """A tiny network trained 150 steps on `little_story`, shared by a module's writing tests."""
    from seussbot.session import TrainingSession

    path = tmp_path_factory.mktemp("s") / "story.txt"
    path.write_text(little_story())
    with pytest.MonkeyPatch.context() as patch:  # module fixtures come before the autouse home: set one here
        patch.setenv("SEUSSBOT_HOME", str(tmp_path_factory.mktemp("home")))
        s = TrainingSession.create(str(path), preset="tiny", max_steps=150, threads=1, eval_every_s=999)
        list(s.events())
        yield s
