"""Thread choice under load: the default (measured) policy vs every fixed thread count.

For an LSTM and a vanilla RNN on tiny-shakespeare, sized as `seussbot train`
sizes them, on a quiet machine and with one core kept busy by a second process
(a Python spin loop this script starts and stops), the trainer runs for the same
time with the default policy and with each fixed count. Runs alternate (auto,
1, 2, then rotated) so machine noise falls on all; the table shows medians of the
repeats and the share of time auto spent at each count. Target: auto >= 0.8 x the
best fixed count in all four.

    python benchmarks/threads_under_load.py [--repeats 3] [--seconds 20]
"""

from __future__ import annotations

import argparse
import contextlib
import subprocess
import sys
from collections import Counter
from typing import Iterator

from _common import median, shared_text, table
from seussbot.corpus import Corpus, load_corpus
from seussbot.session import TrainingSession
from seussbot.threads import candidates
from seussbot.train import Progress

SPIN = "import sys, time\nend = time.time() + float(sys.argv[1])\nwhile time.time() < end: pass"


@contextlib.contextmanager
def one_core_busy(busy: bool, at_most_s: float) -> Iterator[None]:
    """A second process spinning one core for the block (and never longer than `at_most_s`)."""
    spinner = subprocess.Popen([sys.executable, "-c", SPIN, str(at_most_s)]) if busy else None
    try:
        yield
    finally:
        if spinner:
            spinner.kill()
            spinner.wait()


def train(corpus: Corpus, cell: str, threads: int | None, seconds: float, preset: str | None) -> tuple[float, Counter]:
    """chars/s over `seconds` of training, and how many progress reports saw each thread count."""
    session = TrainingSession.create(corpus, cell=cell, preset=preset, threads=threads, max_minutes=seconds / 60, eval_every_s=1e9)
    last, counts = None, Counter()
    for event in session.events():
        if isinstance(event, Progress):
            last = event
            counts[event.threads] += 1
    return (last.tokens_per_s if last else 0.0), counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--preset", help="network size (default: what `seussbot train` picks for the corpus)")
    args = parser.parse_args()
    corpus = load_corpus(str(shared_text()))
    variants: list[int | None] = [None, *candidates()]
    fixed_names = [f"{n} thread{'s' if n > 1 else ''}" for n in candidates()]
    rows = [["cell, machine", "auto chars/s", *(f"{name} chars/s" for name in fixed_names), "auto / best fixed", "auto's time at 1 / 2 / ... threads"]]
    ratios = []
    for cell in ("lstm", "rnn"):
        for busy in (False, True):
            speeds: dict[int | None, list[float]] = {v: [] for v in variants}
            shares: Counter = Counter()
            with one_core_busy(busy, at_most_s=args.repeats * len(variants) * (args.seconds + 30)):
                for repeat in range(args.repeats):
                    shift = repeat % len(variants)
                    for threads in variants[shift:] + variants[:shift]:
                        speed, counts = train(corpus, cell, threads, args.seconds, args.preset)
                        speeds[threads].append(speed)
                        if threads is None:
                            shares.update(counts)
            best_fixed = max(median(speeds[n]) for n in candidates())
            ratio = median(speeds[None]) / best_fixed
            ratios.append(ratio)
            total = max(1, sum(shares.values()))
            share = " / ".join(f"{100 * shares[n] / total:.0f}%" for n in candidates())
            rows.append([
                f"{cell}, {'one core busy' if busy else 'quiet'}",
                f"{median(speeds[None]):,.0f}",
                *(f"{median(speeds[n]):,.0f}" for n in candidates()),
                f"{ratio:.2f}",
                share,
            ])
            print(table(rows), flush=True)
            print()
    print(f"worst ratio: {min(ratios):.2f} (target >= 0.8 in all four); {args.repeats} repeats of {args.seconds:.0f} s per variant")


if __name__ == "__main__":
    main()
