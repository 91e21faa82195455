"""Training speed of the vanilla RNN and the GRU beside an LSTM of the same weight count.

On a CPU PyTorch fuses only the LSTM; seussbot trains the RNN and the GRU through
its own fused layers (`seussbot/fused.py`). This measures, in one run, chars/s of
a whole training step (embedding, recurrent layer, readout, cross-entropy,
backward, Adam) for
  - the LSTM (nn.LSTM, oneDNN): the reference,
  - the RNN and the GRU through nn.RNN / nn.GRU (what they used to train with),
  - the RNN and the GRU through seussbot's fused layers (what `CharRNN` uses now),
at the compare screen's shapes: the same weight count per cell, the RNN and the GRU
wider, as `seussbot compare` sizes them (`seussbot.compare.plan`). The variants alternate, repeat after
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

import torch
from torch.nn import functional as F

from _common import median, table
from seussbot.allocator import keep_freed_memory
from seussbot.fused import fused_forward
from seussbot.model import CharRNN, ModelConfig

VOCAB = 48
EMBED = 32
# corpus: (LSTM width, RNN width, batch, seq_len), as the compare runs train them.
SHAPES = {"spot": (64, 128, 32, 64), "homecoming": (256, 512, 8, 512)}
# Recurrent weights per layer and width h, input width e: gates * (h * e + h * h + 2 h).
GATES = {"lstm": 4, "gru": 3, "rnn": 1}


def recurrent_weights(cell: str, hidden: int) -> int:
    return GATES[cell] * (hidden * EMBED + hidden * hidden + 2 * hidden)


def gru_width(lstm_width: int) -> int:
    """The GRU width whose recurrent weights come closest to the LSTM's."""
    return min(range(8, 4 * lstm_width), key=lambda h: abs(recurrent_weights("gru", h) - recurrent_weights("lstm", lstm_width)))


def training_step(cell: str, hidden: int, batch: int, seq: int, fused: bool) -> tuple[Callable[[], None], int]:
    """One training step of a CharRNN, through seussbot's fused layers or PyTorch's own."""
    torch.manual_seed(0)
    model = CharRNN(ModelConfig(cell, VOCAB, hidden, 1, EMBED, 0.0))  # type: ignore[arg-type]
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    ids = torch.randint(0, VOCAB, (batch, seq + 1))

    def step() -> None:
        x = model.embed(ids[:, :-1])
        out, _ = fused_forward(model.rnn, x) if fused else model.rnn(x)  # type: ignore[arg-type]
        loss = F.cross_entropy(model.head(out).reshape(-1, VOCAB), ids[:, 1:].reshape(-1))
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
def sampling_us_per_char(cell: str, hidden: int, chars: int = 400) -> tuple[float, float]:
    """model.step one character at a time, and a bare call of the same nn layer, in us/char."""
    torch.manual_seed(0)
    model = CharRNN(ModelConfig(cell, VOCAB, hidden, 1, EMBED, 0.0)).eval()  # type: ignore[arg-type]
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
    parser.add_argument("--corpora", nargs="+", default=list(SHAPES), choices=list(SHAPES))
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    keep_freed_memory()
    rows = [["shape", "variant", "width", "weights", "chars/s (median)", "runs", "vs LSTM"]]
    for corpus in args.corpora:
        lstm_width, rnn_width, batch, seq = SHAPES[corpus]
        widths = {"lstm": lstm_width, "rnn": rnn_width, "gru": gru_width(lstm_width)}
        variants = {
            "lstm (nn.LSTM)": ("lstm", False),
            "rnn (nn.RNN)": ("rnn", False),
            "rnn (fused)": ("rnn", True),
            "gru (nn.GRU)": ("gru", False),
            "gru (fused)": ("gru", True),
        }
        steps = {name: training_step(cell, widths[cell], batch, seq, fused) for name, (cell, fused) in variants.items()}
        runs: dict[str, list[float]] = {name: [] for name in variants}
        for _ in range(args.repeats):
            for name, (step, _) in steps.items():
                runs[name].append(chars_per_s(step, batch * seq, args.seconds))
        lstm = median(runs["lstm (nn.LSTM)"])
        for name, (cell, _) in variants.items():
            rate = median(runs[name])
            spread = " ".join(f"{r / 1000:.1f}k" for r in runs[name])
            rows.append([f"{corpus}: B{batch} T{seq}", name, str(widths[cell]), f"{steps[name][1]:,}", f"{rate:,.0f}", spread, f"{rate / lstm:.2f}x"])
        print(table(rows), flush=True)
        print()
    print(f"{args.repeats} repeats of {args.seconds:.0f} s per variant, {args.threads} threads; target: fused rnn and gru >= 0.60x the LSTM")
    print()
    sample_rows = [["cell", "width", "model.step us/char", "bare nn layer us/char"]]
    for cell, width in (("lstm", 256), ("rnn", 512), ("gru", gru_width(256))):
        stepped, bare = zip(*(sampling_us_per_char(cell, width) for _ in range(args.repeats)))
        sample_rows.append([cell, str(width), f"{median(list(stepped)):.0f}", f"{median(list(bare)):.0f}"])
    print(table(sample_rows))


if __name__ == "__main__":
    main()
