"""Words, sentences, lines and marks, read the same way for the corpus and the model.

Statistics and detection share this one reader, so "a sentence" or "a word"
means the same thing on both sides; that is what keeps the corpus's own
held-out text clean.

- A word is a run of letters with inner apostrophes or hyphens ("don't",
  "tip-top"), compared in lower case. Digits and other symbols are not words.
- A sentence ends after a run of . ! ? and any closing quotes or brackets
  stuck to it (`said."`), or at a blank line (a paragraph break), or where the
  text ends. A single line break does not end a sentence: verse sentences run
  over lines.
- Text can arrive in pieces of any size; an event is only sent once no later
  character could change it, so the events do not depend on how the text was cut.
- A text can end because it was *cut* (a length ran out), not because it was
  over: then its last word, if nothing follows it, may be only the start of a
  word ("Fandoo") and is not a word at all; the sentence ends before it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable

END = "."  # the token that stands for a sentence boundary in the word stream

OPENERS = "([{\u201c\u00ab"
CLOSERS = ")]}\u201d\u00bb"
SYMMETRIC = '"'
MARKS = OPENERS + CLOSERS + SYMMETRIC

MAX_WORD_PARTS = 16  # "a-b-c-..." longer than this is cut into words, so no word is rescanned forever
_JOINERS = "'\u2019-"
_TOKEN = re.compile(
    r"""(?P<word>[^\W\d_]+(?:['\u2019\-][^\W\d_]+){0,%d})
      |(?P<stop>[.!?]+[)\]}"'\u201d\u2019\u00bb]*)
      |(?P<para>\n(?:[^\S\n]*\n)+)
      |(?P<nl>\n)
      |(?P<mark>[()\[\]{}"\u201c\u201d\u00ab\u00bb])"""
    % (MAX_WORD_PARTS - 1),
    re.VERBOSE,
)
_LETTER = re.compile(r"[^\W\d_]")
_HSPACE = re.compile(r"[^\S\n]*")
_TERMINATORS = frozenset(".!?")


def normalise(word: str) -> str:
    return word.lower().replace("\u2019", "'")


@dataclass(slots=True)
class Token:
    """A word (`norm` in lower case) or END, with its offsets in the text."""

    norm: str
    start: int
    end: int


@dataclass(slots=True)
class Sentence:
    """The words of one sentence so far, and how it ended once it has."""

    words: list[Token] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    end: int = -1  # just past the terminator, or the last word when unterminated
    terminated: bool = False  # ended by . ! ? (only those can be judged too short)
    at_eof: bool = False  # closed only because the text ran out

    @property
    def start(self) -> int:
        return self.words[0].start


def _is_final(m: re.Match[str], text: str, n: int) -> bool:
    """Could more text change this match? (Only matches touching the end can change.)"""
    e = m.end()
    kind = m.lastgroup
    if kind == "word":
        if e >= n:
            return False
        if text[e] in _JOINERS:  # "don'" may become "don't"
            if sum(m.group().count(j) for j in _JOINERS) >= MAX_WORD_PARTS - 1:
                return True
            return e + 1 < n and _LETTER.match(text, e + 1) is None
        return True
    if kind == "stop":
        return e < n
    if kind in ("para", "nl"):  # spaces then a line break would make (a longer) paragraph break
        return _HSPACE.match(text, e).end() < n
    return True


class Reader:
    """Feeds text to listeners as events, in reading order.

    A listener is any object with some of the `Detector` event methods
    (`on_word`, `on_token`, `on_sentence_end`, `on_mark`, `on_line_end`,
    `on_paragraph_end`, `on_finish`); only the ones it defines are called.
    """

    def __init__(self, listeners: Iterable[object]) -> None:
        self.text = ""
        self.sentence = Sentence()
        self.finished = False
        self._pos = 0  # where the next scan starts: the first token that may still change
        self._pending: str | None = None  # that token's kind, if one is waiting
        listeners = list(listeners)

        def bound(name: str) -> list:
            from seussbot.mistakes.base import Detector

            base = getattr(Detector, name)
            return [
                getattr(x, name)
                for x in listeners
                if hasattr(x, name) and getattr(type(x), name, None) is not base
            ]

        self._on_word = bound("on_word")
        self._on_token = bound("on_token")
        self._on_sentence_end = bound("on_sentence_end")
        self._on_mark = bound("on_mark")
        self._on_line_end = bound("on_line_end")
        self._on_paragraph_end = bound("on_paragraph_end")
        self._on_finish = bound("on_finish")

    def feed(self, chunk: str) -> None:
        if self.finished:
            raise RuntimeError("the text is finished")
        # Rebinding through a local lets CPython grow the string in place.
        text = self.text
        self.text = ""
        last = text[-1:]
        text += chunk
        self.text = text
        if not self._still_pending(chunk, last):
            self._scan(final=False)

    def _still_pending(self, chunk: str, last: str) -> bool:
        """Can `chunk` only lengthen the waiting token? Then there is nothing to rescan yet.

        This keeps a long word, a long run of spaces or blank lines, or "!!!!"
        from being rescanned at every character.
        """
        pending = self._pending
        if pending is None:
            return not chunk
        if pending == "word":
            return chunk.isalpha()
        if pending in ("nl", "para"):
            return chunk.isspace()
        if pending == "stop":
            return last in _TERMINATORS and all(ch in _TERMINATORS for ch in chunk)
        return False

    def finish(self, *, cut: bool = False) -> None:
        """The text is over; `cut`: it stopped because a length ran out, so its last word may be unfinished."""
        if self.finished:
            return
        self._scan(final=True, cut=cut)
        if self.sentence.words:
            self._close_sentence(self.sentence.words[-1].end, terminated=False, at_eof=True)
        self.finished = True
        for call in self._on_finish:
            call()

    def _scan(self, final: bool, cut: bool = False) -> None:
        text = self.text
        n = len(text)
        self._pending = None
        for m in _TOKEN.finditer(text, self._pos):
            kind = m.lastgroup
            if (not final or cut) and not _is_final(m, text, n):
                if not final:
                    self._pos = m.start()
                    self._pending = kind
                    return
                if kind == "word":  # cut off: more letters might have followed, so it is no word yet
                    self._pos = m.end()
                    continue
            self._pos = m.end()
            if kind == "word":
                self._word(m.group(), m.start(), m.end())
            elif kind == "stop":
                start = m.start()
                for i, ch in enumerate(m.group()):
                    if ch in MARKS:
                        for call in self._on_mark:
                            call(ch, start + i)
                if self.sentence.words:
                    self._close_sentence(m.end(), terminated=True, stop_start=start)
            elif kind == "para":
                if self.sentence.words:
                    self._close_sentence(self.sentence.words[-1].end, terminated=False)
                for call in self._on_line_end:
                    call(m.start())
                for call in self._on_paragraph_end:
                    call(m.start())
            elif kind == "nl":
                for call in self._on_line_end:
                    call(m.start())
            else:
                for call in self._on_mark:
                    call(m.group(), m.start())
        # Nothing is waiting, and what follows the last token can never start one.
        self._pos = n

    def _word(self, raw: str, start: int, end: int) -> None:
        token = Token(normalise(raw), start, end)
        sentence = self.sentence
        sentence.words.append(token)
        sentence.counts[token.norm] = sentence.counts.get(token.norm, 0) + 1
        for call in self._on_word:
            call(token, sentence)
        for call in self._on_token:
            call(token)

    def _close_sentence(
        self, end: int, *, terminated: bool, at_eof: bool = False, stop_start: int | None = None
    ) -> None:
        sentence = self.sentence
        sentence.end = end
        sentence.terminated = terminated
        sentence.at_eof = at_eof
        self.sentence = Sentence()
        for call in self._on_sentence_end:
            call(sentence)
        if not at_eof:
            # END spans the terminator, or nothing (just after the last word) at a blank line.
            start = stop_start if stop_start is not None else end
            boundary = Token(END, start, end)
            for call in self._on_token:
                call(boundary)


def read(text: str, listeners: Iterable[object]) -> Reader:
    """Read a whole text in one go (the text is complete)."""
    reader = Reader(listeners)
    reader.feed(text)
    reader.finish()
    return reader
