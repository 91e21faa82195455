"""Write from a model and judge the text as it grows: one stream for every client.

The studio's write panel, its timeline and `seussbot sample --mistakes` all
want the same thing: the continuation of a prompt, step by step (token,
probability, entropy, candidates, and the gates when asked), together with
the mistakes found so far and their tally. `write_and_judge` gives it as a
few batches a second, so a screen can draw each batch at once and a script
can simply collect them all.

Writing runs on a snapshot of the weights, on one thread: writing is one
token at a time, and more threads would only contend with training.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Callable, Iterator

if TYPE_CHECKING:  # torch loads only when writing starts: clients import this module at start-up
    from seussbot.mistakes import CorpusProfile, Mistake, MistakeStream
    from seussbot.model import CharRNN
    from seussbot.sample import Step
    from seussbot.vocab import Vocab

BATCH_S = 0.03  # a screen gets a few dozen updates a second however fast the model writes


@dataclass(frozen=True)
class WriteSettings:
    """What a person turns while writing: temperature and length (and the dice, for tests)."""

    temperature: float = 0.8
    length: int = 300
    seed: int | None = None  # None: new dice every time
    top_k: int | None = None
    top_p: float | None = None

    TEMPERATURES = (0.2, 0.4, 0.6, 0.8, 1.0, 1.2, 1.5, 2.0)
    LENGTHS = (50, 100, 200, 300, 500, 1000, 2000)

    def warmer(self, direction: int) -> "WriteSettings":
        return replace(self, temperature=_neighbour(self.TEMPERATURES, self.temperature, direction))

    def longer(self, direction: int) -> "WriteSettings":
        return replace(self, length=int(_neighbour(self.LENGTHS, self.length, direction)))


@dataclass(frozen=True)
class Tally:
    """Mistakes so far: by kind (display order), and per 100 words written."""

    counts: dict[str, int]
    per_100_words: float
    words: int

    @classmethod
    def of(cls, judge: "MistakeStream") -> "Tally":
        return cls(judge.counts(), judge.per_100_words(), judge.words)


@dataclass(frozen=True)
class Batch:
    """What happened since the last batch."""

    steps: list["Step"]
    mistakes: list["Mistake"]  # newly found, or grown (same kind and start as one sent before)
    tally: Tally | None  # None when there is no corpus to judge by
    done: bool = False  # the last batch: the text is over and judged to its end


def write_and_judge(
    model: "CharRNN",
    vocab: "Vocab",
    prompt: str,
    settings: WriteSettings = WriteSettings(),
    profile: "CorpusProfile | None" = None,
    *,
    with_gates: bool = False,
    cancelled: Callable[[], bool] = lambda: False,
    batch_s: float = BATCH_S,
) -> Iterator[Batch]:
    """Continue `prompt`, yielding batches of steps with the mistakes they revealed.

    Same seed, same steps. The mistakes, collected over all batches, are those
    `find_mistakes` finds in the whole text with the prompt protected.
    """
    import torch

    from seussbot.mistakes import MistakeStream
    from seussbot.sample import SampleConfig, generate

    judge = MistakeStream(profile, prompt) if profile is not None else None
    config = SampleConfig(
        length=settings.length, temperature=settings.temperature, top_k=settings.top_k, top_p=settings.top_p,
        seed=settings.seed, with_gates=with_gates,
    )
    steps: list["Step"] = []
    last = time.monotonic()
    torch.set_num_threads(1)
    with torch.inference_mode():
        for step in generate(model, vocab, prompt, config):
            if cancelled():
                return
            steps.append(step)
            if time.monotonic() - last >= batch_s:
                found = judge.feed("".join(s.text for s in steps)) if judge else []
                yield Batch(steps, found, Tally.of(judge) if judge else None)
                steps, last = [], time.monotonic()
    if cancelled():
        return
    found = judge.feed("".join(s.text for s in steps)) if judge else []
    if judge is not None:
        found += judge.finish()
    yield Batch(steps, found, Tally.of(judge) if judge else None, done=True)


def write_all(
    model: "CharRNN", vocab: "Vocab", prompt: str, settings: WriteSettings, profile: "CorpusProfile | None" = None
) -> tuple[list["Step"], list["Mistake"], Tally | None]:
    """The whole continuation at once: its steps, its final mistakes (by position) and tally."""
    steps: list["Step"] = []
    latest: dict[tuple[str, int], "Mistake"] = {}
    tally = None
    for batch in write_and_judge(model, vocab, prompt, settings, profile, batch_s=float("inf")):
        steps += batch.steps
        latest.update({(m.kind, m.start): m for m in batch.mistakes})
        tally = batch.tally
    from seussbot.mistakes import KINDS

    order = {name: i for i, name in enumerate(KINDS)}
    return steps, sorted(latest.values(), key=lambda m: (m.start, m.end, order.get(m.kind, len(order)))), tally


def _neighbour(choices: tuple, value: float, direction: int) -> float:
    """The neighbour of `value` in `choices` in `direction`, staying at the ends."""
    if direction > 0:
        return next((c for c in choices if c > value + 1e-9), choices[-1])
    return next((c for c in reversed(choices) if c < value - 1e-9), choices[0])
