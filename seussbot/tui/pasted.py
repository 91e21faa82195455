"""Recognise a file path in pasted text.

Dropping a file onto a terminal pastes its path, spelled the way that
terminal likes: 'single quoted', "double quoted", with back\\ slash\\ escapes,
or as a file:// URI (percent-encoded). This turns any of those back into a
path, or None when the paste is not one path.
"""

from __future__ import annotations

import shlex
from pathlib import Path
from urllib.parse import unquote, urlparse


def parse_pasted_path(text: str) -> Path | None:
    """The one path `text` names, or None if it is not a single path."""
    text = text.strip().strip("\x00")
    if not text or "\n" in text:
        return None
    if text.startswith("file:"):
        return _from_uri(text)
    try:
        parts = shlex.split(text)
    except ValueError:  # an unbalanced quote: not something a terminal pastes for a file
        return None
    if len(parts) != 1:
        return None
    candidate = parts[0]
    if candidate.startswith("file:"):
        return _from_uri(candidate)
    path = Path(candidate).expanduser()
    if candidate.startswith(("/", "~", "./", "../")) or path.exists():
        return path
    return None


def _from_uri(uri: str) -> Path | None:
    parsed = urlparse(uri)
    if parsed.netloc not in ("", "localhost"):
        return None
    path = unquote(parsed.path)
    return Path(path) if path.startswith("/") else None
