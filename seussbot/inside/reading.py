"""Read a whole text through a network: what it expected at every character and what its gates did.

The prediction for character t is the network's distribution after reading the
characters before it (the first one after a line break, the way texts start
in the corpus and the way `seussbot.sample` starts writing). The gates and
states at t are those after reading character t itself, as LSTMVis shows them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

from seussbot.errors import PromptError
from seussbot.inside.recurrence import unroll, zero_state
from seussbot.model import CharRNN
from seussbot.vocab import Vocab

CANDIDATES = 5


@dataclass(frozen=True)
class Reading:
    """A text as the network read it; position t is token t of the text."""

    cell: str
    tokens: list[str]  # the tokens read, as the vocabulary spells them
    ids: list[int]
    prob: torch.Tensor  # (n,) p(token t | tokens before it)
    entropy_bits: torch.Tensor  # (n,) uncertainty of the prediction for t
    top_ids: torch.Tensor  # (n, k) the likeliest tokens at t, best first
    top_probs: torch.Tensor  # (n, k)
    tracks: list[dict[str, torch.Tensor]]  # per layer: LayerGates name -> (n, hidden), after reading t
    start: list[dict[str, torch.Tensor]]  # per layer: h (and c) before token 0, for the equations

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def layers(self) -> int:
        return len(self.tracks)

    def before(self, layer: int, key: str, t: int) -> torch.Tensor:
        """The state `key` ("hidden" or "cell") just before token t was read: h_{t-1}, c_{t-1}."""
        return self.tracks[layer][key][t - 1] if t > 0 else self.start[layer][key]

    def candidates(self, t: int, vocab: Vocab) -> list[tuple[str, float]]:
        return [(vocab.tokens[int(i)], float(p)) for i, p in zip(self.top_ids[t], self.top_probs[t])]


def start_id(vocab: Vocab) -> int:
    """The token read before a text: a line break, or the first token of a vocabulary without one."""
    newline = vocab.id_of("\n")
    return newline if newline is not None else 0


@torch.no_grad()
def read_text(model: CharRNN, vocab: Vocab, text: str, *, gates: bool = True, candidates: int = CANDIDATES) -> Reading:
    """Every character's probability, entropy and candidates, and with `gates` every gate per layer."""
    ids = vocab.encode(text)
    if not ids:
        raise PromptError("There is no text to read.")
    model = model.eval()
    inputs = torch.tensor([start_id(vocab), *ids], device=next(model.parameters()).device)
    top, _, recorded = unroll(model, model.embed(inputs), zero_state(model, inputs.device), record=gates)
    log_p = torch.log_softmax(model.head(top[:-1]).float(), dim=-1)  # row t predicts token t
    p = log_p.exp()
    target = torch.tensor(ids, device=inputs.device)
    top_probs, top_ids = torch.topk(p, min(candidates, len(vocab)), dim=-1)
    entropy_bits = -(p * log_p).nan_to_num().sum(-1) / math.log(2)
    tracks = [{k: v[1:].cpu() for k, v in layer.items()} for layer in recorded]
    start = [{k: v[0].cpu() for k, v in layer.items() if k in ("hidden", "cell")} for layer in recorded]
    return Reading(
        cell=model.config.cell,
        tokens=[vocab.tokens[i] for i in ids],
        ids=ids,
        prob=p.gather(1, target[:, None])[:, 0].cpu(),
        entropy_bits=entropy_bits.cpu(),
        top_ids=top_ids.cpu(),
        top_probs=top_probs.cpu(),
        tracks=tracks,
        start=start,
    )

