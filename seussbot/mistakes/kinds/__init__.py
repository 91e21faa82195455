"""Every kind of mistake, one detector class per module, in display order.

To add a kind: write a `Detector` subclass in a new module here, add it to
`DETECTORS`, and give it a test file; nothing else changes. Its rule may use
the profile's basics (`words`, `total_words`, `total_tokens`, `held_out_words`).
If it needs more of the book, the module says what and counts it itself: a
frozen dataclass of the statistics (ints, strings, dicts, frozensets) set as
the detector's `Stats`, and a `collector`, a reader listener with the
`Detector` event methods it needs whose `finish()` returns one. The profile
reads the book once for every kind, keeps each kind's statistics under its
name, caches them as JSON read off the dataclass's field types, and the
detector finds its own in `self.stats` (`unseen_pair.py` is the smallest
example). A cached profile without a kind's statistics is counted again;
bump `profile.PROFILE_VERSION` when a kind's statistics change what they mean.
A kind worth showing that is no mistake (`new-word`) says `neutral=True` and is
left out of every mistake count.
Grammar comes last so that it can see what the statistics already found and
not report it twice.
"""

from __future__ import annotations

from seussbot.mistakes.base import Detector, MistakeKind
from seussbot.mistakes.kinds.copied import Copied
from seussbot.mistakes.kinds.echo import Echo
from seussbot.mistakes.kinds.fragment import Fragment
from seussbot.mistakes.kinds.grammar import Grammar
from seussbot.mistakes.kinds.loop import Loop
from seussbot.mistakes.kinds.made_up import MadeUp
from seussbot.mistakes.kinds.new_word import NewWord
from seussbot.mistakes.kinds.run_on import RunOn
from seussbot.mistakes.kinds.unclosed import Unclosed
from seussbot.mistakes.kinds.unseen_pair import UnseenPair

DETECTORS: tuple[type[Detector], ...] = (
    Echo,
    RunOn,
    Fragment,
    MadeUp,
    NewWord,
    Loop,
    Copied,
    UnseenPair,
    Unclosed,
    Grammar,
)

KINDS: dict[str, MistakeKind] = {kind.name: kind for detector in DETECTORS for kind in detector.kinds}
NEUTRAL: frozenset[str] = frozenset(name for name, kind in KINDS.items() if kind.neutral)  # shown, not mistakes

__all__ = ["DETECTORS", "KINDS", "NEUTRAL"]
