"""new-word: a real English word that the book never uses (worth seeing, but no mistake)."""

from __future__ import annotations

from seussbot.mistakes.base import Detector, MistakeKind
from seussbot.mistakes.kinds.made_up import in_book, real_word
from seussbot.mistakes.text import Sentence, Token


class NewWord(Detector):
    """Points at English words the book never uses, without calling them mistakes.

    A character-level network spells words letter by letter, so now and then it
    spells a real word it never read ("verdict" in a book without verdicts),
    and a person's own text is full of them. Either way the word is English,
    not invented: this kind is neutral, shown in a muted slate blue and never counted in
    "mistakes per 100 words". Words that are not English at all are `made-up`.
    """

    kinds = (
        MistakeKind(
            "new-word",
            "new word",
            "#6b7f99",
            "A real word, but one the book never uses. Not a mistake: just new.",
            neutral=True,
        ),
    )

    def on_word(self, word: Token, sentence: Sentence) -> None:
        if not in_book(word.norm, self.profile) and real_word(word.norm, self.profile):
            shown = self.sink.slice(word.start, word.end)
            self.sink.report("new-word", word.start, word.end, f'"{shown}" is English, but the book never uses it')
