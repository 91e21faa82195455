"""What the look-inside view looks into: a text and a network, live from the studio or saved.

From the studio the network is the write panel's source (a fresh snapshot of
the training weights per reading); from the library it is a saved model,
loaded in the view's worker with its corpus when the corpus is still there.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from seussbot.errors import SeussbotError
from seussbot.tui.widgets.model_source import ModelSource

if TYPE_CHECKING:
    from seussbot.corpus import Corpus
    from seussbot.inside.reading import Reading
    from seussbot.model import CharRNN


@dataclass(frozen=True)
class InsideRequest:
    """What to look into: a text, and the network (a live source, or a saved model's name)."""

    text: str
    source: ModelSource | None = None
    model: str | None = None
    corpus: "Corpus | None" = None  # whose validation text the cells are found in
    split_mode: str = "interleaved"
    name: str = ""
    note: str = ""  # said after what was read, e.g. which weights read it


@dataclass(frozen=True)
class Looked:
    """What one reading found: the text read, the network, the weights it was read with (the reach
    and the cells look at the same ones), the reading, and the corpus whose rules and text apply."""

    text: str
    source: ModelSource | None
    model: "CharRNN | None"
    reading: "Reading | None"
    corpus: "Corpus | None"
    split_mode: str


def excerpt(text: str, chars: int = 800) -> str:
    """The start of `text`, cut at a line break."""
    cut = text.rfind("\n", 0, chars)
    return text[: cut + 1 if cut > chars // 2 else chars]


def load_saved(name: str) -> tuple[ModelSource, "Corpus | None", str]:
    """A saved model to look into, with its corpus's rules and text when the corpus can be loaded."""
    from seussbot.corpus import load_corpus
    from seussbot.session import load_model, recorded_corpus
    from seussbot.tui.widgets.model_source import mistake_profile

    loaded = load_model(name)
    split = str(loaded.meta.get("training", {}).get("split_mode", "interleaved"))
    try:
        corpus = load_corpus(recorded_corpus(loaded))
    except SeussbotError:
        return ModelSource(loaded.vocab, lambda: loaded.model), None, split
    return ModelSource(loaded.vocab, lambda: loaded.model, mistake_profile(corpus, loaded.vocab.level)), corpus, split
