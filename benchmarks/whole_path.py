"""The whole training path, as `seussbot train` and the studio drive it, vs a bare loop.

seussbot: `open_session` + `Runner` with its evaluations, saves and feed, the feed
read five times a second as the CLI does. Reference: a bare Embedding -> nn.LSTM
-> Linear loop of the same shape that evaluates on the same validation text at
the same cadence (a forward pass over it, state carried). Both train tiny-shakespeare
(nanoGPT's split) for the same wall time in this process, one after the other;
the table gives steps per minute of each, minute by minute, and the ratio.

    python benchmarks/whole_path.py [--minutes 5] [--eval-every 60] [--threads 2]
"""

from __future__ import annotations

import argparse
import math
import tempfile
import time

import torch

from _bare import BareLSTM
from _common import shared_text, table
from seussbot.allocator import keep_freed_memory

HIDDEN, LAYERS, BATCH, SEQ, EMBED = 512, 2, 32, 64, 64


def bare_loop(train: torch.Tensor, val: torch.Tensor, vocab_size: int, seconds: float, eval_every_s: float) -> list[float]:
    """Step times (seconds since start) of a textbook loop that evaluates every `eval_every_s`."""
    bare = BareLSTM(train, vocab_size, HIDDEN, LAYERS, EMBED, BATCH, SEQ)
    stamps: list[float] = []
    start = last_eval = time.perf_counter()
    while (now := time.perf_counter()) - start < seconds:
        if now - last_eval >= eval_every_s:
            bare.evaluate(val)  # the trainer's cadence and shape: 16 streams, 256 tokens at a time
            last_eval = time.perf_counter()
        bare.step()
        stamps.append(time.perf_counter() - start)
    return stamps


def seussbot_path(path: str, seconds: float, eval_every_s: float, threads: int) -> list[float]:
    """Step times of a whole `seussbot train` run: session, runner, evaluations, saves, the feed."""
    from seussbot.opening import TrainRequest, open_session
    from seussbot.runner import Runner

    request = TrainRequest(
        corpus=path, preset="medium", minutes=seconds / 60, split="tail", name="whole-path",
        overwrite=True, overrides={"batch_size": BATCH, "seq_len": SEQ, "eval_every_s": eval_every_s, "threads": threads, "early_stop": None},
    )
    stamps: list[float] = []
    with open_session(request) as session:
        runner = Runner(session)
        feed = runner.feed()
        start = time.perf_counter()
        runner.start()
        while not runner.wait(0.2):  # the CLI's refresh
            news = feed.take()
            stamps += [time.perf_counter() - start] * (news.progress.step - len(stamps) if news.progress else 0)
        news = feed.take()
        stamps += [time.perf_counter() - start] * (session.state.step - len(stamps))
    return stamps


def per_minute(stamps: list[float], minutes: int) -> list[int]:
    return [sum(1 for t in stamps if m * 60 <= t < (m + 1) * 60) for m in range(minutes)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument("--eval-every", type=float, default=60.0)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    import os

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
    bare = bare_loop(train, val, len(vocab), seconds, args.eval_every)
    ours = seussbot_path(path, seconds, args.eval_every, args.threads)
    minutes = math.ceil(args.minutes)
    rows = [["minute", "bare steps", "seussbot steps", "ratio"]]
    for m, (b, s) in enumerate(zip(per_minute(bare, minutes), per_minute(ours, minutes)), 1):
        rows.append([str(m), f"{b:,}", f"{s:,}", f"{s / max(1, b):.3f}"])
    rows.append(["all", f"{len(bare):,}", f"{len(ours):,}", f"{len(ours) / max(1, len(bare)):.3f}"])
    print(table(rows))
    print(f"2x512 B{BATCH} T{SEQ}, {args.minutes:g} min each, eval every {args.eval_every:g} s, {args.threads} threads (target >= 0.95)")


if __name__ == "__main__":
    main()
