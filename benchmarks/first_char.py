"""First written character on screen after Enter, in a real pseudo-terminal, while training runs.

    python benchmarks/first_char.py [--corpus seussian] [--rounds 8] [--before /work/main]

The app runs in a pty (Textual skips drawing when headless, so drawing costs
count). The studio trains the corpus with the app's defaults (2x256 for
seussian); the parent types a prompt, presses Enter and notes when; the child
notes when the panel got the first written piece, and the first bytes the
terminal received after that moment are the character on screen. Reference,
same run: the same with training paused (idle), and an ordinary key ("]",
temperature) to screen while training. `--before DIR` runs the same rounds
against another checkout (main) for a before/after pair.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import median, table  # noqa: E402
from tui_pty import Terminal  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
RUNNING = "\u25cf Training"
READY = "\u25cb Ready"  # the studio open, training not started (seussbot/tui/widgets/training_stats.py)


def child(corpus: str, out: Path) -> None:
    """The real app; the stream view notes when each writing's first written piece arrives."""
    from seussbot.opening import TrainRequest
    from seussbot.tui.app import SeussbotApp
    from seussbot.tui.widgets.stream_view import StreamView

    firsts: list[float] = []
    original = StreamView.append

    def noting(self, pieces):  # the first model-written pieces since the view was cleared
        if any(p.prob is not None for p in pieces) and all(p.prob is None for p in self.written.pieces):
            firsts.append(time.perf_counter())
        return original(self, pieces)

    StreamView.append = noting  # type: ignore[method-assign]
    app = SeussbotApp(open_request=TrainRequest(corpus=corpus), start_training=False)
    app.run()
    out.write_text(json.dumps(firsts))


def rounds(terminal: Terminal, count: int) -> list[float]:
    """Type a prompt, press Enter: when each Enter was sent."""
    sent = []
    for i in range(count):
        terminal.send(b"/")
        time.sleep(0.3)
        terminal.send(b"\x15The cat ")  # ctrl+u clears the prompt first
        time.sleep(0.5)
        sent.append(terminal.send(b"\r"))
        time.sleep(1.2)
        terminal.send(b"\x1b")
        time.sleep(0.3)
    return sent


def on_screen(terminal: Terminal, after: float) -> float:
    with terminal._lock:
        return next(t for _, t in terminal._arrivals if t >= after)


def measure(checkout: Path, corpus: str, count: int, scratch: Path) -> dict[str, list[float]]:
    out = scratch / f"firsts-{checkout.name}.json"
    env = {**os.environ, "SEUSSBOT_HOME": str(scratch / f"home-{checkout.name}"), "PYTHONPATH": str(checkout)}
    terminal = Terminal([sys.executable, str(Path(__file__).resolve()), "--child", corpus, str(out)], env)
    terminal.wait_for(READY, timeout=120)
    time.sleep(1.0)
    idle = rounds(terminal, count)
    since = terminal.mark
    terminal.send(b" ")
    terminal.wait_for(RUNNING, since, timeout=10)
    time.sleep(3.0)
    busy = rounds(terminal, count)
    keys = []
    for _ in range(count):
        since = terminal.mark
        sent = terminal.send(b"]")
        keys.append((terminal.wait_for("temperature 1.0 ", since, timeout=10) - sent) * 1000)
        time.sleep(0.3)
        terminal.send(b"[")
        time.sleep(0.5)
    terminal.close()
    firsts = json.loads(out.read_text())
    assert len(firsts) == 2 * count, f"{len(firsts)} writings noted, expected {2 * count}"
    ms = [(on_screen(terminal, seen) - sent) * 1000 for sent, seen in zip(idle + busy, firsts)]
    return {"idle": ms[:count], "busy": ms[count:], "key": keys}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", default="seussian")
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--before", type=Path, help="another checkout to measure the same way (e.g. /work/main)")
    parser.add_argument("--child", nargs=2, metavar=("CORPUS", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.child[0], Path(args.child[1]))
    with tempfile.TemporaryDirectory() as scratch_dir:
        scratch = Path(scratch_dir)
        runs = {"this checkout": measure(ROOT, args.corpus, args.rounds, scratch)}
        if args.before:
            runs[f"before ({args.before})"] = measure(args.before.resolve(), args.corpus, args.rounds, scratch)
    rows = [["checkout", "first char, training: p50 / max ms", "idle: p50 / max ms", "']' key, training: p50 ms", "target"]]
    for name, r in runs.items():
        rows.append([name, f"{median(r['busy']):.1f} / {max(r['busy']):.1f}", f"{median(r['idle']):.1f} / {max(r['idle']):.1f}",
                     f"{median(r['key']):.1f}", "<= 50 while training"])
    print(table(rows))
    print(f"{args.rounds} writings each; corpus {args.corpus}; {os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f} at the end.")


if __name__ == "__main__":
    main()
