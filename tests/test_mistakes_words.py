"""Made up, or only new? A word is `made-up` only where the network made it up (issue #9).

A word the book uses anywhere is known.
"""

from __future__ import annotations

import re
from pathlib import Path

from seussbot.corpus import load_corpus, split_text
from seussbot.mistakes import CorpusProfile, find_mistakes, profile_for_corpus

_WORD = re.compile(r"[^\W\d_]+(?:['\u2019\-][^\W\d_]+)*")


def kinds(text: str, profile: CorpusProfile) -> list[tuple[str, str]]:
    return [(m.kind, m.text) for m in find_mistakes(text, profile)]


def _book_with_a_word_per_line(lines: int = 400) -> str:
    """Lines that each use a word of their own ("zogab", "zogac", ...), so some words live only in validation."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    return "".join(f"Jane saw the zog{letters[i // 26]}{letters[i % 26]}.\n" for i in range(lines))


def test_a_word_only_the_validation_part_uses_is_not_made_up(tmp_path: Path) -> None:
    text = _book_with_a_word_per_line()
    train, val = split_text(text)
    only_in_validation = sorted({w.lower() for w in _WORD.findall(val)} - {w.lower() for w in _WORD.findall(train)})
    assert only_in_validation
    path = tmp_path / "zogs.txt"
    path.write_text(text, encoding="utf-8")
    profile = profile_for_corpus(load_corpus(path))
    written = f"Jane saw the {only_in_validation[0]}."
    assert kinds(written, profile) == []
    assert only_in_validation[0] not in profile.words  # counted nowhere: the statistics still see training only
    assert ("made-up", only_in_validation[0]) in kinds(written, CorpusProfile.from_text(train))
