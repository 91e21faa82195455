"""echo: a word said twice in one sentence where the book never repeats it ("Doug saw Doug.")."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from seussbot.mistakes.base import Detector, MistakeKind
from seussbot.mistakes.text import Sentence, Token

_TIMES = {2: "twice", 3: "three times", 4: "four times", 5: "five times"}


def times(n: int) -> str:
    return _TIMES.get(n, f"{n} times")


@dataclass(frozen=True)
class Repeats:
    """How many of the book's sentences use each word, and use it twice or more."""

    sentences_with: dict[str, int]
    sentences_repeating: dict[str, int]  # only words some sentence repeats


class RepeatCounter:
    """Counts, while the profile reads the book, the sentences that use and repeat each word."""

    def __init__(self) -> None:
        self.sentences_with: Counter[str] = Counter()
        self.sentences_repeating: Counter[str] = Counter()

    def on_sentence_end(self, sentence: Sentence) -> None:
        for norm, uses in sentence.counts.items():
            self.sentences_with[norm] += 1
            if uses >= 2:
                self.sentences_repeating[norm] += 1

    def finish(self) -> Repeats:
        return Repeats(dict(self.sentences_with), dict(self.sentences_repeating))


class Echo(Detector):
    """Flags the second (third, ...) use of a word within one sentence.

    Prose repeats "the" and "and" all the time, so the rule comes from the
    book: a word is flagged only if the book never uses it twice in one
    sentence although it uses it often enough that it would have, were it a
    word the book repeats as readily as its average word (`EVIDENCE` expected
    repeats; at least `MIN_SENTENCES` sentences). A book that never repeats
    any word (spot) needs only `MIN_SENTENCES`. Words the book does not know
    are left to `made-up`.
    """

    kinds = (
        MistakeKind(
            "echo",
            "said twice",
            "#e03131",
            "It used the same word twice in one sentence, and the book never does that.",
        ),
    )
    Stats = Repeats
    collector = RepeatCounter
    MIN_SENTENCES = 3  # never trust fewer uses than this
    EVIDENCE = 2.0  # repeats an average word would have shown in that many sentences

    def __init__(self, profile, sink) -> None:
        super().__init__(profile, sink)
        self._verdicts: dict[str, bool] = {}
        uses = sum(self.stats.sentences_with.values())
        repeats = sum(self.stats.sentences_repeating.values())
        share = repeats / uses if uses else 0.0
        self.min_sentences = max(self.MIN_SENTENCES, self.EVIDENCE / share if share else 0)

    def never_repeated(self, norm: str) -> bool:
        verdict = self._verdicts.get(norm)
        if verdict is None:
            seen = self.stats.sentences_with.get(norm, 0)
            repeated = self.stats.sentences_repeating.get(norm, 0)
            verdict = seen >= self.min_sentences and repeated == 0
            self._verdicts[norm] = verdict
        return verdict

    def on_word(self, word: Token, sentence: Sentence) -> None:
        n = sentence.counts[word.norm]
        if n >= 2 and self.never_repeated(word.norm):
            shown = self.sink.slice(word.start, word.end)
            self.sink.report(
                "echo", word.start, word.end, f'"{shown}" {times(n)} in one sentence; the book never repeats it'
            )
