"""The mistakes an RNN makes, named in anything it writes.

The slides' three ("Doug saw Doug.", "Jane saw Spot saw Doug saw ...",
"Spot. Doug. Jane.") and their cousins are found by rules read off the
training text itself (`CorpusProfile`), so the book's own held-out text is
nearly free of flags and a half-trained network's output is full of them.

    profile = profile_for(train_text, held_out_text=val_text, grammar="spot", level="word", cache_dir=cache)
    stream = MistakeStream(profile, prompt="Doug")
    for ch in generated:
        new = stream.feed(ch)        # mistakes found (or grown) by this character
    stream.finish()
    stream.mistakes, stream.counts(), stream.per_100_words()

Engine code: no printing, no UI imports; standard library, and pyspellchecker's
English word list, read only when a word outside the book first needs it
(`english.py`).
"""

from seussbot.mistakes.base import Mistake, MistakeKind
from seussbot.mistakes.for_corpus import profile_for_corpus
from seussbot.mistakes.kinds import DETECTORS, KINDS, NEUTRAL
from seussbot.mistakes.profile import CorpusProfile, profile_for
from seussbot.mistakes.report import summary_counts, to_json
from seussbot.mistakes.stream import MistakeStream, find_mistakes, score_text

__all__ = [
    "DETECTORS",
    "KINDS",
    "NEUTRAL",
    "CorpusProfile",
    "Mistake",
    "MistakeKind",
    "MistakeStream",
    "find_mistakes",
    "profile_for",
    "profile_for_corpus",
    "score_text",
    "summary_counts",
    "to_json",
]
