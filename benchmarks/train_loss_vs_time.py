"""Validation loss after 1, 2 and 5 minutes of training on tiny-shakespeare.

nanoGPT's split (first 90% train, last 10% validation); validation loss is read
with the state carried through the validation text, in nats per character.
Each budget is its own run (the learning-rate schedule fits the budget), with
the `medium` preset (2 x 512 LSTM). The reference, measured in the same run, is
a bare PyTorch loop of the same shape and budget: Embedding -> nn.LSTM -> Linear,
AdamW, clipping, cosine schedule, no dropout.

    python benchmarks/train_loss_vs_time.py [--minutes 1 2 5] [--reference-minutes 5] [--threads 2]
"""

from __future__ import annotations

import argparse
import math
import time

import torch
from torch import nn
from torch.nn import functional as F

from _common import shared_text, table
from seussbot.allocator import keep_freed_memory
from seussbot.corpus import load_corpus
from seussbot.session import TrainingSession
from seussbot.train import Progress, evaluate
from seussbot.vocab import Vocab


class BareLSTM(nn.Module):
    def __init__(self, vocab: int, hidden: int = 512, layers: int = 2, embed: int = 64) -> None:
        super().__init__()
        self.embed, self.rnn, self.head = nn.Embedding(vocab, embed), nn.LSTM(embed, hidden, layers, batch_first=True), nn.Linear(hidden, vocab)

    def forward(self, ids, state=None):
        out, state = self.rnn(self.embed(ids), state)
        return self.head(out), state


def bare_run(train: torch.Tensor, val: torch.Tensor, vocab: int, minutes: float, batch: int = 32, seq: int = 64) -> tuple[float, float]:
    torch.manual_seed(0)
    model = BareLSTM(vocab)
    optimizer = torch.optim.AdamW(model.parameters(), lr=2e-3, betas=(0.9, 0.99))
    length = len(train) // batch
    streams = train[: length * batch].view(batch, length)
    state, offset, steps, budget = None, 0, 0, minutes * 60
    start = time.perf_counter()
    while (elapsed := time.perf_counter() - start) < budget:
        for group in optimizer.param_groups:
            group["lr"] = 2e-4 + (2e-3 - 2e-4) * 0.5 * (1 + math.cos(math.pi * elapsed / budget))
        if offset + seq + 1 > length:
            offset, state = 0, None
        x, y = streams[:, offset : offset + seq], streams[:, offset + 1 : offset + seq + 1]
        offset += seq
        logits, state = model(x, state)
        state = tuple(s.detach() for s in state)
        loss = F.cross_entropy(logits.reshape(-1, vocab), y.reshape(-1))
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        steps += 1
    chars_per_s = steps * batch * seq / (time.perf_counter() - start)
    return evaluate(model, val), chars_per_s


def seussbot_run(path: str, minutes: float, threads: int, preset: str) -> tuple[float, float, int]:
    session = TrainingSession.create(
        path, preset=preset, split_mode="tail", max_minutes=minutes, threads=threads, eval_every_s=1e9, seed=0
    )
    speed = 0.0
    for event in session.events():
        if isinstance(event, Progress):
            speed = event.tokens_per_s
    return session.trainer.state.history[-1].val_loss, speed, session.trainer.state.step


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, nargs="+", default=[1, 2, 5])
    parser.add_argument("--reference-minutes", type=float, nargs="*", default=[5])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--preset", default="medium")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    keep_freed_memory()
    path = str(shared_text())
    rows = [["minutes", "seussbot val (nats/char)", "chars/s", "steps", "bare loop val", "bare chars/s"]]
    for minutes in args.minutes:
        val, speed, steps = seussbot_run(path, minutes, args.threads, args.preset)
        ref_val, ref_speed = "-", "-"
        if minutes in args.reference_minutes:
            corpus = load_corpus(path)
            vocab = Vocab.build(corpus.text)
            train_text, val_text = corpus.split(mode="tail")
            ids = lambda text: torch.tensor(vocab.encode(text), dtype=torch.long)  # noqa: E731
            bare_val, bare_speed = bare_run(ids(train_text), ids(val_text), len(vocab), minutes)
            ref_val, ref_speed = f"{bare_val:.3f}", f"{bare_speed:,.0f}"
        rows.append([f"{minutes:g}", f"{val:.3f}", f"{speed:,.0f}", f"{steps:,}", ref_val, ref_speed])
        print(table(rows), flush=True)
        print()
    print(f"target: <= 1.45 nats/char at 5 minutes; preset {args.preset}, {args.threads} threads")


if __name__ == "__main__":
    main()
