"""Streaming: any way of cutting a text gives the same mistakes as the whole text, and spans stay valid."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from seussbot.mistakes import CorpusProfile, Mistake, MistakeStream, find_mistakes
from seussbot.mistakes.kinds.copied import Copied

BOOK = (
    'Jane saw Spot. "Look at the cat," said Doug. The cat sat on the mat (by Jane).\n'
    "Spot ran and ran! Did Doug see the hat? No, no, no.\n\n"
    "Tess had a big red ball and a small hat. Bill's dog-house was old.\n"
) * 40
PIECES = [
    "Jane", "Doug", "Spot", "saw", "the", "cat", "sat", "on", "mat", "ran", "and", "blorf",
    "don't", "dog-", "house", " ", " ", " ", ",", ".", "!", "?", "...", '"', "(", ")", "[", "\u201c",
    "\u201d", "'", "\n", "\n\n", "\n \n", "-", "9", "\t",
]  # fmt: skip

settings.register_profile("mistakes", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def profile() -> CorpusProfile:
    return CorpusProfile.from_text(BOOK)


@pytest.fixture(scope="module")
def spot() -> CorpusProfile:
    from seussbot.grammars import generate_spot

    return CorpusProfile.from_text(generate_spot(400), grammar="spot", level="word")


texts = st.lists(st.sampled_from(PIECES), max_size=80).map("".join)


def streamed(
    profile: CorpusProfile, text: str, cuts: list[int], prompt: int = 0, cut_off: bool = False
) -> tuple[list[Mistake], list[Mistake]]:
    """Feed `text` cut at `cuts` (`cut_off`: its end is a length running out); return (all mistakes at the end, the latest of each one reported)."""
    stream = MistakeStream(profile, text[:prompt])
    latest: dict[tuple[str, int], Mistake] = {}
    bounds = [prompt, *sorted(c for c in set(cuts) if prompt < c < len(text)), len(text)]
    for a, b in zip(bounds, bounds[1:]):
        for m in stream.feed(text[a:b]):
            latest[(m.kind, m.start)] = m
    for m in stream.finish(cut=cut_off):
        latest[(m.kind, m.start)] = m
    return stream.mistakes, sorted(latest.values(), key=lambda m: (m.start, m.end))


def check_spans(text: str, mistakes: list[Mistake]) -> None:
    for m in mistakes:
        assert 0 <= m.start < m.end <= len(text)
        assert m.text == text[m.start : m.end] and m.detail
    assert [m.start for m in mistakes] == sorted(m.start for m in mistakes)


@settings(settings.get_profile("mistakes"))
@given(text=texts, cuts=st.lists(st.integers(0, 400), max_size=12), cut_off=st.booleans(), data=st.data())
def test_streaming_in_pieces_equals_the_whole_text(
    profile: CorpusProfile, text: str, cuts: list[int], cut_off: bool, data
) -> None:
    prompt = data.draw(st.integers(0, len(text)))
    whole = find_mistakes(text, profile, protected_prefix=prompt, cut=cut_off)
    at_end, reported = streamed(profile, text, cuts, prompt, cut_off)
    assert at_end == whole
    assert sorted(reported, key=lambda m: (m.start, m.end, m.kind)) == sorted(whole, key=lambda m: (m.start, m.end, m.kind))
    check_spans(text, whole)
    assert all(m.end > prompt for m in whole)


@settings(settings.get_profile("mistakes"))
@given(text=st.lists(st.sampled_from(["Doug", "Jane", "Spot", "saw", ".", " ", "\n", "Dog", "!"]), max_size=60).map(" ".join))
def test_streaming_with_a_grammar_equals_the_whole_text(spot: CorpusProfile, text: str) -> None:
    at_end, _ = streamed(spot, text, list(range(len(text))))
    assert at_end == find_mistakes(text, spot)
    check_spans(text, at_end)


@settings(settings.get_profile("mistakes"))
@given(text=st.text(max_size=300))
def test_any_text_at_all(profile: CorpusProfile, spot: CorpusProfile, text: str) -> None:
    for p in (profile, spot):
        mistakes = find_mistakes(text, p)
        check_spans(text, mistakes)
        assert streamed(p, text, list(range(0, len(text), 7)))[0] == mistakes


def test_a_word_the_length_cut_off_is_not_judged(profile: CorpusProfile) -> None:
    text = "Jane saw the cat. Doug saw the blorf"  # "blorf" may be the start of "blorfing": nobody knows
    assert ("made-up", "blorf") in [(m.kind, m.text) for m in find_mistakes(text, profile)]
    assert find_mistakes(text, profile, cut=True) == find_mistakes(text[: -len(" blorf")], profile)
    assert [m.text for m in find_mistakes(text + " ran", profile, cut=True) if m.kind == "made-up"] == ["blorf"]
    hanging = "Doug saw the blorf'"  # may become "blorf's"
    assert ("made-up", "blorf") in [(m.kind, m.text) for m in find_mistakes(hanging, profile)]
    assert "made-up" not in [m.kind for m in find_mistakes(hanging, profile, cut=True)]


def test_a_cut_off_word_is_not_counted_as_written(profile: CorpusProfile) -> None:
    stream = MistakeStream(profile, "Jane ")
    stream.feed("saw the ca")
    stream.finish(cut=True)
    assert stream.words == 2


def test_character_by_character_reveals_mistakes_as_soon_as_they_are_certain(profile: CorpusProfile) -> None:
    stream = MistakeStream(profile)
    seen = []
    for i, ch in enumerate("Jane saw Jane. Spot"):
        for m in stream.feed(ch):
            seen.append((i, m.kind, m.text))
    # The second "Jane" is certain once a character that cannot continue the word arrives.
    assert ("echo", "Jane") in [(k, t) for _, k, t in seen]
    assert [i for i, k, _ in seen if k == "echo"] == [13]
    assert stream.finish() == []


def test_a_growing_mistake_is_reported_again_with_its_new_end(profile: CorpusProfile) -> None:
    stream = MistakeStream(profile)
    stream.feed("Jane saw the cat the cat the cat the cat ")
    (loop,) = [m for m in stream.mistakes if m.kind == "loop"]
    grown = [m for m in stream.feed("the cat ") if m.kind == "loop"]
    assert len(grown) == 1 and grown[0].start == loop.start and grown[0].end > loop.end
    assert [m for m in stream.mistakes if m.kind == "loop"] == grown


def test_feeding_after_finish_is_refused(profile: CorpusProfile) -> None:
    stream = MistakeStream(profile)
    stream.finish()
    with pytest.raises(RuntimeError):
        stream.feed("more")
    assert stream.finish() == []


@settings(settings.get_profile("mistakes"))
@given(start=st.integers(0, len(BOOK) - 1), length=st.integers(0, 3000), cuts=st.lists(st.integers(0, 3000), max_size=20))
def test_streaming_a_copy_of_the_book_in_pieces(profile: CorpusProfile, start: int, length: int, cuts: list[int]) -> None:
    text = BOOK[start : start + length]
    whole = find_mistakes(text, profile)
    assert streamed(profile, text, cuts)[0] == whole
    if len(text.split()) > 2 * Copied.stats_of(profile).longest:
        assert any(m.kind == "copied" for m in whole)
