"""What the book does, counted once: the statistics every detector's rule comes from.

Rules are read off the training text, so the corpus's own held-out text is
nearly free of flags while a half-trained network's output is full of them.
The profile counts only the basics several kinds share (the words and how often
each is used); every other statistic belongs to the kind whose rule needs it:
the detector's `collector` hears the book read in the same pass and returns the
kind's `Stats`, kept here in `stats` under the kind's name and stored as JSON
from the dataclass's field types, so this module knows no kind by name.
One thing comes from the whole book: which words it uses at all. A word of the
held-out part is the author's, so it is never "made up" (`held_out_words`);
it is only known, never counted, so no statistic sees the held-out text.
A profile is computed once per text and cached: in memory by the text's
sha256, and optionally as JSON in a folder the caller chooses (never pickle:
a cache file must not be able to run code).
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
import os
import sys
import tempfile
import threading
import types
from array import array
from collections import Counter, OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Union, get_args, get_origin, get_type_hints

from seussbot.mistakes.text import Sentence, Token, read

PROFILE_VERSION = 3
MEMORY_SLOTS = 8


@dataclass(frozen=True, eq=False)
class CorpusProfile:
    """Counts from a training text, read exactly as the detectors read the model."""

    sha256: str
    level: str  # "char" or "word": the network's level, not how words are counted here
    grammar: str | None  # a key of seussbot.grammars.CHECKERS, or None
    words: dict[str, int]  # word -> uses
    total_words: int
    total_tokens: int  # words and sentence ends
    held_out_words: frozenset[str] = frozenset()  # words only the book's held-out part uses
    stats: dict[str, Any] = field(default_factory=dict, repr=False)  # kind -> its own statistics (`Detector.Stats`)

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
        cls,
        train_text: str,
        *,
        held_out_text: str = "",
        grammar: str | None = None,
        level: str = "char",
        detectors: Iterable[type] | None = None,
    ) -> "CorpusProfile":
        """Read the training text once, counting the basics and each kind's own statistics.

        `held_out_text` (the rest of the book) adds only the words it uses.
        `detectors` are the Detector classes whose statistics to count (every kind's by default).
        """
        counting = _with_stats(detectors)
        collectors = [d.collector() for d in counting]
        basics = _Basics()
        read(train_text, [basics, *collectors])
        held_out = _Words()
        if held_out_text:
            read(held_out_text, [held_out])
        stats = {}
        for d, collector in zip(counting, collectors):
            stats[d.stats_key()] = found = collector.finish()
            if not isinstance(found, d.Stats):
                raise TypeError(f"the {d.stats_key()} collector returned {type(found).__name__}, not {d.Stats.__name__}")
        return cls(
            sha256=hashlib.sha256(train_text.encode("utf-8")).hexdigest(),
            level=level,
            grammar=grammar,
            words=dict(basics.words),
            total_words=sum(basics.words.values()),
            total_tokens=basics.tokens,
            held_out_words=frozenset(held_out.words - basics.words.keys()),
            stats=stats,
        )

    # -- JSON, for the on-disk cache ---------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        hints = get_type_hints(CorpusProfile)
        data: dict[str, Any] = {"version": PROFILE_VERSION}
        for f in dataclasses.fields(self):
            if f.name != "stats":
                data[f.name] = _encode(getattr(self, f.name), hints[f.name])
        data["stats"] = {key: _encode(value, type(value)) for key, value in self.stats.items()}
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any], *, detectors: Iterable[type] | None = None) -> "CorpusProfile":
        """Read back what `to_json` wrote; a missing or damaged field raises (a cache is then rebuilt)."""
        if data.get("version") != PROFILE_VERSION:
            raise ValueError("profile was written by another version")
        hints = get_type_hints(CorpusProfile)
        basics = {f.name: _decode(data[f.name], hints[f.name]) for f in dataclasses.fields(cls) if f.name != "stats"}
        stats = {d.stats_key(): _decode(data["stats"][d.stats_key()], d.Stats) for d in _with_stats(detectors)}
        return cls(**basics, stats=stats)


def _with_stats(detectors: Iterable[type] | None) -> list[type]:
    """The detector classes (every kind's by default) that count statistics of their own."""
    if detectors is None:
        from seussbot.mistakes.kinds import DETECTORS

        detectors = DETECTORS
    return [d for d in detectors if d.Stats is not None]


# -- statistics as JSON, read off their types ----------------------------------------------
# A kind's `Stats` is a dataclass whose fields are ints, strings, None, dicts (int or
# string keys) and frozensets; a frozenset of ints holds 64-bit hashes and is stored
# as their base64 bytes, since a big book has hundreds of thousands of them.


def _encode(value: Any, hint: Any) -> Any:
    if dataclasses.is_dataclass(hint):
        hints = get_type_hints(hint)
        return {f.name: _encode(getattr(value, f.name), hints[f.name]) for f in dataclasses.fields(hint)}
    origin, args = get_origin(hint), get_args(hint)
    if origin is frozenset:
        return _pack_hashes(value) if args[0] is int else sorted(value)
    if origin is dict:
        return {str(k): _encode(v, args[1]) for k, v in value.items()}
    if origin in (Union, types.UnionType):
        return None if value is None else _encode(value, _not_none(args))
    return value


def _decode(data: Any, hint: Any) -> Any:
    if dataclasses.is_dataclass(hint):
        hints = get_type_hints(hint)
        return hint(**{f.name: _decode(data[f.name], hints[f.name]) for f in dataclasses.fields(hint)})
    origin, args = get_origin(hint), get_args(hint)
    if origin is frozenset:
        return _unpack_hashes(data) if args[0] is int else frozenset(map(args[0], data))
    if origin is dict:
        return {args[0](k): _decode(v, args[1]) for k, v in data.items()}
    if origin in (Union, types.UnionType):
        return None if data is None and type(None) in args else _decode(data, _not_none(args))
    return hint(data)


def _not_none(args: tuple[Any, ...]) -> Any:
    (kind,) = [a for a in args if a is not type(None)]
    return kind


def _pack_hashes(hashes: frozenset[int]) -> str:
    packed = array("Q", sorted(hashes))
    if sys.byteorder != "little":
        packed.byteswap()
    return base64.b64encode(packed.tobytes()).decode("ascii")


def _unpack_hashes(text: str) -> frozenset[int]:
    packed = array("Q")
    packed.frombytes(base64.b64decode(text))
    if sys.byteorder != "little":
        packed.byteswap()
    return frozenset(packed)


class _Words:
    """A reader listener that only collects the words a text uses."""

    def __init__(self) -> None:
        self.words: set[str] = set()

    def on_word(self, word: Token, sentence: Sentence) -> None:
        self.words.add(word.norm)


class _Basics:
    """A reader listener that counts what every kind may use: each word's uses, and the tokens."""

    def __init__(self) -> None:
        self.words: Counter[str] = Counter()
        self.tokens = 0

    def on_word(self, word: Token, sentence: Sentence) -> None:
        self.words[word.norm] += 1

    def on_token(self, token: Token) -> None:
        self.tokens += 1


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
