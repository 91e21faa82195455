"""`seussbot serve` in headless Chromium: page open to library, key to screen while training, CPU per tab.

Three measurements, each beside a reference from the same run:

1. page open -> library shown: milliseconds from the tab's navigation start to
   the first terminal bytes that draw the library, in a fresh tab (a fresh app
   process) each time; reference: textual-serve's own server with a minimal
   Textual app, navigation start to its first screen.
2. key press -> screen update while a tab trains: `]` and `[` change the
   temperature; the page (an init script) notes the keydown and the next
   animation frame after the bytes that show the new temperature arrive. Median
   of 20; reference: the same keys with training paused.
3. CPU with 1, 2 and 4 tabs training at 1 torch thread each: cores used by the
   app processes, the server and the browser (from /proc), and each tab's
   training steps per second relative to a lone tab.

    python benchmarks/serve_browser.py [--presses 20] [--opens 5] [--window 20]

The browser runs on the same cores as the apps here; in a classroom it runs on
each student's laptop.
"""

from __future__ import annotations

import argparse
import atexit
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import median, table

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from served import ServerProcess, TabScreen, find_chromium, free_port, step_count  # noqa: E402

VIEWPORT = {"width": 1100, "height": 700}
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")

# Runs in every page before textual.js: times, in the page's own clock, the bytes that show what is awaited.
PAGE_TIMER = r"""
(() => {
  // want: text to wait for; or a RegExp whose first group must differ from `unlike` (a value that changes)
  const s = window.__timer = {want: null, unlike: undefined, keyAt: 0, shownAt: null, latencies: []};
  window.addEventListener("keydown", () => { s.keyAt = performance.now(); }, true);
  const plain = (text) => text.replace(/\x1b\[[0-9;:?<>=]*[ -\/]*[@-~]/g, "");
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener("message", (event) => {
        if (typeof event.data === "string" || s.want === null) return;
        const text = plain(new TextDecoder().decode(event.data));
        if (s.unlike === undefined ? !text.includes(s.want) : !(text.match(s.want) && text.match(s.want)[1] !== s.unlike)) return;
        const keyAt = s.keyAt, arrived = performance.now();
        s.want = null;
        requestAnimationFrame(() => { s.shownAt = arrived; s.latencies.push(performance.now() - keyAt); });
      });
    }
  };
})();
"""

MINIMAL_APP = """
from textual.app import App
from textual.widgets import Static

class Hello(App):
    def compose(self):
        yield Static("minimal textual app")

Hello().run()
"""


def new_page(context):
    page = context.new_page()
    page.add_init_script(PAGE_TIMER)
    return page


def time_to_shown(context, url: str, want: str, timeout_s: float = 60) -> float:
    """Milliseconds from navigation start to the frame (after the bytes) that shows `want`, in a fresh tab."""
    page = new_page(context)
    page.add_init_script(f"window.__timer.want = {want!r};")
    page.goto(url)
    page.wait_for_function("window.__timer.shownAt !== null", timeout=timeout_s * 1000)
    shown = page.evaluate("window.__timer.shownAt")
    page.close()
    return shown


def stock_server(port: int, folder: Path) -> subprocess.Popen:
    app = folder / "minimal_app.py"
    app.write_text(MINIMAL_APP)
    code = f"from textual_serve.server import Server; Server({f'{sys.executable} {app}'!r}, host='127.0.0.1', port={port}).serve()"
    server = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(3)
    return server


def key_latencies(page, screen: TabScreen, presses: int) -> list[float]:
    """`]` then `[` in turn, each awaited until the page shows a temperature other than the one on screen."""
    page.evaluate("window.__timer.latencies = []")
    for i in range(presses):
        [shown] = re.findall(r"temperature (\S+) ", screen.text)
        page.evaluate(f"window.__timer.unlike = {shown!r}; window.__timer.want = /temperature (\\S+) /")
        page.keyboard.press("]" if i % 2 == 0 else "[")
        page.wait_for_function(f"window.__timer.latencies.length === {i + 1}", timeout=30_000)
        page.wait_for_timeout(150)
    return page.evaluate("window.__timer.latencies")


def cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime + stime


