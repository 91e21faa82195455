"""One step of the network for writing: the same math as `CharRNN`, laid out for one token at a time.

Training reads whole windows through PyTorch's fused recurrent layers, but
writing feeds one token per call, and at that size the fused layer's set-up
costs far more than its arithmetic (a 2x256 LSTM: a few hundred steps a second
through `nn.LSTM`, thousands through a handful of plain tensor operations).
So a `Stepper` is built once from a snapshot of the weights:

- the first layer's input is a token, so `embed(token) @ W_ih.T + b_ih + b_hh`
  is one row of a table computed ahead, one per token of the vocabulary;
- the LSTM's gate rows are reordered to (input, forget, output, candidate),
  so one sigmoid covers the three gates;
- the state is a list of (batch, hidden) tensors per layer, so nothing is
  stacked or split per step.

It steps a batch of sequences at once (beam search steps all its beams in
one call). The numbers equal `CharRNN.forward` to float rounding (tests check).

On the CPU the step runs in NumPy, on one BLAS thread. At batch 1 every
matrix product is a matrix-vector product that streams the weights through
the cache once, and PyTorch's CPU path does that 2.5x slower than OpenBLAS
here (a 256x1024 product: 50 µs through `torch.addmm`, 20 µs through NumPy, on
a Zen 3; MKL takes a generic path on AMD), while each small element-wise
operation costs ~3.5 µs through torch's dispatcher against ~0.8 µs in NumPy.
Together a 2x256 LSTM step took 178 µs in NumPy against 298 in torch, measured
side by side on a busy 2-core machine. On a GPU the same math runs in torch.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import torch

from seussbot.model import CharRNN, State

PROMPT_CHUNK = 1024  # tokens of a prompt read through the fused layers at once
SHORT_PROMPT = 16  # up to this many tokens, stepping is faster than the fused layers (measured: 8 tokens 2.3 vs 5 ms)


Array = np.ndarray | torch.Tensor  # NumPy on the CPU, torch elsewhere


@dataclass
class StepState:
    """The recurrent state of a batch: per layer, h (and c for an LSTM), each (batch, hidden)."""

    h: list[Array]
    c: list[Array] | None = None

    def select(self, rows: torch.Tensor) -> "StepState":
        """The state of the sequences `rows` (a beam keeping its best continuations)."""
        if isinstance(self.h[0], np.ndarray):
            picked = rows.numpy()
            return StepState([h[picked] for h in self.h], None if self.c is None else [c[picked] for c in self.c])
        return StepState([h.index_select(0, rows) for h in self.h], None if self.c is None else [c.index_select(0, rows) for c in self.c])


class Stepper:
    """`CharRNN` for one token at a time: `step(ids, state) -> (logits, state)`."""

    def __init__(self, model: CharRNN, *, numpy: bool | None = None) -> None:
        """`numpy`: step in NumPy (the default on the CPU) or in torch (the default elsewhere)."""
        self.model = model.eval()
        self.cell = model.config.cell
        self.hidden = model.config.hidden_size
        rnn, H = model.rnn, model.config.hidden_size
        order = _gate_order(self.cell, H)
        with torch.no_grad():
            # A GRU keeps b_hh apart: its candidate multiplies the reset gate into (W_hh h + b_hh).
            first_bias = rnn.bias_ih_l0 + (rnn.bias_hh_l0 if self.cell != "gru" else 0)
            self.input_table: torch.Tensor = (model.embed.weight @ rnn.weight_ih_l0.T + first_bias)[:, order].contiguous()
            self.w_ih_t = [getattr(rnn, f"weight_ih_l{i}").T[:, order].contiguous() for i in range(model.config.layers)]
            self.w_hh_t = [getattr(rnn, f"weight_hh_l{i}").T[:, order].contiguous() for i in range(model.config.layers)]
            b_ih = [getattr(rnn, f"bias_ih_l{i}")[order] for i in range(model.config.layers)]
            b_hh = [getattr(rnn, f"bias_hh_l{i}")[order] for i in range(model.config.layers)]
            self.b_ih = b_ih if self.cell == "gru" else [None] + [a + b for a, b in zip(b_ih[1:], b_hh[1:])]
            self.b_hh = b_hh
            self.head_w_t = model.head.weight.T.contiguous()
            self.head_b = model.head.bias.detach().clone()
        self.numpy = self.input_table.device.type == "cpu" if numpy is None else numpy
        if self.numpy:
            one_blas_thread()
            self._np = _NumpyWeights(self)
        self._last: tuple[tuple[int, ...], torch.Tensor, StepState] | None = None  # the last prompt read

    def read(self, ids: list[int]) -> tuple[torch.Tensor, StepState]:
        """Logits (vocab,) after reading `ids` (at least one), and the state.

        The last prompt read is remembered, so a prompt read ahead (while the
        person typed it) costs nothing at Enter, and one that grew by a few
        tokens is stepped on from there. A short prompt is stepped through (the
        fused layers' set-up costs more than a dozen steps); a long one goes
        through them. States are never changed in place, so sharing is safe.
        """
        key = tuple(ids)
        last = self._last
        if last is not None and last[0] == key:
            return last[1], last[2]
        if last is not None and key[: len(last[0])] == last[0] and len(key) - len(last[0]) <= SHORT_PROMPT:
            logits, state = self._step_through(key[len(last[0]) :], last[1], last[2])
        elif len(key) <= SHORT_PROMPT:
            logits, state = self._step_through(key, None, self.from_model_state(self.model.initial_state(1, self.input_table.device)))
        else:
            fused_logits, model_state = read_prompt(self.model, ids)
            logits, state = fused_logits, self.from_model_state(model_state)
        self._last = (key, logits, state)
        return logits, state

    def has_read(self, ids: list[int]) -> bool:
        """Whether `read(ids)` would cost nothing now (it is the prompt read last)."""
        last = self._last
        return last is not None and last[0] == tuple(ids)

    def _step_through(self, ids: tuple[int, ...], logits: torch.Tensor | None, state: StepState) -> tuple[torch.Tensor, StepState]:
        rows = torch.tensor(ids, device=self.input_table.device).view(-1, 1)
        for row in rows:
            step_logits, state = self.step(row, state)
            logits = step_logits[0]
        assert logits is not None
        return logits, state

    def from_model_state(self, state) -> StepState:
        """`CharRNN`'s (layers, batch, hidden) state as per-layer arrays."""
        lay_out = (lambda t: [layer.detach().numpy() for layer in t.unbind(0)]) if self.numpy else (lambda t: list(t.unbind(0)))
        if self.cell == "lstm":
            return StepState(lay_out(state[0]), lay_out(state[1]))
        return StepState(lay_out(state))

    def step(self, ids: torch.Tensor, state: StepState) -> tuple[torch.Tensor, StepState]:
        """ids (batch,) -> logits (batch, vocab), the next state.

        No `no_grad` needed (entering it costs as much as a small op): the laid-out
        weights were made under it and require no gradient, so nothing here is recorded.
        """
        if self.numpy:
            logits, state = self._np.step(ids.numpy(), state)
            return torch.from_numpy(logits), state
        return self._torch_step(ids, state)

    def step_array(self, ids: np.ndarray, state: StepState) -> tuple[np.ndarray, StepState]:
        """`step` for a sampler that works in NumPy: ids (batch,) ints -> logits (batch, vocab) float32."""
        if self.numpy:
            return self._np.step(ids, state)
        logits, state = self._torch_step(torch.from_numpy(ids).to(self.input_table.device), state)
        return logits.float().cpu().numpy(), state

    def _torch_step(self, ids: torch.Tensor, state: StepState) -> tuple[torch.Tensor, StepState]:
        H = self.hidden
        x_gates = self.input_table.index_select(0, ids)  # layer 0's input side, looked up
        hs: list[torch.Tensor] = []
        cs: list[torch.Tensor] = []
        for layer, h in enumerate(state.h):
            if layer > 0:  # the input is the layer below's output; index_select and addmm give fresh tensors to add into
                x_gates = torch.addmm(self.b_ih[layer], x, self.w_ih_t[layer])
            if self.cell == "lstm":
                gates = x_gates.addmm_(h, self.w_hh_t[layer])
                input_forget_output = gates.narrow(1, 0, 3 * H).sigmoid()  # narrow: a slice without indexing's cost
                candidate = gates.narrow(1, 3 * H, H).tanh()
                input_gate, forget_gate, output_gate = input_forget_output.chunk(3, dim=1)
                c = torch.addcmul(forget_gate * state.c[layer], input_gate, candidate)  # type: ignore[index]
                x = output_gate * c.tanh()
                cs.append(c)
            elif self.cell == "gru":
                h_gates = torch.addmm(self.b_hh[layer], h, self.w_hh_t[layer])
                reset_update = (x_gates.narrow(1, 0, 2 * H) + h_gates.narrow(1, 0, 2 * H)).sigmoid()
                reset, update = reset_update.chunk(2, dim=1)
                candidate = torch.addcmul(x_gates.narrow(1, 2 * H, H), reset, h_gates.narrow(1, 2 * H, H)).tanh()
                x = torch.addcmul(candidate, update, h - candidate)  # (1 - z) n + z h
            else:
                x = x_gates.addmm_(h, self.w_hh_t[layer]).tanh()
            hs.append(x)
        logits = torch.addmm(self.head_b, x, self.head_w_t)
        return logits, StepState(hs, cs if self.cell == "lstm" else None)


class _NumpyWeights:
    """A `Stepper`'s laid-out weights as NumPy arrays (sharing torch's memory), and its step in NumPy.

    The same math as the torch step, written for NumPy's small-array speed:
    results go into fresh arrays (states are shared, never changed in place)
    and element-wise work is done in place on those fresh arrays. The sigmoid
    is `tanh(x/2)/2 + 1/2`, the same function, in three cheap in-place passes.
    """

    def __init__(self, stepper: Stepper) -> None:
        self.cell, self.hidden = stepper.cell, stepper.hidden
        self.input_table = stepper.input_table.numpy()
        self.w_ih_t = [w.numpy() for w in stepper.w_ih_t]
        self.w_hh_t = [w.numpy() for w in stepper.w_hh_t]
        self.b_ih = [None if b is None else b.numpy() for b in stepper.b_ih]
        self.b_hh = [b.numpy() for b in stepper.b_hh]
        self.head_w_t, self.head_b = stepper.head_w_t.numpy(), stepper.head_b.numpy()

    def step(self, ids: np.ndarray, state: StepState) -> tuple[np.ndarray, StepState]:
        H = self.hidden
        x_gates = self.input_table[ids]  # a fresh (batch, gates) array: safe to add into
        hs: list[Array] = []
        cs: list[Array] = []
        for layer, h in enumerate(state.h):
            if layer > 0:
                x_gates = x @ self.w_ih_t[layer]
                if self.b_ih[layer] is not None:
                    x_gates += self.b_ih[layer]
            if self.cell == "lstm":
                gates = x_gates
                gates += h @ self.w_hh_t[layer]
                sigmoid_in_place(gates[:, : 3 * H])  # input, forget, output
                candidate = np.tanh(gates[:, 3 * H :], out=gates[:, 3 * H :])
                c = gates[:, H : 2 * H] * state.c[layer]  # type: ignore[index]
                c += gates[:, :H] * candidate
                x = np.tanh(c)
                x *= gates[:, 2 * H : 3 * H]
                cs.append(c)
            elif self.cell == "gru":
                h_gates = h @ self.w_hh_t[layer]
                h_gates += self.b_hh[layer]
                reset_update = x_gates[:, : 2 * H]
                reset_update += h_gates[:, : 2 * H]
                sigmoid_in_place(reset_update)
                reset, update = reset_update[:, :H], reset_update[:, H:]
                candidate = reset * h_gates[:, 2 * H :]
                candidate += x_gates[:, 2 * H :]
                np.tanh(candidate, out=candidate)
                x = h - candidate  # (1 - z) n + z h = n + z (h - n)
                x *= update
                x += candidate
            else:
                x_gates += h @ self.w_hh_t[layer]
                x = np.tanh(x_gates, out=x_gates)
            hs.append(x)
        logits = x @ self.head_w_t
        logits += self.head_b
        return logits, StepState(hs, cs if self.cell == "lstm" else None)


def sigmoid_in_place(x: np.ndarray) -> None:
    """x <- sigmoid(x), as tanh(x/2)/2 + 1/2 (NumPy has no sigmoid; this never overflows)."""
    x *= 0.5
    np.tanh(x, out=x)
    x *= 0.5
    x += 0.5


@cache
def one_blas_thread() -> None:
    """Keep NumPy's BLAS to one thread, once per process.

    Writing is a string of matrix-vector products a few microseconds long: a
    second BLAS thread only waits for the core that training (or the screen)
    is using, and OpenBLAS starts one for products of 2 MB and more (measured:
    a 512x1024 product 40 µs on one thread, 100 µs when it took two on a busy
    machine). threadpoolctl finds the BLAS NumPy loaded, whichever it is.
    """
    from threadpoolctl import threadpool_limits

    threadpool_limits(1, user_api="blas")


@torch.no_grad()
def read_prompt(model: CharRNN, ids: list[int]) -> tuple[torch.Tensor, State]:
    """Logits (vocab,) after `ids` and `CharRNN`'s state: a prompt is read whole through the fused
    layers, which are fast over many tokens, a chunk at a time so its memory does not grow with its length."""
    device = next(model.parameters()).device
    state = None
    for begin in range(0, len(ids), PROMPT_CHUNK):
        logits, state = model(torch.tensor([ids[begin : begin + PROMPT_CHUNK]], device=device), state)
    return logits[0, -1], state  # type: ignore[return-value]


def _gate_order(cell: str, hidden: int) -> torch.Tensor:
    """Rows of PyTorch's stacked gate weights in the order the stepper reads them.

    PyTorch stacks an LSTM's gates as (input, forget, candidate, output); the
    stepper wants the three sigmoid gates side by side. GRU and RNN keep theirs.
    """
    rows = torch.arange({"lstm": 4, "gru": 3, "rnn": 1}[cell] * hidden)
    if cell != "lstm":
        return rows
    i, f, g, o = rows.chunk(4)
    return torch.cat([i, f, o, g])
