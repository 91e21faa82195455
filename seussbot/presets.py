"""Sizes of network and training run, chosen from the size of the corpus.

char-rnn's advice: the number of parameters and the number of characters in
the corpus should be of the same order of magnitude. A smaller network
underfits; a larger one memorises a small corpus within a few epochs. The
batch shapes are the fast ones measured on a 2-core CPU (see PERF-NOTES).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

# The kinds of recurrent cell a network can have (the model builds them; clients offer them).
Cell = Literal["lstm", "gru", "rnn"]
CELLS: tuple[Cell, ...] = ("lstm", "gru", "rnn")


@dataclass(frozen=True)
class Preset:
    name: str
    hidden_size: int
    layers: int
    embed_dim: int
    dropout: float
    batch_size: int
    seq_len: int
    lr: float
    blurb: str


PRESETS: dict[str, Preset] = {
    p.name: p
    for p in (
        Preset("tiny", 128, 1, 32, 0.0, 32, 64, 3e-3, "1 x 128 units, ~80k weights: toy corpora, seconds per epoch"),
        # Chosen by a manifest, never by size: for rules that reach far back (homecoming).
        # One layer takes three times the steps per second of two, and an LSTM finds a
        # long-range rule only after thousands of steps: 2 x 256 was still at chance on
        # homecoming's hero after 3 minutes, 1 x 256 named it in 81-100% of held-out endings within 4 minutes.
        Preset("single", 256, 1, 32, 0.0, 64, 64, 2e-3, "1 x 256 units, ~0.3M weights: one fast layer, for rules that reach far back"),
        Preset("small", 256, 2, 64, 0.1, 64, 64, 2e-3, "2 x 256 units, ~0.8M weights: 50 kB to 1 MB of text"),
        # No dropout at this size: on 1 MB of text it only paid off after ~10 minutes on 2 cores,
        # and between layers it stops oneDNN fusing them (measured 14.5k vs 17.7k chars/s).
        Preset("medium", 512, 2, 64, 0.0, 32, 64, 2e-3, "2 x 512 units, ~3.2M weights: a megabyte or more"),
    )
}

# Corpus sizes (characters) at which the next preset takes over.
SMALL_CORPUS_CHARS = 50_000
LARGE_CORPUS_CHARS = 600_000
_THRESHOLDS = ((SMALL_CORPUS_CHARS, "tiny"), (LARGE_CORPUS_CHARS, "small"))


def preset_for_size(chars: int) -> Preset:
    for limit, name in _THRESHOLDS:
        if chars < limit:
            return PRESETS[name]
    return PRESETS["medium"]
