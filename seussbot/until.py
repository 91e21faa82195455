"""Where a writer would stop: at the end of a sentence, a line, a story, or after N tokens.

A network never stops by itself ("Jane saw Spot saw Doug saw ..."), so the
person says where to: `until sentence` ends the text after the first sentence
that ends after the prompt (its . ! ? and any closing quotes or brackets stuck
to it, as the mistake detectors read sentences); `line` before the first line
break that ends a line with something on it; `story` before the first blank
line after some text; `N` after N tokens. Whichever comes first, the length
still caps it, so leaving `until` out writes exactly as before.

A `Watch` follows one text as it grows and rules on each next token before it
is written: write it, write it as the last, or stop without it (the token that
would start the next sentence or line is never written).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from seussbot import limits
from seussbot.errors import PromptError

Kind = Literal["sentence", "line", "story", "tokens"]
KINDS: tuple[str, ...] = ("sentence", "line", "story")
Verdict = Literal["write", "last", "stop"]
CHOICES = f"sentence, line, story or a number of tokens from 1 to {limits.LENGTH.high:,}"

TERMINATORS = frozenset(".!?")
CLOSERS = frozenset(")]}\"'\u201d\u2019\u00bb")  # stuck to a terminator, they still belong to its sentence


@dataclass(frozen=True)
class Until:
    kind: Kind
    tokens: int | None = None  # for kind "tokens"

    @classmethod
    def parse(cls, text: str) -> "Until":
        """`sentence`, `line`, `story`, or a number of tokens; anything else is a one-line error."""
        word = text.strip().lower()
        if word in KINDS:
            return cls(word)  # type: ignore[arg-type]
        if word.isdigit() and int(word) in limits.LENGTH and int(word) > 0:
            return cls("tokens", int(word))
        raise PromptError(f"Until must be {CHOICES}, not {text!r:.30}.")

    def __str__(self) -> str:
        return str(self.tokens) if self.kind == "tokens" else self.kind

    def length(self, length: int) -> int:
        """The most tokens to write: the length, or fewer when `until` is a count."""
        return min(length, self.tokens) if self.kind == "tokens" and self.tokens is not None else length

    def watch(self, prompt: str) -> "Watch":
        """A watch over a text that begins with `prompt` (an empty prompt starts as after a line break)."""
        watch = Watch(self.kind)
        for char in prompt[-200:]:  # only the prompt's last line or sentence matters
            watch.after(char)
        if watch.ending:  # a sentence the prompt ended is not the one to stop after
            watch.ending, watch.has_words = False, False
        return watch


@dataclass
class Watch:
    """One text's progress towards its stop. Copied for each beam of a beam search."""

    kind: Kind
    has_words: bool = False  # letters or digits since the last stop of this kind
    ending: bool = False  # a sentence's terminator is written: only more marks and closers may follow
    last_was_break: bool = True  # the text so far ends with a line break (texts start as after one)

    def verdict(self, token: str) -> Verdict:
        """What to do with `token`, the next one chosen (its text as the vocabulary spells it)."""
        if self.kind == "tokens":
            return "write"
        if self.kind == "sentence":
            if self.ending:
                return "write" if token and set(token) <= TERMINATORS | CLOSERS else "stop"
            if token == "\n" and self.last_was_break and self.has_words:
                return "stop"  # a blank line ends a sentence too
            return "write"
        if token == "\n" and self.has_words and (self.kind == "line" or self.last_was_break):
            return "stop"
        return "write"

    def after(self, token: str) -> None:
        """`token` was written."""
        if any(ch.isalnum() for ch in token):
            self.has_words = True
            self.ending = False
        if self.kind == "sentence" and self.has_words and token and token[-1] in TERMINATORS:
            self.ending = True
        if self.kind == "line" and token == "\n":
            self.has_words = False  # a line with nothing on it is not the line to stop after
        if token == "\n" and self.last_was_break and self.kind == "story":
            self.has_words = False
        self.last_was_break = token == "\n"

    def copy(self) -> "Watch":
        return replace(self)
