"""The slides' three mistakes against spot, and grammar checkers' breaks named as mistakes."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from seussbot.mistakes import KINDS, CorpusProfile, MistakeStream, find_mistakes
from seussbot.mistakes.kinds.grammar import REASON_KINDS, Grammar


def _spot_text() -> str:
    try:
        from seussbot.corpus import load_corpus

        return load_corpus("spot").text
    except Exception:  # the bundled file may be missing in a bare checkout; the generator is not
        from seussbot.grammars import generate_spot

        return generate_spot()


@pytest.fixture(scope="module")
def spot() -> CorpusProfile:
    return CorpusProfile.from_text(_spot_text(), grammar="spot", level="word")


def kinds(text: str, profile: CorpusProfile) -> list[tuple[str, str]]:
    return [(m.kind, m.text) for m in find_mistakes(text, profile)]


def test_doug_saw_doug_is_an_echo(spot: CorpusProfile) -> None:
    assert kinds("Doug saw Doug.", spot) == [("echo", "Doug")]


def test_jane_saw_spot_saw_doug_is_a_run_on(spot: CorpusProfile) -> None:
    found = kinds("Jane saw Spot saw Doug saw Jane.", spot)
    assert ("run-on", "saw Doug saw Jane") in found
    assert {kind for kind, _ in found} <= {"run-on", "echo"}


def test_spot_doug_jane_are_fragments(spot: CorpusProfile) -> None:
    assert kinds("Spot. Doug. Jane.", spot) == [("fragment", "Spot."), ("fragment", "Doug."), ("fragment", "Jane.")]


def test_good_spot_text_is_clean(spot: CorpusProfile) -> None:
    assert find_mistakes("Jane saw Spot. Spot saw Doug. Doug saw Jane. Jane saw Doug.", spot) == []


def test_spot_grammar_breaks(spot: CorpusProfile) -> None:
    assert kinds("Jane saw Spot. Doug saw Jane.", spot) == [("broken-chain", "Doug saw Jane.")]
    assert kinds("Jane saw Spot. Spot Jane saw.", spot) == [("unseen-pair", "Spot Jane"), ("bad-shape", "Spot Jane saw.")]
    assert kinds("Jane saw Spot. Spot saw Spot.", spot) == [("echo", "Spot")]  # not twice for self-reference
    assert ("made-up", "Spott") in kinds("Jane saw Spott.", spot)


def test_word_level_profile_says_made_up_words_cannot_happen(spot: CorpusProfile) -> None:
    assert not spot.made_up_possible and "made-up" in spot.kinds


def test_every_reason_a_checker_gives_has_a_kind() -> None:
    from seussbot.grammars import REASONS

    assert set(REASONS) <= set(REASON_KINDS)
    assert set(REASON_KINDS.values()) <= set(KINDS)


def _homecoming() -> CorpusProfile:
    story = (
        "Pim set off down the lane. A small frog crept under the gate. The sun sank low, "
        "and so Pim went home.\n\nKip climbed over the gate. The mist lifted. And so Kip went home.\n\n"
    )
    return CorpusProfile.from_text(story * 20, grammar="homecoming")


def test_homecoming_forgot_the_hero() -> None:
    profile = _homecoming()
    text = "Pim set off down the lane. A small frog crept under the gate. And so Kip went home.\n\n"
    (mistake,) = [m for m in find_mistakes(text, profile) if m.kind == "forgot-hero"]
    assert mistake.text == "Kip" and "Pim" in mistake.detail


def test_homecoming_story_cut_by_a_blank_line_has_no_ending() -> None:
    profile = _homecoming()
    text = "Kip went home.\n\nPim set off down the lane. A small frog crept under the gate.\n\nKip climbed."
    assert [(m.kind, m.text) for m in find_mistakes(text, profile) if m.kind == "no-ending"] == [("no-ending", "Pim")]
    # Without the blank line the story may still be going: nothing to flag.
    assert [m for m in find_mistakes(text[:-15], profile) if m.kind == "no-ending"] == []


@dataclass(frozen=True)
class FakeViolation:
    start: int
    end: int
    reason: str
    message: str


def fake_checker(text: str) -> list[FakeViolation]:
    """Flags every "Rex" (unknown word) and every sentence starting with "Bad" (broken chain)."""
    out = []
    at = text.find("Rex")
    while at >= 0:
        out.append(FakeViolation(at, at + 3, "unknown-word", "Rex is not in the book."))
        at = text.find("Rex", at + 1)
    at = text.find("Bad")
    while at >= 0:
        stop = text.find(".", at)
        out.append(FakeViolation(at, stop + 1 if stop >= 0 else len(text), "broken-chain", "chain!"))
        at = text.find("Bad", at + 1)
    return out


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> CorpusProfile:
    monkeypatch.setattr(Grammar, "checker_for", staticmethod(lambda name: fake_checker if name == "fake" else None))
    return CorpusProfile.from_text("Ann saw Bob. Bob saw Rex. Bad Bob saw Ann. " * 30, grammar="fake")


def test_a_grammar_adapter_maps_reasons_and_offsets(fake: CorpusProfile) -> None:
    text = "Ann saw Bob. Bad Ann saw Bob. Bob saw Rex."
    found = [(m.kind, m.start, m.end) for m in find_mistakes(text, fake) if m.kind in ("broken-chain", "made-up")]
    assert found == [("broken-chain", 13, 29), ("made-up", 38, 41)]


def test_a_grammar_break_already_found_by_the_statistics_is_not_reported_twice(fake: CorpusProfile) -> None:
    text = "Ann saw Bob. Bob saw Zog."  # "Zog" is made up by the statistics; the fake grammar knows nothing
    assert [m.kind for m in find_mistakes(text, fake)].count("made-up") == 1
    text = "Ann saw Bob. Bob saw Rexy."  # statistics: "Rexy" made up; grammar: "Rex" overlaps it
    assert [(m.kind, m.text) for m in find_mistakes(text, fake) if m.kind == "made-up"] == [("made-up", "Rexy")]


def test_grammar_breaks_stream_as_sentences_close(fake: CorpusProfile) -> None:
    stream = MistakeStream(fake)
    assert stream.feed("Ann saw Bob. Bad Bob saw Ann") == []
    new = stream.feed(". Bob")
    assert [m.kind for m in new] == ["broken-chain"]


def test_without_a_grammar_module_the_grammar_kinds_are_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Grammar, "checker_for", staticmethod(lambda name: None))
    profile = CorpusProfile.from_text("Ann saw Bob. " * 50, grammar="spot")
    assert "broken-chain" not in profile.kinds
    assert find_mistakes("Ann saw Bob. Ann saw Bob. Ann saw Bob.", profile) == []
