"""The look-inside engine: the batched reading agrees with the one-step path, and the reach
finds what a network remembers (a hand-set LSTM keeps the hero's name; a hand-set RNN cannot)."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from seussbot.errors import PromptError
from seussbot.grammars.homecoming import HEROES, homecoming_stories
from seussbot.inside.reach import reach
from seussbot.inside.reading import read_text
from seussbot.inside.recurrence import linear_recurrence
from seussbot.model import CELLS, CharRNN, ModelConfig
from seussbot.vocab import Vocab

TEXT = "One fish, two fish.\nRed fish, \"blue\" fish!\n"
VOCAB = Vocab.build(TEXT + "xyz")


def _model(cell: str, layers: int = 2, seed: int = 0) -> CharRNN:
    torch.manual_seed(seed)
    return CharRNN(ModelConfig(cell, vocab_size=len(VOCAB), hidden_size=12, layers=layers, embed_dim=6)).eval()  # type: ignore[arg-type]


@pytest.mark.parametrize("cell", CELLS)
def test_reading_a_text_gives_the_numbers_of_stepping_through_it(cell: str) -> None:
    model = _model(cell)
    reading = read_text(model, VOCAB, TEXT)
    ids = VOCAB.encode(TEXT)
    logits, state, _ = model.step(torch.tensor([VOCAB.id_of("\n")]), None, with_gates=True)
    for t, token_id in enumerate(ids):
        probs = torch.softmax(logits[0], -1)
        assert float(reading.prob[t]) == pytest.approx(float(probs[token_id]), abs=1e-5)
        assert reading.candidates(t, VOCAB)[0][0] == VOCAB.tokens[int(probs.argmax())]
        entropy = float(-(probs * probs.log2()).sum())
        assert float(reading.entropy_bits[t]) == pytest.approx(entropy, abs=1e-4)
        logits, state, gates = model.step(torch.tensor([token_id]), state, with_gates=True)
        for layer, layer_gates in enumerate(gates):
            for key, value in layer_gates.__dict__.items():
                if value is not None:
                    torch.testing.assert_close(reading.tracks[layer][key][t], value[0], atol=1e-5, rtol=1e-5)
    assert set(reading.tracks[0]) == {k for k, v in gates[0].__dict__.items() if v is not None}


@pytest.mark.parametrize("steps", [1, 2, 3, 31, 32, 33, 1000, 1025])
def test_the_cell_recurrence_as_a_scan_equals_stepping_it(steps: int) -> None:
    generator = torch.Generator().manual_seed(steps)
    decay = torch.rand(steps, 7, generator=generator, dtype=torch.float64)  # forget gates in (0, 1)
    added = torch.randn(steps, 7, generator=generator, dtype=torch.float64)
    first = torch.randn(7, generator=generator, dtype=torch.float64)
    expected, c = [], first
    for t in range(steps):
        c = decay[t] * c + added[t]
        expected.append(c)
    torch.testing.assert_close(linear_recurrence(decay, added, first), torch.stack(expected), atol=1e-12, rtol=1e-12)


def test_the_state_before_a_token_is_the_one_after_the_token_before() -> None:
    reading = read_text(_model("lstm"), VOCAB, TEXT)
    torch.testing.assert_close(reading.before(1, "cell", 5), reading.tracks[1]["cell"][4])
    assert reading.before(0, "hidden", 0).shape == (12,)


def test_reading_without_gates_keeps_the_predictions() -> None:
    model = _model("gru")
    assert read_text(model, VOCAB, TEXT, gates=False).tracks == [{}, {}]
    torch.testing.assert_close(read_text(model, VOCAB, TEXT, gates=False).prob, read_text(model, VOCAB, TEXT).prob)


def test_unreadable_text_is_refused_in_one_sentence() -> None:
    with pytest.raises(PromptError, match="never saw"):
        read_text(_model("rnn"), VOCAB, "Quack")
    with pytest.raises(PromptError, match="no text"):
        read_text(_model("rnn"), VOCAB, "")


def test_reach_is_the_gradient_through_the_models_own_layers() -> None:
    """Against autograd through nn.LSTM's fused forward pass, from the embeddings."""
    model = _model("lstm")
    ids = VOCAB.encode(TEXT)
    position = 30
    found = reach(model, VOCAB, TEXT, position)
    inputs = torch.tensor([[VOCAB.id_of("\n"), *ids[:position]]])
    embedded = model.embed(inputs).detach().requires_grad_(True)
    out, _ = model.rnn(embedded)
    assert all(p.grad is None for p in model.parameters())  # reach left the weights alone
    log_p = torch.log_softmax(model.head(out[0, -1]), -1)[ids[position]]
    (gradient,) = torch.autograd.grad(log_p, embedded)
    expected = gradient[0, 1:].norm(dim=-1)
    torch.testing.assert_close(torch.tensor(found.influence), expected, atol=1e-6, rtol=1e-4)
    assert found.prob == pytest.approx(float(log_p.detach().exp()), rel=1e-5)


