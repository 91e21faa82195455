"""Where the writing panel gets a network to write with.

While a session trains, every writing starts from a fresh snapshot of its
weights; a model that cannot train (its corpus is gone) still writes from
the loaded weights. Either way the panel sees the same small interface.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from seussbot.corpus import Corpus
    from seussbot.mistakes import CorpusProfile
    from seussbot.model import CharRNN
    from seussbot.vocab import Vocab


@dataclass(frozen=True)
class ModelSource:
    vocab: "Vocab"
    snapshot: Callable[[], "CharRNN"]  # thread-safe; called in worker threads
    profile: "CorpusProfile | None" = None  # the corpus's rules for mistakes, when the corpus is at hand


def mistake_profile(corpus: "Corpus", level: str) -> "CorpusProfile | None":
    """The corpus's mistake rules (cached on disk); None if they cannot be built."""
    from seussbot.mistakes.for_corpus import profile_for_corpus

    try:
        return profile_for_corpus(corpus, level)
    except Exception:  # marking mistakes is a bonus: never let it stop writing or training
        return None
