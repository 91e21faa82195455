"""made-up: a word that is neither in the book nor in English (only a character-level network can invent one)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from seussbot.mistakes.base import Detector, MistakeKind
from seussbot.mistakes.english import is_english
from seussbot.mistakes.text import Sentence, Token

if TYPE_CHECKING:
    from seussbot.mistakes.profile import CorpusProfile


def in_book(norm: str, profile: "CorpusProfile") -> bool:
    """Does the book use this word anywhere, its held-out part included?

    A known word with "'s" and known pieces joined by a hyphen ("dog-house")
    count too: they are new uses, not new words.
    """
    words, held_out = profile.words, profile.held_out_words  # asked of every word written: no helper calls
    if norm in words or norm in held_out:
        return True
    if norm.endswith("'s") and (norm[:-2] in words or norm[:-2] in held_out):
        return True
    return "-" in norm and all(part in words or part in held_out for part in norm.split("-"))


def real_word(norm: str, profile: "CorpusProfile") -> bool:
    """In the book, or English: every piece of a hyphenated word is one or the other."""
    if in_book(norm, profile):
        return True
    parts = norm.split("-")
    return all(in_book(part, profile) or is_english(part, piece=len(parts) > 1) for part in parts)


class MadeUp(Detector):
    """Flags words that are neither in the book nor in English.

    A word the book uses anywhere (in the part the network trained on or in
    the part held back to test it) is known. So is a real English word the
    book never uses: that is `new-word`, no mistake. What is left ("pabbit",
    "immedians") the network invented. A word-level network picks whole words
    from the book's own list, so it can never make one up;
    `CorpusProfile.made_up_possible` is False for those and the UI says so.
    """

    kinds = (
        MistakeKind(
            "made-up",
            "made-up word",
            "#ae3ec9",
            "Not a word, in the book or in English: the network made it up. (A word-level one never can.)",
        ),
    )

    def on_word(self, word: Token, sentence: Sentence) -> None:
        if not real_word(word.norm, self.profile):
            shown = self.sink.slice(word.start, word.end)
            self.sink.report("made-up", word.start, word.end, f'"{shown}" is not a word, in the book or in English')
