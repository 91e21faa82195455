"""How much watching for mistakes costs per character streamed in.

The TUI feeds the network's output to a `MistakeStream` one character at a
time; that must cost well under a millisecond per character. For each corpus,
about 20,000 characters of half-trained-looking text (a character 5-gram
sample of the training split: real words, odd order, plenty of mistakes) are
fed one character at a time; the figure is the median of several runs.
Also timed: the same text in one piece (`find_mistakes`), and building the
corpus profile.

Run: python benchmarks/mistakes_speed.py [--chars 20000] [--runs 5]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from mistakes_quality import char_ngram_sample, corpora  # noqa: E402

from seussbot.mistakes import CorpusProfile, MistakeStream, find_mistakes  # noqa: E402


def stream_char_by_char(text: str, profile: CorpusProfile) -> tuple[float, int]:
    stream = MistakeStream(profile)
    t0 = time.perf_counter()
    for ch in text:
        stream.feed(ch)
    stream.finish()
    return time.perf_counter() - t0, len(stream.mistakes)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chars", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print(f"{'corpus':<16}{'profile s':>10}{'stream µs/char':>16}{'worst run':>11}{'whole µs/char':>15}{'mistakes':>10}")
    for name, train, _, grammar, level in corpora():
        t0 = time.perf_counter()
        profile = CorpusProfile.from_text(train, grammar=grammar, level=level)
        build = time.perf_counter() - t0
        text = char_ngram_sample(train, 5, args.chars, random.Random(0))
        streamed, found = [], 0
        for _ in range(args.runs):
            seconds, found = stream_char_by_char(text, profile)
            streamed.append(1e6 * seconds / len(text))
        whole = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            find_mistakes(text, profile)
            whole.append(1e6 * (time.perf_counter() - t0) / len(text))
        print(
            f"{name:<16}{build:>10.2f}{statistics.median(streamed):>16.1f}{max(streamed):>11.1f}"
            f"{statistics.median(whole):>15.1f}{found:>10}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
