"""Mistake detectors: each kind planted in a text is found, named, and placed exactly."""

from __future__ import annotations

import random
import re

import pytest

from seussbot.mistakes import (
    KINDS,
    CorpusProfile,
    Mistake,
    MistakeStream,
    find_mistakes,
    score_text,
    summary_counts,
    to_json,
)
from seussbot.mistakes.kinds.copied import Copied
from seussbot.mistakes.kinds.echo import Echo
from seussbot.mistakes.kinds.fragment import Fragment
from seussbot.mistakes.kinds.run_on import RunOn
from seussbot.mistakes.kinds.unclosed import Unclosed

NAMES = ["Jane", "Doug", "Spot", "Tess", "Bill"]
NOUNS = ["cat", "dog", "hat", "mat", "ball", "tree", "cake", "boat"]
ADJECTIVES = ["big", "red", "small", "old"]


def picture_book(sentences: int = 700, seed: int = 0) -> str:
    """A small book with known habits: 5 to 8 words a sentence, names never twice in one,
    "the" twice in some, quotes and brackets closed within the sentence."""
    rng = random.Random(seed)
    out = []
    for _ in range(sentences):
        n, m = rng.sample(NAMES, 2)
        a, b = rng.sample(NOUNS, 2)
        adj = rng.choice(ADJECTIVES)
        out.append(
            rng.choice(
                [
                    f"{n} saw the {adj} {a}.",
                    f"{n} and {m} ran to the {a}.",
                    f'"Look at the {a}," said {n}.',
                    f"The {a} sat on the {b} (by {m}).",
                    f"{n} had a {adj} {a} and a {b}.",
                ]
            )
        )
    paragraphs = [" ".join(out[i : i + 5]) for i in range(0, len(out), 5)]
    return "\n\n".join(paragraphs) + "\n"


BOOK = picture_book()


@pytest.fixture(scope="module")
def book() -> CorpusProfile:
    return CorpusProfile.from_text(BOOK)


def found(text: str, profile: CorpusProfile, kind: str, **kwargs) -> list[tuple[int, int, str]]:
    return [(m.start, m.end, m.text) for m in find_mistakes(text, profile, **kwargs) if m.kind == kind]


def span(text: str, piece: str, nth: int = 0) -> tuple[int, int, str]:
    starts = [m.start() for m in re.finditer(re.escape(piece), text)]
    return (starts[nth], starts[nth] + len(piece), piece)


def test_the_book_has_the_habits_the_planted_tests_rely_on(book: CorpusProfile) -> None:
    assert (Fragment.stats_of(book).shortest, RunOn.stats_of(book).longest) == (5, 8)
    scope, repeating = Unclosed.stats_of(book).scope, Echo.stats_of(book).sentences_repeating
    assert scope['"'] == "sentence" and scope["("] == "sentence"
    assert repeating.get("the", 0) > 0 and "jane" not in repeating


def test_the_books_own_sentences_are_clean(book: CorpusProfile) -> None:
    text = 'Tess saw the old boat. "Look at the dog," said Bill. The cake sat on the tree (by Jane).\n'
    assert find_mistakes(text, book) == []


def test_echo(book: CorpusProfile) -> None:
    text = "Jane saw the big Jane."
    assert found(text, book, "echo") == [span(text, "Jane", 1)]
    assert found("The cat sat on the mat (by Jane).", book, "echo") == []  # the book repeats "the"


def test_run_on_starts_at_the_first_word_too_many(book: CorpusProfile) -> None:
    text = "Jane had a big cat and a ball and a hat."
    (mistake,) = [m for m in find_mistakes(text, book) if m.kind == "run-on"]
    assert (mistake.start, mistake.end, mistake.text) == span(text, "and a hat")
    assert "11 words" in mistake.detail and "8" in mistake.detail


def test_fragment(book: CorpusProfile) -> None:
    text = "Jane saw the big cat. Jane saw. Doug saw the red hat."
    assert found(text, book, "fragment") == [span(text, "Jane saw.")]


def test_an_unfinished_sentence_at_the_end_is_not_a_fragment(book: CorpusProfile) -> None:
    assert found("Jane saw the big cat. Doug saw", book, "fragment") == []


def test_made_up(book: CorpusProfile) -> None:
    text = "Jane saw the big blorf. Doug saw the dog-hat."
    assert found(text, book, "made-up") == [span(text, "blorf")]  # known parts joined are not made up
    assert book.made_up_possible and not CorpusProfile.from_text(BOOK, level="word").made_up_possible


def test_loop(book: CorpusProfile) -> None:
    text = "Jane saw the the big cat."
    assert found(text, book, "loop") == [span(text, "the", 1)]


def test_loop_grows_while_it_goes_on(book: CorpusProfile) -> None:
    text = "Jane saw the cat the cat the cat the cat."
    (loop,) = [m for m in find_mistakes(text, book) if m.kind == "loop"]
    assert (loop.start, loop.end) == (span(text, "the cat", 1)[0], text.rindex("cat") + 3)
    assert "4 times" in loop.detail


def test_loops_count_sentence_ends(book: CorpusProfile) -> None:
    text = "Jane saw the big cat. Jane saw the big cat."
    assert found(text, book, "loop") == [span(text, "Jane saw the big cat.", 1)]


def test_unseen_pair(book: CorpusProfile) -> None:
    text = "Jane had the big cat."
    assert found(text, book, "unseen-pair") == [span(text, "had the")]


