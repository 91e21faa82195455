"""The allowed range of every number a person can set, written once.

The command line turns each range into a usage error that says it
(`--hidden: must be a whole number from 8 to 4,096`), and `ModelConfig` checks
a saved model's network against the same ranges before anything is built, so a
file that claims a million-wide layer is refused without allocating one. The
ranges are generous for a laptop and small enough that no single setting can
exhaust its memory.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Range:
    """Numbers from `low` to `high` (both included unless `above_low`)."""

    low: float
    high: float
    whole: bool = True
    above_low: bool = False  # `low` itself is not allowed (top-p: above 0)

    def __contains__(self, value: object) -> bool:
        if isinstance(value, bool) or not isinstance(value, int if self.whole else (int, float)):
            return False
        if not math.isfinite(value):
            return False
        return (value > self.low if self.above_low else value >= self.low) and value <= self.high

    @property
    def span(self) -> str:
        """'from 8 to 4,096', or 'above 0 and at most 1'."""
        if self.above_low:
            return f"above {_show(self.low)} and at most {_show(self.high)}"
        return f"from {_show(self.low)} to {_show(self.high)}"

    def describe(self) -> str:
        return f"{'a whole number' if self.whole else 'a number'} {self.span}"


def _show(number: float) -> str:
    return f"{int(number):,}" if float(number).is_integer() else f"{number:g}"


# The network.
VOCAB_SIZE = Range(1, 1_000_000)
EMBED_DIM = Range(1, 4096)
HIDDEN = Range(8, 4096)
LAYERS = Range(1, 8)
DROPOUT = Range(0, 0.9, whole=False)

# A training run.
BATCH_SIZE = Range(1, 1024)
SEQ_LEN = Range(8, 4096)  # tokens per window; shorter windows are widened to 8 anyway
LR = Range(1e-6, 1.0, whole=False)
THREADS = Range(1, 256)
SEED = Range(0, 2**32 - 1)
COMPARE_SAMPLES = Range(0, 64)  # samples per model a comparison judges
MAX_MB = Range(0, 256, whole=False, above_low=True)  # the largest corpus to accept, in MB

# Writing.
LENGTH = Range(0, 100_000)  # tokens to write
TEMPERATURE = Range(0, 10, whole=False)
TOP_K = Range(1, VOCAB_SIZE.high)
TOP_P = Range(0, 1, whole=False, above_low=True)
BEAM_WIDTH = Range(1, 64)
NO_REPEAT = Range(1, 1000)  # tokens in the N-gram a beam may not repeat
MAX_PROMPT_BYTES = 1024 * 1024  # a prompt file is read through the network in chunks
CELLS_TOKENS = Range(100, 2_000_000)  # tokens of validation text `seussbot cells` reads

# Serving a classroom.
PORT = Range(1, 65535)
SESSIONS = Range(1, 1024)  # browser tabs at once, each its own app process
