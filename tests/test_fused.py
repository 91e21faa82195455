"""The fused CPU RNN and GRU compute exactly what nn.RNN and nn.GRU compute, gradients included."""

from __future__ import annotations

import pytest
import torch
from torch import nn
from torch.nn import functional as F

from seussbot import fused, model as model_module
from seussbot.fused import applies, fused_forward
from seussbot.model import CharRNN, ModelConfig

LAYERS = {"rnn": nn.RNN, "gru": nn.GRU}
# (features, hidden, steps): square, wide, narrow and a two-step window.
SHAPES = [(5, 6, 13), (3, 17, 2), (11, 4, 40)]


def _outputs_and_gradients(run, layer: nn.Module, x: torch.Tensor, h0: torch.Tensor | None) -> list[torch.Tensor]:
    """Output, final state, and the gradient of a loss that uses both, for every input and weight."""
    out, h_n = run(layer, x, h0)
    weights = torch.randn_like(out)
    loss = (out.sin() * weights).sum() + (h_n * h_n).sum()
    wrt = [x, *([h0] if h0 is not None else []), *layer.parameters()]
    return [out, h_n, *torch.autograd.grad(loss, wrt)]


def _compare(cell: str, layers: int, batch: int, shape: tuple[int, int, int], given_state: bool, dtype: torch.dtype) -> list[tuple[torch.Tensor, torch.Tensor]]:
    features, hidden, steps = shape
    torch.manual_seed(layers * 100 + batch)
    layer = LAYERS[cell](features, hidden, num_layers=layers, batch_first=True).to(dtype)
    x = torch.randn(batch, steps, features, dtype=dtype, requires_grad=True)
    h0 = torch.randn(layers, batch, hidden, dtype=dtype, requires_grad=True) if given_state else None
    seed = 1234 + layers * 10 + batch  # fixed: a failure can be replayed, and later tests' generator is left alone
    torch.manual_seed(seed)
    expected = _outputs_and_gradients(lambda m, a, b: m(a, b), layer, x, h0)
    torch.manual_seed(seed)  # the same random loss weights
    actual = _outputs_and_gradients(fused_forward, layer, x, h0)
    return list(zip(actual, expected))


@pytest.mark.parametrize("given_state", [False, True], ids=["zero-state", "given-state"])
@pytest.mark.parametrize("batch", [1, 7, 32])
@pytest.mark.parametrize("layers", [1, 2, 3])
@pytest.mark.parametrize("cell", ["rnn", "gru"])
def test_outputs_and_every_gradient_equal_pytorch_in_float64(cell: str, layers: int, batch: int, given_state: bool) -> None:
    for shape in SHAPES:
        for actual, expected in _compare(cell, layers, batch, shape, given_state, torch.float64):
            torch.testing.assert_close(actual, expected, atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize("steps_per_chunk", [1, 3])
def test_the_grus_backward_gives_the_same_gradients_chunk_by_chunk(steps_per_chunk: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """The backward works out gate slopes a chunk of steps at a time; 13 steps in chunks of 3 leave one of 1."""
    monkeypatch.setattr(fused, "CHUNK_NUMBERS", steps_per_chunk * 7 * 6)  # batch 7, hidden 6
    for given_state in (False, True):
        for actual, expected in _compare("gru", 2, 7, (5, 6, 13), given_state, torch.float64):
            torch.testing.assert_close(actual, expected, atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize("cell", ["rnn", "gru"])
def test_float32_agrees_at_a_training_shape(cell: str) -> None:
    for actual, expected in _compare(cell, 2, 8, (32, 128, 64), True, torch.float32):
        torch.testing.assert_close(actual, expected, atol=1e-4, rtol=1e-4)


@pytest.mark.parametrize("cell", ["rnn", "gru"])
def test_dropout_falls_between_layers_as_in_nn_rnn(cell: str) -> None:
    """Training mode drops each layer's output but the last's, with the mask nn's dropout draws."""
    torch.manual_seed(3)
    stacked = LAYERS[cell](4, 6, num_layers=3, dropout=0.5, batch_first=True).double().train()
    x = torch.randn(5, 9, 4, dtype=torch.double)
    singles = [LAYERS[cell](4 if k == 0 else 6, 6).double() for k in range(3)]  # time-major, one layer each
    for k, single in enumerate(singles):
        for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
            getattr(single, f"{name}_l0").data.copy_(getattr(stacked, f"{name}_l{k}"))
    torch.manual_seed(11)
    out, h_n = fused_forward(stacked, x)
    torch.manual_seed(11)
    h, finals = x.transpose(0, 1), []
    for k, single in enumerate(singles):
        if k > 0:
            h = F.dropout(h, 0.5, training=True)
        h, last = single(h)
        finals.append(last[0])
    torch.testing.assert_close(out, h.transpose(0, 1))
    torch.testing.assert_close(h_n, torch.stack(finals))
    assert not torch.allclose(out, stacked.eval()(x)[0])  # the masks did something


@pytest.mark.parametrize("cell", ["rnn", "gru"])
def test_a_training_step_through_charrnn_equals_the_unfused_step(cell: str, monkeypatch: pytest.MonkeyPatch) -> None:
    config = ModelConfig(cell, vocab_size=19, hidden_size=24, layers=2, embed_dim=8)  # type: ignore[arg-type]
    ids = torch.randint(0, 19, (4, 17))
    trained = {}
    for path in ("fused", "unfused"):
        if path == "unfused":
            monkeypatch.setattr(model_module.fused, "applies", lambda rnn, x: False)
        torch.manual_seed(0)
        net = CharRNN(config).double()
        optimizer = torch.optim.Adam(net.parameters(), lr=1e-2)
        for _ in range(3):
            logits, state = net(ids[:, :-1], net.initial_state(4).double())
            loss = F.cross_entropy(logits.reshape(-1, 19), ids[:, 1:].reshape(-1))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        trained[path] = net.state_dict()
    assert list(trained["fused"]) == list(trained["unfused"])  # the same nn.RNN/nn.GRU names
    for name, value in trained["fused"].items():
        torch.testing.assert_close(value, trained["unfused"][name], atol=1e-8, rtol=1e-8, msg=name)


def test_the_fused_path_is_taken_only_for_cpu_training_of_rnn_and_gru() -> None:
    x = torch.randn(2, 5, 3)
    for cell, expected in (("rnn", True), ("gru", True), ("lstm", False)):
        assert applies(CharRNN(ModelConfig(cell, 9, 8, embed_dim=3)).rnn, x) is expected  # type: ignore[arg-type]
    rnn = nn.RNN(3, 4, batch_first=True)
    assert not applies(nn.RNN(3, 4, batch_first=True, nonlinearity="relu"), x)
    assert not applies(rnn, x[:, :1])  # one step at a time: sampling
    assert not applies(rnn, torch.empty(2, 5, 3, device="meta"))  # not a CPU: cuDNN fuses it
    with torch.no_grad():
        assert not applies(rnn, x)  # evaluation


def test_charrnn_uses_the_fused_layers_when_training(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    real = fused.fused_forward
    monkeypatch.setattr(model_module.fused, "fused_forward", lambda *a: calls.append(1) or real(*a))
    net = CharRNN(ModelConfig("gru", vocab_size=9, hidden_size=8))
    net(torch.randint(0, 9, (2, 6)))[0].sum().backward()
    assert calls and net.rnn.weight_hh_l0.grad is not None
    net.step(torch.tensor([1, 2]))
    assert len(calls) == 1  # sampling stays on nn.GRU
