"""fragment: a sentence shorter than any in the book ("Spot. Doug. Jane.")."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from seussbot.mistakes.base import Detector, MistakeKind
from seussbot.mistakes.kinds.run_on import trimmed
from seussbot.mistakes.text import Sentence


def words(n: int) -> str:
    return f"{n} word" if n == 1 else f"{n} words"


@dataclass(frozen=True)
class Shortest:
    """The book's shortest sentence ended by . ! ?, in words (0 for a book without one)."""

    shortest: int


class ShortestSentence:
    """Measures, while the profile reads the book, how short its finished sentences get."""

    def __init__(self) -> None:
        self.lengths: Counter[int] = Counter()

    def on_sentence_end(self, sentence: Sentence) -> None:
        if sentence.terminated:
            self.lengths[len(sentence.words)] += 1

    def finish(self) -> Shortest:
        return Shortest(trimmed(self.lengths, longest=False))


class Fragment(Detector):
    """Flags a finished sentence with fewer words than the book's shortest.

    Only sentences ended by . ! ? count, on both sides: a title line or the
    last words of a text that was cut off are not sentences that stopped early.
    Like run-on's longest, the rarest one in a thousand is ignored (`trimmed`).
    """

    kinds = (
        MistakeKind("fragment", "too short", "#1c7ed6", "This sentence is shorter than any sentence in the book."),
    )
    Stats = Shortest
    collector = ShortestSentence

    @classmethod
    def enabled(cls, profile) -> bool:
        return cls.stats_of(profile).shortest > 1

    def on_sentence_end(self, sentence: Sentence) -> None:
        shortest = self.stats.shortest
        n = len(sentence.words)
        if sentence.terminated and n < shortest:
            self.sink.report(
                "fragment",
                sentence.start,
                sentence.end,
                f"a sentence of {words(n)}; the shortest in the book has {shortest}",
            )
