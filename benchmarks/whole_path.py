"""The whole training path, as `seussbot train` and the studio drive it, vs a bare loop.

seussbot: `open_session` + `Runner` with its evaluations, saves and feed, the feed
read five times a second as the CLI does. Reference: a bare Embedding -> nn.LSTM
-> Linear loop of the same shape that evaluates on the same validation text at
the same cadence (a forward pass over it, state carried). Both train
tiny-shakespeare (nanoGPT's split) in this process.

They take turns in windows of `--window` seconds (the runner paused while the
bare loop runs, the bare loop idle while the runner trains) until each has
trained `--minutes`. A shared VM's speed drifts by 10% from minute to minute;
running one after the other put that drift into the ratio, taking turns puts
it on both. Each side's evaluations follow its own training clock, and the
runner saves at its usual cadence of training time. The table gives steps per
minute of training time of each, and the ratio.

    python benchmarks/whole_path.py [--minutes 5] [--eval-every 60] [--threads 2] [--window 30]
"""

from __future__ import annotations

import argparse
import math
import os
import tempfile
import time

import torch

from _bare import BareLSTM
from _common import median, shared_text, table
from seussbot.allocator import keep_freed_memory
from seussbot.defaults import SAVE_EVERY_S

HIDDEN, LAYERS, BATCH, SEQ, EMBED = 512, 2, 32, 64, 64
IDLE_S = 1.5  # a paused runner has finished its last step once its step count holds this long


class BareSide:
    """The textbook loop, trained a window at a time; step times on its own training clock."""

    def __init__(self, train: torch.Tensor, val: torch.Tensor, vocab_size: int, eval_every_s: float) -> None:
        self.bare = BareLSTM(train, vocab_size, HIDDEN, LAYERS, EMBED, BATCH, SEQ)
        self.val, self.eval_every_s = val, eval_every_s
        self.trained_s = self.last_eval_s = 0.0
        self.stamps: list[float] = []  # training seconds at the end of each step

    def train_for(self, seconds: float) -> None:
        start, base = time.perf_counter(), self.trained_s
        while (now := time.perf_counter()) - start < seconds:
            self.trained_s = base + now - start
            if self.trained_s - self.last_eval_s >= self.eval_every_s:
                self.bare.evaluate(self.val)  # the trainer's cadence and shape: 16 streams, 256 tokens at a time
                self.last_eval_s = base + time.perf_counter() - start
            self.bare.step()
            self.stamps.append(base + time.perf_counter() - start)
        self.trained_s = base + time.perf_counter() - start


class SeussbotSide:
    """A whole `seussbot train` run: session, runner, evaluations, saves, the feed, resumed a window at a time."""

    def __init__(self, path: str, seconds: float, eval_every_s: float, threads: int, duty: float) -> None:
        from seussbot.opening import TrainRequest, open_session
        from seussbot.runner import Runner

        request = TrainRequest(
            corpus=path, preset="medium", minutes=seconds / 60 + 1, split="tail", name="whole-path", overwrite=True,
            overrides={"batch_size": BATCH, "seq_len": SEQ, "eval_every_s": eval_every_s, "threads": threads, "early_stop": None},
        )
        self._opened = open_session(request)
        self.session = self._opened.__enter__()
        # The runner saves by wall clock; it trains only `duty` of the wall time here, so stretch its cadence to match.
        self.runner = Runner(self.session, save_every_s=SAVE_EVERY_S / duty)
        self.feed = self.runner.feed()
        self.runner.pause()
        self.runner.start()
        self.stamps: list[float] = []  # training seconds (the trainer's clock) when each step was seen

    def train_for(self, seconds: float) -> None:
        state = self.session.state
        self.runner.resume()
        start = time.perf_counter()
        while time.perf_counter() - start < seconds:
            time.sleep(0.2)  # the CLI's refresh
            self.feed.take()
            self.stamps += [state.elapsed_s] * (state.step - len(self.stamps))
        self.runner.pause()
        last, held = state.step, time.perf_counter()
        while time.perf_counter() - held < IDLE_S:  # let the step in flight end before the other side runs
            time.sleep(0.05)
            if state.step != last:
                last, held = state.step, time.perf_counter()
        self.stamps += [state.elapsed_s] * (state.step - len(self.stamps))

    @property
    def trained_s(self) -> float:
        return self.session.state.elapsed_s

    def close(self) -> None:
        self.runner.stop()
        self.runner.resume()
        self.runner.wait()
        self._opened.__exit__(None, None, None)


def per_minute(stamps: list[float], minutes: int) -> list[int]:
    return [sum(1 for t in stamps if m * 60 <= t < (m + 1) * 60) for m in range(minutes)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument("--eval-every", type=float, default=60.0)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--window", type=float, default=30.0)
    args = parser.parse_args()
    os.environ.setdefault("SEUSSBOT_HOME", tempfile.mkdtemp(prefix="seussbot-bench-"))
    torch.set_num_threads(args.threads)
    keep_freed_memory()
    from seussbot.corpus import load_corpus
    from seussbot.vocab import Vocab

    path = str(shared_text())
    corpus = load_corpus(path)
    vocab = Vocab.build(corpus.text)
    train_text, val_text = corpus.split(mode="tail")
    train = torch.tensor(vocab.encode(train_text), dtype=torch.long)
    val = torch.tensor(vocab.encode(val_text), dtype=torch.long)
    seconds = args.minutes * 60
    bare = BareSide(train, val, len(vocab), args.eval_every)
    ours = SeussbotSide(path, seconds, args.eval_every, args.threads, duty=0.5)
    window_ratios: list[float] = []
    try:
        while bare.trained_s < seconds or ours.trained_s < seconds:
            bare_before, ours_before = (len(bare.stamps), bare.trained_s), (len(ours.stamps), ours.trained_s)
            bare.train_for(min(args.window, max(0.0, seconds - bare.trained_s)))
            ours.train_for(min(args.window, max(0.0, seconds - ours.trained_s)))
            bare_rate = (len(bare.stamps) - bare_before[0]) / max(1e-9, bare.trained_s - bare_before[1])
            ours_rate = (len(ours.stamps) - ours_before[0]) / max(1e-9, ours.trained_s - ours_before[1])
            if bare_rate > 0 and ours_rate > 0:
                window_ratios.append(ours_rate / bare_rate)
    finally:
        ours.close()
    minutes = math.ceil(args.minutes)
    rows = [["minute", "bare steps", "seussbot steps", "ratio"]]
    for m, (b, s) in enumerate(zip(per_minute(bare.stamps, minutes), per_minute(ours.stamps, minutes)), 1):
        rows.append([str(m), f"{b:,}", f"{s:,}", f"{s / max(1, b):.3f}"])
    bare_all = sum(1 for t in bare.stamps if t < seconds)
    ours_all = sum(1 for t in ours.stamps if t < seconds)
    rows.append(["all", f"{bare_all:,}", f"{ours_all:,}", f"{ours_all / max(1, bare_all):.3f}"])
    print(table(rows))
    print(
        f"2x512 B{BATCH} T{SEQ}, {args.minutes:g} min of training each in turns of {args.window:g} s, eval every "
        f"{args.eval_every:g} s, {args.threads} threads (target >= 0.95). Ratio per pair of windows: median "
        f"{median(window_ratios):.3f}, range {min(window_ratios):.3f}-{max(window_ratios):.3f} over {len(window_ratios)}; "
        f"load average {os.getloadavg()[0]:.1f} at the end."
    )


if __name__ == "__main__":
    main()
