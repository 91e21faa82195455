"""What the book does, counted once: the statistics every detector's rule comes from.

Rules are read off the training text, so the corpus's own held-out text is
nearly free of flags while a half-trained network's output is full of them.
One thing comes from the whole book: which words it uses at all. A word of the
held-out part is the author's, so it is never "made up" (`held_out_words`);
it is only known, never counted, so no statistic sees the held-out text.
A profile is computed once per text and cached: in memory by the text's
sha256, and optionally as JSON in a folder the caller chooses (never pickle:
a cache file must not be able to run code).
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import os
import sys
import tempfile
import threading
from array import array
from collections import Counter, OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from seussbot.mistakes.kinds.copied import WINDOWS, window_hashes
from seussbot.mistakes.kinds.loop import PeriodicRuns, phrase_key
from seussbot.mistakes.kinds.unclosed import PAIRS, SCOPES, OpenMarks, pair_of
from seussbot.mistakes.text import END, Sentence, Token, read

PROFILE_VERSION = 2
BRACKET_TOLERANCE = 0.01  # share of a mark's openings the book may leave open in the chosen stretch
LENGTH_TAIL = 0.001  # the rarest share of sentence lengths ignored at each end (see `_trimmed`)
COPY_FLOOR = 8
COPY_MARGIN = 1.25  # the held-back tenth is one sample; the real validation text can run a little longer
COPY_REPEATED_SHARE = 0.02  # pieces may recur this often in the book and still be "nearly all unique"  # a copy is never "long" at fewer words than this
COPY_HELD_BACK = 10  # every tenth block of the book is held back to measure honest copying
COPY_BLOCK_TOKENS = 400  # about the 2,000 characters of a validation block of Corpus.split
COPY_ALL_FOLDS_BELOW = 60_000  # tokens; a bigger book's maximum is steady enough from one fold
MEMORY_SLOTS = 8


@dataclass(frozen=True, eq=False)
class CorpusProfile:
    """Counts from a training text, read exactly as the detectors read the model."""

    sha256: str
    level: str  # "char" or "word": the network's level, not how words are counted here
    grammar: str | None  # a key of seussbot.grammars.CHECKERS, or None
    words: dict[str, int]  # word -> uses
    total_words: int
    pairs: frozenset[str]  # "a b" for every two words side by side in a sentence
    sentences_with: dict[str, int]  # word -> sentences that use it
    sentences_repeating: dict[str, int]  # word -> sentences that use it twice or more
    sentence_lengths: dict[int, int]  # words -> sentences of that length
    terminated_lengths: dict[int, int]  # the same, for sentences ended by . ! ?
    loop_repeats: dict[str, int]  # phrase -> most times the book says it back to back (>= 2 only)
    loop_phrases: dict[int, int]  # phrase length -> distinct phrases of that length said twice in a row
    loop_events: dict[int, int]  # phrase length -> times the book starts saying one twice in a row
    total_tokens: int  # words and sentence ends
    copy_window: int  # tokens per indexed piece
    ngrams: frozenset[int] = field(repr=False)  # hashes of every `copy_window` tokens in a row
    copy_longest: int = COPY_FLOOR  # longest honest verbatim stretch, in words
    bracket_scope: dict[str, str | None] = field(default_factory=dict)  # pair -> stretch it closes in
    held_out_words: frozenset[str] = frozenset()  # words only the book's held-out part uses

    @property
    def longest_sentence(self) -> int:
        return _trimmed(self.sentence_lengths, longest=True)

    @property
    def shortest_sentence(self) -> int:
        return _trimmed(self.terminated_lengths, longest=False)

    @property
    def made_up_possible(self) -> bool:
        """A word-level network only writes words of the book, so it never makes one up."""
        return self.level == "char"

    @property
    def kinds(self) -> list[str]:
        """The kinds that can be found with this profile, in display order."""
        from seussbot.mistakes.kinds import DETECTORS

        return [kind.name for d in DETECTORS if d.enabled(self) for kind in d.kinds]

    @classmethod
    def from_text(
        cls, train_text: str, *, held_out_text: str = "", grammar: str | None = None, level: str = "char"
    ) -> "CorpusProfile":
        """Read the training text once and count everything the detectors need.

        `held_out_text` (the rest of the book) adds only the words it uses.
        """
        counter = _Counter()
        read(train_text, [counter])
        held_out = _Words()
        if held_out_text:
            read(held_out_text, [held_out])
        return counter.profile(
            sha256=hashlib.sha256(train_text.encode("utf-8")).hexdigest(),
            grammar=grammar,
            level=level,
            held_out_words=frozenset(held_out.words - counter.words.keys()),
        )

    # -- JSON, for the on-disk cache ---------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        hashes = array("Q", sorted(self.ngrams))
        if sys.byteorder != "little":
            hashes.byteswap()
        return {
            "version": PROFILE_VERSION,
            "sha256": self.sha256,
            "level": self.level,
            "grammar": self.grammar,
            "words": self.words,
            "total_words": self.total_words,
            "pairs": sorted(self.pairs),
            "sentences_with": self.sentences_with,
            "sentences_repeating": self.sentences_repeating,
            "sentence_lengths": {str(k): v for k, v in self.sentence_lengths.items()},
            "terminated_lengths": {str(k): v for k, v in self.terminated_lengths.items()},
            "loop_repeats": self.loop_repeats,
            "loop_phrases": {str(k): v for k, v in self.loop_phrases.items()},
            "loop_events": {str(k): v for k, v in self.loop_events.items()},
            "total_tokens": self.total_tokens,
            "copy_window": self.copy_window,
            "ngrams": base64.b64encode(hashes.tobytes()).decode("ascii"),
            "copy_longest": self.copy_longest,
            "bracket_scope": self.bracket_scope,
            "held_out_words": sorted(self.held_out_words),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "CorpusProfile":
        if data.get("version") != PROFILE_VERSION:
            raise ValueError("profile was written by another version")
        hashes = array("Q")
        hashes.frombytes(base64.b64decode(data["ngrams"]))
        if sys.byteorder != "little":
            hashes.byteswap()
        return cls(
            sha256=str(data["sha256"]),
            level=str(data["level"]),
            grammar=data["grammar"],
            words={str(k): int(v) for k, v in data["words"].items()},
            total_words=int(data["total_words"]),
            pairs=frozenset(map(str, data["pairs"])),
            sentences_with={str(k): int(v) for k, v in data["sentences_with"].items()},
            sentences_repeating={str(k): int(v) for k, v in data["sentences_repeating"].items()},
            sentence_lengths={int(k): int(v) for k, v in data["sentence_lengths"].items()},
            terminated_lengths={int(k): int(v) for k, v in data["terminated_lengths"].items()},
            loop_repeats={str(k): int(v) for k, v in data["loop_repeats"].items()},
            loop_phrases={int(k): int(v) for k, v in data["loop_phrases"].items()},
            loop_events={int(k): int(v) for k, v in data["loop_events"].items()},
            total_tokens=int(data["total_tokens"]),
            copy_window=int(data["copy_window"]),
            ngrams=frozenset(hashes),
            copy_longest=int(data["copy_longest"]),
            bracket_scope={str(k): (None if v is None else str(v)) for k, v in data["bracket_scope"].items()},
            held_out_words=frozenset(map(str, data["held_out_words"])),
        )


def _trimmed(lengths: dict[int, int], *, longest: bool) -> int:
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


class _Words:
    """A reader listener that only collects the words a text uses."""

    def __init__(self) -> None:
        self.words: set[str] = set()

    def on_word(self, word: Token, sentence: Sentence) -> None:
        self.words.add(word.norm)


class _Counter:
    """A reader listener that tallies the book."""

    def __init__(self) -> None:
        self.words: Counter[str] = Counter()
        self.sentences_with: Counter[str] = Counter()
        self.sentences_repeating: Counter[str] = Counter()
        self.pairs: set[str] = set()
        self.lengths: Counter[int] = Counter()
        self.terminated: Counter[int] = Counter()
        self.tokens: list[str] = []
        self.marks = {scope: OpenMarks() for scope in SCOPES}
        self.opened = {scope: Counter() for scope in SCOPES}
        self.left_open = {scope: Counter() for scope in SCOPES}

    def on_word(self, word: Token, sentence: Sentence) -> None:
        self.words[word.norm] += 1

    def on_token(self, token: Token) -> None:
        self.tokens.append(token.norm)

    def on_sentence_end(self, sentence: Sentence) -> None:
        n = len(sentence.words)
        self.lengths[n] += 1
        if sentence.terminated:
            self.terminated[n] += 1
        for norm, uses in sentence.counts.items():
            self.sentences_with[norm] += 1
            if uses >= 2:
                self.sentences_repeating[norm] += 1
        words = sentence.words
        self.pairs.update(a.norm + " " + b.norm for a, b in zip(words, words[1:]))
        if not sentence.at_eof:
            self._flush("sentence")

    def on_mark(self, char: str, pos: int) -> None:
        for scope in SCOPES:
            if self.marks[scope].mark(char, pos):
                self.opened[scope][pair_of(char)] += 1

    def on_line_end(self, pos: int) -> None:
        self._flush("line")

    def on_paragraph_end(self, pos: int) -> None:
        for scope in SCOPES:
            self._flush(scope)

    def _flush(self, scope: str) -> None:
        for char, _ in self.marks[scope].flush():
            self.left_open[scope][char] += 1

    def profile(self, *, sha256: str, grammar: str | None, level: str, held_out_words: frozenset[str]) -> CorpusProfile:
        window, hashes = _index(self.tokens)
        repeats, phrases, events = _loops(self.tokens)
        return CorpusProfile(
            sha256=sha256,
            level=level,
            grammar=grammar,
            words=dict(self.words),
            total_words=sum(self.words.values()),
            pairs=frozenset(self.pairs),
            sentences_with=dict(self.sentences_with),
            sentences_repeating=dict(self.sentences_repeating),
            sentence_lengths=dict(self.lengths),
            terminated_lengths=dict(self.terminated),
            loop_repeats=repeats,
            loop_phrases=phrases,
            loop_events=events,
            total_tokens=len(self.tokens),
            copy_window=window,
            ngrams=frozenset(hashes),
            copy_longest=_copy_longest(self.tokens, window, hashes),
            bracket_scope={pair: self._scope(pair) for pair in PAIRS},
            held_out_words=held_out_words,
        )

    def _scope(self, pair: str) -> str | None:
        """The smallest stretch the book (nearly) always closes this mark within."""
        if not self.opened["paragraph"][pair]:
            return "line"  # the book never uses it: judge the network's ones by the line
        for scope in SCOPES:
            if self.left_open[scope][pair] <= BRACKET_TOLERANCE * self.opened[scope][pair]:
                return scope
        return None  # the book leaves it open too often to call an open one a mistake


def _loops(tokens: list[str]) -> tuple[dict[str, int], dict[int, int], dict[int, int]]:
    """What the book says back to back: the most repeats of each such phrase, and, per
    phrase length, how many distinct phrases it doubles and how often it starts to."""
    runs = PeriodicRuns()
    most: dict[str, int] = {}
    distinct: dict[int, set[str]] = {}
    events: Counter[int] = Counter()
    for norm in tokens:
        for run in runs.push(norm):
            key = phrase_key(list(run.phrase))
            if run.repeats > most.get(key, 1):
                most[key] = run.repeats
            if run.length == 2 * run.period:
                events[run.period] += 1
                distinct.setdefault(run.period, set()).add(key)
    return most, {n: len(keys) for n, keys in distinct.items()}, dict(events)


def _index(tokens: list[str]) -> tuple[int, list[int]]:
    """The shortest piece length at which the book's pieces are nearly all unique, and their hashes.

    Chaining pieces finds copies only if a piece is rare enough that matching
    one means copying from one place; in a formulaic book short pieces recur
    everywhere, so the pieces must be longer.
    """
    ids: dict[str, int] = {}
    for window in WINDOWS:
        hashes = window_hashes(tokens, window, ids)
        if len(hashes) <= 1 or 1 - len(set(hashes)) / len(hashes) <= COPY_REPEATED_SHARE:
            break
    return window, hashes


def _copy_longest(tokens: list[str], window: int, hashes: list[int]) -> int:
    """The longest verbatim stretch (in words) that honest new text of this book contains.

    The book is cut into blocks the size of a validation split's; every tenth
    block is held back, the rest indexed, and the held-back blocks are read
    like model output (all ten ways round for a small book, whose maximum is
    otherwise noisy). Whatever they share word for word with the rest (set
    phrases, refrains, the endless chain of a tiny grammar) is not
    memorising, so the threshold sits a margin above the longest such stretch.
    """
    n = len(tokens)
    if n < 4 * window:
        return COPY_FLOOR
    blocks = max(COPY_HELD_BACK, min(20 * COPY_HELD_BACK, n // COPY_BLOCK_TOKENS))
    block = -(-n // blocks)
    words_before = [0]
    for norm in tokens:
        words_before.append(words_before[-1] + (norm != END))
    longest = 0
    folds = range(COPY_HELD_BACK) if n < COPY_ALL_FOLDS_BELOW else (COPY_HELD_BACK - 1,)
    for fold in folds:

        def held(i: int) -> bool:
            return (i // block) % COPY_HELD_BACK == fold

        index = {h for i, h in enumerate(hashes) if not held(i) and not held(i + window - 1)}
        first = -1  # first window of the current stretch, or -1
        for i, h in enumerate(hashes):
            if held(i) and i // block == (i + window - 1) // block and h in index:
                if first < 0:
                    first = i
                longest = max(longest, words_before[i + window] - words_before[first])
            else:
                first = -1
    return max(COPY_FLOOR, math.ceil(COPY_MARGIN * longest))


# -- the cache ------------------------------------------------------------------------------

_memory: OrderedDict[str, CorpusProfile] = OrderedDict()
_lock = threading.Lock()


def _key(train_text: str, held_out_text: str, grammar: str | None, level: str) -> str:
    digest = hashlib.sha256(train_text.encode("utf-8"))
    if held_out_text:
        digest.update(b"\0held-out\0" + held_out_text.encode("utf-8"))
    return f"{digest.hexdigest()}-{level}-{grammar or 'none'}-v{PROFILE_VERSION}"


def profile_for(
    train_text: str,
    *,
    held_out_text: str = "",
    grammar: str | None = None,
    level: str = "char",
    cache_dir: Path | None = None,
) -> CorpusProfile:
    """The profile of `train_text` (and the words of `held_out_text`), computed at most once
    (per process, and per cache folder)."""
    key = _key(train_text, held_out_text, grammar, level)
    with _lock:
        if key in _memory:
            _memory.move_to_end(key)
            return _memory[key]
    profile = _load(Path(cache_dir) / f"mistakes-{key}.json") if cache_dir is not None else None
    if profile is None:
        profile = CorpusProfile.from_text(train_text, held_out_text=held_out_text, grammar=grammar, level=level)
        if cache_dir is not None:
            _save(Path(cache_dir) / f"mistakes-{key}.json", profile)
    with _lock:
        _memory[key] = profile
        while len(_memory) > MEMORY_SLOTS:
            _memory.popitem(last=False)
    return profile


def _load(path: Path) -> CorpusProfile | None:
    """A cached profile, or None when it is missing, stale or damaged (it is then rebuilt)."""
    try:
        return CorpusProfile.from_json(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def _save(path: Path, profile: CorpusProfile) -> None:
    """Write atomically; a cache that cannot be written is only a slower next start."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump(profile.to_json(), out, separators=(",", ":"))
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
    except OSError:
        pass
