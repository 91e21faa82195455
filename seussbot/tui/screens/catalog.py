"""What the library lists: corpora (bundled and imported) and saved models.

A thin, torch-free layer over `seussbot.corpus` and `seussbot.store`, so the
library can draw its first frame before the training engine has loaded.
Corpus statistics need the whole text read and checked, so they are loaded
on demand (in a worker) and cached.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from seussbot import store
from seussbot.corpus import CorpusStats, Manifest, list_corpora, load_corpus
from seussbot.errors import SeussbotError
from seussbot.store import ModelSummary

PREFERRED_DEFAULT = ("seussian", "rhymes")


@dataclass(frozen=True)
class CorpusEntry:
    name: str
    source: str  # "bundled" or "imported"
    path: Path
    manifest: Manifest


@dataclass(frozen=True)
class CorpusDetails:
    """A corpus's statistics and the start of its text, or why it cannot be used."""

    stats: CorpusStats | None
    preview: str
    error: str | None = None


class Catalog:
    """Reads the library's contents; `only` limits the corpora shown (for fixed screenshots)."""

    def __init__(self, only: tuple[str, ...] | None = None) -> None:
        self.only = only
        self._details: dict[tuple[str, float], CorpusDetails] = {}
        self._lock = threading.Lock()

    def corpora(self) -> list[CorpusEntry]:
        rows = [CorpusEntry(name, source, path, manifest) for name, source, path, manifest in list_corpora()]
        return [row for row in rows if self.only is None or row.name in self.only]

    def models(self) -> list[ModelSummary]:
        return store.list_models()

    def default_corpus(self, entries: list[CorpusEntry]) -> str | None:
        names = [entry.name for entry in entries]
        return next((name for name in PREFERRED_DEFAULT if name in names), names[0] if names else None)

    def details(self, entry: CorpusEntry, preview_chars: int = 4000) -> CorpusDetails:
        """Stats and preview; slow for big files, so call it from a worker thread."""
        key = (entry.name, _mtime(entry.path))
        with self._lock:
            if key in self._details:
                return self._details[key]
        try:
            corpus = load_corpus(entry.name)
            found = CorpusDetails(corpus.stats, corpus.preview(preview_chars))
        except SeussbotError as error:
            found = CorpusDetails(None, "", str(error))
        with self._lock:
            self._details[key] = found
        return found

    def cached_details(self, entry: CorpusEntry) -> CorpusDetails | None:
        with self._lock:
            return self._details.get((entry.name, _mtime(entry.path)))


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0
