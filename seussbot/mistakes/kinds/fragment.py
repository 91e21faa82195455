"""fragment: a sentence shorter than any in the book ("Spot. Doug. Jane.")."""

from __future__ import annotations

from seussbot.mistakes.base import Detector, MistakeKind
from seussbot.mistakes.text import Sentence


def words(n: int) -> str:
    return f"{n} word" if n == 1 else f"{n} words"


class Fragment(Detector):
    """Flags a finished sentence with fewer words than the book's shortest.

    Only sentences ended by . ! ? count, on both sides: a title line or the
    last words of a text that was cut off are not sentences that stopped early.
    """

    kinds = (
        MistakeKind("fragment", "too short", "#1c7ed6", "This sentence is shorter than any sentence in the book."),
    )

    @classmethod
    def enabled(cls, profile) -> bool:
        return profile.shortest_sentence > 1

    def on_sentence_end(self, sentence: Sentence) -> None:
        shortest = self.profile.shortest_sentence
        n = len(sentence.words)
        if sentence.terminated and n < shortest:
            self.sink.report(
                "fragment",
                sentence.start,
                sentence.end,
                f"a sentence of {words(n)}; the shortest in the book has {shortest}",
            )
