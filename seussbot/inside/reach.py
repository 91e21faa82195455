"""Memory reach: how much each earlier character moved one prediction.

The influence of input j on the prediction at `position` is the norm of the
gradient of log p(token at position) with respect to the embedding of token j
(Distill's "Visualizing memorization in RNNs" shows the same). A vanilla RNN's
gradient fades within a few dozen characters (the vanishing gradient); an LSTM
whose cell holds a name keeps it. `within_90` says how far back one must look
to collect 90% of the influence.

Autograd runs on the model passed in, which must be a copy (a snapshot) when
training goes on: nothing here writes to the weights or their gradients.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from seussbot.errors import PromptError
from seussbot.inside.reading import start_id
from seussbot.inside.recurrence import unroll, zero_state
from seussbot.model import CharRNN
from seussbot.vocab import Vocab

WINDOW = 1000  # characters looked back through; earlier ones are read without gradients
SHARE = 0.9


@dataclass(frozen=True)
class Reach:
    position: int  # the token whose prediction is explained
    token: str
    prob: float  # p(token at position | everything before)
    begin: int  # the first token whose influence was measured
    influence: list[float]  # gradient norm for tokens begin .. position-1

    @property
    def total(self) -> float:
        return sum(self.influence)

    def of(self, index: int) -> float:
        """The influence of token `index` (0 outside the measured window)."""
        return self.influence[index - self.begin] if self.begin <= index < self.position else 0.0

    def share(self, indices: range | list[int]) -> float:
        """The fraction of all influence that the tokens `indices` carry."""
        total = self.total
        return sum(self.of(i) for i in indices) / total if total > 0 else 0.0

    @property
    def within_90(self) -> int:
        """How many tokens back, counting from the nearest, 90% of the influence lies."""
        total, so_far = self.total, 0.0
        for back, value in enumerate(reversed(self.influence), start=1):
            so_far += value
            if so_far >= SHARE * total:
                return back
        return 0


def reach(model: CharRNN, vocab: Vocab, text: str, position: int, *, window: int = WINDOW) -> Reach:
    """The influence of every token before `position` (up to `window` back) on its prediction."""
    ids = vocab.encode(text)
    if not 1 <= position < len(ids):
        raise PromptError(f"The position must be from 1 to {len(ids) - 1:,} (a token with text before it), not {position:,}.")
    model = model.eval()
    device = next(model.parameters()).device
    begin = max(0, position - window)
    inputs = torch.tensor([start_id(vocab), *ids[:position]], device=device)
    with torch.no_grad():  # the text before the window only sets the state
        _, state, _ = unroll(model, model.embed(inputs[: begin + 1]), zero_state(model, device))
    with torch.enable_grad():
        embedded = model.embed(inputs[begin + 1 :]).detach().requires_grad_(True)
        top, _, _ = unroll(model, embedded, state)
        log_p = torch.log_softmax(model.head(top[-1]).float(), dim=-1)[ids[position]]
        (gradient,) = torch.autograd.grad(log_p, embedded)
    return Reach(
        position=position,
        token=vocab.tokens[ids[position]],
        prob=float(log_p.detach().exp()),
        begin=begin,
        influence=gradient.norm(dim=-1).tolist(),
    )
