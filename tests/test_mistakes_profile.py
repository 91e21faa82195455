"""Corpus profiles: counted once, cached in memory and as JSON (never pickle), rebuilt when damaged."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from seussbot.mistakes import CorpusProfile, find_mistakes, profile_for
from seussbot.mistakes import profile as profile_module

BOOK = "Jane saw Spot. Spot saw Doug. Doug saw Jane.\n\nThe cat sat on the mat, and the dog sat too.\n" * 30


def test_profile_counts_words_sentences_and_pairs() -> None:
    p = CorpusProfile.from_text(BOOK)
    assert p.words["saw"] == 90 and p.total_words == sum(p.words.values())
    assert "jane saw" in p.pairs and "saw saw" not in p.pairs
    assert (p.shortest_sentence, p.longest_sentence) == (3, 11)
    assert p.sentences_repeating["the"] == 30 and "jane" not in p.sentences_repeating
    assert p.sha256 and p.level == "char" and p.grammar is None


def test_profile_for_is_cached_in_memory() -> None:
    text = BOOK + "memory"
    assert profile_for(text) is profile_for(text)
    assert profile_for(text, level="word") is not profile_for(text)


def test_profile_for_writes_json_and_reads_it_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = BOOK + "disk"
    first = profile_for(text, cache_dir=tmp_path)
    (path,) = tmp_path.glob("mistakes-*.json")
    data = json.loads(path.read_text(encoding="utf-8"))  # plain JSON, nothing that can run code
    assert data["sha256"] == first.sha256
    monkeypatch.setattr(profile_module, "_memory", type(profile_module._memory)())
    monkeypatch.setattr(CorpusProfile, "from_text", classmethod(lambda *a, **k: pytest.fail("recomputed")))
    second = profile_for(text, cache_dir=tmp_path)
    assert second is not first and second.to_json() == first.to_json()
    sample = "Jane saw Jane. The the cat. Spot."
    assert find_mistakes(sample, second) == find_mistakes(sample, first)


def test_a_damaged_cache_file_is_rebuilt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = BOOK + "damaged"
    profile_for(text, cache_dir=tmp_path)
    (path,) = tmp_path.glob("mistakes-*.json")
    path.write_text('{"version": 1, "sha256": ', encoding="utf-8")
    monkeypatch.setattr(profile_module, "_memory", type(profile_module._memory)())
    rebuilt = profile_for(text, cache_dir=tmp_path)
    assert rebuilt.words["saw"] == 90
    assert json.loads(path.read_text(encoding="utf-8"))["sha256"] == rebuilt.sha256


def test_an_unwritable_cache_folder_only_costs_time(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    assert profile_for(BOOK + "unwritable", cache_dir=blocker / "cache").words["saw"] == 90


def test_json_round_trip_keeps_everything() -> None:
    p = CorpusProfile.from_text(BOOK, held_out_text="Jane saw the zebra.", grammar="spot", level="word")
    q = CorpusProfile.from_json(json.loads(json.dumps(p.to_json())))
    assert q.to_json() == p.to_json() and q.ngrams == p.ngrams and q.pairs == p.pairs
    assert q.held_out_words == {"zebra"}
    with pytest.raises(ValueError):
        CorpusProfile.from_json({**p.to_json(), "version": -1})


def test_an_empty_text_gives_a_profile_that_finds_only_words_it_lacks() -> None:
    p = CorpusProfile.from_text("")
    assert p.longest_sentence == 0 and p.shortest_sentence == 0
    assert [m.kind for m in find_mistakes("Jane saw Jane. Blorf.", p)] == ["new-word"] * 3 + ["made-up"]
