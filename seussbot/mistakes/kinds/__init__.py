"""Every kind of mistake, one detector class per module, in display order.

To add a kind: write a `Detector` subclass in a new module here, add it to
`DETECTORS`, and give it tests. Grammar comes last so that it can see what the
statistics already found and not report it twice.
"""

from __future__ import annotations

from seussbot.mistakes.base import Detector, MistakeKind
from seussbot.mistakes.kinds.copied import Copied
from seussbot.mistakes.kinds.echo import Echo
from seussbot.mistakes.kinds.fragment import Fragment
from seussbot.mistakes.kinds.grammar import Grammar
from seussbot.mistakes.kinds.loop import Loop
from seussbot.mistakes.kinds.made_up import MadeUp
from seussbot.mistakes.kinds.run_on import RunOn
from seussbot.mistakes.kinds.unclosed import Unclosed
from seussbot.mistakes.kinds.unseen_pair import UnseenPair

DETECTORS: tuple[type[Detector], ...] = (
    Echo,
    RunOn,
    Fragment,
    MadeUp,
    Loop,
    Copied,
    UnseenPair,
    Unclosed,
    Grammar,
)

KINDS: dict[str, MistakeKind] = {kind.name: kind for detector in DETECTORS for kind in detector.kinds}

__all__ = ["DETECTORS", "KINDS"]
