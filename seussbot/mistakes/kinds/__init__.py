"""Every kind of mistake, one detector class per module, in display order.

To add a kind: write a `Detector` subclass in a new module here, add it to
`DETECTORS`, and give it tests. A kind worth showing that is no mistake
(`new-word`) says `neutral=True` and is left out of every mistake count.
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
