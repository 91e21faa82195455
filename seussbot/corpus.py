"""Text in, a validated `Corpus` out: loading, checking, splitting, statistics.

A corpus is named three ways: a bundled name (`spot`), the name of a corpus the
user imported, or a path to a text file. Whatever the way, the text passes the
same checks, and anything unusable is refused with one sentence:

- it must be a regular file (not a pipe or a device: see `seussbot.files`);
- it must be UTF-8 (a byte-order mark is dropped; CRLF and CR become LF);
  UTF-16 and UTF-32 are recognised by their byte-order marks and refused by name;
- it must not be binary (NUL bytes, or more than 5% non-printable characters;
  format characters such as the zero-width joiners of emoji and Persian, and
  every kind of space, count as text);
- it needs at least `MIN_CHARS` characters, so that a validation split and a
  few training sequences exist;
- it may be at most `DEFAULT_MAX_BYTES` bytes unless the caller raises the limit:
  a 2-core laptop cannot learn much from more, and a mistaken 4 GB file should
  not be read into memory.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Literal

from seussbot import files, limits, paths
from seussbot.errors import CorpusError
from seussbot.presets import PRESETS
from seussbot.vocab import LEVELS, Level, split_words

MIN_CHARS = 1_000
DEFAULT_MAX_BYTES = 32 * 1024 * 1024
MAX_NON_PRINTABLE_SHARE = 0.05
MAX_MANIFEST_BYTES = 1024 * 1024
MAX_MB_HINT = "raise it with --max-mb"
# Not printable, yet text: format characters (Cf: zero-width joiners, soft hyphens) and spaces of every kind.
_TEXT_CATEGORIES = {"Cf", "Zs", "Zl", "Zp"}
_WIDE_BOMS = ((b"\xff\xfe\x00\x00", "UTF-32"), (b"\x00\x00\xfe\xff", "UTF-32"), (b"\xff\xfe", "UTF-16"), (b"\xfe\xff", "UTF-16"))

SplitMode = Literal["interleaved", "tail"]


@dataclass(frozen=True)
class Manifest:
    """What the library shows about a corpus, from `corpora/<name>.json`."""

    name: str
    title: str
    description: str
    level: Level = "char"
    preset: str | None = None
    licence: str | None = None
    grammar: str | None = None
    # Optional: how many tokens back the corpus's rules reach. Truncated back-propagation
    # only carries gradient one window back, so training windows must be at least this long.
    context: int | None = None

    @classmethod
    def from_json(cls, data: dict, fallback_name: str) -> "Manifest":
        level = data.get("level", "char")
        preset = data.get("preset")
        context = data.get("context")
        return cls(
            name=str(data.get("name") or fallback_name),
            title=str(data.get("title") or fallback_name),
            description=str(data.get("description") or ""),
            level=level if level in LEVELS else "char",
            preset=preset if preset in PRESETS else None,
            licence=data.get("licence"),
            grammar=data.get("grammar"),
            context=context if isinstance(context, int) and 1 <= context <= limits.SEQ_LEN.high else None,
        )

    def to_json(self) -> dict:
        optional = {"context": self.context} if self.context else {}
        return optional | {
            "name": self.name,
            "title": self.title,
            "description": self.description,
            "level": self.level,
            "preset": self.preset,
            "licence": self.licence,
            "grammar": self.grammar,
        }


@dataclass(frozen=True)
class CorpusStats:
    chars: int
    words: int
    lines: int
    distinct_chars: int


@dataclass(frozen=True)
class Corpus:
    """A checked text, where it came from and what it is called."""

    name: str
    text: str
    source: Literal["bundled", "imported", "file"]
    path: Path | None
    manifest: Manifest

    @cached_property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    @cached_property
    def stats(self) -> CorpusStats:
        words = sum(1 for t in split_words(self.text) if t[0].isalnum())
        return CorpusStats(
            chars=len(self.text),
            words=words,
            lines=self.text.count("\n") + (not self.text.endswith("\n")),
            distinct_chars=len(set(self.text)),
        )

    def preview(self, chars: int = 600) -> str:
        """The text's opening, lines a wrapper broke joined again, cut at the end of a word."""
        text = join_soft_wraps(self.text[: chars * 2])
        if len(text) <= chars:
            return text
        cut = text.rfind(" ", 0, chars)
        return text[: cut if cut > chars // 2 else chars].rstrip() + " …"

    def split(self, val_fraction: float = 0.1, mode: SplitMode = "interleaved") -> tuple[str, str]:
        """(train_text, val_text).

        `interleaved` cuts the text into blocks at line breaks and sends every
        tenth block (for the default fraction) to validation, so validation
        samples the whole text rather than only its ending (a story corpus's
        last pages are not like its first). `tail` is nanoGPT's split: the last
        `val_fraction` of the characters, for comparisons with published numbers.
        """
        return split_text(self.text, val_fraction, mode)


def is_soft_wrapped(text: str) -> bool:
    """True when nearly every line break inside a paragraph is one a greedy wrapper was forced to make."""
    lines = text.split("\n")
    breaks = [(line, after.split(" ", 1)[0]) for line, after in zip(lines, lines[1:]) if line.strip() and after.strip()]
    width = max((len(line) for line, _ in breaks), default=0)
    forced = sum(len(line) + 1 + len(word) > width for line, word in breaks)  # the next word would not fit
    return width >= 40 and forced >= 0.9 * len(breaks)


def join_soft_wraps(text: str) -> str:
    """Join the lines of a text a fixed-width wrapper broke (prose); keep an author's (verse).

    A wrapper breaks a line only where the next word would not fit; an author
    breaks where the verse ends. When nearly every break inside a paragraph is
    one a wrapper was forced to make, single line breaks become spaces and blank
    lines stay, so a preview in a narrower pane wraps once, not twice
    ("A red leaf / lay / in the ditch").
    """
    if not is_soft_wrapped(text):
        return text
    paragraphs = re.split(r"\n[ \t]*\n", text)
    return "\n\n".join(" ".join(part.strip() for part in paragraph.split("\n")) for paragraph in paragraphs)


def split_text(text: str, val_fraction: float = 0.1, mode: SplitMode = "interleaved") -> tuple[str, str]:
    if not 0.0 < val_fraction < 0.5:
        raise ValueError("val_fraction must be between 0 and 0.5")
    if mode == "tail":
        cut = int(len(text) * (1.0 - val_fraction))
        return text[:cut], text[cut:]
    every = max(2, round(1.0 / val_fraction))
    blocks = _blocks_at_line_breaks(text, count=max(every, min(20 * every, len(text) // 2_000)))
    chosen = every // 2  # the middle block of each period, so neither end of the text is favoured
    train = "".join(b for i, b in enumerate(blocks) if i % every != chosen)
    val = "".join(b for i, b in enumerate(blocks) if i % every == chosen)
    return train, val


def _blocks_at_line_breaks(text: str, count: int) -> list[str]:
    """Roughly equal blocks, each cut just after a line break where one is near."""
    size = len(text) / count
    cuts = [0]
    for i in range(1, count):
        target = int(i * size)
        newline = text.find("\n", target, target + int(size / 2))
        cut = newline + 1 if newline >= 0 else target
        if cut > cuts[-1]:
            cuts.append(cut)
    cuts.append(len(text))
    return [text[a:b] for a, b in zip(cuts, cuts[1:]) if b > a]


def validate_text(raw: bytes, origin: str, max_bytes: int = DEFAULT_MAX_BYTES, *, min_chars: int = MIN_CHARS) -> str:
    """Decode and check raw bytes; return clean text or raise `CorpusError`.

    With `min_chars=0` (a text to examine, a prompt) short and blank texts pass.
    """
    if len(raw) > max_bytes:
        raise CorpusError(files.too_big(origin, max_bytes, len(raw), MAX_MB_HINT))
    for bom, encoding in _WIDE_BOMS:
        if raw.startswith(bom):
            raise CorpusError(f"{origin} is {encoding} text; save it as UTF-8.")
    if b"\x00" in raw:
        raise CorpusError(f"{origin} looks like a binary file, not text.")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise CorpusError(
            f"{origin} is not UTF-8 text (byte 0x{raw[error.start]:02x} at offset {error.start})."
        ) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if min_chars and not text.strip():
        raise CorpusError(f"{origin} is empty.")
    non_printable = sum(
        1 for ch in text if not ch.isprintable() and ch not in "\n\t" and unicodedata.category(ch) not in _TEXT_CATEGORIES
    )
    if non_printable > MAX_NON_PRINTABLE_SHARE * len(text):
        raise CorpusError(f"{origin} looks like a binary file, not text.")
    if len(text) < min_chars:
        raise CorpusError(
            f"{origin} has only {len(text):,} characters; seussbot needs at least {min_chars:,} to learn from."
        )
    return text


def read_text_file(path: Path, max_bytes: int = DEFAULT_MAX_BYTES, *, min_chars: int = MIN_CHARS, hint: str = MAX_MB_HINT) -> str:
    """Read and validate a text file without reading past `max_bytes`; pipes and devices are refused.

    `hint` says how to raise the limit in the refusal ("" where it cannot be raised).
    """
    raw = files.read_bounded(path, max_bytes, CorpusError, "text file", hint)
    return validate_text(raw, f"'{path}'", max_bytes, min_chars=min_chars)


def _read_manifest(json_path: Path, name: str) -> Manifest:
    try:
        data = json.loads(files.read_bounded(json_path, MAX_MANIFEST_BYTES, CorpusError).decode("utf-8"))
        if not isinstance(data, dict):
            raise ValueError
    except (CorpusError, ValueError):
        return Manifest(name=name, title=name, description="")
    return Manifest.from_json(data, name)


def _named_corpora(folder: Path, source: Literal["bundled", "imported"]) -> dict[str, tuple[Path, Manifest]]:
    found: dict[str, tuple[Path, Manifest]] = {}
    if folder.is_dir():
        for text_path in sorted(folder.glob("*.txt")):
            name = text_path.stem
            found[name] = (text_path, _read_manifest(text_path.with_suffix(".json"), name))
    return found


def bundled_names() -> list[str]:
    return list(_named_corpora(paths.bundled_corpora_dir(), "bundled"))


def list_corpora() -> list[tuple[str, Literal["bundled", "imported"], Path, Manifest]]:
    """Every corpus the library shows: bundled first, then the user's imports."""
    rows = []
    for source, folder in (("bundled", paths.bundled_corpora_dir()), ("imported", paths.corpora_dir())):
        for name, (path, manifest) in _named_corpora(folder, source).items():  # type: ignore[arg-type]
            rows.append((name, source, path, manifest))
    return rows


def load_corpus(name_or_path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Corpus:
    """Load a bundled corpus, an imported one, or a text file by path."""
    key = str(name_or_path)
    for source, folder in (("bundled", paths.bundled_corpora_dir()), ("imported", paths.corpora_dir())):
        named = _named_corpora(folder, source)  # type: ignore[arg-type]
        if key in named:
            path, manifest = named[key]
            return Corpus(key, read_text_file(path, max_bytes), source, path, manifest)  # type: ignore[arg-type]
    path = Path(key).expanduser()
    looks_like_path = path.suffix or "/" in key or "\\" in key or path.exists()
    if not looks_like_path:
        known = ", ".join(name for name, *_ in list_corpora())
        raise CorpusError(f"No corpus named '{key}'; known corpora: {known}.")
    text = read_text_file(path, max_bytes)
    name = paths.safe_name(path.stem)
    return Corpus(name, text, "file", path, Manifest(name=name, title=path.name, description=f"Text from {path}"))


_TITLE_LINE = re.compile(r"\S")


def describe_first_line(text: str, width: int = 70) -> str:
    """A one-line description for an imported file: its first non-blank line."""
    for line in text.splitlines():
        if _TITLE_LINE.search(line):
            line = " ".join(line.split())
            return line if len(line) <= width else line[: width - 1] + "\u2026"
    return ""
