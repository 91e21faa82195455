"""What every bundled grammar shares: the broken-rule record, the reasons, a line wrapper.

A grammar module (one per corpus) generates its corpus and, when it can, checks
any text against the corpus's rules exactly; `Grammar` is how it describes
itself to the rest of seussbot, so nothing outside this package names a corpus.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

@dataclass(frozen=True)
class Violation:
    """One broken rule, located exactly so the UI can highlight it."""

    start: int  # character offset into the checked text
    end: int  # exclusive
    reason: str  # a short fixed identifier (a key of REASONS)
    message: str  # one plain sentence a child could follow


#: Every reason identifier a checker can return, with a short description.
#: Exported so a consumer can enumerate (and label) reasons without guessing.
REASONS: dict[str, str] = {
    "self-reference": "a name saw itself",
    "run-on": "more than one 'saw' before the full stop",
    "missing-verb": "a sentence with no 'saw'",
    "broken-chain": "did not start with the name the last sentence ended on",
    "unknown-word": "a word that is not in the book",
    "bad-shape": "not 'name saw name' (a name is missing or extra)",
    "forgot-hero": "the story switched to the wrong hero, or sent the wrong one home",
    "no-ending": "a story that never ended, or an ending with no story",
}


def wrap(text: str, width: int) -> str:
    """Greedy word wrap that only turns single spaces into newlines.

    Why: the length and every character offset of the text are preserved,
    so distances measured before wrapping stay true after it.
    """
    words = text.split(" ")
    lines: list[str] = []
    line = ""
    for word in words:
        if not line:
            line = word
        elif len(line) + 1 + len(word) <= width:
            line += " " + word
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    return "\n".join(lines)




DEFAULT_CONTEXT_CHARS = 2000  # more than any bundled corpus's rules need


@dataclass(frozen=True)
class ProbeQuestion:
    """One place in a held-out text where the corpus's rule alone says what comes next.

    The network reads the text up to ``offset`` and must predict the token that
    starts there (the held-out text is right by construction, so the text itself
    is the answer). ``since`` is where the memory the answer needs begins (the
    hero's last mention): a reader that started after it could not know.
    """

    offset: int  # character offset of the token to predict
    since: int  # character offset where the needed context begins
    band: int  # index into ProbeSpec.bands


@dataclass(frozen=True)
class ProbeSpec:
    """A grammar's probe: which predictions test its rule, grouped into labelled bands.

    Pure text, no network: ``seussbot.probe`` runs a model over the held-out
    text and scores the questions ``ask`` finds there.
    """

    title: str  # "right hero at the ending", what a share of right answers measures
    bands: tuple[str, ...]  # labels, e.g. "15-40"; one unlabelled band is ("",)
    band_heading: str  # "by distance" (shown before the bands when there are several)
    chance: float  # share right by guessing among the possible answers
    milestone: str  # "remember the hero": said as "learned to remember the hero at step N"
    ask: Callable[[str], list[ProbeQuestion]]
    learned_at: float = 0.5  # the overall share that counts as having learned the rule


@dataclass(frozen=True)
class Grammar:
    """One bundled corpus's grammar: how to generate it, how to check it, how far its rules reach."""

    name: str
    generate: Callable[..., str]  # default arguments reproduce the file in corpora/
    check: Callable[[str], list[Violation]] | None = None  # None: nothing exact to check
    # How much earlier text a check must see to judge a new sentence (mistake detectors
    # check a window this long rather than the whole text at every sentence).
    context_chars: int = DEFAULT_CONTEXT_CHARS
    probe: ProbeSpec | None = None  # None: no rule to measure a network's predictions by
    # The mistake kinds (seussbot.mistakes names) that show this corpus's lesson fading, charted apart.
    key_mistakes: tuple[str, ...] = ()
