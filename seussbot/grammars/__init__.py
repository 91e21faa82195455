"""Bundled grammar corpora: seeded generators and exact checkers, one module per corpus.

Why this package exists: a network's writing mistakes are only worth showing
if we can say *exactly* what is wrong and where. The ``spot`` and
``homecoming`` corpora are generated from tiny grammars, so a checker can
point at the precise characters that break a rule. ``rhymes`` is generated
too (so it can be regenerated and stays original), but has no checker.

Everything here is pure standard-library Python: no printing (except the
``python -m seussbot.grammars`` corpus writer), no Textual, no torch.

Checkers accept ANY text (half-trained gibberish included). A sample may
begin or end anywhere, so a sentence or story cut off at the very start or
end of the text is judged leniently: only what is provably wrong is flagged.
"""

from __future__ import annotations

from typing import Callable

from seussbot.grammars import homecoming, rhymes, spot
from seussbot.grammars.base import REASONS, Grammar, ProbeQuestion, ProbeSpec, Violation
from seussbot.grammars.homecoming import (
    HEROES,
    HOMECOMING_BANDS,
    HomecomingReport,
    Story,
    check_homecoming,
    generate_homecoming,
    homecoming_stories,
)
from seussbot.grammars.rhymes import generate_rhymes
from seussbot.grammars.spot import SPOT_NAMES, SPOT_VOCAB, check_spot, generate_spot

__all__ = [
    "Violation",
    "Grammar",
    "ProbeQuestion",
    "ProbeSpec",
    "HomecomingReport",
    "Story",
    "REASONS",
    "SPOT_NAMES",
    "SPOT_VOCAB",
    "HEROES",
    "HOMECOMING_BANDS",
    "check_spot",
    "check_homecoming",
    "homecoming_stories",
    "GRAMMARS",
    "CHECKERS",
    "GENERATORS",
    "generate_spot",
    "generate_homecoming",
    "generate_rhymes",
]

GRAMMARS: dict[str, Grammar] = {g.GRAMMAR.name: g.GRAMMAR for g in (spot, homecoming, rhymes)}
CHECKERS: dict[str, Callable[[str], list[Violation]]] = {n: g.check for n, g in GRAMMARS.items() if g.check}
GENERATORS: dict[str, Callable[..., str]] = {n: g.generate for n, g in GRAMMARS.items()}
