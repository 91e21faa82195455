"""Start-up time of `seussbot --help` beside bare `python -c pass`, measured in the same run.

The CLI imports torch and the engine only inside commands, so `--help` should
cost little more than starting Python itself (target: <= 0.3 s on a quiet machine).

    python benchmarks/cli_startup.py [--repeats 15]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time

from _common import median, table


def timed(command: list[str], repeats: int) -> list[float]:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args()
    bare = timed([sys.executable, "-c", "pass"], args.repeats)
    help_ = timed([sys.executable, "-m", "seussbot", "--help"], args.repeats)
    rows = [["command", "median s", "min s"], ["python -c pass", f"{median(bare):.3f}", f"{min(bare):.3f}"]]
    rows.append(["seussbot --help", f"{median(help_):.3f}", f"{min(help_):.3f}"])
    print(table(rows))
    print(f"seussbot's own share: {median(help_) - median(bare):+.3f} s (median of {args.repeats})")


if __name__ == "__main__":
    main()
