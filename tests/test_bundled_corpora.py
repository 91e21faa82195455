"""The four bundled corpora: present, described, loadable, shipped with the package."""

import collections
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from seussbot import paths
from seussbot.corpus import list_corpora, load_corpus
from seussbot.presets import PRESETS

BUNDLED = ("spot", "homecoming", "rhymes", "seussian")
MANIFEST_KEYS = {"name", "title", "description", "level", "preset", "licence", "grammar"}


@pytest.mark.parametrize("name", BUNDLED)
def test_each_bundled_corpus_loads_with_its_manifest(name: str) -> None:
    corpus = load_corpus(name)
    assert corpus.source == "bundled" and len(corpus.text) > 15_000
    raw = json.loads((paths.bundled_corpora_dir() / f"{name}.json").read_text())
    assert set(raw) - {"context"} == MANIFEST_KEYS and raw["name"] == name and raw["licence"] == "CC0-1.0"
    assert 0 < len(corpus.manifest.description) <= 80
    assert corpus.manifest.preset == raw["preset"] and raw["preset"] in PRESETS  # none silently dropped


def test_homecoming_trains_with_its_own_preset() -> None:
    from seussbot.session import TrainingSession

    session = TrainingSession.create("homecoming", max_steps=1, threads=1)
    config = session.model.config
    assert (config.layers, config.hidden_size, config.dropout) == (1, 256, 0.0)
    assert session.trainer.config.seq_len == 512  # the manifest's context


def test_library_lists_the_four_in_order() -> None:
    names = [name for name, source, *_ in list_corpora() if source == "bundled"]
    assert sorted(names) == sorted(BUNDLED)


def test_seussian_is_large_varied_and_plain() -> None:
    text = load_corpus("seussian").text
    assert len(text.encode()) >= 80_000 and text.isascii()
    lines = [line for line in text.split("\n") if line.strip()]
    counts = collections.Counter(lines)
    duplicated = sum(n for n in counts.values() if n > 1)
    assert duplicated / len(lines) <= 0.20
    stories = [s for s in text.split("\n\n\n") if s.strip()]
    assert len(stories) >= 40


def test_a_non_editable_install_ships_the_corpora(tmp_path: Path) -> None:
    """Where seussbot is installed as a wheel (as CI does), the corpora travel inside it.

    Asked from a folder outside the checkout, Python imports the installed copy; in a
    development (editable) install that copy is the checkout itself, and there is no
    wheel to check."""
    where = subprocess.run(
        [sys.executable, "-c", "import seussbot, pathlib; print(pathlib.Path(seussbot.__file__).parent)"],
        cwd=tmp_path, capture_output=True, text=True, check=True,
    ).stdout.strip()
    package_dir = Path(where)
    if (package_dir.parent / "pyproject.toml").exists():
        pytest.skip("seussbot is installed from a source checkout (editable), not from a wheel")
    assert all((package_dir / "corpora" / f"{name}.txt").exists() for name in BUNDLED)
    assert all((package_dir / "corpora" / f"{name}.json").exists() for name in BUNDLED)
    out = subprocess.run(
        [sys.executable, "-m", "seussbot", "corpora"], cwd=tmp_path, capture_output=True, text=True,
        env={**os.environ, "COLUMNS": "120"}, check=True,
    ).stdout
    assert all(name in out for name in BUNDLED)
