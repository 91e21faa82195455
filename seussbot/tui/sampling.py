"""Writing for the screen: streamed continuations and the training timeline.

Runs in worker threads, on a snapshot of the weights, so writing never waits
for training (nor training for writing). Streamed steps are handed over in
small batches, at most every `BATCH_S` seconds, so the screen gets a few dozen
updates a second however fast the model writes.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Callable

from seussbot.tui.written import Written

if TYPE_CHECKING:
    from seussbot.model import CharRNN
    from seussbot.vocab import Vocab

BATCH_S = 0.03
TIMELINE_LENGTH = 160
TIMELINE_SEED = 7  # one seed for every timeline sample: the differences are what the network learned
FIRST_TIMELINE_STEP = 32


@dataclass(frozen=True)
class WriteSettings:
    """What the person can turn while writing: temperature and length."""

    temperature: float = 0.8
    length: int = 300
    seed: int | None = None  # None: new dice every time; tests and screenshots fix it

    TEMPERATURES = (0.2, 0.4, 0.6, 0.8, 1.0, 1.2, 1.5, 2.0)
    LENGTHS = (50, 100, 200, 300, 500, 1000, 2000)

    def warmer(self, direction: int) -> "WriteSettings":
        return replace(self, temperature=_next(self.TEMPERATURES, self.temperature, direction))

    def longer(self, direction: int) -> "WriteSettings":
        return replace(self, length=int(_next(self.LENGTHS, self.length, direction)))


def _next(choices: tuple, value: float, direction: int) -> float:
    """The neighbour of `value` in `choices` in `direction`, staying at the ends."""
    if direction > 0:
        return next((c for c in choices if c > value + 1e-9), choices[-1])
    return next((c for c in reversed(choices) if c < value - 1e-9), choices[0])


def next_timeline_step(step: int) -> int:
    """The next step worth a timeline sample: 32, 64, 128, ... (doubling)."""
    target = FIRST_TIMELINE_STEP
    while target <= step:
        target *= 2
    return target


def as_written(step) -> Written:
    """An engine `Step` as a piece of the stream view."""
    return Written(
        step.text,
        step.prob,
        tuple((c.token, c.prob) for c in step.candidates),
        step.entropy_bits,
    )


def stream(
    model: "CharRNN",
    vocab: "Vocab",
    prompt: str,
    settings: WriteSettings,
    emit: Callable[[list[Written]], None],
    cancelled: Callable[[], bool],
) -> None:
    """Write a continuation of `prompt`, handing pieces to `emit` in small batches."""
    import torch

    from seussbot.sample import SampleConfig, generate

    torch.set_num_threads(1)  # writing is one token at a time: more threads only contend with training
    config = SampleConfig(length=settings.length, temperature=settings.temperature, seed=settings.seed)
    batch: list[Written] = []
    last = time.monotonic()
    with torch.inference_mode():
        for step in generate(model, vocab, prompt, config):
            if cancelled():
                return
            batch.append(as_written(step))
            now = time.monotonic()
            if now - last >= BATCH_S:
                emit(batch)
                batch, last = [], now
    if batch:
        emit(batch)


def timeline_sample(model: "CharRNN", vocab: "Vocab", length: int = TIMELINE_LENGTH) -> list[Written]:
    """A fixed-seed sample from an empty prompt: the same dice at every step of training."""
    pieces: list[Written] = []
    stream(model, vocab, "", WriteSettings(0.8, length, TIMELINE_SEED), pieces.extend, lambda: False)
    return pieces
