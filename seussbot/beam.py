"""Beam search: keep the K likeliest continuations instead of committing to one token at a time.

Greedy writing takes the likeliest next token and can walk into a corner: a
token that looked best now may leave only poor ones after it. Beam search
keeps K partial texts (the beam) and, at each step, the K best extensions of
them all, scored by the sum of their tokens' log-probabilities. Texts that
stop (`until`) leave the beam as finished; at the end the winner is the text
with the best *length-normalised* score, the mean log-probability per token,
so a short text does not win only because it multiplied fewer probabilities.

Beam text is "safe and dull", like a very low temperature, and it loops (the
likeliest thing to follow a loop is the loop): `no_repeat` forbids any N-gram
of tokens (characters, or words at word level) from appearing twice.
Width 1 is greedy writing, exactly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import torch

from seussbot import limits
from seussbot.errors import PromptError
from seussbot.model import CharRNN
from seussbot.sample import Continuation, Step
from seussbot.stepper import Stepper
from seussbot.until import Until, Watch
from seussbot.vocab import Vocab

@dataclass(frozen=True)
class BeamConfig:
    width: int = 5
    length: int = 300
    no_repeat: int | None = None  # no N-gram of tokens twice in the text (prompt included)
    until: Until | None = None
    candidates: int = 5

    def validate(self) -> None:
        for name, value, allowed in (
            ("Beam width", self.width, limits.BEAM_WIDTH),
            ("Length", self.length, limits.LENGTH),
            ("No-repeat", self.no_repeat, limits.NO_REPEAT),
        ):
            if value is not None and value not in allowed:
                raise PromptError(f"{name} must be {allowed.describe()}.")


@dataclass
class _Hypothesis:
    """One partial text of the beam: its new tokens, their summed log-probability, its stop watch, its N-grams."""

    tokens: list[int]
    log_prob: float
    watch: Watch | None
    seen: dict[tuple[int, ...], frozenset[int]] = field(default_factory=dict)  # (N-1)-gram -> tokens that followed it

    def score(self) -> float:
        """Length-normalised: the mean log-probability per token."""
        return self.log_prob / len(self.tokens) if self.tokens else -math.inf


def beam_search(model: CharRNN | Stepper, vocab: Vocab, prompt: str = "", config: BeamConfig = BeamConfig()) -> list[Step]:
    """The best continuation of `prompt` found by a beam of `config.width`, as steps (with the model's odds at each)."""
    config.validate()
    prompt_ids = vocab.encode(prompt)
    text = Continuation(model, vocab, prompt_ids, candidates=config.candidates)
    best = _search(text, vocab, prompt, prompt_ids, config)
    return [text.take(token) for token in best]  # replayed once, to report each step's odds


@torch.no_grad()
def _search(text: Continuation, vocab: Vocab, prompt: str, prompt_ids: list[int], config: BeamConfig) -> list[int]:
    stepper = text.stepper
    assert stepper is not None
    n = config.no_repeat
    first = _Hypothesis([], 0.0, config.until.watch(prompt) if config.until else None)
    if n is not None:
        for i in range(len(prompt_ids) - n + 1):
            first.seen = _remember(first.seen, tuple(prompt_ids[i : i + n]))
    beam, finished = [first], []
    log_probs = torch.log_softmax(torch.from_numpy(text.logits), dim=-1).unsqueeze(0)
    state = text.state
    length = config.until.length(config.length) if config.until else config.length
    width, size = config.width, len(vocab)
    for _ in range(length):
        totals = log_probs + torch.tensor([[h.log_prob] for h in beam])
        if n is not None:
            _forbid_repeats(totals, beam, prompt_ids, n)
        values, indices = torch.topk(totals.flatten(), min(totals.numel(), 3 * width))
        extended: list[tuple[int, _Hypothesis]] = []
        stopped_rows: set[int] = set()
        for total, index in zip(values.tolist(), indices.tolist()):
            if total == -math.inf or len(extended) == width:
                break
            row, token = divmod(index, size)
            parent = beam[row]
            verdict = parent.watch.verdict(vocab.tokens[token]) if parent.watch else "write"
            if verdict == "stop":
                if row not in stopped_rows and parent.tokens:
                    stopped_rows.add(row)
                    finished.append(parent)  # ends before this token
                continue
            child = _Hypothesis(parent.tokens + [token], total, parent.watch.copy() if parent.watch else None, parent.seen)
            if child.watch:
                child.watch.after(vocab.tokens[token])
            if n is not None:
                context = _tail(prompt_ids, child.tokens, n)
                if len(context) == n:
                    child.seen = _remember(parent.seen, tuple(context))
            if verdict == "last":
                finished.append(child)
                continue
            extended.append((row, child))
        if not extended or len(finished) >= width:
            beam = []
            break
        rows = torch.tensor([row for row, _ in extended])
        beam = [child for _, child in extended]
        logits, state = stepper.step(torch.tensor([h.tokens[-1] for h in beam]), state.select(rows))
        log_probs = torch.log_softmax(logits.float(), dim=-1)
    candidates = finished + beam
    return max(candidates, key=_Hypothesis.score).tokens if candidates else []


def _remember(seen: dict[tuple[int, ...], frozenset[int]], gram: tuple[int, ...]) -> dict[tuple[int, ...], frozenset[int]]:
    """`seen` with the N-gram `gram` added (a new dict: the beams that share the old one keep it)."""
    head, last = gram[:-1], gram[-1]
    followers = seen.get(head, frozenset())
    if last in followers:
        return seen
    return {**seen, head: followers | {last}}


def _forbid_repeats(totals: torch.Tensor, beam: list[_Hypothesis], prompt_ids: list[int], n: int) -> None:
    """Rule out, per hypothesis, each token that would complete an N-gram it already holds."""
    for row, hypothesis in enumerate(beam):
        head = tuple(_tail(prompt_ids, hypothesis.tokens, n - 1))
        banned = hypothesis.seen.get(head)
        if banned:
            totals[row, list(banned)] = -math.inf



def _tail(prompt_ids: list[int], tokens: list[int], k: int) -> list[int]:
    """The last `k` tokens of the prompt followed by `tokens` (fewer if the text is shorter)."""
    if k <= 0:
        return []
    return tokens[-k:] if len(tokens) >= k else prompt_ids[-(k - len(tokens)) :] + tokens
