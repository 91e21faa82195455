"""A bounded history of chart points that keeps its shape as it grows.

Training reports a loss ten times a second for as long as it runs; the chart
only has a hundred or so columns. `Series` keeps at most `capacity` points by
averaging neighbours in pairs whenever it fills up (so memory and drawing cost
stay flat), and `bucket` averages what is left into one value per column.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Point:
    step: float
    tokens: float
    value: float

    def x(self, axis: str) -> float:
        return self.tokens if axis == "tokens" else self.step


class Series:
    """Points of equal weight: each stands for `stride` raw points, and stride doubles when full."""

    def __init__(self, capacity: int = 2048) -> None:
        self.capacity = max(4, capacity)
        self._points: list[Point] = []
        self.stride = 1
        self._pending: list[Point] = []  # raw points not yet a full stride
        self.version = 0

    def __len__(self) -> int:
        return len(self._points) + bool(self._pending)

    @property
    def points(self) -> list[Point]:
        """The kept points, plus the latest partial one so the curve reaches the present."""
        return self._points + ([_mean(self._pending)] if self._pending else [])

    def append(self, step: float, tokens: float, value: float) -> None:
        self._pending.append(Point(step, tokens, value))
        if len(self._pending) == self.stride:
            self._points.append(_mean(self._pending))
            self._pending = []
            if len(self._points) > self.capacity:
                self._points = [_mean(list(pair)) for pair in zip(self._points[0::2], self._points[1::2])] + (
                    self._points[-1:] if len(self._points) % 2 else []
                )
                self.stride *= 2
        self.version += 1

    def clear(self) -> None:
        self._points, self._pending, self.stride = [], [], 1
        self.version += 1


def _mean(points: list[Point]) -> Point:
    n = len(points)
    return Point(sum(p.step for p in points) / n, sum(p.tokens for p in points) / n, sum(p.value for p in points) / n)


def bucket(points: list[Point], axis: str, x0: float, x1: float, columns: int) -> list[float | None]:
    """The mean value falling in each of `columns` equal slices of [x0, x1]."""
    sums = [0.0] * columns
    counts = [0] * columns
    span = (x1 - x0) or 1.0
    for p in points:
        if not math.isfinite(p.value):  # a diverged loss: no dot (the trainer reports its recovery)
            continue
        column = int((p.x(axis) - x0) / span * columns)
        column = min(columns - 1, max(0, column))
        sums[column] += p.value
        counts[column] += 1
    return [s / c if c else None for s, c in zip(sums, counts)]
