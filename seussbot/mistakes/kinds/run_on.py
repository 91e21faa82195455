"""run-on: a sentence longer than any in the book ("Jane saw Spot saw Doug saw ...")."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from seussbot.mistakes.base import Detector, MistakeKind
from seussbot.mistakes.text import Sentence, Token

LENGTH_TAIL = 0.001  # the rarest share of sentence lengths ignored at each end (see `trimmed`)


def trimmed(lengths: Counter[int], *, longest: bool) -> int:
    """The longest (or shortest) sentence length, ignoring the rarest LENGTH_TAIL of sentences.

    A training split is the book with validation blocks cut out at line
    breaks, which splices a few sentences together or cuts them short; one in
    a thousand is allowed to be such an accident.
    """
    total = sum(lengths.values())
    allowance = LENGTH_TAIL * total
    seen = 0
    for n in sorted(lengths, reverse=longest):
        seen += lengths[n]
        if seen > allowance:
            return n
    return 0


@dataclass(frozen=True)
class Longest:
    """The book's longest sentence, in words (0 for a book without one)."""

    longest: int


class LongestSentence:
    """Measures, while the profile reads the book, how long its sentences run."""

    def __init__(self) -> None:
        self.lengths: Counter[int] = Counter()

    def on_sentence_end(self, sentence: Sentence) -> None:
        self.lengths[len(sentence.words)] += 1

    def finish(self) -> Longest:
        return Longest(trimmed(self.lengths, longest=True))


class RunOn(Detector):
    """Flags the words of a sentence past the book's longest sentence.

    The span starts at the first word too many and grows with the sentence,
    so it is reported while the sentence is still being written: it can only
    get longer.
    """

    kinds = (
        MistakeKind("run-on", "run-on", "#d9480f", "This sentence goes on longer than any sentence in the book."),
    )
    Stats = Longest
    collector = LongestSentence

    @classmethod
    def enabled(cls, profile) -> bool:
        return cls.stats_of(profile).longest > 0

    def on_word(self, word: Token, sentence: Sentence) -> None:
        longest = self.stats.longest
        n = len(sentence.words)
        if n > longest:
            first_extra = sentence.words[longest]
            self.sink.report(
                "run-on",
                first_extra.start,
                word.end,
                f"{n} words in one sentence; the longest in the book has {longest}",
            )