def test_unclosed_quote_and_bracket(book: CorpusProfile) -> None:
    text = '"Look at the cat, said Jane. The cat sat on the mat (by Doug.'
    assert found(text, book, "unclosed") == [(0, 1, '"'), span(text, "(")]


def test_an_open_quote_at_the_end_of_the_text_is_not_yet_unclosed(book: CorpusProfile) -> None:
    assert found('Jane saw the big cat. "Look at', book, "unclosed") == []
    assert found('Jane saw the big cat. "Look at the hat.\n\n', book, "unclosed") == [(22, 23, '"')]


def test_copied_needs_a_long_stretch_and_the_prompt_does_not_count(book: CorpusProfile) -> None:
    paragraphs = BOOK.split("\n\n")
    text = "\n\n".join(paragraphs[10:16])
    (copy,) = [m for m in find_mistakes(text, book) if m.kind == "copied"]
    assert copy.start == 0 and copy.end > len(text) - 10
    assert int(copy.detail.split()[0]) > Copied.stats_of(book).longest
    # The same text, most of it typed by the user: the model added too little to be copying.
    prompt = len(text) - 30
    assert found(text, book, "copied", protected_prefix=prompt) == []
    # With only a few paragraphs as prompt, the copy starts where the model started writing.
    prompt = len(paragraphs[10]) + 2
    (copy,) = [m for m in find_mistakes(text, book, protected_prefix=prompt) if m.kind == "copied"]
    assert copy.start == prompt


def test_new_writing_is_not_copied(book: CorpusProfile) -> None:
    assert found(picture_book(60, seed=99), book, "copied") == []


def test_mistakes_inside_the_prompt_are_not_reported(book: CorpusProfile) -> None:
    stream = MistakeStream(book, prompt="Jane saw the big Jane. Doug")
    stream.feed(" saw the red hat. Spot saw.")
    stream.finish()
    assert [(m.kind, m.text) for m in stream.mistakes] == [("fragment", "Spot saw.")]
    assert stream.words == 6


def test_a_mistake_reaching_out_of_the_prompt_is_reported(book: CorpusProfile) -> None:
    text = "Jane saw the big"
    mistakes = find_mistakes(text + " Jane.", book, protected_prefix=len(text))
    assert [(m.kind, m.text) for m in mistakes] == [("unseen-pair", "big Jane"), ("echo", "Jane")]


def test_kinds_have_names_labels_colours_and_explanations() -> None:
    expected = ["echo", "run-on", "fragment", "made-up", "new-word", "loop", "copied", "unseen-pair", "unclosed"]
    assert list(KINDS)[: len(expected)] == expected
    assert {"broken-chain", "forgot-hero", "no-ending"} <= set(KINDS)
    for name, kind in KINDS.items():
        assert kind.name == name and kind.label and len(kind.explanation) < 100
        assert re.fullmatch(r"#[0-9a-f]{6}", kind.colour)


def _luminance(colour: str) -> float:
    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


@pytest.mark.parametrize("name", list(KINDS))
def test_colours_read_on_dark_and_light_backgrounds(name: str) -> None:
    lum = _luminance(KINDS[name].colour)
    assert (lum + 0.05) / 0.05 >= 3.0, "too dark for a black background"
    assert 1.05 / (lum + 0.05) >= 3.0, "too light for a white background"


def test_counts_and_scores(book: CorpusProfile) -> None:
    text = "Jane saw the big Jane. Jane saw. Doug saw the big blorf."
    stream = MistakeStream(book)
    stream.feed(text)
    stream.finish()
    counts = stream.counts()
    assert list(counts) == book.kinds and counts["echo"] == 1 and counts["fragment"] == 1
    assert counts["made-up"] == 1 and sum(counts.values()) == len(stream.mistakes)
    assert stream.per_100_words() == pytest.approx(100 * len(stream.mistakes) / 12)
    score = score_text(text, book)
    assert score["words"] == 12 and score["mistakes"] == len(stream.mistakes)
    assert score["by_kind"] == counts and score["per_100_words"] == round(stream.per_100_words(), 2)
    assert score_text("", book) == {"words": 0, "mistakes": 0, "per_100_words": 0.0, "by_kind": counts | {k: 0 for k in counts}}


def test_report_helpers(book: CorpusProfile) -> None:
    mistakes = find_mistakes("Jane saw the big Jane. Jane saw.", book)
    rows = to_json(mistakes)
    assert [r["kind"] for r in rows] == ["unseen-pair", "echo", "fragment"]
    assert {"kind", "label", "start", "end", "text", "detail", "colour", "explanation"} <= set(rows[0])
    assert rows[1]["label"] == KINDS["echo"].label and rows[1]["text"] == "Jane"
    assert summary_counts(mistakes) == {"echo": 1, "fragment": 1, "unseen-pair": 1}
    assert summary_counts([]) == {}


def test_mistakes_are_sorted_and_their_text_is_their_span(book: CorpusProfile) -> None:
    text = "Jane saw the the big Jane and Doug and Bill and Tess ran. Spot. (Blorf"
    mistakes = find_mistakes(text, book)
    assert mistakes == sorted(mistakes, key=lambda m: (m.start, m.end, list(KINDS).index(m.kind)))
    assert all(isinstance(m, Mistake) and m.text == text[m.start : m.end] for m in mistakes)
