"""unseen-pair: two words side by side that the book never puts together."""

from __future__ import annotations

from dataclasses import dataclass

from seussbot.mistakes.base import Detector, MistakeKind
from seussbot.mistakes.text import Sentence, Token


@dataclass(frozen=True)
class Pairs:
    """Every two words the book puts side by side in a sentence, as "a b"."""

    pairs: frozenset[str]


class PairCounter:
    """Collects, while the profile reads the book, the pairs of words its sentences contain."""

    def __init__(self) -> None:
        self.pairs: set[str] = set()

    def on_sentence_end(self, sentence: Sentence) -> None:
        words = sentence.words
        self.pairs.update(a.norm + " " + b.norm for a, b in zip(words, words[1:]))

    def finish(self) -> Pairs:
        return Pairs(frozenset(self.pairs))


class UnseenPair(Detector):
    """Flags adjacent words (in one sentence) that never sit together in the book.

    New pairs of rare words are just new writing, so a pair is flagged only
    when both words are common enough that the book would be expected to put
    them together at least `MIN_EXPECTED` times if words fell at random.
    Pairs with a made-up word are left to `made-up`.
    """

    kinds = (
        MistakeKind("unseen-pair", "odd pair", "#2f9e44", "These two words never sit side by side in the book."),
    )
    Stats = Pairs
    collector = PairCounter
    MIN_EXPECTED = 2.0

    def on_word(self, word: Token, sentence: Sentence) -> None:
        if len(sentence.words) < 2:
            return
        before = sentence.words[-2]
        profile = self.profile
        if before.norm + " " + word.norm in self.stats.pairs:
            return
        a = profile.words.get(before.norm, 0)
        b = profile.words.get(word.norm, 0)
        if a and b and a * b >= self.MIN_EXPECTED * profile.total_words:
            shown = self.sink.slice(before.start, word.end)
            self.sink.report(
                "unseen-pair",
                before.start,
                word.end,
                f'"{shown}": the book uses both words often but never side by side',
            )
