"""How the engine's numbers read to a person: losses in bits, times on a clock.

The engine reports losses in nats per token; people compare bits per character
(what compression is measured in). Shared by the CLI and the TUI.
"""

from __future__ import annotations

import math

BITS_PER_NAT = 1 / math.log(2)


def bits(nats: float) -> float:
    """A loss in nats per token as bits per token."""
    return nats * BITS_PER_NAT


def clock(seconds: float | None) -> str:
    """Seconds as m:ss or h:mm:ss; '–' when unknown."""
    if seconds is None or not math.isfinite(seconds):
        return "–"
    seconds = max(0, int(round(seconds)))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
