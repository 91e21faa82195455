"""Tests for the bundled grammar corpora and their checkers (seussbot.grammars)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seussbot import grammars as g
from seussbot.grammars import (
    CHECKERS,
    HEROES,
    REASONS,
    Violation,
    check_homecoming,
    check_spot,
    generate_homecoming,
    HOMECOMING_BANDS,
    generate_rhymes,
    generate_spot,
    homecoming_stories,
)

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT / "corpora"
MANIFEST_KEYS = {"name", "title", "description", "level", "preset", "licence", "grammar"}
EXPECTED = {
    # name: (level, preset, grammar, minimum bytes)
    "spot": ("word", "tiny", "spot", 1),
    "homecoming": ("char", "single", "homecoming", 900_000),
    "rhymes": ("char", "small", None, 20_000),
}
GENERATED = {"spot": generate_spot, "homecoming": generate_homecoming, "rhymes": generate_rhymes}


def read(name: str) -> str:
    return (CORPORA / f"{name}.txt").read_bytes().decode("ascii")


@pytest.fixture(scope="module")
def spot_text() -> str:
    return read("spot")


@pytest.fixture(scope="module")
def home_text() -> str:
    return read("homecoming")


# ---------------------------------------------------------------- files


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_file_is_regenerable_and_plain(name: str) -> None:
    raw = (CORPORA / f"{name}.txt").read_bytes()
    text = raw.decode("ascii")  # plain ASCII
    assert text == GENERATED[name]()  # default seed 0 reproduces the file
    assert b"\r" not in raw and raw.endswith(b"\n") and not raw.endswith(b"\n\n")
    assert len(raw) >= EXPECTED[name][3]
    assert max(len(line) for line in text.splitlines()) <= 72


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_manifest(name: str) -> None:
    data = json.loads((CORPORA / f"{name}.json").read_text(encoding="utf-8"))
    assert isinstance(data, dict) and set(data) - {"context"} == MANIFEST_KEYS
    level, preset, grammar, _ = EXPECTED[name]
    assert data["name"] == name
    assert data["level"] == level and data["preset"] == preset
    assert data["licence"] == "CC0-1.0"
    assert data["grammar"] == grammar
    assert grammar is None or grammar in CHECKERS
    assert isinstance(data["title"], str) and data["title"]
    assert isinstance(data["description"], str) and 0 < len(data["description"]) <= 80
    assert "\n" not in data["description"]


def test_cli_writes_the_corpus() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "seussbot.grammars", "spot"],
        cwd=ROOT, capture_output=True, check=True,
    ).stdout
    assert out == (CORPORA / "spot.txt").read_bytes()


def test_generators_are_seeded() -> None:
    assert generate_spot(50, seed=3) == generate_spot(50, seed=3)
    assert generate_spot(50, seed=3) != generate_spot(50, seed=4)
    assert generate_rhymes(3000, seed=1) != generate_rhymes(3000, seed=2)
    assert check_homecoming(generate_homecoming(5000, seed=7)).violations == []


def test_readme_covers_every_corpus() -> None:
    readme = (CORPORA / "README.md").read_text(encoding="utf-8")
    for name in (*EXPECTED, "seussian"):
        assert name in readme
    assert "CC0-1.0" in readme and "python -m seussbot.grammars" in readme


# ---------------------------------------------------------------- spot


def test_spot_corpus_is_clean(spot_text: str) -> None:
    assert check_spot(spot_text) == []
    assert check_spot(spot_text, whole=True) == []
    sentences = re.findall(r"(\w+) saw (\w+)\.", spot_text.replace("\n", " "))
    assert len(sentences) >= 1000
    assert all(a != b for a, b in sentences)
    assert all(sentences[i][1] == sentences[i + 1][0] for i in range(len(sentences) - 1))
    assert set(spot_text.split()) <= {"Doug", "Jane", "Spot", "saw", "Doug.", "Jane.", "Spot."}


CHAIN = "Doug saw Jane. Jane saw Spot. Spot saw Doug. Doug saw Jane. Jane saw Doug."


def plant(insert: str, after: str = "Spot saw Doug.") -> tuple[str, int, int]:
    """Insert a sentence into CHAIN right after ``after``; return text and span."""
    cut = CHAIN.index(after) + len(after) + 1
    text = CHAIN[:cut] + insert + " " + CHAIN[cut:]
    return text, cut, cut + len(insert)


def reasons(vs: list[Violation]) -> list[tuple[int, int, str]]:
    return [(v.start, v.end, v.reason) for v in vs]


def test_spot_self_reference_planted() -> None:
    text, s, e = plant("Doug saw Doug.")
    assert text[s:e] == "Doug saw Doug."
    assert reasons(check_spot(text)) == [(s, e, "self-reference")]


def test_spot_run_on_planted() -> None:
    text, s, e = plant("Jane saw Spot saw Doug saw Jane.", after="Doug saw Jane.")
    assert reasons(check_spot(text)) == [(s, e, "run-on")]


def test_spot_missing_verb_planted() -> None:
    text, s, _ = plant("Spot. Doug. Jane.")
    expected = [(s, s + 5, "missing-verb"), (s + 6, s + 11, "missing-verb"), (s + 12, s + 17, "missing-verb")]
    assert reasons(check_spot(text)) == expected
    text, s, e = plant("Doug Jane.")
    assert reasons(check_spot(text)) == [(s, e, "missing-verb")]


def test_spot_broken_chain_planted() -> None:
    text = CHAIN.replace("Jane saw Spot.", "Doug saw Spot.")
    s = text.index("Doug saw Spot.")
    assert reasons(check_spot(text)) == [(s, s + 14, "broken-chain")]
    # a broken chain across a line break is found too
    text = "Doug saw Jane.\nSpot saw Doug."
    assert reasons(check_spot(text)) == [(15, 29, "broken-chain")]


def test_spot_unknown_word_planted() -> None:
    text = CHAIN.replace("Jane saw Spot.", "Jane saw Sput.")
    s = text.index("Sput")
    assert reasons(check_spot(text)) == [(s, s + 4, "unknown-word")]
    text = "Doug saw Jane. Jane sees the dog."
    assert [v.reason for v in check_spot(text)] == ["unknown-word"] * 3


def test_spot_bad_shape_planted() -> None:
    # planted after "... saw Doug." and ending on Doug (or on no name), so the
    # chain itself is not broken
    for bad in ("saw Doug.", "Doug saw.", "Doug Spot saw Doug.", "Doug saw Jane Doug."):
        text, s, e = plant(bad)
        assert reasons(check_spot(text)) == [(s, e, "bad-shape")], bad
    # the chain goes on from a bad sentence's last name
    text, s, e = plant("saw Jane.")
    assert reasons(check_spot(text)) == [(s, e, "bad-shape"), (e + 1, e + 15, "broken-chain")]


def test_spot_slide_mistakes_standalone() -> None:
    assert [v.reason for v in check_spot("Doug saw Doug.")] == ["self-reference"]
    assert [v.reason for v in check_spot("Jane saw Spot saw Doug saw Jane.")] == ["run-on"]
    assert reasons(check_spot("Spot. Doug. Jane.", whole=True)) == [
        (0, 5, "missing-verb"), (6, 11, "missing-verb"), (12, 17, "missing-verb"),
    ]


def test_spot_is_lenient_at_the_edges() -> None:
    # cut mid-word and mid-sentence at both ends: nothing provably wrong
    assert check_spot("ug saw Jane. Jane saw Spot. Spot saw Do") == []
    assert check_spot("Jane. Jane saw Spot. Spot saw") == []
    assert check_spot("saw Jane. Jane saw Spot. Spot") == []
    assert check_spot("") == [] and check_spot(" \n ") == []
    # ...but a whole mistake at an edge is still provable
    assert [v.reason for v in check_spot("Jane saw Spot. Spot saw Doug saw")] == ["run-on"]
    assert [v.reason for v in check_spot("Jane saw Spot. Doug saw")] == ["broken-chain"]
    assert [v.reason for v in check_spot("Jane saw Spot. Spot saw Dxg")] == ["unknown-word"]
    # strict mode judges the first and last sentences fully
    assert [v.reason for v in check_spot("Jane. Jane saw Spot.", whole=True)] == ["missing-verb"]


def test_spot_word_level_spacing() -> None:
    # a word-level model may print the full stop as a separate token
    assert check_spot("Doug saw Jane . Jane saw Spot . Spot saw Doug .") == []
    text = "Doug saw Jane . Jane saw Jane ."
    assert reasons(check_spot(text)) == [(16, 31, "self-reference")]


# ---------------------------------------------------------------- homecoming


def test_homecoming_corpus_is_clean(home_text: str) -> None:
    report = check_homecoming(home_text)
    assert report.violations == []
    assert report.stories >= 200
    assert report.endings == report.correct_endings == report.stories
    assert len(home_text.split("\n\n")) == report.stories
    assert CHECKERS["homecoming"](home_text) == []


def test_homecoming_distance_rule(home_text: str) -> None:
    stories = homecoming_stories(home_text)
    assert len(stories) == check_homecoming(home_text).stories
    distances = [s.distance for s in stories]
    assert all(15 <= d <= 400 for d in distances)
    bands = [sum(low <= d < high for d in distances) for low, high in HOMECOMING_BANDS]
    assert min(bands) >= len(distances) / (len(HOMECOMING_BANDS) + 1)  # every band is well represented


def test_homecoming_names_only_its_own_hero(home_text: str) -> None:
    stories = homecoming_stories(home_text)
    for block, story in zip(home_text.split("\n\n"), stories, strict=True):
        names = re.findall(r"\b(" + "|".join(HEROES) + r")\b", block)
        assert set(names) == {story.hero} and 2 <= len(names) <= 5  # opening, asides, ending
    assert len({s.hero for s in stories}) == len(HEROES) >= 8
    assert sum(s.last_mention_end > s.opening_end for s in stories) > len(stories) / 2  # asides are common
    assert home_text.replace("\n", " ").count("went home") == len(stories)


def test_homecoming_gap_after_an_aside() -> None:
    text = "Pim set off. Pim waved. A leaf fell. And so Pim went home."
    (story,) = homecoming_stories(text)
    assert story.opening_start == 0 and story.last_mention_end == text.index("Pim waved") + 3
    assert story.distance == text.rindex("Pim") - story.last_mention_end


def test_homecoming_swapped_hero(home_text: str) -> None:
    story = homecoming_stories(home_text)[5]
    other = next(h for h in HEROES if h != story.hero)
    text = home_text[: story.ending_start] + other + home_text[story.ending_end :]
    report = check_homecoming(text)
    assert reasons(report.violations) == [(story.ending_start, story.ending_end, "forgot-hero")]
    assert report.correct_endings == report.stories - 1 == report.endings - 1


def test_homecoming_no_ending() -> None:
    a = "Pim set off down the lane. A frog crept under the gate. And so Pim went home."
    b = "Tob took a walk one day. The wind blew over the hills. And so Tob went home."
    assert check_homecoming(a + "\n\n" + b).violations == []
    # an opening cut short by a blank line
    cut = "Kip climbed over the gate. A hen ran past the well."
    report = check_homecoming(a + "\n\n" + cut + "\n\n" + b)
    s = len(a) + 2
    assert reasons(report.violations) == [(s, s + 3, "no-ending")]
    # another hero mid-story is an aside about the wrong hero, and so is its ending
    text = "Kip climbed over the gate. " + b
    report = check_homecoming(text)
    s, e = text.index("Tob"), text.rindex("Tob")
    assert reasons(report.violations) == [(s, s + 3, "forgot-hero"), (e, e + 3, "forgot-hero")]
    assert report.stories == report.endings == 1 and report.correct_endings == 0
    # an ending with no opening before it (after a story break)
    text = a + "\n\nThe wind blew. And so Lux went home."
    s = text.index("Lux")
    report = check_homecoming(text)
    assert reasons(report.violations) == [(s, s + 3, "no-ending")]
    assert (report.stories, report.endings, report.correct_endings) == (1, 2, 1)


def test_homecoming_is_lenient_at_the_edges(home_text: str) -> None:
    # a sample starting mid-story and ending mid-story
    stories = homecoming_stories(home_text)
    sample = home_text[stories[2].last_mention_end + 5 : stories[6].opening_end + 30]
    report = check_homecoming(sample)
    assert report.violations == []
    assert report.stories == report.endings == report.correct_endings == 3
    # gibberish with a stray ending at the very start is not judged
    assert check_homecoming("ra fell. And so Pim went home.").violations == []
    assert check_homecoming("").endings == 0


def test_homecoming_mention_of_same_hero_is_not_an_opening() -> None:
    text = "Pim set off. Pim saw a hen. And so Pim went home."
    report = check_homecoming(text)
    assert report.violations == [] and report.stories == 1


def test_homecoming_ending_across_line_break() -> None:
    text = "Pim set off down the lane.\nAnd so Tob\nwent home."
    report = check_homecoming(text)
    s = text.index("Tob")
    assert reasons(report.violations) == [(s, s + 3, "forgot-hero")]


# ---------------------------------------------------------------- rhymes


def test_rhymes_duplicates_and_shape() -> None:
    text = read("rhymes")
    lines = [line for line in text.splitlines() if line.strip()]
    duplicated = len(lines) - len(set(lines))
    assert duplicated <= 0.05 * len(lines)
    assert all(re.fullmatch(r"[A-Z][A-Za-z ,.!?]*[.!?]", line) for line in lines)
    assert "\n\n\n" not in text
    verses = text.rstrip("\n").split("\n\n")
    assert len(verses) >= 100 and all(1 <= v.count("\n") + 1 <= 4 for v in verses)


# ---------------------------------------------------------------- robustness

SPOT_BITS = ["Doug", "Jane", "Spot", "saw", ".", " ", "\n", "Do", "ug", "x", "sa", "w", "  "]
HOME_BITS = [
    "Pim", "Tob", "Lux", " set off.", " went home.", "And so ", "\n\n", "\n", " ",
    "The rain fell. ", ".", "Pi", "went", " home", "Went home", "A",
]


def assert_spans(text: str, violations: list[Violation]) -> None:
    for v in violations:
        assert 0 <= v.start < v.end <= len(text)
        assert v.reason in REASONS and v.message


@settings(max_examples=150, deadline=None)
@given(st.one_of(st.text(), st.lists(st.sampled_from(SPOT_BITS)).map("".join)))
def test_spot_never_crashes(text: str) -> None:
    for whole in (False, True):
        vs = check_spot(text, whole=whole)
        assert_spans(text, vs)
        for v in vs:
            if v.reason == "unknown-word":
                assert text[v.start : v.end] not in g.SPOT_VOCAB


@settings(max_examples=150, deadline=None)
@given(st.one_of(st.text(), st.lists(st.sampled_from(HOME_BITS)).map("".join)))
def test_homecoming_never_crashes(text: str) -> None:
    report = check_homecoming(text)
    assert_spans(text, report.violations)
    assert 0 <= report.correct_endings <= report.stories <= report.endings
    assert CHECKERS["homecoming"](text) == report.violations
