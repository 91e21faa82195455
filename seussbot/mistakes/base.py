"""The vocabulary every detector shares: kinds, mistakes, and the detector base class.

A detector is told about the text as it is read (word by word, sentence by
sentence, mark by mark) and reports mistakes through `Sink.report`. It never sees
characters one at a time and never re-reads closed text, which is what keeps a
stream of characters cheap to watch.

A rule is read off the book, and a kind that needs more of the book than the
basics every profile keeps (the words and how often each is used) counts it
itself: its `collector` hears the book read once, like a detector hears the
model's text, and returns the kind's `Stats`, which the profile keeps and caches
without knowing what they mean.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, ClassVar, Protocol

if TYPE_CHECKING:
    from seussbot.mistakes.profile import CorpusProfile
    from seussbot.mistakes.text import Sentence, Token


@dataclass(frozen=True)
class MistakeKind:
    """How the UI names, colours and explains one kind of mistake.

    A `neutral` kind is worth pointing at but is no mistake (a real word the
    book never uses): it is shown, in its own muted colour, and never counted
    in "mistakes per 100 words".
    """

    name: str
    label: str
    colour: str  # "#rrggbb", readable on dark and on light backgrounds
    explanation: str  # one line a child could follow
    neutral: bool = False


@dataclass(frozen=True)
class Mistake:
    """One mistake: `text[start:end]` of the examined text (end exclusive).

    `(kind, start)` identifies a mistake: a stream may report a mistake again
    with a later `end` while it is still growing (a loop, a run-on, a copy);
    the newer one replaces the older.
    """

    kind: str
    start: int
    end: int
    text: str
    detail: str  # a specific sentence, e.g. '"Doug" twice in one sentence'


class Sink(Protocol):
    """Where detectors report; also what they may ask about the stream."""

    protected: int  # offsets below this are the user's prompt

    @property
    def size(self) -> int:
        """Characters read so far."""
        ...

    def report(self, kind: str, start: int, end: int, detail: str) -> None: ...

    def slice(self, start: int, end: int) -> str: ...

    def overlaps(self, kind: str, start: int, end: int) -> bool:
        """Is a mistake of `kind` already reported somewhere in [start, end)?"""
        ...


class Collector(Protocol):
    """Counts one kind's statistics of the book while the profile reads it.

    A reader listener (any of the `Detector` event methods, see `text.Reader`)
    with `finish`, called once the book is read: it returns the kind's `Stats`.
    """

    def finish(self) -> Any: ...


class Detector:
    """Base class: one kind of mistake, found from events in reading order.

    Subclasses set `kinds` (the kinds they report, usually one) and override
    the events they need. `enabled` lets a profile switch a detector off (a
    fragment cannot be shorter than one word; only some corpora have a grammar).
    A kind whose rule needs its own statistics of the book sets `Stats` (a
    frozen dataclass of ints, strings, dicts and frozensets, which the profile
    stores as JSON) and `collector` (a `Collector` class that fills one in), and
    reads them as `self.stats`; the profile keeps them under `stats_key()`.
    """

    kinds: ClassVar[tuple[MistakeKind, ...]]
    Stats: ClassVar[type | None] = None
    collector: ClassVar[Callable[[], Collector] | None] = None

    def __init__(self, profile: "CorpusProfile", sink: Sink) -> None:
        self.profile = profile
        self.sink = sink
        self.stats: Any = profile.stats.get(self.stats_key())

    @classmethod
    def enabled(cls, profile: "CorpusProfile") -> bool:
        return True

    @classmethod
    def stats_key(cls) -> str:
        """Where a profile keeps this kind's statistics: the name of its (first) kind."""
        return cls.kinds[0].name

    @classmethod
    def stats_of(cls, profile: "CorpusProfile") -> Any:
        """This kind's statistics of the book `profile` was read from (`Stats`)."""
        return profile.stats[cls.stats_key()]

    def on_word(self, word: "Token", sentence: "Sentence") -> None:
        """A word is complete; it is already the last of `sentence.words`."""

    def on_token(self, token: "Token") -> None:
        """The next token of the running word stream: a word, or END after a sentence."""

    def on_sentence_end(self, sentence: "Sentence") -> None:
        """A sentence closed (by . ! ? or a blank line, or the end of the text)."""

    def on_mark(self, char: str, pos: int) -> None:
        """A bracket or quote character at `pos`."""

    def on_line_end(self, pos: int) -> None:
        """A line break at `pos`."""

    def on_paragraph_end(self, pos: int) -> None:
        """A blank line starting at `pos`: every sentence, line and quote is over."""

    def on_finish(self) -> None:
        """The text is over; nothing more will come."""
