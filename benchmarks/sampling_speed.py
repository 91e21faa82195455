"""Writing speed: seussbot's writing stream beside the bare `model.step` loop, same network, same run.

    python benchmarks/sampling_speed.py [--corpus seussian] [--train-steps 150] [--chars 3000] [--repeats 3]

A 2x256 LSTM (the app's `small` preset) is trained briefly on the corpus, so
that it writes words and the mistake detectors have real work, then, on one
thread, each of these writes `--chars` characters, alternating so machine
noise falls on all of them (medians of the repeats):

- reference: the bare loop, `model.step` then `torch.multinomial`, nothing else;
- reference: the same bare loop through seussbot's `Stepper` (what the stream steps with);
- seussbot: `write_and_judge` sampling at 0.8, every step with its probability,
  entropy and five candidates, mistakes streamed (target >= 5,000 chars/s);
- seussbot: beam search, width 5, through the same stream (target >= 1,000 chars/s);
- seussbot: the first character, from a snapshot already prepared, in milliseconds.

Each rate is given per wall-clock second (what a person sees) and per second
of this thread's CPU time (`time.thread_time`), which leaves out the time the
thread waited for a core: on a loaded machine the second says roughly what a
quiet one would do.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
os.environ.setdefault("SEUSSBOT_HOME", tempfile.mkdtemp(prefix="seussbot-bench-"))

import torch  # noqa: E402

from _common import median, table  # noqa: E402
from seussbot.allocator import keep_freed_memory  # noqa: E402
from seussbot.mistakes import profile_for_corpus  # noqa: E402
from seussbot.session import TrainingSession  # noqa: E402
from seussbot.stepper import Stepper  # noqa: E402
from seussbot.writing import WriteSettings, write_and_judge  # noqa: E402

PROMPT = "The "


class Clock:
    """Wall-clock and this thread's CPU seconds since it was made."""

    def __init__(self) -> None:
        self.wall, self.cpu = time.perf_counter(), time.thread_time()

    def rates(self, count: int) -> tuple[float, float]:
        return count / (time.perf_counter() - self.wall), count / (time.thread_time() - self.cpu)


def bare_model_step(model, ids: list[int], chars: int) -> tuple[float, float]:
    """chars/s of the textbook loop: step the network, draw the next token, nothing else."""
    generator = torch.Generator().manual_seed(0)
    with torch.inference_mode():
        logits, state = model(torch.tensor([ids]))
        logits = logits[:, -1]
        clock = Clock()
        for _ in range(chars):
            token = torch.multinomial(torch.softmax(logits / 0.8, dim=-1), 1, generator=generator)[:, 0]
            logits, state, _ = model.step(token, state)
    return clock.rates(chars)


def bare_stepper(model, ids: list[int], chars: int) -> tuple[float, float]:
    """The same loop through seussbot's `Stepper`, still drawing with `torch.multinomial`."""
    generator = torch.Generator().manual_seed(0)
    stepper = Stepper(model)
    with torch.inference_mode():
        logits, state = stepper.read(ids)
        logits = logits[None]
        clock = Clock()
        for _ in range(chars):
            token = torch.multinomial(torch.softmax(logits / 0.8, dim=-1), 1, generator=generator)[:, 0]
            logits, state = stepper.step(token, state)
    return clock.rates(chars)


def stream(model, vocab, profile, settings: WriteSettings) -> tuple[tuple[float, float], float]:
    """chars/s of the whole stream (wall, CPU), and ms to its first batch."""
    clock = Clock()
    first, written = None, 0
    for batch in write_and_judge(model, vocab, PROMPT, settings, profile):
        if first is None and batch.steps:
            first = time.perf_counter() - clock.wall
        written += sum(len(s.text) for s in batch.steps)
    return clock.rates(written), 1000 * (first or 0.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", default="seussian")
    parser.add_argument("--train-steps", type=int, default=150)
    parser.add_argument("--chars", type=int, default=3000)
    parser.add_argument("--beam-chars", type=int, default=600)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    keep_freed_memory()
    torch.set_num_threads(1)
    session = TrainingSession.create(args.corpus, preset="small", max_steps=args.train_steps, threads=1, eval_every_s=1e9)
    list(session.events())
    model, vocab = session.snapshot_model(), session.vocab
    config = model.config
    assert (config.layers, config.hidden_size) == (2, 256), config
    profile = profile_for_corpus(session.corpus, vocab.level)
    ids = vocab.encode(PROMPT)
    sample = WriteSettings(0.8, args.chars, seed=1)
    beam = WriteSettings(length=args.beam_chars, decoding="beam", beam=5, no_repeat=12)
    stepper = Stepper(model)
    results: dict[str, list[tuple[float, float]]] = {}
    firsts: list[float] = []
    for _ in range(args.repeats):
        results.setdefault("bare", []).append(bare_model_step(model, ids, args.chars))
        results.setdefault("stepper", []).append(bare_stepper(model, ids, args.chars))
        rates, first = stream(stepper, vocab, profile, sample)
        results.setdefault("stream", []).append(rates)
        firsts.append(first)
        results.setdefault("beam", []).append(stream(stepper, vocab, profile, beam)[0])
    wall = {name: median([r[0] for r in runs]) for name, runs in results.items()}
    cpu = {name: median([r[1] for r in runs]) for name, runs in results.items()}
    rows = [["what (2x256 LSTM, 1 thread)", "chars/s", "per CPU second", "x bare model.step", "target"]]
    for name, label, target in (
        ("bare", "reference: bare model.step + multinomial", ""),
        ("stepper", "reference: bare Stepper.step + multinomial", ""),
        ("stream", "seussbot stream: sample, probs, candidates, mistakes", ">= 5,000"),
        ("beam", "seussbot stream: beam 5, no-repeat 12", ">= 1,000"),
    ):
        rows.append([label, f"{wall[name]:,.0f}", f"{cpu[name]:,.0f}", f"{wall[name] / wall['bare']:.2f}", target])
    print(table(rows))
    print(
        f"first step of the stream from a prepared Stepper: {median(firsts):.1f} ms (median); "
        f"{args.repeats} repeats of {args.chars} sampled / {args.beam_chars} beam chars; corpus {args.corpus}, "
        f"{args.train_steps} training steps; {os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f} at the end."
    )


if __name__ == "__main__":
    main()
