"""Training throughput: seussbot's Trainer vs a bare PyTorch loop of the same shape.

Both read tiny-shakespeare as `batch` contiguous streams with the state carried,
use AdamW and gradient clipping, and run in this process with the same thread
count and allocator settings. They alternate (bare, seussbot, bare, ...) so that
machine noise falls on both; the table shows medians of the repeats.

    python benchmarks/train_throughput.py [--repeats 3] [--seconds 8] [--threads 2]
"""

from __future__ import annotations

import argparse
import time

import torch

from _bare import BareLSTM
from _common import median, shared_text, table
from seussbot.allocator import keep_freed_memory
from seussbot.corpus import load_corpus
from seussbot.model import CharRNN, ModelConfig
from seussbot.train import Progress, TrainConfig, Trainer
from seussbot.vocab import Vocab

SHAPES = [(128, 1, 64, 64), (256, 2, 64, 64), (512, 2, 32, 64)]  # hidden, layers, batch, seq


def bare_loop(ids: torch.Tensor, vocab_size: int, hidden: int, layers: int, batch: int, seq: int, seconds: float) -> float:
    """The textbook loop: Embedding -> nn.LSTM -> Linear, nothing else."""
    bare = BareLSTM(ids, vocab_size, hidden, layers, 64 if hidden > 128 else 32, batch, seq)
    steps, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        bare.step()
        steps += 1
    return steps * batch * seq / (time.perf_counter() - start)


def seussbot_loop(ids: torch.Tensor, val: torch.Tensor, vocab_size: int, hidden: int, layers: int, batch: int, seq: int, seconds: float, threads: int) -> float:
    torch.manual_seed(0)
    model = CharRNN(ModelConfig("lstm", vocab_size, hidden, layers, 64 if hidden > 128 else 32, 0.0))
    config = TrainConfig(batch_size=batch, seq_len=seq, max_minutes=seconds / 60, eval_every_s=1e9, eval_max_tokens=1000, threads=threads)
    trainer = Trainer(model, ids, val, config)
    last = None
    for event in trainer.run():
        if isinstance(event, Progress):
            last = event
    return last.tokens_per_s if last else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    keep_freed_memory()
    corpus = load_corpus(str(shared_text()))
    vocab = Vocab.build(corpus.text)
    ids = torch.tensor(vocab.encode(corpus.text), dtype=torch.long)
    val = ids[:1000]
    rows = [["shape (H x L, B x T)", "bare chars/s", "seussbot chars/s", "ratio"]]
    ratios = []
    for hidden, layers, batch, seq in SHAPES:
        bare, ours = [], []
        for _ in range(args.repeats):
            bare.append(bare_loop(ids, len(vocab), hidden, layers, batch, seq, args.seconds))
            ours.append(seussbot_loop(ids, val, len(vocab), hidden, layers, batch, seq, args.seconds, args.threads))
        ratio = median(ours) / median(bare)
        ratios.append(ratio)
        rows.append([f"{hidden} x {layers}, {batch} x {seq}", f"{median(bare):,.0f}", f"{median(ours):,.0f}", f"{ratio:.3f}"])
        print(table(rows), flush=True)
        print()
    print(f"median ratio over shapes: {median(ratios):.3f} (target >= 0.95); {args.repeats} repeats of {args.seconds:.0f} s, {args.threads} threads")


if __name__ == "__main__":
    main()
