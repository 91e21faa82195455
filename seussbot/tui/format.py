"""How numbers read on screen: losses in bits, counts with separators, clock times."""

from __future__ import annotations

import math

BITS_PER_NAT = 1 / math.log(2)


def bits(nats: float) -> float:
    """A loss in nats per token as bits per token (what people compare with compression)."""
    return nats * BITS_PER_NAT


def loss_text(nats: float | None) -> str:
    if nats is None or not math.isfinite(nats):
        return "–"
    return f"{bits(nats):.3f} bits"


def count(n: int) -> str:
    """1234567 -> '1,234,567'."""
    return f"{n:,}"


def short_count(n: float) -> str:
    """Axis labels and rates: 950, 12.3k, 4.5M."""
    n = float(n)
    for limit, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(n) >= limit:
            value = n / limit
            return f"{value:.1f}{suffix}".replace(".0" + suffix, suffix) if value < 100 else f"{value:.0f}{suffix}"
    return f"{n:.0f}"


def clock(seconds: float | None) -> str:
    """Seconds as m:ss or h:mm:ss; '–' when unknown."""
    if seconds is None or not math.isfinite(seconds):
        return "–"
    seconds = max(0, int(round(seconds)))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
