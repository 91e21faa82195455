"""Quality, measured: the book's own held-out text is nearly clean; gibberish and shuffles are not."""

from __future__ import annotations

import random
import re
from collections import Counter, defaultdict

import pytest

from seussbot.mistakes import NEUTRAL, CorpusProfile, find_mistakes

NOVELTY = {"made-up", "unseen-pair"}  # new text really does have new words and pairs
_WORD = re.compile(r"[^\W\d_]+")


def _corpus(name: str):
    """A bundled corpus; failing to load one is a failure, never a skip (they ship with seussbot)."""
    from seussbot.corpus import load_corpus

    return load_corpus(name)


def per_100_words(text: str, profile: CorpusProfile, skip: set[str] = NOVELTY) -> float:
    """Mistakes per 100 words, kinds in `skip` and neutral kinds left out."""
    flags = [m for m in find_mistakes(text, profile) if m.kind not in skip | NEUTRAL]
    return 100.0 * len(flags) / max(1, len(_WORD.findall(text)))


def bigram_gibberish(train: str, length: int, seed: int = 0) -> str:
    rng = random.Random(seed)
    table: dict[str, Counter[str]] = defaultdict(Counter)
    for a, b in zip(train, train[1:]):
        table[a][b] += 1
    out, ch = [], train[0]
    for _ in range(length):
        nxt = table.get(ch) or Counter(train[:50])
        ch = rng.choices(list(nxt), list(nxt.values()))[0]
        out.append(ch)
    return "".join(out)


def shuffled_words(text: str, seed: int = 0) -> str:
    rng = random.Random(seed)
    out = []
    for sentence in re.findall(r"[^.!?]*[.!?]+|[^.!?]+$", text):
        words = _WORD.findall(sentence)
        rng.shuffle(words)
        it = iter(words)
        out.append(_WORD.sub(lambda _: next(it), sentence))
    return "".join(out)


@pytest.mark.parametrize("name", ["spot", "homecoming", "rhymes", "seussian"])
def test_held_out_text_is_nearly_clean_and_broken_text_is_not(name: str) -> None:
    corpus = _corpus(name)
    train, val = corpus.split()
    profile = CorpusProfile.from_text(train, grammar=corpus.manifest.grammar, level=corpus.manifest.level)
    # Where validation blocks meet, a sentence is cut in two: allow for those seams.
    assert per_100_words(val, profile) < 1.0
    assert per_100_words(bigram_gibberish(train, 4000), profile, skip=set()) > 20.0
    assert per_100_words(shuffled_words(val), profile, skip=set()) > 8.0


def test_shakespeare_held_out_is_nearly_clean() -> None:
    from conftest import SHARED_DATA

    path = SHARED_DATA / "tinyshakespeare.txt"
    if not path.exists():
        pytest.skip("tiny-shakespeare is not here")
    text = path.read_text(encoding="utf-8")[:300_000]
    cut = text.rfind("\n\n", 0, 270_000)
    profile = CorpusProfile.from_text(text[:cut])
    assert per_100_words(text[cut:], profile) < 0.5
