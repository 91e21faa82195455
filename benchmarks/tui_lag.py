"""How the app feels while it trains, each number beside a reference from the same run.

    python benchmarks/tui_lag.py [--corpus rhymes] [--seconds 20]

- Event-loop lag: a 10 ms timer inside the app; how late it fires (p50, p99,
  max) while training, beside the same timer with the studio open and idle.
- Key latency: a key typed into a real pseudo-terminal until the screen shows
  its effect (temperature changes, pause, resume), while training, beside the
  same keys with training not started.
- Training throughput: characters per second trained inside the app, beside
  the engine alone (`open_session` + `events()` in a thread, no UI): same
  corpus, preset, seed and thread policy (measured), same length of
  training; the reference runs before and after the app and is averaged.
- Start-up: `seussbot` in a pty until the library is drawn, beside a minimal
  Textual app; and `seussbot --help` beside `python -c pass`.

The app draws into a pty (Textual skips drawing when headless), so rendering
costs are included. Children of this script do the measuring inside the app.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import median, table  # noqa: E402
from tui_pty import Terminal  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
RUNNING = "\u25cf Training"
READY = "\u25cb Ready"  # the studio open, training not started (seussbot/tui/widgets/training_stats.py)


# -- children: code that runs inside the measured processes ------------------------------
def child_app(corpus: str, out: Path) -> None:
    """The real app, plus a 10 ms timer that records how late it fires, by studio state."""
    from seussbot.tui.app import SeussbotApp
    from seussbot.tui.screens.studio import StudioScreen
    from seussbot.opening import TrainRequest

    class Probed(SeussbotApp):
        def on_mount(self) -> None:  # Textual runs SeussbotApp.on_mount as well: do not call it again
            self.samples: dict[str, list[float]] = {}
            self.studio: StudioScreen | None = None
            asyncio.get_running_loop().call_later(0.01, self._probe, time.perf_counter() + 0.01)

        def _probe(self, due: float) -> None:
            now = time.perf_counter()
            studio = next((s for s in reversed(self.screen_stack) if isinstance(s, StudioScreen)), None)
            state = studio.state if studio else "library"
            self.samples.setdefault(state, []).append((now - due) * 1000)
            self.studio = studio or self.studio  # keep it as the app closes
            asyncio.get_running_loop().call_later(0.01, self._probe, now + 0.01)

    app = Probed(open_request=TrainRequest(corpus=corpus), start_training=False)
    app.run()
    state = app.studio.session.state
    out.write_text(json.dumps({"lag": app.samples, "tokens": state.tokens_seen, "seconds": state.elapsed_s}))


def child_headless(corpus: str, seconds: float, out: Path) -> None:
    """The engine alone, built and driven the way the app does it, for `seconds` of training."""
    from seussbot.opening import TrainRequest, open_session

    session = open_session(TrainRequest(corpus=corpus))
    done = threading.Event()

    def train() -> None:
        for _ in session.events():
            pass
        done.set()

    threading.Thread(target=train, daemon=True).start()
    while session.trainer.state.elapsed_s < seconds:
        time.sleep(0.2)
    session.trainer.stop()
    done.wait(30)
    state = session.trainer.state
    out.write_text(json.dumps({"tokens": state.tokens_seen, "seconds": state.elapsed_s}))


def child_hello() -> None:
    from textual.app import App
    from textual.widgets import Static

    class Hello(App):
        def compose(self):
            yield Static("hello from a minimal Textual app")

    Hello().run()


# -- the parent: drives the children and reports -------------------------------------------
def environment(home: Path) -> dict[str, str]:
    return {**os.environ, "SEUSSBOT_HOME": str(home), "PYTHONPATH": str(ROOT)}


def me(*args: str) -> list[str]:
    return [sys.executable, str(Path(__file__).resolve()), *args]


def first_frame(argv: list[str], env: dict[str, str], text: str) -> float:
    terminal = Terminal(argv, env)
    seen = terminal.wait_for(text, timeout=30)
    terminal.close()
    return seen - terminal.started


def headless_rate(corpus: str, seconds: float, env: dict[str, str], scratch: Path) -> float:
    out = scratch / "headless.json"
    subprocess.run(me("--child-headless", corpus, str(seconds), str(out)), env=env, check=True)
    result = json.loads(out.read_text())
    return result["tokens"] / result["seconds"]


def press(terminal: Terminal, key: bytes, expect: str) -> float:
    """Milliseconds from typing `key` to `expect` appearing on screen."""
    since = terminal.mark
    sent = terminal.send(key)
    return (terminal.wait_for(expect, since, timeout=10) - sent) * 1000


def temperature_presses(terminal: Terminal, rounds: int) -> list[float]:
    """Up and down through the temperature choices, timing each change on screen."""
    times, temperatures = [], [0.8, 1.0, 1.2, 1.5]
    for _ in range(rounds):
        for i in range(1, len(temperatures)):
            times.append(press(terminal, b"]", f"temperature {temperatures[i]:.1f} "))
            time.sleep(0.15)
        for i in range(len(temperatures) - 2, -1, -1):
            times.append(press(terminal, b"[", f"temperature {temperatures[i]:.1f} "))
            time.sleep(0.15)
    return times


def app_run(corpus: str, seconds: float, env: dict[str, str], scratch: Path) -> dict:
    out = scratch / "app.json"
    terminal = Terminal(me("--child-app", corpus, str(out)), env)
    terminal.wait_for(READY, timeout=90)
    time.sleep(2.0)  # the idle reference: the studio open, nothing training
    idle_keys = temperature_presses(terminal, 2)
    start = time.perf_counter()
    busy_keys = [press(terminal, b" ", RUNNING)]
    time.sleep(3.0)
    busy_keys += temperature_presses(terminal, 2)
    terminal.send(b"/")
    time.sleep(0.2)
    terminal.send(b"The cat\r")  # write while training, as a person would
    time.sleep(2.0)
    terminal.send(b"\x1b")
    time.sleep(0.5)
    for _ in range(3):
        busy_keys.append(press(terminal, b" ", "Paused"))
        time.sleep(0.3)
        busy_keys.append(press(terminal, b" ", RUNNING))
        time.sleep(0.7)
    time.sleep(max(0.0, seconds - (time.perf_counter() - start)))
    code = terminal.close()
    if not out.exists():
        screen = re.sub(rb"\x1b\[[0-9;?]*[a-zA-Z]", b"", bytes(terminal.output[-3000:])).decode(errors="replace")
        sys.exit(f"the app exited with {code} without results; its last output:\n{screen}")
    result = json.loads(out.read_text())
    result["idle_keys"], result["busy_keys"] = idle_keys, busy_keys
    return result


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q / 100 * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", default="rhymes")
    parser.add_argument("--seconds", type=float, default=20.0, help="training time per throughput run")
    parser.add_argument("--child-app", nargs=2, metavar=("CORPUS", "OUT"), help=argparse.SUPPRESS)
    parser.add_argument("--child-headless", nargs=3, metavar=("CORPUS", "SECONDS", "OUT"), help=argparse.SUPPRESS)
    parser.add_argument("--child-hello", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_app:
        return child_app(args.child_app[0], Path(args.child_app[1]))
    if args.child_headless:
        return child_headless(args.child_headless[0], float(args.child_headless[1]), Path(args.child_headless[2]))
    if args.child_hello:
        return child_hello()

    with tempfile.TemporaryDirectory() as scratch_dir:
        scratch = Path(scratch_dir)
        env = environment(scratch / "home")
        help_times = [_timed([sys.executable, "-m", "seussbot", "--help"], env) for _ in range(5)]
        bare_times = [_timed([sys.executable, "-c", "pass"], env) for _ in range(5)]
        frames = [first_frame([sys.executable, "-m", "seussbot"], env, "Library") for _ in range(3)]
        hello = [first_frame(me("--child-hello"), env, "hello from") for _ in range(3)]
        print("start-up measured; training the headless reference…", flush=True)
        before = headless_rate(args.corpus, args.seconds, env, scratch)
        print("running the app in a pty…", flush=True)
        app = app_run(args.corpus, args.seconds, env, scratch)
        after = headless_rate(args.corpus, args.seconds, env, scratch)

    idle_lag, busy_lag = app["lag"].get("ready", []), app["lag"].get("running", [])
    in_app = app["tokens"] / app["seconds"]
    reference = (before + after) / 2
    rows = [["measure", "while training", "reference", "target"]]
    for name, q in (("lag p50 ms", 50), ("lag p99 ms", 99)):
        rows.append([name, f"{percentile(busy_lag, q):.2f}", f"{percentile(idle_lag, q):.2f} (idle)", "p99 <= 20"])
    rows.append(["lag max ms", f"{max(busy_lag):.1f}", f"{max(idle_lag):.1f} (idle)", "<= 100"])
    rows.append(["key to screen p50 ms", f"{median(app['busy_keys']):.1f}", f"{median(app['idle_keys']):.1f} (idle)", ""])
    rows.append(["key to screen max ms", f"{max(app['busy_keys']):.1f}", f"{max(app['idle_keys']):.1f} (idle)", "<= 50"])
    rows.append(["chars/s trained", f"{in_app:,.0f}", f"{reference:,.0f} (headless: {before:,.0f}, {after:,.0f})", ""])
    rows.append(["throughput ratio", f"{in_app / reference:.2f}", "1.00", ">= 0.8"])
    rows.append(["first frame s", f"{median(frames):.3f}", f"{median(hello):.3f} (minimal app)", "<= 1.5"])
    rows.append(["--help s", f"{median(help_times):.3f}", f"{median(bare_times):.3f} (python -c pass)", "<= 0.3"])
    print(table(rows))
    print(
        f"{len(busy_lag)} lag samples while training, {len(idle_lag)} idle; {len(app['busy_keys'])} keys timed while "
        f"training, {len(app['idle_keys'])} idle; corpus {args.corpus}, {args.seconds:g} s of training per run, "
        f"{os.cpu_count()} cores."
    )


def _timed(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