def test_reach_reads_the_text_before_its_window_without_changing_the_prediction() -> None:
    model = _model("gru")
    whole, windowed = reach(model, VOCAB, TEXT, 35), reach(model, VOCAB, TEXT, 35, window=10)
    assert windowed.begin == 25 and len(windowed.influence) == 10
    assert windowed.prob == pytest.approx(whole.prob, rel=1e-5)
    assert windowed.influence == pytest.approx(whole.influence[-10:], rel=1e-4, abs=1e-7)


def test_reach_position_must_have_text_before_it() -> None:
    with pytest.raises(PromptError, match="position"):
        reach(_model("rnn"), VOCAB, TEXT, 0)
    with pytest.raises(PromptError, match="position"):
        reach(_model("rnn"), VOCAB, TEXT, len(TEXT))


# -- homecoming: who remembers the hero? ----------------------------------------------------
HOMECOMING = (Path(__file__).resolve().parents[1] / "corpora" / "homecoming.txt").read_text(encoding="utf-8")
HOME_VOCAB = Vocab.build(HOMECOMING)


def _far_story():
    """A story whose hero was last named 200+ characters before "And so _", and whose
    initial letter appears nowhere else in it (so the toy's memory is the hero's alone)."""
    for story in homecoming_stories(HOMECOMING[:200_000]):
        start = HOMECOMING.rfind("\n\n", 0, story.opening_start) + 2
        text = HOMECOMING[start : story.ending_start + 1]
        initials = [i for i, ch in enumerate(text[:-1]) if ch == story.hero[0]]
        named = [i for i, ch in enumerate(text) if text.startswith(story.hero, i)]
        if story.distance >= 200 and initials == named:
            return story, text, start
    raise AssertionError("no story fits")


def _memory_lstm(letter: int) -> CharRNN:
    """One cell that opens its input gate only on `letter`, never forgets, and shows itself."""
    model = CharRNN(ModelConfig("lstm", vocab_size=len(HOME_VOCAB), hidden_size=8, layers=1, embed_dim=len(HOME_VOCAB)))
    size = 8
    with torch.no_grad():
        for p in model.parameters():
            p.zero_()
        model.embed.weight.copy_(torch.eye(len(HOME_VOCAB)))  # one-hot inputs
        w_ih, b_ih = model.rnn.weight_ih_l0, model.rnn.bias_ih_l0
        w_ih[0, letter], b_ih[0] = 12.0, -12.0  # input gate: half open on the letter, shut otherwise
        b_ih[size] = 9.0  # forget gate: keep (f = 0.9999)
        w_ih[2 * size, letter] = 1.0  # candidate: what to write
        b_ih[3 * size] = 9.0  # output gate: open
        model.head.weight[letter, 0] = 6.0
    return model.eval()


def _fading_rnn(letter: int) -> CharRNN:
    """The same job for a vanilla RNN: h_t = tanh(2 x_letter + 0.95 h_{t-1}); its memory fades."""
    model = CharRNN(ModelConfig("rnn", vocab_size=len(HOME_VOCAB), hidden_size=8, layers=1, embed_dim=len(HOME_VOCAB)))
    with torch.no_grad():
        for p in model.parameters():
            p.zero_()
        model.embed.weight.copy_(torch.eye(len(HOME_VOCAB)))
        model.rnn.weight_ih_l0[0, letter] = 2.0
        model.rnn.weight_hh_l0[0, 0] = 0.95
        model.head.weight[letter, 0] = 6.0
    return model.eval()


def test_on_homecoming_an_lstm_reaches_back_to_the_hero_and_a_vanilla_rnn_does_not() -> None:
    story, text, start = _far_story()
    position = story.ending_start - start  # the name after "And so "
    assert text[position] == story.hero[0] and story.hero in HEROES
    letter = HOME_VOCAB.id_of(story.hero[0])
    names = [i for i in range(position) if text.startswith(story.hero, i)]
    last_name = max(names)

    lstm = reach(_memory_lstm(letter), HOME_VOCAB, text, position)
    assert lstm.share(names) > 0.9  # the hero's name carries the influence...
    assert lstm.within_90 >= position - last_name >= 200  # ...from hundreds of characters back
    rnn = reach(_fading_rnn(letter), HOME_VOCAB, text, position)
    assert rnn.share(names) < 0.01
    assert rnn.within_90 < 60
