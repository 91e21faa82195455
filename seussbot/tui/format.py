"""How numbers read on screen: losses in bits, counts with separators, clock times."""

from __future__ import annotations

import math

from seussbot.units import BITS_PER_NAT, bits, clock

__all__ = ["BITS_PER_NAT", "bits", "clock", "count", "loss_text", "short_count"]


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
