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
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from seussbot.model import CharRNN, State

PROMPT_CHUNK = 1024  # tokens of a prompt read through the fused layers at once
SHORT_PROMPT = 16  # up to this many tokens, stepping is faster than the fused layers (measured: 8 tokens 2.3 vs 5 ms)


@dataclass
class StepState:
    """The recurrent state of a batch: per layer, h (and c for an LSTM), each (batch, hidden)."""

    h: list[torch.Tensor]
    c: list[torch.Tensor] | None = None

    def select(self, rows: torch.Tensor) -> "StepState":
        """The state of the sequences `rows` (a beam keeping its best continuations)."""
        return StepState([h.index_select(0, rows) for h in self.h], None if self.c is None else [c.index_select(0, rows) for c in self.c])


class Stepper:
    """`CharRNN` for one token at a time: `step(ids, state) -> (logits, state)`."""

    def __init__(self, model: CharRNN) -> None:
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

    def _step_through(self, ids: tuple[int, ...], logits: torch.Tensor | None, state: StepState) -> tuple[torch.Tensor, StepState]:
        rows = torch.tensor(ids, device=self.input_table.device).view(-1, 1)
        for row in rows:
            step_logits, state = self.step(row, state)
            logits = step_logits[0]
        assert logits is not None
        return logits, state

    def from_model_state(self, state) -> StepState:
        """`CharRNN`'s (layers, batch, hidden) state as per-layer tensors."""
        if self.cell == "lstm":
            return StepState(list(state[0].unbind(0)), list(state[1].unbind(0)))
        return StepState(list(state.unbind(0)))

    def step(self, ids: torch.Tensor, state: StepState) -> tuple[torch.Tensor, StepState]:
        """ids (batch,) -> logits (batch, vocab), the next state.

        No `no_grad` needed (entering it costs as much as a small op): the laid-out
        weights were made under it and require no gradient, so nothing here is recorded.
        """
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
