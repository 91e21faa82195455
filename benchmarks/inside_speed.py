"""How fast the look-inside view is, each number beside a reference from the same run.

    python benchmarks/inside_speed.py [--seconds 12]

- Gates for 1,000 characters (`seussbot.inside.read_text`, every gate of every
  layer, 1 thread as the view uses), for the app's default networks (seussian's
  2x256 LSTM, GRU, RNN; tiny-shakespeare's 2x512 LSTM), beside the model's own
  fused forward pass over the same characters (no gates).
- Reach for one position over 500 preceding characters (2x256 LSTM), beside a
  bare forward and backward through `nn.LSTM` over the same 500 embeddings.
- In the real app, in a pseudo-terminal, training seussian: a prompt written,
  then the key that opens the view on 1,000 characters until the view shows them read (and until
  its first frame, the text uncoloured, as a person first sees it); arrow keys
  until the cursor inspector shows the new position, beside the same key
  updating one label in a minimal Textual app; and characters/s trained with
  the view open (arrows every 0.15 s, reach on for the second half) beside the
  studio alone, before and after.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import median, shared_text, table  # noqa: E402
from tui_pty import Terminal  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
RIGHT, QUIT, OPEN = b"\x1b[C", b"\x11", b"\x0f"  # right arrow, ctrl+q, ctrl+o


def seussian() -> str:
    return (ROOT / "corpora" / "seussian.txt").read_text(encoding="utf-8")


def timed(fn, repeats: int = 5) -> float:
    """Median wall time of `fn()` in ms, after one warm-up call."""
    fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return median(times)


# -- engine timings -------------------------------------------------------------------------
def engine_rows() -> list[list[str]]:
    import torch

    from seussbot.inside.reach import reach
    from seussbot.inside.reading import read_text
    from seussbot.model import CharRNN, ModelConfig
    from seussbot.vocab import Vocab

    torch.set_num_threads(1)
    rows = []
    cases = [("seussian", seussian(), cell, 256, 2) for cell in ("lstm", "gru", "rnn")]
    shakespeare = shared_text().read_text(encoding="utf-8")
    cases.append(("tinyshakespeare", shakespeare, "lstm", 512, 2))
    for corpus, full, cell, hidden, layers in cases:
        vocab = Vocab.build(full)
        model = CharRNN(ModelConfig(cell, len(vocab), hidden, layers, 64)).eval()  # type: ignore[arg-type]
        text = full[5000:6000]
        ids = torch.tensor([vocab.encode(text)])
        ours = timed(lambda: read_text(model, vocab, text))
        with torch.inference_mode():
            fused = timed(lambda: model(ids))
        rows.append([f"gates, 1,000 chars, {cell.upper()} {layers}x{hidden} ({corpus})", f"{ours:.0f} ms", f"{fused:.0f} ms (fused forward, no gates)", "<= 200 ms"])
    vocab = Vocab.build(seussian())
    model = CharRNN(ModelConfig("lstm", len(vocab), 256, 2, 64)).eval()
    text = seussian()[8000:8501]
    ours = timed(lambda: reach(model, vocab, text, 500, window=500))

    def bare() -> None:
        x = model.embed(torch.tensor([vocab.encode(text[:500])])).detach().requires_grad_(True)
        out, _ = model.rnn(x)
        torch.log_softmax(model.head(out[0, -1]), -1)[0].backward()

    rows.append(["reach, 1 position over 500 chars, LSTM 2x256", f"{ours:.0f} ms", f"{timed(bare):.0f} ms (nn.LSTM forward+backward)", "<= 300 ms"])
    return rows


# -- children: the measured apps -----------------------------------------------------------
def child_app(out: Path) -> None:
    """The app training seussian; ctrl+o opens the view on 1,000 characters; progress is sampled."""
    from textual.binding import Binding

    from seussbot.opening import TrainRequest
    from seussbot.tui.app import SeussbotApp
    from seussbot.tui.screens.inside import InsideScreen
    from seussbot.tui.screens.studio import StudioScreen

    text = seussian()[5000:6000]

    class Probed(SeussbotApp):
        BINDINGS = [*SeussbotApp.BINDINGS, Binding("ctrl+o", "open_inside", priority=True)]

        def on_mount(self) -> None:
            self.samples: list[tuple[float, int, bool]] = []  # (time, tokens seen, view open)
            self.set_interval(0.25, self._sample)

        def _studio(self) -> StudioScreen | None:
            return next((s for s in self.screen_stack if isinstance(s, StudioScreen)), None)

        def _sample(self) -> None:
            studio = self._studio()
            if studio is not None and studio.progress is not None:
                self.samples.append((time.perf_counter(), studio.progress.tokens_seen, isinstance(self.screen, InsideScreen)))

        def action_open_inside(self) -> None:
            studio = self._studio()
            if studio is not None:
                studio.look_inside(text)  # as the studio's `i` does, on the benchmark's text

    app = Probed(open_request=TrainRequest(corpus="seussian"))
    app.run()
    out.write_text(json.dumps({"samples": app.samples}))


def child_label() -> None:
    """The reference: a minimal Textual app whose right arrow updates one label."""
    from textual.app import App
    from textual.binding import Binding
    from textual.widgets import Label

    class Cursor(App):
        BINDINGS = [Binding("right", "move", priority=True)]
        index = 0

        def compose(self):
            yield Label("cursor ready", id="where")

        def action_move(self) -> None:
            self.index += 1
            self.query_one(Label).update(f"'x' at {self.index}: p = 1%")

    Cursor().run()


# -- the parent ----------------------------------------------------------------------------
def me(*args: str) -> list[str]:
    return [sys.executable, str(Path(__file__).resolve()), *args]


def arrow_latencies(terminal: Terminal, first: int, count: int, pause: float = 0.15) -> list[float]:
    """Press right `count` times; ms until ' at N:' shows for each."""
    latencies = []
    for index in range(first, first + count):
        mark = terminal.mark
        sent = terminal.send(RIGHT)
        latencies.append((terminal.wait_for(f" at {index}:", mark, timeout=10) - sent) * 1000)
        time.sleep(pause)
    return latencies


def app_run(seconds: float, env: dict[str, str], scratch: Path) -> dict:
    out = scratch / "app.json"
    terminal = Terminal(me("--child-app", str(out)), env, size=(120, 36))
    terminal.wait_for("● Training", timeout=120)
    time.sleep(4)  # the thread count is measured in the first seconds
    marks = {"before": time.perf_counter()}
    time.sleep(seconds)
    terminal.send(b"++")  # as a person does: write 1,000 characters, then look inside (within a few seconds)
    time.sleep(0.3)
    terminal.send(b"/")
    time.sleep(0.3)
    mark_written = terminal.mark
    terminal.send(b"\x15The cat \r")
    terminal.wait_for("writing…", mark_written, timeout=10)
    time.sleep(5.0)  # written by then (1,000 characters take 1-3 s while training), and a moment to read
    terminal.send(b"\x1b")  # out of the prompt: i is the studio's key again
    time.sleep(0.3)
    mark_open = terminal.mark
    sent = terminal.send(b"i")
    written_ready = (terminal.wait_for("tokens read", mark_open, timeout=30) - sent) * 1000
    time.sleep(0.5)
    terminal.send(b"\x1b")
    time.sleep(1.5)
    marks["open"] = mark_open = terminal.mark
    sent = terminal.send(OPEN)  # another 1,000 characters: read at the key
    ready = (terminal.wait_for("tokens read", mark_open, timeout=30) - sent) * 1000
    first_frame = (terminal.wait_for("reading the text", mark_open, timeout=1) - sent) * 1000  # already there: its arrival time
    time.sleep(0.5)
    opened = time.perf_counter()
    moves = int(seconds / 2 / 0.2)
    cursor = arrow_latencies(terminal, 1, moves)
    terminal.send(b"r")
    time.sleep(0.3)
    with_reach = arrow_latencies(terminal, moves + 1, moves)
    closed = time.perf_counter()
    terminal.send(b"\x1b")
    time.sleep(seconds)
    terminal.close(QUIT, timeout=120)
    samples = json.loads(out.read_text())["samples"]
    return {
        "written_ready_ms": written_ready, "ready_ms": ready, "first_frame_ms": first_frame, "cursor_ms": cursor, "reach_cursor_ms": with_reach,
        "studio": rate(samples, marks["before"], marks["before"] + seconds) , "after": rate(samples, closed + 1, closed + seconds),
        "inside": rate(samples, opened, closed),
    }


def rate(samples: list, start: float, stop: float) -> float:
    """Characters per second trained between two moments, from the app's own samples."""
    inside = [(t, tokens) for t, tokens, _ in samples if start <= t <= stop]
    (t0, n0), (t1, n1) = inside[0], inside[-1]
    return (n1 - n0) / (t1 - t0)


