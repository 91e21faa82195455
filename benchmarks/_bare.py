"""The reference every training benchmark measures against: a textbook LSTM loop, nothing else.

Embedding -> nn.LSTM -> Linear, AdamW, gradient clipping, the text read as
`batch` contiguous streams with the state carried: the same work per step as
seussbot's trainer, with none of its machinery.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F


class BareLSTM:
    def __init__(self, ids: torch.Tensor, vocab_size: int, hidden: int, layers: int, embed_dim: int, batch: int, seq: int) -> None:
        torch.manual_seed(0)
        self.vocab_size, self.seq = vocab_size, seq
        self.embed = nn.Embedding(vocab_size, embed_dim)
        self.lstm = nn.LSTM(embed_dim, hidden, layers, batch_first=True)
        self.head = nn.Linear(hidden, vocab_size)
        self.params = [*self.embed.parameters(), *self.lstm.parameters(), *self.head.parameters()]
        self.optimizer = torch.optim.AdamW(self.params, lr=2e-3)
        length = len(ids) // batch
        self.streams = ids[: length * batch].view(batch, length)
        self.state, self.offset = None, 0

    def step(self) -> None:
        seq = self.seq
        if self.offset + seq + 1 > self.streams.shape[1]:
            self.offset, self.state = 0, None
        x = self.streams[:, self.offset : self.offset + seq]
        y = self.streams[:, self.offset + 1 : self.offset + seq + 1]
        self.offset += seq
        out, state = self.lstm(self.embed(x), self.state)
        self.state = (state[0].detach(), state[1].detach())
        loss = F.cross_entropy(self.head(out).reshape(-1, self.vocab_size), y.reshape(-1))
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        nn.utils.clip_grad_norm_(self.params, 1.0)
        self.optimizer.step()

    @torch.no_grad()
    def evaluate(self, val: torch.Tensor, streams: int = 16, chunk: int = 256) -> float:
        """Mean loss over `val` read as `streams` streams, `chunk` tokens at a time, state carried."""
        length = (len(val) - 1) // streams
        data = val[: length * streams + 1]
        inputs, targets = data[:-1].view(streams, length), data[1:].view(streams, length)
        state, total = None, 0.0
        for i in range(0, length, chunk):
            out, state = self.lstm(self.embed(inputs[:, i : i + chunk]), state)
            logits = self.head(out).reshape(-1, self.vocab_size)
            total += F.cross_entropy(logits, targets[:, i : i + chunk].reshape(-1), reduction="sum").item()
        return total / targets.numel()
