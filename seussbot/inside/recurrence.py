"""The recurrence written out from the layer's weights, one character at a time.

The model's fused forward pass (and whatever replaces it for speed) hides the
gates; here they are the same equations as `CharRNN.step(with_gates=True)`, run
over a whole text from each layer's `weight_ih_l{k}`, `weight_hh_l{k}` and
biases: the h sequence from ATen's recurrent op, then every gate at once.
The h sequence runs with or without autograd, so the reach uses it too; the recorded
gates and cells are for reading (`linear_recurrence` writes into its buffers, which
autograd cannot follow).
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


def linear_recurrence(decay: torch.Tensor, added: torch.Tensor, first: torch.Tensor) -> torch.Tensor:
    """c_t = decay_t ⊙ c_{t-1} + added_t for every t (time, hidden), c_{-1} = `first`, as a prefix scan.

    Stepping it is a thousand tiny torch calls, and in the app each one gives up the
    interpreter lock, which the screen's thread, drawing the view, then holds for up to
    `sys.getswitchinterval()` (5 ms): beside a busy Python thread the 1,000-character
    cells took 290-470 ms in 32-step chunks, against 1.4 ms alone. The steps compose
    as (f, a) then (f', a') = (f'f, f'a + a'), so a Hillis-Steele scan (each step
    combined with the one `shift` before it, shift = 1, 2, 4, ...) does it in
    ceil(log2 time) calls. Each buffer holds a, f and zeros one after another, so that
    one `addcmul` updates both a (+ f ⊙ a shifted) and f (0 + f ⊙ f shifted): 80 ms beside
    the busy thread, 4-5 ms alone. Sums run in another order than stepping's; the values
    agree to float rounding.
    """
    assert first.dim() == 1, "one state: (hidden,)"
    steps, size = decay.shape
    pad = 1 << max(0, (steps - 1).bit_length() - 1)  # the longest shift; rows before it are (f, a) = (1, 0)
    buffers = decay.new_zeros(2, 3, pad + steps, size)  # two, used in turn; in each: a, f, zeros
    buffers[:, 1, :pad] = 1.0
    buffers[0, 0, pad:] = added
    buffers[0, 1, pad:] = decay
    torch.addcmul(added[0], decay[0], first, out=buffers[0, 0, pad])  # c_0 = f_0 c_{-1} + a_0
    source, shift = 0, 1
    while shift < steps:  # (a, f) <- (a, 0) + f ⊙ (a, f) shifted
        now, before = buffers[source], buffers[source, 0:2, pad - shift : pad - shift + steps]
        torch.addcmul(now[0::2, pad:], now[1, pad:], before, out=buffers[1 - source, 0:2, pad:])
        source, shift = 1 - source, 2 * shift
    return buffers[source, 0, pad:].clone()  # a view would keep all six (steps, hidden) blocks alive


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