def label_latencies(env: dict[str, str]) -> list[float]:
    terminal = Terminal(me("--child-label"), env, size=(120, 36))
    terminal.wait_for("cursor ready", timeout=60)
    time.sleep(0.5)
    try:
        return arrow_latencies(terminal, 1, 30)
    finally:
        terminal.close(QUIT)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=12.0, help="seconds per training phase")
    parser.add_argument("--child-app", metavar="OUT", help=argparse.SUPPRESS)
    parser.add_argument("--child-label", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_app:
        return child_app(Path(args.child_app))
    if args.child_label:
        return child_label()

    rows = [["measure", "seussbot", "reference, same run", "target"], *engine_rows()]
    print("engine measured; the app in a pty…", flush=True)
    with tempfile.TemporaryDirectory() as scratch_dir:
        scratch = Path(scratch_dir)
        env = {**os.environ, "SEUSSBOT_HOME": str(scratch / "home"), "PYTHONPATH": str(ROOT)}
        reference = label_latencies(env)
        app = app_run(args.seconds, env, scratch)
    p50 = statistics.median
    rows.append(["view ready on the 1,000 chars just written (i to screen; read ahead)", f"{app['written_ready_ms']:.0f} ms", "", "<= 200 ms"])
    rows.append(["view ready on another 1,000 chars, while training (key to screen)", f"{app['ready_ms']:.0f} ms", "", "<= 200 ms"])
    rows.append(["  of which: the view's first frame, its text uncoloured", f"{app['first_frame_ms']:.0f} ms", "", ""])
    for name, values in (("cursor move to screen", app["cursor_ms"]), ("cursor move, reach on", app["reach_cursor_ms"])):
        rows.append([f"{name}, p50 / max", f"{p50(values):.1f} / {max(values):.1f} ms", f"{p50(reference):.1f} / {max(reference):.1f} ms (one label, minimal app)", "<= 30 ms"])
    studio = (app["studio"] + app["after"]) / 2
    rows.append(["chars/s trained, view open", f"{app['inside']:,.0f}", f"{studio:,.0f} (studio alone: {app['studio']:,.0f}, {app['after']:,.0f})", ""])
    rows.append(["training speed ratio, view open", f"{app['inside'] / studio:.2f}", "1.00", ">= 0.8"])
    print(table(rows))
    load = os.getloadavg()
    print(f"{os.cpu_count()} cores; load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} (1 / 5 / 15 min) at the end.")


if __name__ == "__main__":
    main()
