"""run-on: a sentence longer than any in the book ("Jane saw Spot saw Doug saw ...")."""

from __future__ import annotations

from seussbot.mistakes.base import Detector, MistakeKind
from seussbot.mistakes.text import Sentence, Token


class RunOn(Detector):
    """Flags the words of a sentence past the book's longest sentence.

    The span starts at the first word too many and grows with the sentence,
    so it is reported while the sentence is still being written: it can only
    get longer.
    """

    kinds = (
        MistakeKind("run-on", "run-on", "#d9480f", "This sentence goes on longer than any sentence in the book."),
    )

    @classmethod
    def enabled(cls, profile) -> bool:
        return profile.longest_sentence > 0

    def on_word(self, word: Token, sentence: Sentence) -> None:
        longest = self.profile.longest_sentence
        n = len(sentence.words)
        if n > longest:
            first_extra = sentence.words[longest]
            self.sink.report(
                "run-on",
                first_extra.start,
                word.end,
                f"{n} words in one sentence; the longest in the book has {longest}",
            )
