"""spot: "Doug saw Jane. Jane saw Spot. Spot saw Doug. ..." (the slides' toy story, word level).

Its rules reach one sentence back (each sentence starts with the name the last
one ended on), so a checker needs no more context than the text it is given.
"""

from __future__ import annotations

import random
import re
from typing import Sequence

from seussbot.grammars.base import Grammar, ProbeQuestion, ProbeSpec, Violation, wrap


SPOT_NAMES: tuple[str, ...] = ("Doug", "Jane", "Spot")
SPOT_VERB = "saw"
SPOT_VOCAB: frozenset[str] = frozenset(SPOT_NAMES + (SPOT_VERB,))

# A word is a run of anything but whitespace and full stops; "." is its own
# token, so "Jane saw Spot ." (word-level detokenised) reads like "Spot.".
_SPOT_TOKEN = re.compile(r"[^\s.]+|\.")


def generate_spot(sentences: int = 1200, seed: int = 0) -> str:
    """The spot corpus: a chain of "A saw B." sentences, A != B.

    Each sentence starts with the name the previous one ended on, so the
    whole corpus is one unbroken chain (it continues across line breaks).
    """
    rng = random.Random(seed)
    current = rng.choice(SPOT_NAMES)
    parts: list[str] = []
    for _ in range(sentences):
        other = rng.choice([n for n in SPOT_NAMES if n != current])
        parts.append(f"{current} {SPOT_VERB} {other}.")
        current = other
    return wrap(" ".join(parts), 66) + "\n"


def _spot_violation(
    start: int, end: int, reason: str, words: Sequence[str], prev: str | None
) -> Violation:
    """Build a spot Violation with a child-friendly message."""
    if reason == "unknown-word":
        msg = f'"{words[0]}" is not one of the words in this book.'
    elif reason == "self-reference":
        msg = f"{words[0]} cannot see {words[0]}; the second name must be someone else."
    elif reason == "run-on":
        msg = "This sentence has more than one \"saw\"; stop after the second name."
    elif reason == "missing-verb":
        msg = 'This sentence has no "saw" in it.'
    elif reason == "broken-chain":
        msg = f"This sentence should start with {prev}, the name the last one ended on."
    else:  # bad-shape
        msg = 'A sentence should be a name, then "saw", then one other name.'
    return Violation(start, end, reason, msg)


def check_spot(text: str, *, whole: bool = False) -> list[Violation]:
    """Find every provable break of the spot grammar in ``text``.

    Rules: every sentence is exactly "A saw B." with A != B, and starts with
    the name the previous sentence ended on.  The first sentence may have
    been cut at its start and the last at its end (a sample may begin and end
    anywhere); they are flagged only for what is wrong whatever was cut off.
    Pass ``whole=True`` when the text is known to start at a sentence start
    and to end at a sentence end, so those two are judged strictly too.

    Spans cover the offending sentence (full stop included), or the word for
    ``unknown-word``.  Results are sorted by position.
    """
    tokens = [(m.start(), m.end(), m.group()) for m in _SPOT_TOKEN.finditer(text)]
    sentences: list[tuple[list[tuple[int, int, str]], tuple[int, int, str] | None]] = []
    current: list[tuple[int, int, str]] = []
    for tok in tokens:
        if tok[2] == ".":
            sentences.append((current, tok))
            current = []
        else:
            current.append(tok)
    if current:
        sentences.append((current, None))

    out: list[Violation] = []
    prev: str | None = None  # name the previous sentence ended on, if known
    last_index = len(sentences) - 1
    for i, (words, stop) in enumerate(sentences):
        open_start = i == 0 and not whole
        open_end = stop is None and not whole
        if words:
            span_start = words[0][0]
            span_end = stop[1] if stop is not None else words[-1][1]
        elif stop is not None:
            span_start, span_end = stop[0], stop[1]
        else:  # pragma: no cover - an empty sentence always has a stop
            continue

        kept = list(words)
        # A word cut by the very start/end of the sample is not "unknown".
        if (
            open_start
            and kept
            and kept[0][0] == 0
            and kept[0][2] not in SPOT_VOCAB
            and any(v.endswith(kept[0][2]) for v in SPOT_VOCAB)
        ):
            kept.pop(0)
        if (
            open_end
            and i == last_index
            and kept
            and kept[-1][1] == len(text)
            and kept[-1][2] not in SPOT_VOCAB
            and any(v.startswith(kept[-1][2]) for v in SPOT_VOCAB)
        ):
            kept.pop()

        w = [t[2] for t in kept]
        unknown = [t for t in kept if t[2] not in SPOT_VOCAB]
        for s, e, word in unknown:
            out.append(_spot_violation(s, e, "unknown-word", [word], prev))

        saws = w.count(SPOT_VERB)
        if not unknown:
            reasons: list[str] = []
            if saws >= 2:
                reasons.append("run-on")
            elif saws == 0:
                if not w:
                    if stop is not None and not open_start and not words:
                        reasons.append("missing-verb")  # a stray full stop
                elif not open_start and not open_end:
                    reasons.append("missing-verb")
            else:
                k = w.index(SPOT_VERB)
                before, after = w[:k], w[k + 1 :]
                if len(before) == 1 and len(after) == 1:
                    if before[0] == after[0]:
                        reasons.append("self-reference")
                elif (
                    len(before) >= 2
                    or len(after) >= 2
                    or (not before and not open_start)
                    or (not after and not open_end)
                ):
                    reasons.append("bad-shape")
            if (
                saws >= 1
                and not open_start
                and prev is not None
                and w[0] in SPOT_NAMES
                and w[0] != prev
            ):
                reasons.append("broken-chain")
            for reason in reasons:
                out.append(_spot_violation(span_start, span_end, reason, w, prev))

        prev = w[-1] if (w and saws >= 1 and w[-1] in SPOT_NAMES) else None

    out.sort(key=lambda v: (v.start, v.end, v.reason))
    return out


def chain_questions(text: str) -> list[ProbeQuestion]:
    """Every sentence that follows a well-formed one: does the network start it with
    the name the last sentence ended on (the chain rule)?"""
    tokens = [(m.start(), m.group()) for m in _SPOT_TOKEN.finditer(text)]
    questions: list[ProbeQuestion] = []
    for i in range(3, len(tokens) - 1):
        (first, name), (_, verb), (last_at, last), (_, stop) = tokens[i - 3 : i + 1]
        following_at, following = tokens[i + 1]
        if stop == "." and verb == SPOT_VERB and name in SPOT_NAMES and last in SPOT_NAMES and following == last:
            questions.append(ProbeQuestion(following_at, last_at, 0))
    return questions


CHAIN_PROBE = ProbeSpec(
    title="next sentence starts with the last name",
    bands=("",),
    band_heading="",
    chance=1 / len(SPOT_NAMES),
    milestone="follow the chain",
    ask=chain_questions,
)


GRAMMAR = Grammar("spot", generate=generate_spot, check=check_spot, context_chars=0, probe=CHAIN_PROBE, key_mistakes=("echo", "run-on", "fragment"))
