"""Choose your own next token: the model stops before each one and the person decides.

The model offers its likeliest next tokens with their probabilities; the
person takes one of them, writes any token the model knows instead, or lets
the model go on by itself (sampled or greedy) for one token, to the end of the
word, or to the end of the sentence. A token is what the model writes in one
step: a character for a char-level model, a word or a punctuation mark for a
word-level one. What the person picked is marked as theirs (`Step.by`), and
the text is judged for mistakes as it grows, exactly as streamed writing is.

The studio's choose mode and `seussbot sample --choose` are both clients of
`Choosing`; it holds no screen or terminal code.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from seussbot.errors import PromptError
from seussbot.until import Until
from seussbot.writing import Batch, Tally, WriteSettings

if TYPE_CHECKING:
    from seussbot.mistakes import CorpusProfile
    from seussbot.model import CharRNN
    from seussbot.sample import Candidate, Step
    from seussbot.stepper import Stepper
    from seussbot.vocab import Vocab

Reach = Literal["token", "word", "sentence"]
REACHES: tuple[Reach, ...] = ("token", "word", "sentence")
OFFERED = 9  # candidates offered: one per digit key
WORD_MARKS = frozenset("'\u2019-")  # inside a word at char level ("don't", "tip-top")


def visible(token: str) -> str:
    """A token as a person can see it: ␣ for a space, ⏎ for a line break."""
    return token.replace(" ", "\u2423").replace("\n", "\u23ce")


@dataclass(frozen=True)
class Offer:
    """What the model would write next: its likeliest tokens, best first, and how unsure it is."""

    candidates: tuple["Candidate", ...]
    entropy_bits: float


class Choosing:
    """A text written one decision at a time. Every method returns the `Batch` of steps it wrote."""

    def __init__(
        self,
        model: "CharRNN | Stepper",
        vocab: "Vocab",
        prompt: str = "",
        settings: WriteSettings = WriteSettings(),
        profile: "CorpusProfile | None" = None,
        *,
        offered: int = OFFERED,
    ) -> None:
        from seussbot.mistakes import MistakeStream
        from seussbot.sample import Continuation, SampleConfig, new_dice

        self.vocab, self.prompt, self.settings = vocab, prompt, settings
        self.text = Continuation(model, vocab, vocab.encode(prompt))
        self.judge = MistakeStream(profile, prompt) if profile is not None else None
        self.dice = new_dice(settings.seed)
        self.sampled = SampleConfig(temperature=settings.temperature, top_k=settings.top_k, top_p=settings.top_p)
        self.greedy = SampleConfig(temperature=0)
        self.offered = min(offered, len(vocab))
        self.written = prompt
        self.steps: list["Step"] = []

    # -- what the person sees -----------------------------------------------------------
    def offer(self) -> Offer:
        """The model's candidates for the next token, best first."""
        return Offer(tuple(self.text.top(self.offered)), float(self.text.entropy_bits()))

    def known(self, token: str) -> bool:
        return token in self.vocab

    # -- what the person does -------------------------------------------------------------
    def pick(self, token: str) -> Batch:
        """Write `token` as the person's choice (one of the offer or any token the model knows)."""
        token_id = self.vocab.id_of(token)
        if token_id is None:
            what = "character" if self.vocab.level == "char" else "word or mark"
            raise PromptError(f"The model never saw the {what} {token!r}; pick one it knows.")
        return self._batch([self._take(token_id, "person")])

    def let_model(self, reach: Reach = "token", *, greedy: bool = False) -> Batch:
        """Let the model write by itself: one token, to the end of the word, or to the end of the sentence.

        To the end of a word writes the rest of the word the text is in (or, between
        words, the next word) and stops before the space or mark after it, which is
        offered next; if the model ends the word at once, that space or mark is
        written. At word level it is one word. To the end of a sentence stops as
        `until sentence` would. Either way, at most `length` tokens.
        """
        config = self.greedy if greedy else self.sampled
        watch = Until("sentence").watch(self.written) if reach == "sentence" else None
        steps: list["Step"] = []
        in_word = self.vocab.level == "char" and self._wordish(self.written[-1:])
        for _ in range(1 if reach == "token" else max(1, self.settings.length)):
            choice = self.text.choose(config, self.dice)
            token = self.vocab.tokens[choice]
            wordish = self._wordish(token)
            if reach == "word" and in_word and not wordish and steps:
                break
            if watch is not None:
                if watch.verdict(token) == "stop":
                    break
                watch.after(token)
            steps.append(self._take(choice, "model"))
            if reach == "word" and in_word and not wordish:
                break  # the model ended the word at once: its space or mark is the turn
            in_word = in_word or wordish
            if reach == "word" and wordish and self.vocab.level == "word":
                break
        return self._batch(steps)

    def finish(self) -> Batch:
        """The text is over: judge what was still open."""
        found = self.judge.finish() if self.judge is not None else []
        return Batch([], found, Tally.of(self.judge) if self.judge else None, done=True)

    # -- inside -----------------------------------------------------------------------------
    def _take(self, token_id: int, by: str) -> "Step":
        step = self.text.take(token_id, by)
        self.written += step.text
        self.steps.append(step)
        return step

    def _batch(self, steps: list["Step"]) -> Batch:
        found = self.judge.feed("".join(s.text for s in steps)) if self.judge is not None else []
        return Batch(steps, found, Tally.of(self.judge) if self.judge else None)

    def _wordish(self, token: str) -> bool:
        if self.vocab.level == "word":
            return any(ch.isalnum() for ch in token)
        return token.isalnum() or token in WORD_MARKS
