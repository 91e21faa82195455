"""Write from a model and judge the text as it grows: one stream for every client.

The studio's write panel, its timeline and `seussbot sample --mistakes` all
want the same thing: the continuation of a prompt, step by step (token,
probability, entropy, candidates, and the gates when asked), together with
the mistakes found so far and their tally. `write_and_judge` gives it as a
few batches a second, so a screen can draw each batch at once and a script
can simply collect them all.

Writing runs on a snapshot of the weights, on one thread: writing is one
token at a time, and more threads would only contend with training. The
decoding is a setting of the same stream: `sample` (temperature, top-k,
top-p), `greedy` (always the likeliest token) or `beam` (beam search of a
width, see `seussbot.beam`), and `until` stops it where a writer would.
The first step is sent on its own, at once, so a screen shows the first
character without waiting for a batch to fill.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Callable, Iterator

from seussbot.until import Until

if TYPE_CHECKING:  # torch loads only when writing starts: clients import this module at start-up
    from seussbot.mistakes import CorpusProfile, Mistake, MistakeStream
    from seussbot.model import CharRNN
    from seussbot.sample import Step
    from seussbot.stepper import Stepper
    from seussbot.vocab import Vocab

BATCH_S = 0.03  # a screen gets a few dozen updates a second however fast the model writes


Decoding = str  # "sample", "greedy" or "beam"
DECODINGS: tuple[Decoding, ...] = ("sample", "greedy", "beam")


@dataclass(frozen=True)
class WriteSettings:
    """What a person turns while writing: temperature, length, decoding, where to stop (and the dice, for tests)."""

    temperature: float = 0.8
    length: int = 300
    seed: int | None = None  # None: new dice every time
    top_k: int | None = None
    top_p: float | None = None
    decoding: Decoding = "sample"
    beam: int = 5  # the beam's width, when decoding is "beam"
    no_repeat: int | None = None  # beam only: no N-gram of tokens twice
    until: Until | None = None  # None: write `length` tokens

    TEMPERATURES = (0.2, 0.4, 0.6, 0.8, 1.0, 1.2, 1.5, 2.0)
    LENGTHS = (50, 100, 200, 300, 500, 1000, 2000)
    UNTILS = (None, Until("sentence"), Until("line"), Until("story"))

    @property
    def most_tokens(self) -> int:
        """The length, or fewer when `until` is a count: writing this many means the length stopped it."""
        return self.until.length(self.length) if self.until else self.length

    def decoded(self, decoding: Decoding) -> "WriteSettings":
        return replace(self, decoding=decoding)

    def stopping(self, direction: int = 1) -> "WriteSettings":
        """The next choice of where to stop: nowhere (the length), sentence, line, story."""
        choices = self.UNTILS
        index = choices.index(self.until) if self.until in choices else 0
        return replace(self, until=choices[(index + direction) % len(choices)])

    def describe(self) -> str:
        """'beam 5', 'greedy', 'sample 0.8': the decoding in a few words."""
        if self.decoding == "beam":
            return f"beam {self.beam}" + (f", no repeated {self.no_repeat}-gram" if self.no_repeat else "")
        return "greedy" if self.decoding == "greedy" or self.temperature == 0 else f"sample {self.temperature:g}"

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
    cut: bool = False  # (last batch) the length stopped a character-level text: a word it ends in may be unfinished, so is not judged


def write_and_judge(
    model: "CharRNN | Stepper",
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
    `find_mistakes` finds in the whole text with the prompt protected (and
    `cut=batch.cut` from the last batch). The first batch holds the first step
    alone, sent as soon as it is written.
    """
    from seussbot.mistakes import MistakeStream

    judge = MistakeStream(profile, prompt) if profile is not None else None
    steps: list["Step"] = []
    written = 0
    writing = _Writing(lambda: decode(model, vocab, prompt, settings, with_gates=with_gates))
    wait = 0.0  # the first step goes out at once
    while True:
        steps, more = writing.next_steps(wait, cancelled)
        if writing.cancelled:
            return
        written += len(steps)
        if not more:
            break
        found = judge.feed("".join(s.text for s in steps)) if judge else []
        yield Batch(steps, found, Tally.of(judge) if judge else None)
        wait = batch_s
    # Every token the settings allow was written, so the length stopped it (an `until` stops
    # before its limit); a character-level network may be in the middle of a word then.
    cut = written == settings.most_tokens and vocab.level == "char"
    found = judge.feed("".join(s.text for s in steps)) if judge else []
    if judge is not None:
        found += judge.finish(cut=cut)
    yield Batch(steps, found, Tally.of(judge) if judge else None, done=True, cut=cut)


class _Writing:
    """The steps of a writing, pulled a batch at a time, each batch under torch's inference mode on one thread.

    The mode and the thread count are set and restored around each batch, never
    held across a `yield`: torch keeps both per thread, and a stream may be
    started on one thread (the screen writes the first letter itself) and carried
    on by another. Held across the yield, the screen's thread stayed in inference
    mode and training started from it later failed.
    """

    def __init__(self, start: Callable[[], Iterator["Step"]]) -> None:
        self._start, self._steps = start, None
        self.cancelled = False

    def next_steps(self, wait_s: float, cancelled: Callable[[], bool]) -> tuple[list["Step"], bool]:
        """The steps written in the next `wait_s` seconds (at least one), and whether more may follow."""
        import torch

        taken: list["Step"] = []
        threads = torch.get_num_threads()
        torch.set_num_threads(1)  # writing is one token at a time: more threads would only contend with training
        try:
            with torch.inference_mode():
                if self._steps is None:
                    self._steps = iter(self._start())
                due = time.monotonic() + wait_s
                for step in self._steps:
                    if cancelled():
                        self.cancelled = True
                        return taken, False
                    taken.append(step)
                    if time.monotonic() >= due:
                        return taken, True
        finally:
            torch.set_num_threads(threads)
        if cancelled():
            self.cancelled = True
        return taken, False


def decode(
    model: "CharRNN | Stepper", vocab: "Vocab", prompt: str, settings: WriteSettings, *, with_gates: bool = False
) -> Iterator["Step"]:
    """The steps continuing `prompt` under the settings' decoding (checked now, written as iterated).

    Beam search settles its text only at the end, so its steps come all at once
    when the search is over; sampling and greedy writing yield each step as it is chosen.
    """
    from seussbot.sample import SampleConfig, generate

    if settings.decoding == "beam":
        from seussbot.beam import BeamConfig, beam_search

        config = BeamConfig(width=settings.beam, length=settings.length, no_repeat=settings.no_repeat, until=settings.until)
        config.validate()
        vocab.encode(prompt)
        return _later(lambda: beam_search(model, vocab, prompt, config))
    temperature = 0.0 if settings.decoding == "greedy" else settings.temperature
    return generate(model, vocab, prompt, SampleConfig(
        length=settings.length, temperature=temperature, top_k=settings.top_k, top_p=settings.top_p,
        seed=settings.seed, with_gates=with_gates, until=settings.until,
    ))


def _later(compute: Callable[[], list["Step"]]) -> Iterator["Step"]:
    """`compute()`'s steps, computed when first asked for (in the caller's thread, not at the call)."""
    yield from compute()


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
