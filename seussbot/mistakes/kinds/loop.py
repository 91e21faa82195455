"""loop: the same phrase again and again, more times in a row than the book ever does."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from seussbot.mistakes.base import Detector, MistakeKind
from seussbot.mistakes.text import END, Token

LONGEST_PHRASE = 12  # tokens; longer loops are caught as copies or not at all


def phrase_key(norms: list[str]) -> str:
    """The same key for every rotation: where a loop seems to start depends on what came before it."""
    return min(" ".join(norms[i:] + norms[:i]) for i in range(len(norms)))


def phrase_text(norms: list[str]) -> str:
    """How a phrase is shown: words with spaces, sentence ends as '.'."""
    return " ".join(norms).replace(" " + END, END)


@dataclass(frozen=True, slots=True)
class Run:
    """The last `length` tokens repeat a phrase of `period` tokens back to back."""

    period: int
    length: int
    phrase: tuple[str, ...]

    @property
    def repeats(self) -> int:
        return self.length // self.period


class PeriodicRuns:
    """Finds back-to-back repeats in a token stream, one token at a time.

    `matched[n]` counts how many of the latest tokens equal the token `n`
    before them; when that reaches `n`, the phrase of `n` tokens has come
    twice in a row. Only primitive periods are reported ("the the the the" is
    "the" four times, not "the the" twice). The same class builds the book's
    statistics and watches the model, so both count loops the same way.
    """

    def __init__(self, longest: int = LONGEST_PHRASE) -> None:
        self.longest = longest
        self.recent: list[str] = []  # the last `longest` tokens
        self.matched = [0] * (longest + 1)

    def push(self, norm: str) -> list[Run]:
        recent = self.recent
        matched = self.matched
        size = len(recent)
        for n in range(1, self.longest + 1):
            if n <= size and recent[size - n] == norm:
                matched[n] += 1
            else:
                matched[n] = 0
        recent.append(norm)
        if size + 1 > self.longest:
            del recent[0]
        runs: list[Run] = []
        for n in range(1, self.longest + 1):
            m = matched[n]
            if m < n:
                continue
            length = m + n
            if any(matched[d] >= length - d for d in range(1, n) if n % d == 0):
                continue  # the phrase itself repeats a shorter one
            last = recent[len(recent) - n :]
            # The run starts `length` tokens back; rotate the last period to its start.
            shift = length % n
            phrase = tuple(last[(k - shift) % n] for k in range(n))
            runs.append(Run(n, length, phrase))
        return runs


@dataclass(frozen=True)
class Doubles:
    """What the book says back to back, counted by `PeriodicRuns` as the model's text is."""

    repeats: dict[str, int]  # phrase (`phrase_key`) -> most times the book says it in a row (2 or more)
    phrases: dict[int, int]  # phrase length -> distinct phrases of that length said twice in a row
    events: dict[int, int]  # phrase length -> times the book starts saying one twice in a row


class DoubleCounter:
    """Counts, while the profile reads the book, the phrases it says twice or more in a row."""

    def __init__(self) -> None:
        self.runs = PeriodicRuns()
        self.most: dict[str, int] = {}
        self.distinct: dict[int, set[str]] = {}
        self.events: Counter[int] = Counter()

    def on_token(self, token: Token) -> None:
        for run in self.runs.push(token.norm):
            key = phrase_key(list(run.phrase))
            if run.repeats > self.most.get(key, 1):
                self.most[key] = run.repeats
            if run.length == 2 * run.period:
                self.events[run.period] += 1
                self.distinct.setdefault(run.period, set()).add(key)

    def finish(self) -> Doubles:
        return Doubles(self.most, {n: len(keys) for n, keys in self.distinct.items()}, dict(self.events))


class Loop(Detector):
    """Flags a phrase said back to back more times than the book would say it.

    A phrase the book repeats back to back ("no, no, no") may come as often
    as the book has it. Any other phrase may come once, so "the the" is a
    loop, unless the book has a habit of doubling phrases of that length
    (verse and drama do: "O mother, mother!"): then it may come twice, but a
    single word the book uses so often that it would have shown doubling it
    ("the") may still come only once. The span starts at the first repeat too
    many and grows while the loop goes on. Sentence ends count as tokens, so
    "Spot. Spot. Spot." loops too.
    """

    kinds = (MistakeKind("loop", "loop", "#0c8599", "It got stuck saying the same thing over and over."),)
    Stats = Doubles
    collector = DoubleCounter
    HABIT_PHRASES = 3  # distinct phrases of one length the book doubles, to call it a habit

    def __init__(self, profile, sink) -> None:
        super().__init__(profile, sink)
        self._runs = PeriodicRuns()
        self._tokens: list[Token] = []  # the last LONGEST_PHRASE tokens
        self._active: dict[int, int] = {}  # period -> start offset of its reported loop
        events = self.stats.events.get(1, 0)
        self._common = profile.total_tokens / events if events else float("inf")

    def allowed(self, run: Run) -> int:
        """How many times in a row the book would say this phrase."""
        most = self.stats.repeats.get(phrase_key(list(run.phrase)))
        if most is not None:
            return most
        if self.stats.phrases.get(run.period, 0) < self.HABIT_PHRASES:
            return 1
        if run.period == 1 and self.profile.words.get(run.phrase[0], 0) >= self._common:
            return 1
        return 2

    def on_token(self, token: Token) -> None:
        tokens = self._tokens
        tokens.append(token)
        if len(tokens) > LONGEST_PHRASE:
            del tokens[0]
        active = {}
        for run in self._runs.push(token.norm):
            allowed = self.allowed(run)
            if run.repeats <= allowed:
                continue
            start = self._active.get(run.period)
            if start is None:  # the first repeat too many began `period` tokens ago
                start = tokens[len(tokens) - run.period].start
            active[run.period] = start
            most = "never says it twice in a row" if allowed == 1 else f"says it at most {allowed} times"
            self.sink.report(
                "loop",
                start,
                token.end,
                f'"{phrase_text(list(run.phrase))}" {run.repeats} times in a row; the book {most}',
            )
        self._active = active
