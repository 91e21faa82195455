"""Training speed of the vanilla RNN and the GRU beside an LSTM of the same weight count.

On a CPU PyTorch fuses only the LSTM; seussbot trains the RNN and the GRU through
its own fused layers (`seussbot/fused.py`). This measures, in one run, chars/s of
a whole training step (embedding, recurrent layer, readout, cross-entropy,
backward, Adam) for
  - the LSTM (nn.LSTM, oneDNN): the reference,
  - the RNN and the GRU through nn.RNN / nn.GRU (what they used to train with),
  - the RNN and the GRU through seussbot's fused layers (what `CharRNN` uses now),
at the compare screen's shapes: each corpus's own vocabulary, preset (batch, window,
LSTM width) and the widths `seussbot compare` gives the RNN and the GRU for the same
weight count (`seussbot.compare.plan`, which rounds them to a multiple of 16). The variants alternate, repeat after
repeat, so that machine noise falls on all; the table shows medians and ratios to
the LSTM (target: the fused RNN and GRU each >= 0.6x). Then sampling (`model.step`,
one character at a time, no gradients) per cell, which must not get slower: it
stays on PyTorch's layers, and is shown beside a bare call of them.

    python benchmarks/fused_cells.py [--repeats 5] [--seconds 3] [--threads 2]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from dataclasses import dataclass

import torch
from torch.nn import functional as F

from _common import median, table
from seussbot.allocator import keep_freed_memory
from seussbot.compare import plan
from seussbot.corpus import load_corpus
from seussbot.fused import fused_forward
from seussbot.model import CharRNN, ModelConfig
from seussbot.presets import PRESETS, preset_for_size
from seussbot.session import training_shape
from seussbot.vocab import Vocab

CORPORA = ("spot", "homecoming")


@dataclass(frozen=True)
class Shape:
    """What `seussbot compare CORPUS` trains: a vocabulary, a batch of windows, a width per cell."""

    vocab: int
    embed: int
    batch: int
    seq: int
    widths: dict[str, int]


def compare_shape(corpus_name: str) -> Shape:
    """The shapes as `seussbot.compare.Comparison` picks them for this corpus."""
    corpus = load_corpus(corpus_name)
    vocab = len(Vocab.build(corpus.text, corpus.manifest.level))
    preset = PRESETS.get(corpus.manifest.preset or "") or preset_for_size(len(corpus.text))
    contestants = plan(("rnn", "lstm", "gru"), vocab, preset.hidden_size, 1, preset.embed_dim)
    batch, seq = training_shape(corpus, preset)
    return Shape(vocab, preset.embed_dim, batch, seq, {c.cell: c.hidden_size for c in contestants})


def training_step(cell: str, hidden: int, shape: Shape, fused: bool) -> tuple[Callable[[], None], int]:
    """One training step of a CharRNN, through seussbot's fused layers or PyTorch's own."""
    torch.manual_seed(0)
    vocab = shape.vocab
    model = CharRNN(ModelConfig(cell, vocab, hidden, 1, shape.embed, 0.0))  # type: ignore[arg-type]
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    ids = torch.randint(0, vocab, (shape.batch, shape.seq + 1))

    def step() -> None:
        x = model.embed(ids[:, :-1])
        out, _ = fused_forward(model.rnn, x) if fused else model.rnn(x)  # type: ignore[arg-type]
        loss = F.cross_entropy(model.head(out).reshape(-1, vocab), ids[:, 1:].reshape(-1))
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()

    return step, sum(p.numel() for p in model.rnn.parameters())


def chars_per_s(step: Callable[[], None], chars_per_step: int, seconds: float) -> float:
    step()  # warm up: first-call allocations
    steps, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        step()
        steps += 1
    return steps * chars_per_step / (time.perf_counter() - start)


@torch.no_grad()
def sampling_us_per_char(cell: str, hidden: int, shape: Shape, chars: int = 400) -> tuple[float, float]:
    """model.step one character at a time, and a bare call of the same nn layer, in us/char."""
    torch.manual_seed(0)
    model = CharRNN(ModelConfig(cell, shape.vocab, hidden, 1, shape.embed, 0.0)).eval()  # type: ignore[arg-type]
    token = torch.tensor([1])
    results = []
    for bare in (False, True):
        state, start = None, time.perf_counter()
        for _ in range(chars):
            if bare:
                out, state = model.rnn(model.embed(token).unsqueeze(1), state)
                model.head(out[:, 0])
            else:
                _, state, _ = model.step(token, state)
        results.append((time.perf_counter() - start) / chars * 1e6)
    return results[0], results[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--corpora", nargs="+", default=list(CORPORA), choices=list(CORPORA))
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    keep_freed_memory()
    rows = [["shape", "variant", "width", "weights", "chars/s (median)", "runs", "vs LSTM"]]
    shapes = {corpus: compare_shape(corpus) for corpus in args.corpora}
    for corpus, shape in shapes.items():
        widths = shape.widths
        variants = {
            "lstm (nn.LSTM)": ("lstm", False),
            "rnn (nn.RNN)": ("rnn", False),
            "rnn (fused)": ("rnn", True),
            "gru (nn.GRU)": ("gru", False),
            "gru (fused)": ("gru", True),
        }
        steps = {name: training_step(cell, widths[cell], shape, fused) for name, (cell, fused) in variants.items()}
        runs: dict[str, list[float]] = {name: [] for name in variants}
        for _ in range(args.repeats):
            for name, (step, _) in steps.items():
                runs[name].append(chars_per_s(step, shape.batch * shape.seq, args.seconds))
        lstm = median(runs["lstm (nn.LSTM)"])
        for name, (cell, _) in variants.items():
            rate = median(runs[name])
            spread = " ".join(f"{r / 1000:.1f}k" for r in runs[name])
            rows.append([f"{corpus}: B{shape.batch} T{shape.seq}", name, str(widths[cell]), f"{steps[name][1]:,}", f"{rate:,.0f}", spread, f"{rate / lstm:.2f}x"])
        print(table(rows), flush=True)  # so far: each corpus takes a minute or more
        print()
        del rows[1:]
    print(f"{args.repeats} repeats of {args.seconds:.0f} s per variant, {args.threads} threads; target: fused rnn and gru >= 0.60x the LSTM")
    print()
    sample_rows = [["cell", "width", "model.step us/char", "bare nn layer us/char"]]
    shape = shapes[args.corpora[-1]]
    for cell, width in shape.widths.items():
        stepped, bare = zip(*(sampling_us_per_char(cell, width, shape) for _ in range(args.repeats)))
        sample_rows.append([cell, str(width), f"{median(list(stepped)):.0f}", f"{median(list(bare)):.0f}"])
    print(table(sample_rows))


if __name__ == "__main__":
    main()
