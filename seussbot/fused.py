"""Fused CPU training paths for the vanilla (tanh) RNN and the GRU.

On a CPU PyTorch fuses only the LSTM (oneDNN); `nn.RNN` and `nn.GRU` run a
per-step loop whose every step is several autograd nodes, so an RNN of the
same weight count trained about five times slower than an LSTM although the
arithmetic per character is about the same. In a comparison that would make
every cell wait on the slowest for the wrong reason.

Here one `torch.autograd.Function` per layer does the whole window:
  1. the input projection of every time step at once, x_t W_ih^T + b, as one matrix product;
  2. the recurrence, in place in preallocated time-major buffers, two (RNN) or
     seven (GRU) tensor operations per step;
  3. a hand-written backward: the gradient flows back through time with one
     (RNN) or three (GRU) matrix products and one or two element-wise operations per step, and every
     weight gradient is one matrix product over the whole window at the end.
The parameters stay the `nn.RNN` / `nn.GRU` module's own (`weight_ih_l0`, ...),
so saved models, `CharRNN.step` and CUDA (where cuDNN already fuses the cells)
are untouched.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

Tensor = torch.Tensor


def applies(rnn: nn.Module, x: Tensor) -> bool:
    """Whether `fused_forward` should stand in for `rnn(x, h0)`: training (gradients on)
    a CPU tanh RNN or GRU with biases, one direction, batch first, over a window.

    Without gradients (evaluation, sampling one step at a time) PyTorch's own loop is
    as fast: it has no graph to build, and its GRU cell is one kernel."""
    if not torch.is_grad_enabled() or x.device.type != "cpu" or x.dim() != 3 or x.shape[1] < 2:
        return False
    if isinstance(rnn, nn.RNN):
        ok_kind = rnn.nonlinearity == "tanh"
    else:
        ok_kind = isinstance(rnn, nn.GRU)
    return ok_kind and rnn.bias and rnn.batch_first and not rnn.bidirectional and not getattr(rnn, "proj_size", 0)


def fused_forward(rnn: nn.RNN | nn.GRU, x: Tensor, h0: Tensor | None = None) -> tuple[Tensor, Tensor]:
    """What `rnn(x, h0)` returns, x (batch, time, features) -> (out (batch, time, hidden),
    h_n (layers, batch, hidden)), with dropout between layers in training mode as nn.RNN does."""
    layer_function = _TanhLayer if isinstance(rnn, nn.RNN) else _GRULayer
    batch = x.shape[0]
    if h0 is None:
        h0 = x.new_zeros(rnn.num_layers, batch, rnn.hidden_size)
    h_t = x.transpose(0, 1).contiguous()  # time-major: each step's rows lie together
    finals = []
    for layer in range(rnn.num_layers):
        if layer > 0 and rnn.dropout > 0 and rnn.training:
            h_t = F.dropout(h_t, rnn.dropout, training=True)
        weights = [getattr(rnn, f"{name}_l{layer}") for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")]
        h_t, h_last = layer_function.apply(h_t, h0[layer], *weights)
        finals.append(h_last)
    return h_t.transpose(0, 1), torch.stack(finals)


def _writable_copy(grad: Tensor) -> Tensor:
    """A contiguous copy of an incoming gradient, which the backward may then overwrite."""
    return grad.clone(memory_format=torch.contiguous_format)


class _TanhLayer(torch.autograd.Function):
    """h_t = tanh(a_t), a_t = x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh, over a whole time-major window.

    The loop runs on s_t = sigmoid(2 a_t), with h_t = 2 s_t - 1 = tanh(a_t): PyTorch's CPU
    sigmoid is about 4x faster than its tanh, and the algebra folds into the matrix product,
        2 a_t = [2 (x_t W_ih^T + b_ih + b_hh) - 2 W_hh 1] + s_{t-1} (4 W_hh)^T.
    """

    @staticmethod
    def forward(ctx, x: Tensor, h0: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor) -> tuple[Tensor, Tensor]:  # type: ignore[override]
        steps, batch, features = x.shape
        hidden = w_hh.shape[0]
        s = x.new_empty(steps + 1, batch, hidden)  # s[0] = (h0 + 1) / 2, s[t + 1] = sigmoid(2 a_t)
        torch.add(h0, 1, out=s[0]).mul_(0.5)
        constant = 2 * (b_ih + b_hh - w_hh.sum(1))
        torch.addmm(constant, x.view(-1, features), w_ih.t(), alpha=2, out=s[1:].view(-1, hidden))
        w_hh_t = w_hh.t()
        s_t = s.unbind(0)
        for t in range(steps):
            s_t[t + 1].addmm_(s_t[t], w_hh_t, alpha=4).sigmoid_()
        hs = s.mul_(2).sub_(1)  # now h_t, in place
        hs[0] = h0
        ctx.save_for_backward(x, hs, w_ih, w_hh)
        return hs[1:], hs[steps].clone()

    @staticmethod
    def backward(ctx, grad_out: Tensor, grad_h_last: Tensor):  # type: ignore[override]
        x, hs, w_ih, w_hh = ctx.saved_tensors
        steps, batch, features = x.shape
        hidden = w_hh.shape[0]
        # grad_a[t] becomes dLoss/da_t; it starts as dLoss/dh_t from above.
        grad_a = _writable_copy(grad_out)
        grad_a[steps - 1] += grad_h_last
        tanh_slope = 1 - hs[1:] * hs[1:]
        grad_a[steps - 1] *= tanh_slope[steps - 1]
        grad_a_t, slope_t = grad_a.unbind(0), tanh_slope.unbind(0)
        for t in range(steps - 1, 0, -1):
            # dh_{t-1} = (from above) + da_t W_hh, then through tanh.
            grad_a_t[t - 1].addmm_(grad_a_t[t], w_hh).mul_(slope_t[t - 1])
        grad_h0 = grad_a_t[0] @ w_hh
        flat = grad_a.view(-1, hidden)
        grad_w_hh = flat.t() @ hs[:-1].reshape(-1, hidden)
        grad_w_ih = flat.t() @ x.view(-1, features)
        grad_b = flat.sum(0)
        grad_x = (flat @ w_ih).view(steps, batch, features) if ctx.needs_input_grad[0] else None
        return grad_x, grad_h0, grad_w_ih, grad_w_hh, grad_b, grad_b


class _GRULayer(torch.autograd.Function):
    """PyTorch's GRU over a whole time-major window:
        r = sigmoid(x W_ir + b_ir + h W_hr + b_hr)      reset gate
        z = sigmoid(x W_iz + b_iz + h W_hz + b_hz)      update gate
        n = tanh(x W_in + b_in + r * (h W_hn + b_hn))   candidate
        h' = (1 - z) * n + z * h
    Each gate has its own buffer (gate, step, batch, hidden) and its own products, so every
    per-step operation reads and writes contiguous memory (strided slices of one
    (batch, 3 hidden) product cost several times more per element-wise operation).
    """

    @staticmethod
    def forward(ctx, x: Tensor, h0: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor) -> tuple[Tensor, Tensor]:  # type: ignore[override]
        steps, batch, features = x.shape
        hidden = w_hh.shape[0] // 3
        # The input side of every step, gate by gate, with b_hr and b_hz folded in (b_hn stays
        # inside r * (...)). The loop then turns gates[0], [1], [2] into r, z, n in place.
        gates = x.new_empty(3, steps, batch, hidden)
        bias = b_ih.clone()
        bias[: 2 * hidden] += b_hh[: 2 * hidden]
        for k, rows in enumerate(_gate_rows(hidden)):
            torch.addmm(bias[rows], x.view(-1, features), w_ih[rows].t(), out=gates[k].view(-1, hidden))
        hs = x.new_empty(steps + 1, batch, hidden)  # hs[0] = h0, hs[t + 1] = h_t
        hs[0] = h0
        h_n = x.new_empty(steps, batch, hidden)  # h W_hn^T + b_hn, kept for the backward
        w_hr, w_hz, w_hn = (w_hh[rows].t() for rows in _gate_rows(hidden))
        b_hn = b_hh[2 * hidden :]
        h_t, h_n_t = hs.unbind(0), h_n.unbind(0)
        reset_t, update_t, candidate_t = (gate.unbind(0) for gate in gates)
        reset_and_update_t = gates[:2].unbind(1)
        for t in range(steps):
            h = h_t[t]
            reset_t[t].addmm_(h, w_hr)
            update_t[t].addmm_(h, w_hz)
            torch.addmm(b_hn, h, w_hn, out=h_n_t[t])
            reset_and_update_t[t].sigmoid_()
            candidate_t[t].addcmul_(reset_t[t], h_n_t[t]).tanh_()
            torch.lerp(candidate_t[t], h, update_t[t], out=h_t[t + 1])  # n + z (h - n)
        ctx.save_for_backward(x, hs, h_n, gates, w_ih, w_hh)
        return hs[1:], hs[steps].clone()

    @staticmethod
    def backward(ctx, grad_out: Tensor, grad_h_last: Tensor):  # type: ignore[override]
        x, hs, h_n, gates, w_ih, w_hh = ctx.saved_tensors
        steps, batch, features = x.shape
        hidden = h_n.shape[-1]
        reset, update, candidate = gates
        # Everything the chain rule needs that does not depend on dh, for every step at once:
        # the gradient of the hidden-side products (h W_hr, h W_hz, h W_hn) is dh * slope[k].
        grad_candidate_pre = (1 - update) * (1 - candidate * candidate)  # dh -> d(x W_in + r * h_n)
        slope = x.new_empty(3, steps, batch, hidden)
        torch.mul(grad_candidate_pre * h_n, reset * (1 - reset), out=slope[0])
        torch.mul(hs[:-1] - candidate, update * (1 - update), out=slope[1])
        torch.mul(grad_candidate_pre, reset, out=slope[2])
        # grad_h[t] becomes the whole dLoss/dh_t; it starts as the part from above.
        grad_h = _writable_copy(grad_out)
        grad_h[steps - 1] += grad_h_last
        grad_h_side = x.new_empty(3, steps, batch, hidden)
        grad_h_t, update_t = grad_h.unbind(0), update.unbind(0)
        grad_h_side_t, slope_t = grad_h_side.unbind(1), slope.unbind(1)
        w_hr, w_hz, w_hn = (w_hh[rows] for rows in _gate_rows(hidden))
        for t in range(steps - 1, 0, -1):
            side = grad_h_side_t[t]
            torch.mul(slope_t[t], grad_h_t[t], out=side)
            # dh_{t-1} += z_t * dh_t (the carried part) + the three products' gradients.
            grad_h_t[t - 1].addcmul_(update_t[t], grad_h_t[t]).addmm_(side[0], w_hr).addmm_(side[1], w_hz).addmm_(side[2], w_hn)
        side = grad_h_side_t[0]
        torch.mul(slope_t[0], grad_h_t[0], out=side)
        grad_h0 = torch.addmm(update_t[0] * grad_h_t[0], side[0], w_hr).addmm_(side[1], w_hz).addmm_(side[2], w_hn)
        # The input side shares r and z with the hidden side; its candidate part lacks the factor r.
        grad_x_side = grad_h_side.clone()
        torch.mul(grad_h, grad_candidate_pre, out=grad_x_side[2])
        flat_h_side, flat_x_side = grad_h_side.view(3, -1, hidden), grad_x_side.view(3, -1, hidden)
        h_prev, x_flat = hs[:-1].reshape(-1, hidden), x.view(-1, features)
        grad_w_hh = torch.cat([flat_h_side[k].t() @ h_prev for k in range(3)])
        grad_w_ih = torch.cat([flat_x_side[k].t() @ x_flat for k in range(3)])
        grad_x = None
        if ctx.needs_input_grad[0]:
            w_ir, w_iz, w_in = (w_ih[rows] for rows in _gate_rows(hidden))
            grad_x = (flat_x_side[0] @ w_ir).addmm_(flat_x_side[1], w_iz).addmm_(flat_x_side[2], w_in).view(steps, batch, features)
        return grad_x, grad_h0, grad_w_ih, grad_w_hh, flat_x_side.sum(1).view(-1), flat_h_side.sum(1).view(-1)


def _gate_rows(hidden: int) -> list[slice]:
    """The rows of PyTorch's stacked GRU weights that belong to r, z and n."""
    return [slice(k * hidden, (k + 1) * hidden) for k in range(3)]
