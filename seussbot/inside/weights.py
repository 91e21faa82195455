"""How many weights are in each network, matrix by matrix (the slides' question).

For each layer and gate: W_x (from the layer's input), W_h (from its own last
state) and the biases; plus the embedding and the readout. The counts add up
to `CharRNN.parameter_count()` (tested), and need only the network's description (PyTorch keeps two bias vectors per gate, b_ih
and b_hh, and both are counted).
"""

from __future__ import annotations

from dataclasses import dataclass

from seussbot.inside.tracks import GATE_ORDER
from seussbot.model import ModelConfig


@dataclass(frozen=True)
class WeightMatrix:
    name: str  # "W_xf": from x to the forget gate
    layer: int | None  # 1-based; None for the embedding and the readout
    gate: str | None  # the Track key ("forget"), None outside the recurrent layers
    rows: int
    cols: int

    @property
    def count(self) -> int:
        return self.rows * self.cols


def weight_breakdown(cfg: ModelConfig) -> list[WeightMatrix]:
    """Every matrix and bias of the network `cfg` describes, in the order the data flows through them."""
    size = cfg.hidden_size
    found = [WeightMatrix("embedding", None, None, cfg.vocab_size, cfg.embed_dim)]
    for layer in range(cfg.layers):
        inputs = cfg.embed_dim if layer == 0 else size
        for gate in GATE_ORDER[cfg.cell]:
            found.append(WeightMatrix(f"W_x{gate.symbol}", layer + 1, gate.key, size, inputs))
            found.append(WeightMatrix(f"W_h{gate.symbol}", layer + 1, gate.key, size, size))
            found.append(WeightMatrix(f"b_{gate.symbol}", layer + 1, gate.key, size, 2))  # b_ih and b_hh
    found.append(WeightMatrix("W_hy", None, None, cfg.vocab_size, size))
    found.append(WeightMatrix("b_y", None, None, cfg.vocab_size, 1))
    return found