def descendants(root: int) -> set[int]:
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parents[int(stat.parent.name)] = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError):
            continue
    found, frontier = set(), {root}
    while frontier:
        frontier = {pid for pid, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def cpu_with_tabs(browser, home: Path, tabs: int, window_s: float) -> dict[str, float]:
    server = ServerProcess(home / f"tabs-{tabs}", "--max-sessions", str(tabs))
    context = browser.new_context(viewport=VIEWPORT)
    try:
        screens = []
        for _ in range(tabs):
            page = context.new_page()
            screen = TabScreen(page)
            page.goto(server.url + "/")
            screen.wait_for(lambda text: "Corpora" in text, "the library")
            page.locator("#terminal").click()
            page.keyboard.press("Enter")
            screens.append(screen)
        for screen in screens:
            screen.wait_for(lambda text: (step_count(text) or 0) > 2, "training", timeout=180)
        time.sleep(3)  # past the first evaluation
        apps, others = set(server.apps()), descendants(os.getpid()) - descendants(server.process.pid) - {server.process.pid}
        groups = {"apps": apps, "server": {server.process.pid}, "browser": others}
        before = {name: sum(cpu_seconds(p) for p in pids) for name, pids in groups.items()}
        steps_before = [step_count(s.text) or 0 for s in screens]
        began = time.monotonic()
        screens[0].page.wait_for_timeout(window_s * 1000)  # the pages keep receiving frames meanwhile
        elapsed = time.monotonic() - began
        steps_after = [step_count(s.text) or 0 for s in screens]
        used = {name: (sum(cpu_seconds(p) for p in pids) - before[name]) / elapsed for name, pids in groups.items()}
        used["steps/s per tab"] = median([(b - a) / elapsed for a, b in zip(steps_before, steps_after)])
        return used
    finally:
        context.close()
        server.interrupt()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--presses", type=int, default=20)
    parser.add_argument("--opens", type=int, default=5)
    parser.add_argument("--window", type=float, default=20.0, help="seconds CPU is measured over")
    parser.add_argument("--tabs", default="1,2,4")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    chromium = find_chromium()
    if chromium is None:
        sys.exit("benchmark needs Chromium (apt-get install chromium, or set SEUSSBOT_CHROMIUM)")
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        home = Path(folder)
        browser = playwright.chromium.launch(executable_path=chromium)

        # 1. page open -> first screen
        stock_port = free_port()
        stock = stock_server(stock_port, home)
        server = ServerProcess(home / "open", "--max-sessions", "4")
        atexit.register(lambda: [p.kill() for p in (stock, server.process) if p.poll() is None])  # a failed run leaves no server
        context = browser.new_context(viewport=VIEWPORT)
        minimal = [time_to_shown(context, f"http://127.0.0.1:{stock_port}/", "minimal textual app") for _ in range(args.opens)]
        library = []
        for _ in range(args.opens):  # each open a cold start: the last tab's app has ended first
            library.append(time_to_shown(context, server.url + "/", "Corpora"))
            deadline = time.monotonic() + 60
            while server.apps() and time.monotonic() < deadline:
                time.sleep(0.2)
        stock.terminate()
        stock.wait(30)

        # 2. key -> screen, training and paused
        page = new_page(context)
        screen = TabScreen(page)
        page.goto(server.url + "/")
        screen.wait_for(lambda text: "Corpora" in text, "the library")
        page.locator("#terminal").click()
        page.keyboard.press("Enter")
        screen.wait_for(lambda text: (step_count(text) or 0) > 2, "training", timeout=180)
        training = key_latencies(page, screen, args.presses)
        page.keyboard.press("Space")
        screen.wait_for(lambda text: "Paused" in text, "the pause")
        paused = key_latencies(page, screen, args.presses)
        context.close()
        server.interrupt()

        print(f"Chromium {browser.version}, {os.cpu_count()} cores; load average at start {os.getloadavg()[0]:.2f}")
        rows = [["what", "seussbot", "reference, same run", "ratio"]]
        rows.append([
            f"page open -> first screen, median of {args.opens} ms", f"{median(library):.0f} (library)",
            f"{median(minimal):.0f} (minimal Textual app, stock textual-serve)", f"{median(library) / median(minimal):.2f}",
        ])
        rows.append([
            f"key -> screen, median of {args.presses} ms", f"{median(training):.1f} (training)",
            f"{median(paused):.1f} (paused)", f"{median(training) / median(paused):.2f}",
        ])
        rows.append([f"key -> screen, max ms", f"{max(training):.1f}", f"{max(paused):.1f}", ""])
        print(table(rows))

        # 3. CPU per number of tabs
        rows = [["tabs training", "apps' cores", "per app", "server", "browser", "steps/s per tab", "vs 1 tab"]]
        lone = None
        for tabs in [int(n) for n in args.tabs.split(",")]:
            used = cpu_with_tabs(browser, home, tabs, args.window)
            lone = lone or used["steps/s per tab"]
            rows.append([
                str(tabs), f"{used['apps']:.2f}", f"{used['apps'] / tabs:.2f}", f"{used['server']:.2f}", f"{used['browser']:.2f}",
                f"{used['steps/s per tab']:.2f}", f"{used['steps/s per tab'] / lone:.2f}",
            ])
            print(table(rows), flush=True)
        browser.close()
        print(f"load average at the end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
