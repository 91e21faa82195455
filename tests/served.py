"""Helpers for tests and benchmarks of `seussbot serve`: a server process, its children, a browser tab's screen.

textual-serve's page draws the terminal on a canvas, so the page's DOM holds
no text. What the tab shows is read from the terminal stream it receives:
Playwright hands over each websocket frame (`framereceived`), and pyte, a
terminal emulator, turns the bytes into screen lines. The page tells the
server its size in a `resize` frame (`framesent`), which sizes the emulator.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO / "test-artifacts"  # git-ignored: screenshots a person can look at after a run
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def find_chromium() -> str | None:
    """The machine's Chromium ($SEUSSBOT_CHROMIUM first): Playwright must not download a browser."""
    told = os.environ.get("SEUSSBOT_CHROMIUM")
    if told:
        return told if Path(told).exists() else None
    return next((path for name in CHROMIUM_NAMES if (path := shutil.which(name))), None)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ServerProcess:
    """`python -m seussbot serve` on a free loopback port, with its own data folder."""

    def __init__(self, home: Path, *args: str, log: Path | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.home = home
        self.log_path = log or home.parent / f"serve-{self.port}.log"
        env = {**os.environ, "SEUSSBOT_HOME": str(home), "PYTHONPATH": str(REPO)}
        self._log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "seussbot", "serve", "--port", str(self.port), *args],
            stdout=self._log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env, cwd=REPO,
        )
        self._wait_listening()

    def _wait_listening(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"seussbot serve exited at once:\n{self.output()}")
            try:
                socket.create_connection(("127.0.0.1", self.port), 0.2).close()
                return
            except OSError:
                time.sleep(0.1)
        raise AssertionError(f"seussbot serve did not listen within {timeout} s:\n{self.output()}")

    def output(self) -> str:
        self._log.flush()
        return self.log_path.read_text(errors="replace")

    def apps(self) -> list[int]:
        """Process ids of the server's children: one app per open tab."""
        return children_of(self.process.pid)

    def interrupt(self, timeout: float = 180.0) -> int:
        """Ctrl+C, as a teacher would press it; returns the exit code."""
        self.process.send_signal(signal.SIGINT)
        try:
            return self.process.wait(timeout)
        finally:
            self._log.close()

    def kill(self) -> None:
        """Clean up after a failed test: the server and every app it left."""
        for pid in [*self.apps(), self.process.pid]:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.process.wait(10)
        self._log.close()


def children_of(pid: int) -> list[int]:
    """Live child processes of `pid`, read from /proc (the `ps --ppid` view) without psutil."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(stat.parent.name))
    return found


def alive(pid: int) -> bool:
    """True while `pid` runs (a zombie, ended but not yet reaped, counts as ended)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


class TabScreen:
    """The screen one browser tab shows, rebuilt from the terminal bytes its websocket receives."""

    def __init__(self, page) -> None:
        import pyte

        self.screen = pyte.Screen(80, 24)
        self._stream = pyte.ByteStream(self.screen)
        self.frames = 0
        self.last_frame_at = 0.0
        self.closed = False
        self.page = page
        page.on("websocket", self._watch)

    def _watch(self, websocket) -> None:
        websocket.on("framereceived", self._received)
        websocket.on("framesent", self._sent)
        websocket.on("close", lambda _: setattr(self, "closed", True))

    def _received(self, payload: bytes | str) -> None:
        if isinstance(payload, bytes):
            self._stream.feed(payload)
            self.frames += 1
            self.last_frame_at = time.monotonic()

    def _sent(self, payload: bytes | str) -> None:
        if isinstance(payload, str) and payload.startswith('["resize"'):
            size = json.loads(payload)[1]
            self.screen.resize(size["height"], size["width"])

    @property
    def text(self) -> str:
        return "\n".join(line.rstrip() for line in self.screen.display)

    def wait_for(self, condition: Callable[[str], bool], what: str, timeout: float = 60.0) -> str:
        """Let the page run until the screen text meets `condition`; returns that text."""
        deadline = time.monotonic() + timeout
        while not condition(self.text):
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out after {timeout:g} s waiting for {what}; the tab shows:\n{self.text}")
            self.page.wait_for_timeout(50)
        return self.text


def step_count(text: str) -> int | None:
    """The studio's step counter ("step 1,234"), or None when it is not on screen yet."""
    import re

    found = re.search(r"\bstep ([\d,]+)\b", text)
    return int(found.group(1).replace(",", "")) if found else None


def written_after_prompt(text: str, prompt: str) -> str:
    """What the studio's write panel shows after the echo of `prompt` (the panel is the left column, framed by │)."""
    column = "\n".join(line.split("│")[1] if line.count("│") >= 2 else "" for line in text.splitlines())
    # The panel wraps words, so the echo can break across lines ("In the\ntowncurv..."): compare with the
    # whitespace collapsed, as a reader would.
    column = " ".join(column.split())
    typed = column.find("› " + prompt)
    echo = column.find(prompt, typed + len(prompt) + 2) if typed >= 0 else -1
    if echo < 0:
        return ""
    return column[echo + len(prompt):].split("how sure", 1)[0].strip()
