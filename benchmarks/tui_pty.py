"""A pseudo-terminal to run the app in, as a person's terminal would.

Textual skips drawing when headless, so timings taken headless miss the cost
of rendering. Here the app draws into a real pty (of a fixed size); a reader
thread drains it, and `wait_for` reports when given text first appears after
a point, which is when a person would see it.
"""

from __future__ import annotations

import atexit
import fcntl
import os
import pty
import select
import struct
import subprocess
import termios
import threading
import time


class Terminal:
    def __init__(self, argv: list[str], env: dict[str, str], size: tuple[int, int] = (100, 32)) -> None:
        master, slave = pty.openpty()
        columns, rows = size
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            argv, stdin=slave, stdout=slave, stderr=slave, env={**env, "TERM": "xterm-256color"}, start_new_session=True
        )
        os.close(slave)
        # The app runs in its own session, so it would outlive a benchmark that fails (and go on
        # training beside the next one, spoiling it): end it whenever this process ends.
        atexit.register(self._end_if_running)
        self.master = master
        self.output = bytearray()
        self._arrivals: list[tuple[int, float]] = []  # (length of output after a read, when it arrived)
        self._lock = threading.Lock()
        self._reader = threading.Thread(target=self._drain, daemon=True)
        self._reader.start()

    def _drain(self) -> None:
        while True:
            try:
                ready, _, _ = select.select([self.master], [], [], 0.05)
                if not ready:
                    if self.process.poll() is not None:
                        return
                    continue
                data = os.read(self.master, 65536)
            except OSError:
                return
            if not data:
                return
            now = time.perf_counter()
            with self._lock:
                self.output += data
                self._arrivals.append((len(self.output), now))

    @property
    def mark(self) -> int:
        """A point in the output: `wait_for` looks only at what came after it."""
        with self._lock:
            return len(self.output)

    def send(self, keys: bytes) -> float:
        """Type `keys`; returns when they were sent."""
        sent = time.perf_counter()
        os.write(self.master, keys)
        return sent

    def wait_for(self, text: str, since: int = 0, timeout: float = 30.0) -> float:
        """When `text` first appeared in the output after `since` (perf_counter seconds)."""
        needle = text.encode()
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            with self._lock:
                found = self.output.find(needle, since)
                if found >= 0:
                    end = found + len(needle)
                    return next(t for length, t in self._arrivals if length >= end)
            time.sleep(0.001)
        raise TimeoutError(f"{text!r} did not appear within {timeout:.0f} s")

    def _end_if_running(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def close(self, keys: bytes = b"\x11", timeout: float = 60.0) -> int:
        """Quit with `keys` (ctrl+q) and wait for the process to end."""
        self.send(keys)
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait()
        finally:
            self._reader.join(timeout=2)
            os.close(self.master)
