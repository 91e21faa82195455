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
class Grammar:
    """One bundled corpus's grammar: how to generate it, how to check it, how far its rules reach."""

    name: str
    generate: Callable[..., str]  # default arguments reproduce the file in corpora/
    check: Callable[[str], list[Violation]] | None = None  # None: nothing exact to check
    # How much earlier text a check must see to judge a new sentence (mistake detectors
    # check a window this long rather than the whole text at every sentence).
    context_chars: int = DEFAULT_CONTEXT_CHARS
