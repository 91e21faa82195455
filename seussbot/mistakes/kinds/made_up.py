"""made-up: a word the book never uses (only a character-level network can invent one)."""

from __future__ import annotations

from seussbot.mistakes.base import Detector, MistakeKind
from seussbot.mistakes.text import Sentence, Token


class MadeUp(Detector):
    """Flags words that are not in the book.

    The book is all of it: a word of the part held back to test the network
    (`CorpusProfile.held_out_words`) is the author's, never made up. A
    word-level network picks whole words from the book's own list, so it can
    never make one up; `CorpusProfile.made_up_possible` is False for those and
    the UI says so. Known pieces joined by a hyphen ("dog-house") and a known
    word with "'s" are not counted as made up: they are new uses, not new words.
    """

    kinds = (
        MistakeKind(
            "made-up",
            "made-up word",
            "#ae3ec9",
            "This word is not in the book: the network made it up. (A word-level network never can.)",
        ),
    )

    def known(self, norm: str) -> bool:
        profile = self.profile

        def uses(word: str) -> bool:
            return word in profile.words or word in profile.held_out_words

        if uses(norm):
            return True
        if norm.endswith("'s") and uses(norm[:-2]):
            return True
        return "-" in norm and all(uses(part) for part in norm.split("-"))

    def on_word(self, word: Token, sentence: Sentence) -> None:
        if not self.known(word.norm):
            shown = self.sink.slice(word.start, word.end)
            self.sink.report("made-up", word.start, word.end, f'"{shown}" is not a word in the book')
