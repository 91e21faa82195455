"""Corpus profiles: counted once, cached in memory and as JSON (never pickle), rebuilt when damaged."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from seussbot.mistakes import CorpusProfile, find_mistakes, profile_for
from seussbot.mistakes import profile as profile_module
from seussbot.mistakes.base import Detector, MistakeKind
from seussbot.mistakes.kinds.copied import Copied
from seussbot.mistakes.kinds.echo import Echo
from seussbot.mistakes.kinds.fragment import Fragment
from seussbot.mistakes.kinds.run_on import RunOn
from seussbot.mistakes.kinds.unseen_pair import UnseenPair

BOOK = "Jane saw Spot. Spot saw Doug. Doug saw Jane.\n\nThe cat sat on the mat, and the dog sat too.\n" * 30


def test_profile_counts_words_sentences_and_pairs() -> None:
    p = CorpusProfile.from_text(BOOK)
    assert p.words["saw"] == 90 and p.total_words == sum(p.words.values())
    pairs, repeating = UnseenPair.stats_of(p).pairs, Echo.stats_of(p).sentences_repeating
    assert "jane saw" in pairs and "saw saw" not in pairs
    assert (Fragment.stats_of(p).shortest, RunOn.stats_of(p).longest) == (3, 11)
    assert repeating["the"] == 30 and "jane" not in repeating
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
    assert q.to_json() == p.to_json() and q.stats.keys() == p.stats.keys()
    assert Copied.stats_of(q).ngrams == Copied.stats_of(p).ngrams and UnseenPair.stats_of(q) == UnseenPair.stats_of(p)
    assert q.held_out_words == {"zebra"}
    with pytest.raises(ValueError):
        CorpusProfile.from_json({**p.to_json(), "version": -1})
    with pytest.raises(KeyError):  # a kind's statistics are missing: the cache is rebuilt
        CorpusProfile.from_json({**p.to_json(), "stats": {}})


def test_an_empty_text_gives_a_profile_that_finds_only_words_it_lacks() -> None:
    p = CorpusProfile.from_text("")
    assert RunOn.stats_of(p).longest == 0 and Fragment.stats_of(p).shortest == 0
    assert [m.kind for m in find_mistakes("Jane saw Jane. Blorf.", p)] == ["new-word"] * 3 + ["made-up"]


@dataclass(frozen=True)
class Endings:
    """A new kind's own statistics, in every shape a kind may keep: the words sentences end on."""

    uses: dict[str, int]  # word -> sentences ended on it
    by_letters: dict[int, int]  # letters -> sentences ended on a word that long
    commonest: str | None
    words: frozenset[str]
    hashes: frozenset[int]


class EndingCounter:
    def __init__(self) -> None:
        self.uses: Counter[str] = Counter()

    def on_sentence_end(self, sentence) -> None:
        if sentence.terminated:
            self.uses[sentence.words[-1].norm] += 1

    def finish(self) -> Endings:
        commonest = max(self.uses, key=self.uses.__getitem__) if self.uses else None
        by_letters = Counter(map(len, self.uses.elements()))
        return Endings(dict(self.uses), dict(by_letters), commonest, frozenset(self.uses), frozenset({1, 2**64 - 1}))


class Ending(Detector):
    """A kind written in a test: one file of this shape is all a new kind needs."""

    kinds = (MistakeKind("ending", "odd ending", "#000000", "The sentence ends on a word the book never ends on."),)
    Stats = Endings
    collector = EndingCounter


def test_a_new_kind_counts_its_own_statistics_and_the_profile_caches_them_as_json() -> None:
    p = CorpusProfile.from_text(BOOK, detectors=[Ending])
    endings = Ending.stats_of(p)
    assert endings.uses == {"spot": 30, "doug": 30, "jane": 30, "too": 30} and endings.by_letters == {4: 90, 3: 30}
    assert endings.commonest == "spot" and endings.words == {"spot", "doug", "jane", "too"}
    text = json.dumps(p.to_json())
    assert '"ending": {"uses": {"spot": 30' in text  # plain JSON, under the kind's name
    q = CorpusProfile.from_json(json.loads(text), detectors=[Ending])
    assert Ending.stats_of(q) == endings and q.words == p.words
    nothing = Endings({}, {}, None, frozenset(), frozenset({1, 2**64 - 1}))
    assert CorpusProfile.from_text("", detectors=[Ending]).stats == {"ending": nothing}


def test_a_collector_must_return_its_kinds_statistics() -> None:
    class Wrong(Ending):
        class collector(EndingCounter):
            def finish(self):
                return {"uses": {}}

    with pytest.raises(TypeError, match="ending collector returned dict, not Endings"):
        CorpusProfile.from_text(BOOK, detectors=[Wrong])
