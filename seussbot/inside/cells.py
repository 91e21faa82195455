"""Cells that mean something: units whose activation follows a nameable feature of the text.

Over a text (the corpus's validation split), every unit's activation (the cell
state c of an LSTM, and its h; the h of a GRU or RNN) is correlated with every
feature of `seussbot.inside.features`; the best few (by |r|, Pearson) are kept.
The text is read in chunks with the state carried, and only sums are kept, so
a long text costs time, not memory.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

from seussbot.inside.features import FEATURES, Feature, hero_features
from seussbot.inside.reading import start_id
from seussbot.inside.recurrence import unroll, zero_state
from seussbot.model import CharRNN
from seussbot.vocab import Vocab

CHUNK = 2000  # tokens read at once
MAX_TOKENS = 30_000  # enough for a stable r (its error is about 1/sqrt(n))
KEEP = 3  # findings per feature


@dataclass(frozen=True)
class CellFinding:
    feature: str  # Feature.key
    feature_name: str
    layer: int  # 0-based
    track: str  # "cell" or "hidden"
    unit: int
    r: float  # Pearson correlation over the text


@dataclass(frozen=True)
class CellsReport:
    tokens: int  # how many tokens were read
    findings: list[CellFinding]  # best first (by |r|), at most KEEP per feature

    def best(self, count: int = 5) -> list[CellFinding]:
        """The strongest findings, one per unit."""
        seen, out = set(), []
        for finding in sorted(self.findings, key=lambda f: -abs(f.r)):
            key = (finding.layer, finding.track, finding.unit)
            if key not in seen:
                seen.add(key)
                out.append(finding)
        return out[:count]


def activation_tracks(cell: str) -> tuple[str, ...]:
    return ("cell", "hidden") if cell == "lstm" else ("hidden",)


@torch.no_grad()
def find_cells(
    model: CharRNN, vocab: Vocab, text: str, *, max_tokens: int = MAX_TOKENS, keep: int = KEEP
) -> CellsReport:
    """The units that best follow each feature over `text` (its first `max_tokens` tokens)."""
    ids = vocab.encode(text)[:max_tokens]
    tokens = [vocab.tokens[i] for i in ids]
    features: list[Feature] = list(FEATURES)
    if vocab.level == "char":
        features += hero_features("".join(tokens))
    columns = [f.values(tokens) for f in features]
    kept = [i for i, column in enumerate(columns) if len(set(column)) > 1]  # a text without quotes has no quote cell
    features = [features[i] for i in kept]
    feature_values = torch.tensor([columns[i] for i in kept], dtype=torch.float64).T  # (n, F)
    model = model.eval()
    names = activation_tracks(model.config.cell)
    sums = _Sums(feature_values)
    states = zero_state(model)
    _, states, _ = unroll(model, model.embed(torch.tensor([start_id(vocab)])), states)
    for begin in range(0, len(ids), CHUNK):
        chunk = torch.tensor(ids[begin : begin + CHUNK])
        _, states, recorded = unroll(model, model.embed(chunk), states, record=True)
        acts = torch.cat([recorded[layer][name] for layer in range(len(recorded)) for name in names], dim=1)
        sums.add(acts.double(), begin)
    r = sums.correlation()  # (units over all layers and tracks, F)
    size = model.config.hidden_size
    findings = []
    for f_index, feature in enumerate(features):
        column = r[:, f_index].nan_to_num()
        for index in column.abs().argsort(descending=True)[:keep].tolist():
            block, unit = divmod(index, size)
            layer, track_index = divmod(block, len(names))
            findings.append(CellFinding(feature.key, feature.name, layer, names[track_index], unit, float(column[index])))
    findings.sort(key=lambda f: -abs(f.r))
    return CellsReport(len(ids), findings)


class _Sums:
    """Running sums for Pearson's r between every activation column and every feature column."""

    def __init__(self, features: torch.Tensor) -> None:
        self.features = features
        self.n = 0
        self.a = self.aa = self.af = None

    def add(self, acts: torch.Tensor, begin: int) -> None:
        f = self.features[begin : begin + acts.shape[0]]
        a, aa, af = acts.sum(0), (acts * acts).sum(0), acts.T @ f
        if self.a is None:
            self.a, self.aa, self.af = a, aa, af
        else:
            self.a, self.aa, self.af = self.a + a, self.aa + aa, self.af + af
        self.n += acts.shape[0]

    def correlation(self) -> torch.Tensor:
        n, f = self.n, self.features[: self.n]
        mean_a, mean_f = self.a / n, f.mean(0)
        cov = self.af / n - mean_a[:, None] * mean_f[None, :]
        sd_a = (self.aa / n - mean_a**2).clamp_min(0).sqrt()
        sd_f = f.std(0, unbiased=False)
        return cov / (sd_a[:, None] * sd_f[None, :]).clamp_min(1e-12) * (sd_f > 0)[None, :] * (sd_a > math.ulp(1.0))[:, None]
