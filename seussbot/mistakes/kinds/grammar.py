"""Breaks of a bundled corpus's exact grammar (`seussbot.grammars`), named as mistakes.

Grammar reasons become the kinds above where they mean the same thing
(`self-reference` is an echo, `missing-verb` a fragment, ...); the rest get
kinds of their own. A grammar mistake that overlaps one of the same kind found
from the statistics is not reported twice, and a word the grammar does not know
is not called made up where the statistics found it to be a real word.
"""

from __future__ import annotations

import re
from typing import Callable

from seussbot.grammars.base import DEFAULT_CONTEXT_CHARS
from seussbot.mistakes.base import Detector, MistakeKind
from seussbot.mistakes.text import Sentence

REASON_KINDS: dict[str, str] = {
    "self-reference": "echo",
    "run-on": "run-on",
    "missing-verb": "fragment",
    "broken-chain": "broken-chain",
    "unknown-word": "made-up",
    "forgot-hero": "forgot-hero",
    "no-ending": "no-ending",
    "bad-shape": "bad-shape",  # spot: too few words is a fragment, too many a run-on (see _kind_for)
}
# What the statistics already said about a span, per kind: a word the grammar does not
# know but English does was named a new word, and is not made up (issue #9).
ALREADY_SAID: dict[str, tuple[str, ...]] = {"made-up": ("made-up", "new-word")}
_SPOT_SHAPE = re.compile(r"[^\s.]+")

Checker = Callable[[str], list]


def _kind_for(reason: str, span: str) -> str | None:
    """The mistake kind for a grammar reason; None for a reason this module does not know."""
    if reason == "bad-shape":
        words = len(_SPOT_SHAPE.findall(span))
        return "fragment" if words < 3 else "run-on" if words > 3 else "bad-shape"
    return REASON_KINDS.get(reason)


def load_grammar(name: str):
    """The corpus's grammar (`seussbot.grammars`), imported only when a profile has one; None if unknown."""
    from seussbot.grammars import GRAMMARS

    return GRAMMARS.get(name)


def load_checker(name: str) -> Checker | None:
    grammar = load_grammar(name)
    return grammar.check if grammar is not None else None


class Grammar(Detector):
    """Runs the corpus's grammar checker over the text near each finished sentence.

    Checking the whole text at every sentence would cost more as the text
    grows, so each check sees the text from the grammar's `context_chars` back (cut at a
    sentence end, and at least one whole sentence before the new one); each
    grammar says how far back its rules reach.
    The checkers only flag what is provably wrong in a text that may have
    been cut at either end, so a window should find no break that the whole
    text would not have. A blank line is checked too: it ends a story.
    """

    kinds = (
        MistakeKind("bad-shape", "jumbled", "#a9712b", "The words of this sentence are in an order the book never uses."),
        MistakeKind(
            "broken-chain",
            "broken chain",
            "#5c940d",
            "Each sentence should start with the name the last one ended on, and this one doesn't.",
        ),
        MistakeKind("forgot-hero", "forgot the hero", "#7950f2", "The story forgot who it was about and named the wrong hero."),
        MistakeKind("no-ending", "no ending", "#868e96", "A story stopped before its hero went home."),
    )
    checker_for: Callable[[str], Checker | None] = staticmethod(load_checker)

    @classmethod
    def enabled(cls, profile) -> bool:
        return profile.grammar is not None and cls.checker_for(profile.grammar) is not None

    def __init__(self, profile, sink) -> None:
        super().__init__(profile, sink)
        self._check = type(self).checker_for(profile.grammar)
        grammar = load_grammar(profile.grammar)
        self._context = grammar.context_chars if grammar is not None else DEFAULT_CONTEXT_CHARS
        self._ends: list[int] = [0]  # where recent sentences ended (0: the text's start)

    def _window_start(self, end: int) -> int:
        """The earliest recent sentence end within reach, keeping one whole sentence before `end`."""
        ends = self._ends
        j = max(0, len(ends) - 2)
        while j > 0 and ends[j - 1] >= end - self._context:
            j -= 1
        del ends[:j]  # later windows reach back no further than this one
        return ends[0]

    def _run(self, end: int, suffix: str = "") -> None:
        start = self._window_start(end)
        window = self.sink.slice(start, end) + suffix
        for v in self._check(window):
            a, b = start + v.start, start + min(v.end, end - start)
            if b <= a:
                continue
            kind = _kind_for(v.reason, window[v.start : v.end])
            if kind is None or any(self.sink.overlaps(k, a, b) for k in ALREADY_SAID.get(kind, (kind,))):
                continue
            self.sink.report(kind, a, b, v.message)

    def on_sentence_end(self, sentence: Sentence) -> None:
        if not sentence.at_eof:  # the end of the text is checked by on_finish
            self._run(sentence.end)
            self._ends.append(sentence.end)

    def on_paragraph_end(self, pos: int) -> None:
        self._run(pos, "\n\n")

    def on_finish(self) -> None:
        self._run(self.sink.size)
