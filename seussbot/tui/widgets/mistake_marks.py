"""Mistakes as the screen shows them: marks over the text, a tally, a colour per kind.

The detectors live in `seussbot.mistakes`; this only translates their
findings into marks for the stream view and numbers for the tally. Each kind
brings its own colour (chosen to read on dark and light); a mark tints the
background with it, so the probability colour of the letters stays visible.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.style import Style
from textual.color import Color
from textual.content import Content

from seussbot.tui.widgets.written import Mark

if TYPE_CHECKING:
    from seussbot.mistakes import Mistake
    from seussbot.writing import Tally

MARK_TINT = 0.4  # how much of the kind's colour shows behind marked letters


def as_marks(mistakes: list["Mistake"]) -> list[Mark]:
    from seussbot.mistakes import KINDS, NEUTRAL

    return [
        Mark(m.start, m.end, m.kind, KINDS[m.kind].label if m.kind in KINDS else m.kind, m.detail, m.kind in NEUTRAL)
        for m in mistakes
    ]


def mark_styles(background: Color) -> dict[str, Style]:
    """A style per kind: its colour blended into `background`, underlined."""
    from seussbot.mistakes import KINDS

    return {
        name: Style(bgcolor=background.blend(Color.parse(kind.colour), MARK_TINT).rich_color, underline=True)
        for name, kind in KINDS.items()
    }


def explain(mark: Mark) -> str:
    """What the status line says with the cursor on a marked letter."""
    from seussbot.mistakes import KINDS

    kind = KINDS.get(mark.kind)
    explanation = kind.explanation if kind else ""
    # The detail names this very case ('"stirk" is not a word...'): say it instead of the general rule.
    return f"{mark.label}: {mark.detail}" if mark.detail else f"{mark.label}: {explanation}"


def tally_content(tally: "Tally", width: int = 0) -> Content:
    """'4.2 mistakes per 100 words  ■ said twice 2  ■ made-up word 3   ■ new word 1 (not a mistake)'.

    Only kinds found are listed; neutral kinds come last, muted, and are not in the rate.
    With a `width`, lines break between items, never inside one ("■ forgot the hero 8" stays whole).
    """
    from seussbot.mistakes import KINDS, NEUTRAL

    if not tally.words and not any(tally.counts.values()):
        return Content.styled("mistakes: none yet", "$foreground-muted")
    items: list[Content] = [
        Content.assemble((f"{tally.per_100_words:.1f}", "bold"), (" mistakes per 100 words", "$foreground-muted")),
    ]
    found = [(name, n) for name, n in tally.counts.items() if n]
    mistakes = [(name, n) for name, n in found if name not in NEUTRAL]
    if not mistakes:
        items.append(Content.styled("none found", "$foreground-muted"))
    for name, n in mistakes:
        kind = KINDS.get(name)
        items.append(Content.assemble(("■", kind.colour if kind else ""), f" {kind.label if kind else name} {n}"))
    for name, n in found:
        if name in NEUTRAL:  # shown apart, and said not to be mistakes
            verdict = "not a mistake" if n == 1 else "not mistakes"
            items.append(Content.assemble(("■", KINDS[name].colour), (f" {KINDS[name].label} {n} ({verdict})", "$foreground-muted")))
    return _lay_out(items, width)


def _lay_out(items: list[Content], width: int, gap: str = "  ") -> Content:
    """Items in a row, a line break before any item that would not fit whole."""
    parts: list[Content | str] = []
    used = 0
    for item in items:
        if parts and width and used + len(gap) + len(item.plain) > width:
            parts.append("\n")
            used = 0
        elif parts:
            parts.append(gap)
            used += len(gap)
        parts.append(item)
        used += len(item.plain)
    return Content.assemble(*parts)
