"""Mistakes as plain data, for `seussbot mistakes --json` and anything else that wants JSON."""

from __future__ import annotations

from typing import Iterable

from seussbot.mistakes.base import Mistake
from seussbot.mistakes.kinds import KINDS


def to_json(mistakes: Iterable[Mistake]) -> list[dict]:
    """One dict per find: kind, label, colour, start, end, text, detail, explanation, and
    neutral (true for a kind that is shown but is no mistake, such as `new-word`)."""
    rows = []
    for m in mistakes:
        kind = KINDS.get(m.kind)
        rows.append(
            {
                "kind": m.kind,
                "label": kind.label if kind else m.kind,
                "colour": kind.colour if kind else None,
                "start": m.start,
                "end": m.end,
                "text": m.text,
                "detail": m.detail,
                "explanation": kind.explanation if kind else "",
                "neutral": kind.neutral if kind else False,
            }
        )
    return rows


def summary_counts(mistakes: Iterable[Mistake]) -> dict[str, int]:
    """How many of each kind, in display order, kinds with none left out."""
    counts = {name: 0 for name in KINDS}
    for m in mistakes:
        counts[m.kind] = counts.get(m.kind, 0) + 1
    return {name: n for name, n in counts.items() if n}
