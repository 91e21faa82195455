"""Fused CPU training paths for the vanilla (tanh) RNN and the GRU.

On a CPU PyTorch fuses only the LSTM (oneDNN); `nn.RNN` and `nn.GRU` run a
per-step loop whose every step is several autograd nodes, so an RNN of the
same weight count trained about five times slower than an LSTM although the
arithmetic per character is about the same. In a comparison that would make
every cell wait on the slowest for the wrong reason.

Here one `torch.autograd.Function` per layer does the whole window:
  1. the input projection of every time step at once, x_t W_ih^T + b, as one matrix product;
  2. the recurrence, in place in preallocated time-major buffers, two (RNN) or
     seven (GRU) tensor operations per step, one of them the hidden side's matrix product;
  3. a hand-written backward: the gradient flows back through time with one
     matrix product and one or two element-wise operations per step (the GRU's
     gate slopes worked out a cache-sized chunk of steps ahead), and every
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
        w_hh_t = w_hh.t().contiguous()  # laid out once: MKL's product with the transposed view is ~30% slower here
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


# The GRU's backward works out each step's gate slopes a chunk of steps at a time, just
# before the loop reaches them, so they are read back from cache: a chunk's buffers hold
# about this many numbers each (64k floats: 256 KB, inside any L2).
CHUNK_NUMBERS = 1 << 16


class _GRULayer(torch.autograd.Function):
    """PyTorch's GRU over a whole time-major window:
        r = sigmoid(x W_ir + b_ir + h W_hr + b_hr)      reset gate
        z = sigmoid(x W_iz + b_iz + h W_hz + b_hz)      update gate
        n = tanh(x W_in + b_in + r * (h W_hn + b_hn))   candidate
        h' = (1 - z) * n + z * h
    The gates keep PyTorch's order along their last axis, (step, batch, [r | z | n]), so each
    step's hidden side is one product with the whole W_hh (as is each step's gradient back
    through it), and the weight gradients come out stacked as nn.GRU stacks them.
    """

    @staticmethod
    def forward(ctx, x: Tensor, h0: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor, b_hh: Tensor) -> tuple[Tensor, Tensor]:  # type: ignore[override]
        steps, batch, features = x.shape
        hidden = w_hh.shape[0] // 3
        rz, n = slice(0, 2 * hidden), slice(2 * hidden, 3 * hidden)
        # The input side of every step with b_hr and b_hz folded in (b_hn stays inside r * (...));
        # the loop turns each step's pre-activations into r, z, n in place.
        bias = b_ih.clone()
        bias[rz] += b_hh[rz]
        gates = torch.addmm(bias, x.view(-1, features), w_ih.t()).view(steps, batch, 3 * hidden)
        # Each step's hidden side, h W_hh^T, goes to one scratch row block that stays in cache;
        # only its candidate part (+ b_hn) is kept, for the backward. W_hh^T is laid out once:
        # MKL's product with a transposed view is ~30% slower at these shapes.
        w_hh_t = w_hh.t().contiguous()
        scratch = x.new_empty(batch, 3 * hidden)
        scratch_rz, scratch_n, b_hn = scratch[:, rz], scratch[:, n], b_hh[n]
        side_n = x.new_empty(steps, batch, hidden)  # h_{t-1} W_hn^T + b_hn
        hs = x.new_empty(steps + 1, batch, hidden)  # hs[0] = h0, hs[t + 1] = h_t
        hs[0] = h0
        # Every per-step view is cut once, before the loop.
        h_t, side_n_t = hs.unbind(0), side_n.unbind(0)
        rz_t, n_t = gates[..., rz].unbind(0), gates[..., n].unbind(0)
        reset_t, update_t = gates[..., :hidden].unbind(0), gates[..., hidden : rz.stop].unbind(0)
        for t in range(steps):
            torch.mm(h_t[t], w_hh_t, out=scratch)
            rz_t[t].add_(scratch_rz).sigmoid_()  # now r | z
            torch.add(scratch_n, b_hn, out=side_n_t[t])
            candidate = n_t[t].addcmul_(reset_t[t], side_n_t[t]).tanh_()
            torch.lerp(candidate, h_t[t], update_t[t], out=h_t[t + 1])  # n + z (h - n)
        ctx.save_for_backward(x, hs, side_n, gates, w_ih, w_hh)
        return hs[1:], hs[steps].clone()

    @staticmethod
    def backward(ctx, grad_out: Tensor, grad_h_last: Tensor):  # type: ignore[override]
        x, hs, side_n, gates, w_ih, w_hh = ctx.saved_tensors
        steps, batch, features = x.shape
        hidden = w_hh.shape[0] // 3
        rz, n = slice(0, 2 * hidden), slice(2 * hidden, 3 * hidden)
        reset, update, candidate = gates[..., :hidden], gates[..., hidden : rz.stop], gates[..., n]
        # grad_h[t] becomes the whole dLoss/dh_t; it starts as the part from above.
        grad_h = _writable_copy(grad_out)
        grad_h[steps - 1] += grad_h_last
        # d(hidden side h W_hh^T + b_hh), per gate; and the input side's candidate part,
        # d(x W_in + b_in), which lacks the hidden side's factor r.
        grad_side = x.new_empty(steps, batch, 3, hidden)
        grad_x_n = x.new_empty(steps, batch, hidden)
        chunk = max(1, min(steps, CHUNK_NUMBERS // (batch * hidden)))
        # How dh_t reaches each gate's pre-activation (dh * slope), for one chunk of steps.
        slope = x.new_empty(chunk, batch, 3, hidden)
        spare, not_update = x.new_empty(chunk, batch, hidden), x.new_empty(chunk, batch, hidden)  # scratch, and 1 - z
        through_candidate = x.new_empty(chunk, batch, hidden)  # dh -> d(x W_in + r * h_n): (1 - z)(1 - n^2)
        grad_h_t, update_t, grad_side_t = grad_h.unbind(0), update.unbind(0), grad_side.unbind(0)
        for high in range(steps, 0, -chunk):
            low = max(0, high - chunk)
            k = high - low
            r, z, c, h_prev = reset[low:high], update[low:high], candidate[low:high], hs[low:high]
            tc, sp, not_z, sl = through_candidate[:k], spare[:k], not_update[:k], slope[:k]
            torch.sub(1, z, out=not_z)
            torch.mul(c, c, out=tc).neg_().add_(1).mul_(not_z)
            torch.sub(1, r, out=sp)
            torch.mul(tc, side_n[low:high], out=sl[:, :, 0]).mul_(r).mul_(sp)  # reset
            torch.sub(h_prev, c, out=sl[:, :, 1]).mul_(z).mul_(not_z)  # update
            torch.mul(tc, r, out=sl[:, :, 2])  # candidate
            slope_t = sl.unbind(0)
            for t in range(high - 1, low - 1, -1):
                side = grad_side_t[t]
                torch.mul(slope_t[t - low], grad_h_t[t].unsqueeze(1), out=side)
                if t > 0:  # dh_{t-1} += z_t * dh_t (the carried part) + the hidden side's gradient through W_hh
                    grad_h_t[t - 1].addcmul_(update_t[t], grad_h_t[t]).addmm_(side.view(batch, -1), w_hh)
            torch.mul(grad_h[low:high], tc, out=grad_x_n[low:high])  # dh of these steps is whole now
        grad_h0 = torch.addmm(update_t[0] * grad_h_t[0], grad_side_t[0].view(batch, -1), w_hh)
        flat_side = grad_side.view(-1, 3 * hidden)
        flat_side_rz, flat_x_n = flat_side[:, rz], grad_x_n.view(-1, hidden)
        x_flat = x.view(-1, features)
        grad_w_hh = flat_side.t() @ hs[:-1].reshape(-1, hidden)
        grad_w_ih = x.new_empty(3 * hidden, features)  # the input side shares r and z with the hidden side
        torch.mm(flat_side_rz.t(), x_flat, out=grad_w_ih[rz])
        torch.mm(flat_x_n.t(), x_flat, out=grad_w_ih[n])
        grad_b_hh = flat_side.sum(0)
        grad_b_ih = torch.cat([grad_b_hh[rz], flat_x_n.sum(0)])
        grad_x = None
        if ctx.needs_input_grad[0]:
            grad_x = torch.mm(flat_side_rz, w_ih[rz]).addmm_(flat_x_n, w_ih[n]).view(steps, batch, features)
        return grad_x, grad_h0, grad_w_ih, grad_w_hh, grad_b_ih, grad_b_hh
