"""Writing: feed the prompt, then draw one token at a time.

Each step reports what a curious person wants to see: the token, how sure the
network was of it (its probability before temperature reshaped the odds), the
entropy of the whole distribution, the runners-up, and optionally the gates.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterator

import torch

from seussbot import limits
from seussbot.errors import PromptError
from seussbot.model import CharRNN, LayerGates, State
from seussbot.vocab import JoinState, Vocab


PROMPT_CHUNK = 1024  # tokens of the prompt read through the network at once


@dataclass(frozen=True)
class SampleConfig:
    length: int = 300
    temperature: float = 0.8  # 0 means always the likeliest token
    top_k: int | None = None
    top_p: float | None = None
    seed: int | None = None
    candidates: int = 5
    with_gates: bool = False

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


def generate(model: CharRNN, vocab: Vocab, prompt: str = "", config: SampleConfig = SampleConfig()) -> Iterator[Step]:
    """`config.length` steps continuing `prompt`. Same seed, same text.

    The settings and the prompt are checked here, when called, not at the first
    step: a caller can refuse a prompt before it writes anything.
    """
    config.validate()
    return _steps(model, vocab, vocab.encode(prompt), config)


def _steps(model: CharRNN, vocab: Vocab, ids: list[int], config: SampleConfig) -> Iterator[Step]:
    device = next(model.parameters()).device
    generator = torch.Generator(device=device)
    generator.manual_seed(config.seed if config.seed is not None else torch.seed() % (2**63))
    model.eval()
    join = JoinState()
    for token_id in ids:
        join.join(vocab.level, vocab.tokens[token_id])
    logits, state = _read_prompt(model, vocab, ids, device)
    for _ in range(config.length):
        probs = torch.softmax(logits.float(), dim=-1)
        choice = _choose(logits, config, generator)
        token = vocab.tokens[choice]
        top = torch.topk(probs, min(config.candidates, len(vocab)))
        gates = None
        logits_next, state, gates = model.step(
            torch.tensor([choice], device=device), state, with_gates=config.with_gates
        )
        yield Step(
            token=token,
            text=join.join(vocab.level, token),
            prob=float(probs[choice]),
            entropy_bits=_entropy_bits(probs),
            candidates=tuple(Candidate(vocab.tokens[int(i)], float(p)) for p, i in zip(top.values, top.indices)),
            gates=[_squeeze(g) for g in gates] if gates else None,
        )
        logits = logits_next[0]


def write(model: CharRNN, vocab: Vocab, prompt: str = "", config: SampleConfig = SampleConfig()) -> str:
    """The prompt and its continuation as one string."""
    return prompt + "".join(step.text for step in generate(model, vocab, prompt, config))


@torch.no_grad()
def _read_prompt(model: CharRNN, vocab: Vocab, ids: list[int], device: torch.device) -> tuple[torch.Tensor, State]:
    """Logits for the first new token and the state after the prompt.

    An empty prompt starts as if after a line break (or, in a vocabulary
    without one, its first token), the way texts start in the corpus. A long
    prompt is read a chunk at a time, so its memory does not grow with its length.
    """
    if not ids:
        start = vocab.id_of("\n")
        ids = [start if start is not None else 0]
    state = None
    for begin in range(0, len(ids), PROMPT_CHUNK):
        logits, state = model(torch.tensor([ids[begin : begin + PROMPT_CHUNK]], device=device), state)
    return logits[0, -1], state  # type: ignore[return-value]


def _choose(logits: torch.Tensor, config: SampleConfig, generator: torch.Generator) -> int:
    if config.temperature == 0:
        return int(torch.argmax(logits))
    scaled = logits.float() / config.temperature
    if config.top_k is not None and config.top_k < scaled.numel():
        kth = torch.topk(scaled, config.top_k).values[-1]
        scaled = scaled.masked_fill(scaled < kth, -math.inf)
    if config.top_p is not None and config.top_p < 1.0:
        order = torch.argsort(scaled, descending=True)
        cumulative = torch.cumsum(torch.softmax(scaled[order], dim=-1), dim=-1)
        # Keep the smallest set whose mass reaches top_p: a token goes only if the ones before it already got there.
        drop = cumulative - torch.softmax(scaled[order], dim=-1) >= config.top_p
        scaled[order[drop]] = -math.inf
    probs = torch.softmax(scaled, dim=-1)
    return int(torch.multinomial(probs, 1, generator=generator))


def _entropy_bits(probs: torch.Tensor) -> float:
    p = probs[probs > 0]
    return float(-(p * p.log2()).sum())


def _squeeze(gates: LayerGates) -> LayerGates:
    """Drop the batch dimension of one-sequence gates."""
    return LayerGates(**{k: (v[0] if v is not None else None) for k, v in gates.__dict__.items()})
