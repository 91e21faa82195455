"""Helpers shared by the benchmarks: finding the shared data, medians, tables."""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def shared_text(name: str = "tinyshakespeare.txt") -> Path:
    path = SHARED_DATA / name
    if not path.exists():
        sys.exit(f"benchmark needs {path} (the shared data folder beside the repository)")
    return path


def median(values: list[float]) -> float:
    return statistics.median(values)


def table(rows: list[list[str]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(cell.rjust(w) for cell, w in zip(row, widths)) for row in rows)
