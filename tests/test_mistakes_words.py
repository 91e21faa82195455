"""Made up, or only new? A word is `made-up` only where the network made it up (issue #9).

A word the book uses anywhere is known; a real English word the book never uses
is a neutral `new-word`; only what is neither is `made-up`.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from seussbot.cli import main
from seussbot.corpus import load_corpus, split_text
from seussbot.mistakes import CorpusProfile, MistakeStream, find_mistakes, profile_for_corpus, score_text
from tests.conftest import SHARED_DATA
from tests.test_mistakes import BOOK

INVENTED = [
    word
    for line in (Path(__file__).parent / "invented_words.txt").read_text(encoding="utf-8").splitlines()
    if not line.startswith("#")
    for word in line.split()
]
_WORD = re.compile(r"[^\W\d_]+(?:['\u2019\-][^\W\d_]+)*")


@pytest.fixture(scope="module")
def book() -> CorpusProfile:
    return CorpusProfile.from_text(BOOK)


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


@pytest.mark.parametrize("word", ["exclaimed", "cannot", "proper", "verdict", "letter"])
def test_a_real_word_the_book_never_uses_is_a_new_word_not_a_mistake(word: str, book: CorpusProfile) -> None:
    text = f"Jane saw the big {word}."
    assert kinds(text, book) == [("new-word", word)]
    stream = MistakeStream(book)
    stream.feed(text)
    stream.finish()
    assert stream.counts()["new-word"] == 1 and stream.per_100_words() == 0.0
    assert score_text(text, book)["mistakes"] == 0


@pytest.mark.parametrize(
    "text",
    [
        "Thou hath doth o'er call'd stopp'd monster'd horror's brow-bound re-quicken'd.",  # Shakespeare's
        "Moveth attend'st o'erwhelm'd honour'd.",
        "Colour honourably realised centred defence travelled.",  # British; the list spells American
    ],
)
def test_old_and_british_spellings_and_joined_words_are_english(text: str, book: CorpusProfile) -> None:
    assert {kind for kind, _ in kinds(text, book)} <= {"new-word", "run-on", "fragment"}


def test_an_ending_or_a_british_spelling_does_not_make_an_invented_word_real(book: CorpusProfile) -> None:
    assert kinds("Jane saw the pabbit'd pabbour.", book) == [("made-up", "pabbit'd"), ("made-up", "pabbour")]


def test_short_gibberish_is_made_up_even_where_a_dictionary_lists_it(book: CorpusProfile) -> None:
    # "th" and "nd" are entries of the word list (abbreviations), and the stuff of a network's first gibberish.
    assert kinds("Jane saw th nd cat.", book) == [("made-up", "th"), ("made-up", "nd")]


def test_planted_invented_words_are_flagged_made_up(book: CorpusProfile) -> None:
    assert len(INVENTED) >= 43 and {"pabbit", "begair", "immedians"} <= set(INVENTED)
    caught = [word for word in INVENTED if ("made-up", word) in kinds(f"Jane saw the big {word}.", book)]
    assert len(caught) / len(INVENTED) >= 0.95, sorted(set(INVENTED) - set(caught))


def test_seussbot_mistakes_on_the_real_ending_of_a_book_flags_little(tmp_path: Path, capsys) -> None:
    """Issue #9: tiny-shakespeare's first 50,000 characters as the corpus, the 3,000 after them judged."""
    path = SHARED_DATA / "tinyshakespeare.txt"
    if not path.exists():
        pytest.skip("tiny-shakespeare is not here")
    text = path.read_text(encoding="utf-8")
    corpus, ending = tmp_path / "book.txt", tmp_path / "ending.txt"
    corpus.write_text(text[:50_000], encoding="utf-8")
    ending.write_text(text[50_000:53_000].split(" ", 1)[1], encoding="utf-8")  # from the first whole word
    assert main(["mistakes", str(corpus), "--file", str(ending), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    words = len(_WORD.findall(ending.read_text(encoding="utf-8")))
    mistakes = [row for row in rows if not row["neutral"]]
    made_up = [row["text"] for row in mistakes if row["kind"] == "made-up"]
    assert 100 * len(mistakes) / words <= 2.0, mistakes
    assert 100 * len(made_up) / words <= 1.0, made_up
    assert "exclaimed" not in made_up and any(row["kind"] == "new-word" for row in rows)


def test_mistakes_command_shows_new_words_apart_from_mistakes(tmp_path: Path, capsys) -> None:
    assert main(["mistakes", "spot", "--text", "Doug saw Jane. Jane saw verdict."]) == 0
    out = capsys.readouterr().out
    assert "No mistakes found." in out and "new-word" in out and "not mistakes: 1" in out
    assert main(["mistakes", "spot", "--text", "Doug saw Jane. Jane saw verdict.", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(row["kind"], row["neutral"]) for row in rows] == [("new-word", True)]


def test_sample_mistakes_says_a_new_word_is_no_mistake(capsys) -> None:
    from seussbot.cli.commands import print_mistakes
    from seussbot.mistakes import Mistake
    from seussbot.writing import Tally

    text = "Jane saw the verdict blorf."
    found = [Mistake("new-word", 13, 20, "verdict", "new"), Mistake("made-up", 21, 26, "blorf", "invented")]
    print_mistakes(text, found, Tally({"made-up": 1, "new-word": 1}, 20.0, 5))
    lines = capsys.readouterr().err.splitlines()
    assert lines[0].startswith("1 mistake, 20.0 per 100 words") and lines[1].endswith("(not a mistake)")


def test_the_word_list_reads_the_same_through_pyspellchecker_if_its_file_moves(monkeypatch) -> None:
    from seussbot.mistakes import english

    words = english.english_words()
    assert len(words) > 100_000 and {"exclaimed", "hath", "o'er"} <= words
    monkeypatch.setattr(english, "_LIST", ("spellchecker", "resources/moved.json.gz"))
    assert english._read_list() == words

