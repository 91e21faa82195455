"""The network: embedding -> LSTM / GRU / vanilla RNN -> linear readout.

`forward` runs whole sequences through fused recurrent layers (fast, used for
training): PyTorch's for the LSTM and on CUDA, seussbot's own (`fused.py`) for
the vanilla RNN and the GRU when training on a CPU, where PyTorch has none.
`step` advances one token at a time for sampling; with `with_gates=True` it recomputes the cell from its weights so the caller can see
what each gate did, which the fused kernels never expose. Both paths give the
same numbers (tests check it against `nn.LSTM`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
from torch import nn
from torch.nn import functional as F

from seussbot import fused, limits
from seussbot.presets import CELLS, Cell  # one list of cells, kept torch-free for clients

# The hidden state: (h, c) for an LSTM, h for GRU and RNN; h is (layers, batch, hidden).
State = torch.Tensor | tuple[torch.Tensor, torch.Tensor]


@dataclass(frozen=True)
class ModelConfig:
    cell: Cell
    vocab_size: int
    hidden_size: int = 128
    layers: int = 1
    embed_dim: int = 32
    dropout: float = 0.0

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> "ModelConfig":
        """A saved network description, checked as it stands: a "128" is not a number."""
        if not isinstance(data, dict):
            raise ValueError("it is not a JSON object")
        missing = [name for name in ("cell", *_RANGES) if name not in data]
        if missing:
            raise ValueError(f"it lacks {', '.join(missing)}")
        cfg = cls(**{name: data[name] for name in ("cell", *_RANGES)})
        cfg.validate()
        return cfg

    def validate(self) -> None:
        if self.cell not in CELLS:
            raise ValueError(f"cell must be one of {', '.join(CELLS)}, not {self.cell!r:.40}")
        for name, allowed in _RANGES.items():
            value = getattr(self, name)
            if value not in allowed:
                raise ValueError(f"{name} must be {allowed.describe()}, not {value!r:.40}")


_RANGES = {
    "vocab_size": limits.VOCAB_SIZE,
    "hidden_size": limits.HIDDEN,
    "layers": limits.LAYERS,
    "embed_dim": limits.EMBED_DIM,
    "dropout": limits.DROPOUT,
}


@dataclass(frozen=True)
class LayerGates:
    """What one layer did at one step, each a (hidden,) tensor in [0, 1] or [-1, 1].

    LSTM: input, forget, output gates, candidate and cell; GRU: reset and update
    gates (as `input`/`forget` are absent) and the candidate; RNN: only `hidden`.
    """

    hidden: torch.Tensor
    cell: torch.Tensor | None = None
    input: torch.Tensor | None = None
    forget: torch.Tensor | None = None
    output: torch.Tensor | None = None
    candidate: torch.Tensor | None = None
    reset: torch.Tensor | None = None
    update: torch.Tensor | None = None


_RECURRENT = {"lstm": nn.LSTM, "gru": nn.GRU, "rnn": nn.RNN}


class CharRNN(nn.Module):
    def __init__(self, config: ModelConfig) -> None:
        super().__init__()
        config.validate()
        self.config = config
        self.embed = nn.Embedding(config.vocab_size, config.embed_dim)
        self.rnn = _RECURRENT[config.cell](
            config.embed_dim,
            config.hidden_size,
            num_layers=config.layers,
            dropout=config.dropout if config.layers > 1 else 0.0,
            batch_first=True,
        )
        self.drop = nn.Dropout(config.dropout)
        self.head = nn.Linear(config.hidden_size, config.vocab_size)
        # PyTorch's default initialisation throughout. Starting LSTM forget-gate biases at 1
        # (Jozefowicz et al. 2015) was measured here and cost 0.06 nats/char after 5 minutes on
        # tiny-shakespeare (1.500 vs 1.437), so it is not done.

    def parameter_count(self) -> int:
        return sum(p.numel() for p in self.parameters())

    def initial_state(self, batch: int, device: torch.device | str = "cpu") -> State:
        shape = (self.config.layers, batch, self.config.hidden_size)
        h = torch.zeros(shape, device=device)
        return (h, torch.zeros_like(h)) if self.config.cell == "lstm" else h

    def forward(self, ids: torch.Tensor, state: State | None = None) -> tuple[torch.Tensor, State]:
        """ids (batch, time) -> logits (batch, time, vocab), final state."""
        x = self.drop(self.embed(ids))
        if fused.applies(self.rnn, x):
            out, state = fused.fused_forward(self.rnn, x, state)  # type: ignore[arg-type]
        else:
            out, state = self.rnn(x, state)
        return self.head(self.drop(out)), state

    @torch.no_grad()
    def step(
        self, ids: torch.Tensor, state: State | None = None, *, with_gates: bool = False
    ) -> tuple[torch.Tensor, State, list[LayerGates] | None]:
        """ids (batch,) -> logits (batch, vocab), next state, gates per layer (or None)."""
        if not with_gates:
            logits, state = self.forward(ids.unsqueeze(1), state)
            return logits[:, 0], state, None
        if state is None:
            state = self.initial_state(ids.shape[0], ids.device)
        x = self.embed(ids)
        hs, cs, gates = [], [], []
        for layer in range(self.config.layers):
            w_ih = getattr(self.rnn, f"weight_ih_l{layer}")
            w_hh = getattr(self.rnn, f"weight_hh_l{layer}")
            b_ih = getattr(self.rnn, f"bias_ih_l{layer}")
            b_hh = getattr(self.rnn, f"bias_hh_l{layer}")
            if self.config.cell == "lstm":
                h, c = state[0][layer], state[1][layer]  # type: ignore[index]
                i, f, g, o = (F.linear(x, w_ih, b_ih) + F.linear(h, w_hh, b_hh)).chunk(4, dim=-1)
                i, f, g, o = i.sigmoid(), f.sigmoid(), g.tanh(), o.sigmoid()
                c = f * c + i * g
                h = o * c.tanh()
                cs.append(c)
                gates.append(LayerGates(hidden=h, cell=c, input=i, forget=f, output=o, candidate=g))
            elif self.config.cell == "gru":
                h = state[layer]  # type: ignore[index]
                xr, xz, xn = F.linear(x, w_ih, b_ih).chunk(3, dim=-1)
                hr, hz, hn = F.linear(h, w_hh, b_hh).chunk(3, dim=-1)
                r, z = (xr + hr).sigmoid(), (xz + hz).sigmoid()
                n = (xn + r * hn).tanh()
                h = (1 - z) * n + z * h
                gates.append(LayerGates(hidden=h, reset=r, update=z, candidate=n))
            else:
                h = state[layer]  # type: ignore[index]
                h = (F.linear(x, w_ih, b_ih) + F.linear(h, w_hh, b_hh)).tanh()
                gates.append(LayerGates(hidden=h))
            hs.append(h)
            x = h
        new_state: State = (torch.stack(hs), torch.stack(cs)) if self.config.cell == "lstm" else torch.stack(hs)
        return self.head(x), new_state, gates


def resolve_device(name: str = "auto") -> torch.device:
    """`auto` means CUDA, then Apple's MPS, then the CPU."""
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "mps" if _mps_available() else "cpu")
    problem = device_problem(name)
    if problem:
        from seussbot.errors import SeussbotError

        raise SeussbotError(f"Device '{name}': {problem}; use 'cpu'.")
    return torch.device(name)


def device_problem(name: str) -> str | None:
    """Why the device `name` cannot be used here ('no CUDA device here'), or None."""
    if name == "cuda" and not torch.cuda.is_available():
        return "no CUDA device here"
    if name == "mps" and not _mps_available():
        return "no Apple MPS device here"
    return None


def _mps_available() -> bool:
    mps = getattr(torch.backends, "mps", None)
    return mps is not None and mps.is_available()


def detach(state: State) -> State:
    """Cut the graph at a batch boundary: truncated back-propagation through time."""
    if isinstance(state, tuple):
        return (state[0].detach(), state[1].detach())
    return state.detach()
