"""Watching text as it is written: mistakes found as characters arrive, and for whole texts.

`MistakeStream` reads text in pieces of any size. Detectors hear about a word
only once it is complete and about a sentence only once it has ended, so a
character costs a few microseconds, and closed sentences are never read again.
`find_mistakes` is the same stream fed the whole text at once, so the two agree
by construction (and the tests check it for every way of cutting a text).
Neutral kinds (`new-word`) are found and listed like the rest but are no
mistakes: `per_100_words` and `score_text`'s "mistakes" leave them out.
"""

from __future__ import annotations

import bisect

from seussbot.mistakes.base import Mistake
from seussbot.mistakes.kinds import DETECTORS, KINDS, NEUTRAL
from seussbot.mistakes.profile import CorpusProfile
from seussbot.mistakes.text import Reader, Sentence, Token

_ORDER = {name: i for i, name in enumerate(KINDS)}


def _sort_key(m: Mistake) -> tuple[int, int, int]:
    return (m.start, m.end, _ORDER.get(m.kind, len(_ORDER)))


class MistakeStream:
    """The mistakes in a text that is still being written.

    `prompt` is what the user typed: it is read (a continuation is judged in
    its context) but mistakes lying wholly inside it are not reported, and its
    words do not count towards copying or towards the words written. Offsets
    are into prompt + everything fed. A mistake is identified by
    `(kind, start)`; when `feed` returns one already seen, it has grown.
    """

    def __init__(self, profile: CorpusProfile, prompt: str = "") -> None:
        self.profile = profile
        self.protected = len(prompt)
        self._found: dict[tuple[str, int], Mistake] = {}
        self._pending: dict[tuple[str, int], tuple[int, str]] = {}
        self._starts: dict[str, list[int]] = {}  # per kind, sorted: for `overlaps`
        self._ends: dict[tuple[str, int], int] = {}
        self._widest: dict[str, int] = {}
        self._sorted: list[Mistake] | None = []
        self._words = 0
        self._kinds = profile.kinds
        self._detectors = [cls(profile, self) for cls in DETECTORS if cls.enabled(profile)]
        self._reader = Reader([*self._detectors, self])
        if prompt:
            self._reader.feed(prompt)
            self._collect()

    # -- the public side ------------------------------------------------------------------

    def feed(self, chunk: str) -> list[Mistake]:
        """Read more text; return the mistakes it newly revealed or made grow, by position."""
        if chunk:
            self._reader.feed(chunk)
        return self._collect()

    def finish(self, *, cut: bool = False) -> list[Mistake]:
        """The text is over: judge what was still open. Returns what that revealed.

        `cut`: writing stopped because the length ran out, so a word the text
        ends in may be unfinished; it is not judged (nor counted) as a word.
        """
        self._reader.finish(cut=cut)
        return self._collect()

    @property
    def text(self) -> str:
        return self._reader.text

    @property
    def mistakes(self) -> list[Mistake]:
        """All mistakes so far, by position."""
        if self._sorted is None:
            self._sorted = sorted(self._found.values(), key=_sort_key)
        return list(self._sorted)

    @property
    def words(self) -> int:
        """Words written after the prompt, finished ones only."""
        return self._words

    def counts(self) -> dict[str, int]:
        """Finds by kind, every kind this profile can find (zeros and neutral kinds included), display order."""
        counts = {name: 0 for name in self._kinds}
        for mistake in self._found.values():
            counts[mistake.kind] = counts.get(mistake.kind, 0) + 1
        return counts

    @property
    def mistake_count(self) -> int:
        """How many finds are mistakes (neutral kinds left out)."""
        return sum(1 for kind, _ in self._found if kind not in NEUTRAL)

    def per_100_words(self) -> float:
        """Mistakes per 100 words written; neutral kinds are not mistakes."""
        return 100.0 * self.mistake_count / self._words if self._words else 0.0

    # -- the detectors' side (the `Sink` protocol) --------------------------------------

    @property
    def size(self) -> int:
        return len(self._reader.text)

    def slice(self, start: int, end: int) -> str:
        return self._reader.text[start:end]

    def report(self, kind: str, start: int, end: int, detail: str) -> None:
        self._pending[(kind, start)] = (end, detail)
        if (kind, start) not in self._ends:
            starts = self._starts.setdefault(kind, [])
            if not starts or starts[-1] < start:
                starts.append(start)
            else:
                bisect.insort(starts, start)
        self._ends[(kind, start)] = end
        if end - start > self._widest.get(kind, 0):
            self._widest[kind] = end - start

    def overlaps(self, kind: str, start: int, end: int) -> bool:
        starts = self._starts.get(kind)
        if not starts:
            return False
        reach = start - self._widest[kind]  # no span of this kind that starts earlier gets this far
        i = bisect.bisect_left(starts, end) - 1
        while i >= 0 and starts[i] >= reach:
            if self._ends[(kind, starts[i])] > start:
                return True
            i -= 1
        return False

    # -- the reader's side ------------------------------------------------------------------

    def on_word(self, word: Token, sentence: Sentence) -> None:
        if word.start >= self.protected:
            self._words += 1

    def _collect(self) -> list[Mistake]:
        if not self._pending:
            return []
        text = self._reader.text
        changed: list[Mistake] = []
        for (kind, start), (end, detail) in self._pending.items():
            if end <= self.protected:
                continue  # the user wrote it
            mistake = Mistake(kind, start, end, text[start:end], detail)
            if self._found.get((kind, start)) != mistake:
                self._found[(kind, start)] = mistake
                changed.append(mistake)
        self._pending.clear()
        if changed:
            self._sorted = None
        changed.sort(key=_sort_key)
        return changed


def find_mistakes(text: str, profile: CorpusProfile, *, protected_prefix: int = 0, cut: bool = False) -> list[Mistake]:
    """Every mistake in a whole text, by position; the first `protected_prefix` chars are the prompt.

    `cut`: the text was cut off by a length, so a word it ends in may be unfinished (see `MistakeStream.finish`).
    """
    protected_prefix = max(0, min(protected_prefix, len(text)))
    stream = MistakeStream(profile, text[:protected_prefix])
    stream.feed(text[protected_prefix:])
    stream.finish(cut=cut)
    return stream.mistakes


def score_text(text: str, profile: CorpusProfile) -> dict:
    """One timeline sample's numbers: words, mistakes, mistakes per 100 words, and by kind."""
    stream = MistakeStream(profile)
    stream.feed(text)
    stream.finish()
    return {
        "words": stream.words,
        "mistakes": stream.mistake_count,
        "per_100_words": round(stream.per_100_words(), 2),
        "by_kind": stream.counts(),
    }
