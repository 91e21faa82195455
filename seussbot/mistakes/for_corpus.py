"""The profile a corpus's writers are judged against, built the one way everyone shares.

Statistics come from the training split only: the network never read the
validation text, so held-out writing should look new to the detectors too.
Which words the book uses at all comes from the whole text: a word of the
validation split is the author's, never one the network made up.
"""

from __future__ import annotations

from seussbot import paths
from seussbot.corpus import Corpus
from seussbot.mistakes.profile import CorpusProfile, profile_for


def profile_for_corpus(corpus: Corpus, level: str | None = None) -> CorpusProfile:
    train_text, val_text = corpus.split()
    return profile_for(
        train_text,
        held_out_text=val_text,
        grammar=corpus.manifest.grammar,
        level=level or corpus.manifest.level,
        cache_dir=paths.cache_dir(),
    )
