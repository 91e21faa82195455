"""Argument types for the command line: every out-of-range value is a usage error that says the range."""

from __future__ import annotations

import argparse
import math
from typing import Callable

from seussbot import limits

DEVICES = ("auto", "cpu", "cuda", "mps")


def within(allowed: limits.Range) -> Callable[[str], float]:
    """An argparse type: a number in `allowed`, or a usage error that says the range."""

    def parse(text: str) -> float:
        try:
            value = int(text) if allowed.whole else float(text)
        except ValueError:
            value = None
        if value not in allowed:
            raise argparse.ArgumentTypeError(f"must be {allowed.describe()}")
        return value  # type: ignore[return-value]

    return parse


def device(name: str) -> str:
    """An argparse type: a device that exists here (torch is imported only to check cuda or mps)."""
    if name in ("cuda", "mps"):
        from seussbot.model import device_problem

        problem = device_problem(name)
        if problem:
            raise argparse.ArgumentTypeError(f"{problem}; use --device cpu")
    return name


def until(text: str):
    """An argparse type: where to stop writing (`seussbot.until.Until`), or a usage error that says the choices."""
    from seussbot.errors import PromptError
    from seussbot.until import CHOICES, Until

    try:
        return Until.parse(text)
    except PromptError:
        raise argparse.ArgumentTypeError(f"must be {CHOICES}") from None


def positive_int(text: str) -> int:
    value = int(text)
    if value <= 0:
        raise argparse.ArgumentTypeError("must be a positive whole number")
    return value


def whole_number(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must be a whole number, 0 or more")
    return value


def positive_float(text: str) -> float:
    value = float(text)
    if not value > 0 or not math.isfinite(value):
        raise argparse.ArgumentTypeError("must be a positive number")
    return value
