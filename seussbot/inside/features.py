"""Nameable features of a text, one number per token, for finding cells that track them.

Karpathy, Johnson & Fei-Fei (2015) found a cell that is on inside quotes and one
that counts along the line; these are the features to look for, plus the one
homecoming's rule needs: which hero's name is being held until the ending.
Each feature is plain code over the token strings, so a person can check it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

OPEN_QUOTES, CLOSE_QUOTES = "“\"", "”\""  # a straight quote opens or closes
SENTENCE_ENDS = ".!?"


@dataclass(frozen=True)
class Feature:
    key: str
    name: str  # how a person says it: "inside quotes"
    values: Callable[[list[str]], list[float]]


def inside_quotes(tokens: list[str]) -> list[float]:
    """1 from an opening quote to just before its closing one (straight quotes toggle): the
    state after reading the opening quote is the first that knows it is inside.

    Single curly quotes are left out: ’ is an apostrophe far more often than a quote.
    """
    inside, out = False, []
    for token in tokens:
        if inside and token in CLOSE_QUOTES:
            inside = False
            out.append(0.0)
        elif not inside and token in OPEN_QUOTES:
            inside = True
            out.append(1.0)
        else:
            out.append(1.0 if inside else 0.0)
    return out


def line_position(tokens: list[str]) -> list[float]:
    """How many tokens since the last line break."""
    column, out = 0, []
    for token in tokens:
        column = 0 if token == "\n" else column + 1
        out.append(float(column))
    return out


def in_word(tokens: list[str]) -> list[float]:
    """1 on the letters of a word (an apostrophe between letters included)."""
    out = []
    for i, token in enumerate(tokens):
        letter = token[:1].isalnum()
        joined = token in "'’-" and 0 < i < len(tokens) - 1 and tokens[i - 1][:1].isalpha() and tokens[i + 1][:1].isalpha()
        out.append(1.0 if letter or joined else 0.0)
    return out


def sentence_start(tokens: list[str]) -> list[float]:
    """1 from a sentence's end (. ! ?) through the first letter of the next sentence."""
    waiting, out = True, []
    for token in tokens:
        if token and token in SENTENCE_ENDS:
            waiting = True
            out.append(1.0)
        elif waiting and token[:1].isalnum():
            waiting = False
            out.append(1.0)
        else:
            out.append(1.0 if waiting else 0.0)
    return out


FEATURES: tuple[Feature, ...] = (
    Feature("quote", "inside quotes", inside_quotes),
    Feature("line", "position in the line", line_position),
    Feature("word", "inside a word", in_word),
    Feature("sentence", "start of a sentence", sentence_start),
)


def hero_features(text: str) -> list[Feature]:
    """Per hero of homecoming, 1 while a story about that hero is waiting for its ending.

    Character level only (positions are characters); empty when the text holds no stories.
    """
    from seussbot.grammars.homecoming import HEROES, homecoming_stories

    stories = homecoming_stories(text)
    found = []
    for hero in HEROES:
        spans = [(s.opening_end, s.ending_start) for s in stories if s.hero == hero]
        if not spans:
            continue

        def held(tokens: list[str], spans: list[tuple[int, int]] = spans) -> list[float]:
            out = [0.0] * len(tokens)
            for begin, end in spans:
                out[begin:end] = [1.0] * (min(end, len(tokens)) - min(begin, len(tokens)))
            return out

        found.append(Feature(f"hero:{hero}", f"holding the hero {hero}", held))
    return found
