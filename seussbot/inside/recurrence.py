"""The recurrence written out from the layer's weights, one character at a time.

The model's fused forward pass (and whatever replaces it for speed) hides the
gates; here they are the same equations as `CharRNN.step(with_gates=True)`, run
over a whole text from each layer's `weight_ih_l{k}`, `weight_hh_l{k}` and
biases: the h sequence from ATen's recurrent op, then every gate at once.
It runs with or without autograd, so the reach uses it too.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch.nn import functional as F

from seussbot.model import CharRNN


@dataclass
class LayerState:
    """One layer's memory between characters: h, and c for an LSTM (each (hidden,))."""

    h: torch.Tensor
    c: torch.Tensor | None = None


def zero_state(model: CharRNN, device: torch.device | str = "cpu") -> list[LayerState]:
    """The state before anything is read, as `CharRNN.initial_state` makes it."""
    size = model.config.hidden_size
    lstm = model.config.cell == "lstm"
    return [
        LayerState(torch.zeros(size, device=device), torch.zeros(size, device=device) if lstm else None)
        for _ in range(model.config.layers)
    ]


def layer_weights(model: CharRNN, layer: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """W_ih, W_hh, b_ih, b_hh of one layer, by the names PyTorch's recurrent layers give them."""
    rnn = model.rnn
    return (
        getattr(rnn, f"weight_ih_l{layer}"),
        getattr(rnn, f"weight_hh_l{layer}"),
        getattr(rnn, f"bias_ih_l{layer}"),
        getattr(rnn, f"bias_hh_l{layer}"),
    )


def run_layer(
    model: CharRNN, layer: int, xs: torch.Tensor, state: LayerState, *, record: bool = False
) -> tuple[torch.Tensor, LayerState, dict[str, torch.Tensor]]:
    """xs (time, inputs) -> h for every character (time, hidden), the state after, and
    with `record` every gate and state by LayerGates name (each (time, hidden)).

    The h sequence comes from ATen's one-layer recurrent op called with this layer's
    weights (the loop runs in C++, with autograd); the gates are then recomputed for
    all characters at once from h_{t-1}, which is known for every t by then.
    """
    weights = layer_weights(model, layer)
    cell = model.config.cell
    hidden, after = _h_sequence(cell, xs, weights, state)
    if not record:
        return hidden, after, {}
    w_ih, w_hh, b_ih, b_hh = weights
    h_prev = torch.cat([state.h[None], hidden[:-1]])
    x_proj, h_proj = F.linear(xs, w_ih, b_ih), F.linear(h_prev, w_hh, b_hh)
    if cell == "lstm":
        return hidden, after, _lstm_tracks(x_proj + h_proj, state.c, hidden)  # type: ignore[arg-type]
    if cell == "gru":
        return hidden, after, _gru_tracks(x_proj, h_proj, hidden)
    return hidden, after, {"hidden": hidden}


_ATEN = {"lstm": torch.lstm, "gru": torch.gru, "rnn": torch.rnn_tanh}


def _h_sequence(cell: str, xs: torch.Tensor, weights: tuple, state: LayerState) -> tuple[torch.Tensor, LayerState]:
    hx = (state.h[None, None], state.c[None, None]) if cell == "lstm" else state.h[None, None]  # type: ignore[index]
    # (input, hx, params, has_biases, num_layers, dropout, train, bidirectional, batch_first)
    out, *last = _ATEN[cell](xs[:, None], hx, list(weights), True, 1, 0.0, False, False, False)
    if cell == "lstm":
        return out[:, 0], LayerState(last[0][0, 0], last[1][0, 0])
    return out[:, 0], LayerState(last[0][0, 0])


def _lstm_tracks(pre: torch.Tensor, c: torch.Tensor, hidden: torch.Tensor) -> dict[str, torch.Tensor]:
    """i, f, g, o = sigm, sigm, tanh, sigm of W·[h_{t-1}, x_t] + b; c_t = f ⊙ c_{t-1} + i ⊙ g."""
    size = hidden.shape[-1]
    input_gate, forget_gate, output_gate = pre[:, :size].sigmoid(), pre[:, size : 2 * size].sigmoid(), pre[:, 3 * size :].sigmoid()
    candidate = pre[:, 2 * size : 3 * size].tanh()
    cells = linear_recurrence(forget_gate, input_gate * candidate, c)
    return {
        "input": input_gate, "forget": forget_gate, "output": output_gate, "candidate": candidate,
        "cell": cells, "hidden": hidden,
    }


CELL_CHUNK = 32  # time steps per chunk of the cell recurrence: about sqrt(1,000), the text the view reads


def linear_recurrence(decay: torch.Tensor, added: torch.Tensor, first: torch.Tensor) -> torch.Tensor:
    """c_t = decay_t ⊙ c_{t-1} + added_t for every t (time, hidden), c_{-1} = `first`, in chunks.

    One step at a time this is a thousand tiny operations, each holding the GIL, and in the app
    the screen draws while the view reads: the reading took 300 ms there against 105 alone.
    Cut into chunks of CELL_CHUNK steps, every chunk runs from zero at once, keeping the product of
    its decays (P); one short pass then carries the true start into each chunk, c = local + P ⊙ carry:
    about 2 * CELL_CHUNK + time / CELL_CHUNK operations. The sums run in another order, so the values
    match the step-by-step ones to float rounding.
    """
    assert first.dim() == 1, "one state: (hidden,)"
    steps, size = decay.shape
    length = min(CELL_CHUNK, steps)  # a short text is one chunk of its own length
    chunks = -(-steps // length)
    pad = chunks * length - steps  # decay 1, added 0 after the end: the real steps are untouched
    decay = F.pad(decay, (0, 0, 0, pad), value=1.0).view(chunks, length, size)
    added = F.pad(added, (0, 0, 0, pad)).view(chunks, length, size)
    local, kept = [added[:, 0]], [decay[:, 0]]  # within each chunk: c from zero, and the product of decays
    for step in range(1, length):
        local.append(torch.addcmul(added[:, step], decay[:, step], local[-1]))
        kept.append(decay[:, step] * kept[-1])
    local_c, product = torch.stack(local, 1), torch.stack(kept, 1)
    carries, carry = [], first
    for chunk in range(chunks):  # the c each chunk starts from
        carries.append(carry)
        carry = torch.addcmul(local_c[chunk, -1], product[chunk, -1], carry)
    cells = torch.addcmul(local_c, product, torch.stack(carries)[:, None])
    return cells.view(chunks * length, size)[:steps]


def _gru_tracks(x_proj: torch.Tensor, h_proj: torch.Tensor, hidden: torch.Tensor) -> dict[str, torch.Tensor]:
    """r, z = sigm(W_x x_t + W_h h_{t-1} + b); n = tanh(W_xn x_t + r ⊙ (W_hn h_{t-1} + b_hn))."""
    size = hidden.shape[-1]
    reset_update = (x_proj[:, : 2 * size] + h_proj[:, : 2 * size]).sigmoid()
    reset = reset_update[:, :size]
    candidate = (x_proj[:, 2 * size :] + reset * h_proj[:, 2 * size :]).tanh()
    return {"reset": reset, "update": reset_update[:, size:], "candidate": candidate, "hidden": hidden}


def unroll(
    model: CharRNN, xs: torch.Tensor, states: list[LayerState], *, record: bool = False
) -> tuple[torch.Tensor, list[LayerState], list[dict[str, torch.Tensor]]]:
    """Embedded inputs (time, embed) through every layer: the top layer's h (time, hidden),
    the state after, and per layer its recorded tracks (empty dicts unless `record`)."""
    after, recorded = [], []
    for layer in range(model.config.layers):
        xs, state, tracks = run_layer(model, layer, xs, states[layer], record=record)
        after.append(state)
        recorded.append(tracks)
    return xs, after, recorded
