"""Turning text into token ids and back: characters, or words and punctuation.

Character level is char-rnn's choice and the default: the network must learn
spelling before grammar, which is what makes its early mistakes so visible.
Word level is the slides' choice for `spot` ({Doug, Jane, Spot, saw, .}): a
token is a word, a punctuation mark or a line break, and spaces are put back
by a small set of rules when tokens are joined.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable, Literal

from seussbot.errors import PromptError

Level = Literal["char", "word"]
LEVELS: tuple[Level, ...] = ("char", "word")

# A word keeps inner apostrophes and hyphens ("don't", "tip-top"); every other
# non-space character is a token of its own; a line break is a token too.
WORD = re.compile(r"\w+(?:['\u2019-]\w+)*")
_WORD_TOKEN = re.compile(rf"{WORD.pattern}|\n|[^\w\s]")
_NO_SPACE_BEFORE = set(".,!?;:)]}%")
_NO_SPACE_AFTER = set("([{")


def split_words(text: str) -> list[str]:
    """Word-level tokens of `text` (spaces dropped, line breaks kept)."""
    return _WORD_TOKEN.findall(text)


@dataclass
class Vocab:
    """The model's alphabet: `tokens[i]` is the text of token id `i`."""

    level: Level
    tokens: list[str]
    _index: dict[str, int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._index = {token: i for i, token in enumerate(self.tokens)}
        if len(self._index) != len(self.tokens):
            raise ValueError("vocabulary tokens must be distinct")

    @classmethod
    def build(cls, text: str, level: Level = "char") -> "Vocab":
        """Every distinct token of `text`, most frequent first for words, sorted for chars."""
        if level == "char":
            return cls("char", sorted(set(text)))
        counts = Counter(split_words(text))
        return cls("word", sorted(counts, key=lambda t: (-counts[t], t)))

    def __len__(self) -> int:
        return len(self.tokens)

    def __contains__(self, token: str) -> bool:
        return token in self._index

    def tokenize(self, text: str) -> list[str]:
        return list(text) if self.level == "char" else split_words(text)

    def token_starts(self, text: str) -> list[int]:
        """The character offset where each of `text`'s tokens begins (as `tokenize` cuts it)."""
        if self.level == "char":
            return list(range(len(text)))
        return [m.start() for m in _WORD_TOKEN.finditer(text)]

    def encode(self, text: str) -> list[int]:
        """Token ids of `text`; a token the model never saw is a `PromptError`."""
        pieces = self.tokenize(text)
        unknown = sorted({p for p in pieces if p not in self._index})
        if unknown:
            shown = ", ".join(repr(u) for u in unknown[:5])
            more = f" and {len(unknown) - 5} more" if len(unknown) > 5 else ""
            what = "characters" if self.level == "char" else "words"
            raise PromptError(f"The model never saw these {what}: {shown}{more}.")
        return [self._index[p] for p in pieces]

    def id_of(self, token: str) -> int | None:
        return self._index.get(token)

    def decode(self, ids: Iterable[int]) -> str:
        """The text of a run of token ids, spaced as a person would write it."""
        out: list[str] = []
        state = JoinState()
        for i in ids:
            out.append(state.join(self.level, self.tokens[i]))
        return "".join(out)

    def to_json(self) -> dict:
        return {"level": self.level, "tokens": self.tokens}

    @classmethod
    def from_json(cls, data: dict) -> "Vocab":
        level, tokens = data.get("level"), data.get("tokens")
        if level not in LEVELS or not isinstance(tokens, list) or not tokens:
            raise ValueError("vocabulary must have a level and a non-empty token list")
        if not all(isinstance(t, str) and t for t in tokens):
            raise ValueError("vocabulary tokens must be non-empty strings")
        return cls(level, tokens)


# Straight quotes have no left and right, so a quote's side is read off the token before it, where
# a book is clear (counted in the bundled seussian verse, 1,107 quotes): after a line break, a colon,
# an opening bracket or another quote it opens (all 342 did); after ! or ? it closes (all 321 did).
# After a word (30 open, 2 close), a comma (121 / 97) or a full stop (66 / 128) only the count of
# quotes open so far can tell. Reading the clear cases first means one quote the model left open
# no longer turns every later quote in the text inside out.
_CLOSED_QUOTE = "\x00closed-quote"  # what JoinState remembers after a closing quote: no token is spelled so
_QUOTE_OPENS_AFTER = frozenset({"\n", ":", "(", "[", "{", _CLOSED_QUOTE})
_QUOTE_CLOSES_AFTER = frozenset("!?")


@dataclass
class JoinState:
    """Remembers enough of what was written to space the next word-level token.

    Character-level tokens carry their own spaces; word-level ones get a space
    before them unless they are closing punctuation, follow a line break or an
    opening bracket or quote. An opening quote takes a space before it and none
    after; a closing one none before and a space after.
    """

    previous: str = "\n"  # the last token (a closing quote is `_CLOSED_QUOTE`: it spaces like a word)
    open_quote: bool = False

    def join(self, level: Level, token: str) -> str:
        if level == "char":
            self.previous = token
            return token
        if token == '"':
            opening = self._quote_opens()
            text = " " + token if opening and self._space_allowed_after() else token
            self.open_quote = opening
            self.previous = token if opening else _CLOSED_QUOTE
            return text
        text = token
        if token != "\n" and token not in _NO_SPACE_BEFORE and token != "'" and self._space_allowed_after():
            text = " " + token
        self.previous = token
        return text

    def _quote_opens(self) -> bool:
        if self.previous in _QUOTE_OPENS_AFTER:
            return True
        if self.previous in _QUOTE_CLOSES_AFTER:
            return False
        return not self.open_quote

    def _space_allowed_after(self) -> bool:
        return self.previous not in ("\n", '"', "'") and self.previous not in _NO_SPACE_AFTER
