"""`seussbot read`: the totals and the breakdown on screen, the per-character JSON for scripts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from seussbot.cli import main
from seussbot.reading import CATEGORIES

JSON_FIELDS = {"char", "bits", "prob", "rank", "category", "detail", "top"}


def test_held_out_prints_bits_rank_bands_breakdown_and_hardest_places(trained, capsys: pytest.CaptureFixture) -> None:
    assert main(["read", trained.name, "--held-out"]) == 0
    out = capsys.readouterr().out
    assert "held-out" in out and "bits per char" in out and "top 10" in out
    for kind in CATEGORIES:
        assert kind in out
    assert "hardest places" in out


def test_json_gives_every_character_its_surprise_rank_and_category(trained, capsys: pytest.CaptureFixture) -> None:
    text = "Ann saw a hat.\nBob hid the cup\u20ac."
    assert main(["read", trained.name, "--text", text, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    chars = out["chars"]
    assert "".join(c["char"] for c in chars) == text
    assert all(set(c) == JSON_FIELDS for c in chars)
    euro = chars[text.index("\u20ac")]
    assert euro["category"] == "unknown" and euro["bits"] is None and euro["rank"] is None
    assert out["unknown"] == 1 and out["read"] == len(text) - 1
    read = [c for c in chars if c["category"] != "unknown"]
    assert all(c["rank"] >= 1 and c["bits"] >= 0 and 0 < c["prob"] <= 1 for c in read)
    assert all((c["category"] == "correct") == (c["prob"] >= 0.5) for c in read)
    assert all(c["top"][0][1] >= c["prob"] - 1e-6 for c in read)  # the first candidate is at least as likely
    assert out["bits_per_char"] == pytest.approx(sum(c["bits"] for c in read) / len(read), abs=1e-3)
    assert sum(out["breakdown"].values()) == out["errors"] == sum(c["category"] not in ("correct", "unknown") for c in chars)
    assert sum(out["breakdown_steps"]["n-gram"].values()) == out["breakdown"]["n-gram"]
    assert sum(out["rank_bands"].values()) == pytest.approx(1.0, abs=1e-5)


def test_against_a_second_model_prints_the_change_per_kind(trained, story_file: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["train", str(story_file), "--steps", "40", "--out", "longer", "--threads", "1", "--sample-length", "0"]) == 0
    capsys.readouterr()
    assert main(["read", trained.name, "--file", str(story_file), "--against", "longer"]) == 0
    out = capsys.readouterr().out
    assert "change" in out and "longer" in out
    assert main(["read", trained.name, "--file", str(story_file), "--against", "longer", "--json"]) == 0
    both = json.loads(capsys.readouterr().out)
    assert both["against"]["model"] == "longer" and set(both["against"]["breakdown"]) == set(CATEGORIES)


@pytest.mark.parametrize("args, words", [
    (["--text", ""], "empty"),
    (["--file", "/nonexistent/text.txt"], "text.txt"),
])
def test_bad_texts_are_one_sentence(trained, args: list[str], words: str, capsys: pytest.CaptureFixture) -> None:
    assert main(["read", trained.name, *args]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("seussbot: ") and words in err[0]


def test_a_text_source_is_required(trained) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["read", trained.name])
    assert exit_.value.code == 2
