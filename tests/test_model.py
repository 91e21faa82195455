import pytest
import torch

from seussbot.model import CELLS, CharRNN, ModelConfig


@pytest.mark.parametrize("cell", CELLS)
def test_one_step_path_with_gates_matches_the_fused_layers(cell: str) -> None:
    torch.manual_seed(0)
    model = CharRNN(ModelConfig(cell, vocab_size=17, hidden_size=24, layers=2, embed_dim=8)).eval()  # type: ignore[arg-type]
    ids = torch.randint(0, 17, (3, 11))
    fused, fused_state = model(ids)
    state, stepped = None, []
    for t in range(ids.shape[1]):
        logits, state, gates = model.step(ids[:, t], state, with_gates=True)
        stepped.append(logits)
        assert gates is not None and len(gates) == 2
    torch.testing.assert_close(torch.stack(stepped, 1), fused, atol=1e-5, rtol=1e-5)
    if cell == "lstm":
        torch.testing.assert_close(state[1], fused_state[1], atol=1e-5, rtol=1e-5)


def test_lstm_gates_are_what_nn_lstm_computes() -> None:
    """Gate values reconstruct nn.LSTM's own next cell state: c' = f*c + i*g, h' = o*tanh(c')."""
    torch.manual_seed(1)
    model = CharRNN(ModelConfig("lstm", vocab_size=9, hidden_size=16, layers=1, embed_dim=4)).eval()
    state = model.initial_state(1)
    for token in [1, 4, 2, 8]:
        _, new_state, gates = model.step(torch.tensor([token]), state, with_gates=True)
        g = gates[0]
        expected_c = g.forget * state[1][0] + g.input * g.candidate
        torch.testing.assert_close(g.cell, expected_c)
        torch.testing.assert_close(g.hidden, g.output * torch.tanh(g.cell))
        _, reference = model.rnn(model.embed(torch.tensor([[token]])), state)
        torch.testing.assert_close(new_state[0], reference[0], atol=1e-6, rtol=1e-5)
        assert all(0 <= float(x.min()) and float(x.max()) <= 1 for x in (g.input, g.forget, g.output))
        state = new_state


def test_invalid_configs_are_refused() -> None:
    with pytest.raises(ValueError):
        ModelConfig("transformer", 10).validate()  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        ModelConfig("lstm", 10, dropout=1.5).validate()
