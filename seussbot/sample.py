"""Writing: feed the prompt, then draw one token at a time.

A token is what the network reads and writes in one step: a character for a
char-level model (a letter, a space, a line break), a word or a punctuation
mark for a word-level one. Each step reports what a curious person wants to
see: the token, how sure the network was of it (its probability before
temperature reshaped the odds), the entropy of the whole distribution, the
runners-up, and optionally the gates.

`Continuation` is a text being written, waiting for its next token: sampling,
beam search's replay and choose-your-own writing all advance one, by the
model's pick or the person's.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from typing import Iterator

import numpy as np
import torch

from seussbot import limits
from seussbot.errors import PromptError
from seussbot.model import CharRNN, LayerGates
from seussbot.stepper import Stepper, read_prompt
from seussbot.until import Until
from seussbot.vocab import JoinState, Vocab

By = str  # who chose a token: "model" or "person"


@dataclass(frozen=True)
class SampleConfig:
    length: int = 300
    temperature: float = 0.8  # 0 means always the likeliest token
    top_k: int | None = None
    top_p: float | None = None
    seed: int | None = None
    candidates: int = 5
    with_gates: bool = False
    until: Until | None = None  # stop at a sentence's, line's or story's end (the length still caps it)

    def validate(self) -> None:
        for name, value, allowed in (
            ("Length", self.length, limits.LENGTH),
            ("Temperature", self.temperature, limits.TEMPERATURE),
            ("Top-k", self.top_k, limits.TOP_K),
            ("Top-p", self.top_p, limits.TOP_P),
        ):
            if value is not None and value not in allowed:
                raise PromptError(f"{name} must be {allowed.describe()}.")


@dataclass(frozen=True)
class Candidate:
    token: str
    prob: float


@dataclass(frozen=True)
class Step:
    token: str  # the token as the vocabulary spells it
    text: str  # what to append to the written text (word level adds a space)
    prob: float  # the model's probability for this token, at temperature 1
    entropy_bits: float  # uncertainty of the whole next-token distribution
    candidates: tuple[Candidate, ...]  # the likeliest tokens, best first
    gates: list[LayerGates] | None = None
    by: By = "model"  # "person": picked by the person in choose-your-own writing


def generate(
    model: CharRNN | Stepper, vocab: Vocab, prompt: str = "", config: SampleConfig = SampleConfig()
) -> Iterator[Step]:
    """Up to `config.length` steps continuing `prompt` (fewer if `config.until` stops first). Same seed, same text.

    The settings and the prompt are checked here, when called, not at the first
    step: a caller can refuse a prompt before it writes anything. A `Stepper`
    built ahead saves building one here (the app prepares it while the person types).
    """
    config.validate()
    return _steps(model, vocab, prompt, vocab.encode(prompt), config)


def _steps(model: CharRNN | Stepper, vocab: Vocab, prompt: str, ids: list[int], config: SampleConfig) -> Iterator[Step]:
    text = Continuation(model, vocab, ids, candidates=config.candidates, with_gates=config.with_gates)
    dice = new_dice(config.seed)
    watch = config.until.watch(prompt) if config.until else None
    for _ in range(config.until.length(config.length) if config.until else config.length):
        choice = text.choose(config, dice)
        verdict = watch.verdict(vocab.tokens[choice]) if watch else "write"
        if verdict == "stop":
            return
        step = text.take(choice)
        yield step
        if watch:
            watch.after(step.token)
        if verdict == "last":
            return


def write(model: CharRNN | Stepper, vocab: Vocab, prompt: str = "", config: SampleConfig = SampleConfig()) -> str:
    """The prompt and its continuation as one string."""
    return prompt + "".join(step.text for step in generate(model, vocab, prompt, config))


def new_dice(seed: int | None) -> random.Random:
    """The random source of one writing: seeded for repeatable text, fresh otherwise."""
    return random.Random(seed)


def draw(weights: np.ndarray, dice: random.Random) -> int:
    """A token drawn with chance proportional to `weights` (not normalised): the inverse of the running sum at a uniform point.

    `torch.multinomial` would do, but for one draw from a small vocabulary it
    costs more than a whole step of a 2x256 LSTM; a running sum and a binary
    search in NumPy take a few microseconds at any vocabulary size.
    """
    running = np.cumsum(weights)
    return min(int(np.searchsorted(running, dice.random() * running[-1], side="right")), len(running) - 1)


def reading(vocab: Vocab, ids: list[int]) -> list[int]:
    """What the network reads for a prompt: its tokens, or for an empty prompt a line break
    (or the first token), as texts start in the corpus."""
    if ids:
        return ids
    start = vocab.id_of("\n")
    return [start if start is not None else 0]


class Continuation:
    """A text being written: the network's state after it, and its odds for the next token.

    `choose` asks the model for a token; `take` writes any token (the model's or
    the person's), reporting what the model thought of it, and steps the network.
    Without gates it steps through a `Stepper`; with them, through `CharRNN.step`,
    which recomputes each gate.
    """

    def __init__(
        self, model: CharRNN | Stepper, vocab: Vocab, ids: list[int], *, candidates: int = 5, with_gates: bool = False
    ) -> None:
        self.model = model.model if isinstance(model, Stepper) else model
        # The stepper lays out a CharRNN's weights; anything else with `step` (the n-gram baseline) steps itself.
        self.stepper = model if isinstance(model, Stepper) else Stepper(model) if isinstance(model, CharRNN) and not with_gates else None
        if with_gates:
            self.stepper = None
        self.model.eval()
        self.vocab, self.with_gates = vocab, with_gates
        self.candidates = min(candidates, len(vocab))
        self.device = next(self.model.parameters()).device
        self.join = JoinState()
        for token_id in ids:
            self.join.join(vocab.level, vocab.tokens[token_id])
        ids = reading(vocab, ids)
        with torch.no_grad():
            if self.stepper is not None:
                self.logits, self.state = self.stepper.read(ids)
            else:
                self.logits, self.state = read_prompt(self.model, ids)
        self.logits = as_numpy(self.logits)
        self._probs: np.ndarray | None = None
        self._log_probs: np.ndarray | None = None
        # token id -> the (1,) batch of it each step takes, made once: arrays for the stepper, tensors for `model.step`
        self._rows = list(np.arange(len(vocab)).reshape(-1, 1)) if self.stepper is not None else (
            torch.arange(len(vocab), device=self.device).view(-1, 1).unbind(0)
        )

    @property
    def probs(self) -> np.ndarray:
        """The model's odds for the next token, at temperature 1 (float64, so that odds of 1e-9 stay exact)."""
        if self._probs is None:
            self._probs, self._log_probs = _softmax(self.logits)
        return self._probs

    def entropy_bits(self) -> float:
        """How unsure the model is of the next token, in bits."""
        probs = self.probs
        return -float(probs @ self._log_probs) / math.log(2)

    def top(self, k: int) -> list[Candidate]:
        """The k likeliest next tokens, best first."""
        probs, tokens = self.probs, self.vocab.tokens
        best = _likeliest(probs, k)
        return [Candidate(tokens[i], p) for i, p in zip(best.tolist(), probs[best].tolist())]

    def choose(self, config: SampleConfig, dice: random.Random) -> int:
        """The model's pick for the next token, under `config`'s temperature, top-k and top-p."""
        if config.temperature == 0 or config.top_k == 1:
            return int(np.argmax(self.logits))
        if config.top_k is None and config.top_p is None:  # p ** (1/T) is softmax(logits / T), unnormalised
            weights = self.probs if config.temperature == 1 else self.probs ** (1 / config.temperature)
            return draw(weights, dice)
        return _choose(self.logits, config, dice)

    def take(self, token_id: int, by: By = "model") -> Step:
        """Write `token_id`: what the model thought of it here, then the network reads it."""
        candidates = tuple(self.top(self.candidates))
        entropy_bits, prob = self.entropy_bits(), float(self.probs[token_id])
        token = self.vocab.tokens[token_id]
        gates = None
        if self.stepper is not None:
            logits, self.state = self.stepper.step_array(self._rows[token_id], self.state)
            self.logits = logits[0]
        else:
            logits, self.state, gates = self.model.step(self._rows[token_id], self.state, with_gates=True)
            self.logits = as_numpy(logits[0])
        self._probs = None
        return Step(
            token=token,
            text=self.join.join(self.vocab.level, token),
            prob=prob,
            entropy_bits=entropy_bits,
            candidates=candidates,
            gates=[_squeeze(g) for g in gates] if gates else None,
            by=by,
        )


def as_numpy(logits: torch.Tensor) -> np.ndarray:
    """A (vocab,) row of logits as float32 NumPy: free on the CPU (shared memory), one copy from a GPU."""
    return logits.detach().float().cpu().numpy()


def _softmax(logits: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Probabilities and their logarithms (float64), from logits: log p = z - log sum exp z, z = logits - max."""
    shifted = logits.astype(np.float64)
    shifted -= shifted.max()
    log_probs = shifted - math.log(float(np.exp(shifted).sum()))
    return np.exp(log_probs), log_probs


def _likeliest(probs: np.ndarray, k: int) -> np.ndarray:
    """Indices of the k largest of `probs`, largest first (ties: the lower index first, as a stable sort gives)."""
    k = min(k, len(probs))
    if k >= len(probs) or len(probs) <= 256:  # a small vocabulary: one sort is quicker than partition and sort
        return np.argsort(-probs, kind="stable")[:k]
    part = np.argpartition(-probs, k - 1)[:k]
    return part[np.lexsort((part, -probs[part]))]


def _choose(logits: np.ndarray, config: SampleConfig, dice: random.Random) -> int:
    if config.temperature == 0:
        return int(np.argmax(logits))
    scaled = logits.astype(np.float64) / config.temperature
    if config.top_k is not None and config.top_k < scaled.size:
        kth = np.partition(scaled, scaled.size - config.top_k)[scaled.size - config.top_k]
        scaled[scaled < kth] = -math.inf
    if config.top_p is not None and config.top_p < 1.0:
        probs = _softmax(scaled)[0]
        order = np.argsort(-probs, kind="stable")
        before = np.cumsum(probs[order]) - probs[order]
        # Keep the smallest set whose mass reaches top_p: a token goes only if the ones before it already got there.
        scaled[order[before >= config.top_p]] = -math.inf
    return draw(_softmax(scaled)[0], dice)


def _squeeze(gates: LayerGates) -> LayerGates:
    """Drop the batch dimension of one-sequence gates."""
    return LayerGates(**{k: (v[0] if v is not None else None) for k, v in gates.__dict__.items()})
