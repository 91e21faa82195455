"""Reading a file a person named, without hanging or running out of memory.

A path can name anything: a FIFO that blocks until someone writes to it,
`/dev/zero` that never ends, a `/proc` file whose size `stat` says is 0. So a
file is opened without blocking, refused unless it is a regular file, and read
with one bounded `read(limit + 1)`: nothing past the limit is ever read,
whatever `stat` says. Corpora, texts to examine, prompt files and model files
all come in through here.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO

from seussbot.errors import SeussbotError

_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)


def open_regular(path: Path, error: type[SeussbotError], what: str = "file") -> BinaryIO:
    """Open `path` for reading, refusing (with `error`) anything but a regular file."""
    origin = f"'{path}'"
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except FileNotFoundError:
        raise error(f"There is no file at {origin}.") from None
    except OSError as problem:
        if path.is_dir():
            raise error(f"{origin} is a folder, not a {what}.") from None
        raise error(f"Cannot read {origin}: {problem.strerror or problem}.") from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        if stat.S_ISDIR(mode):
            raise error(f"{origin} is a folder, not a {what}.")
        kind = "a pipe" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode) else "a device"
        raise error(f"{origin} is not a regular file (it is {kind}); give the path of a {what}.")
    return os.fdopen(fd, "rb")


def read_bounded(path: Path, max_bytes: int, error: type[SeussbotError], what: str = "file", hint: str = "") -> bytes:
    """All of a regular file, or `error` if it holds more than `max_bytes`."""
    origin = f"'{path}'"
    try:
        with open_regular(path, error, what) as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > max_bytes:
                raise error(too_big(origin, max_bytes, size, hint))
            data = handle.read(max_bytes + 1)
    except OSError as problem:
        raise error(f"Cannot read {origin}: {problem.strerror or problem}.") from None
    if len(data) > max_bytes:
        raise error(too_big(origin, max_bytes, None, hint))
    return data


def too_big(origin: str, max_bytes: int, size: int | None, hint: str = "") -> str:
    """The sentence for a file over its limit; `hint` says how to raise the limit, if one can."""
    limit = f"the {max_bytes / 2**20:.3g} MB limit"
    over = f"is {size / 2**20:.1f} MB, over {limit}" if size is not None else f"is over {limit}"
    return f"{origin} {over}{f' ({hint})' if hint else ''}."
