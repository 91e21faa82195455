"""Cells that mean something, the weight count by matrix, and one unit's equations."""

from __future__ import annotations

import pytest
import torch

from seussbot.inside.cells import find_cells
from seussbot.inside.equations import unit_step
from seussbot.inside.features import hero_features, in_word, inside_quotes, line_position, sentence_start
from seussbot.inside.reading import read_text
from seussbot.inside.weights import weight_breakdown
from seussbot.model import CELLS, CharRNN, ModelConfig
from seussbot.vocab import Vocab

TEXT = (
    'The cat said "no" to me.\nA fish said "yes, yes, yes" and swam off.\n'
    'Then "hop" said the frog; it hopped.\nNobody said a thing all day long.\n'
) * 6
VOCAB = Vocab.build(TEXT)


def test_features_say_what_their_names_say() -> None:
    tokens = list('a "bc" d.\nEf')
    assert inside_quotes(tokens) == [0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0]
    assert line_position(tokens) == [1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2]
    assert in_word(list("it's a")) == [1, 1, 1, 1, 0, 1]
    assert sentence_start(list("Hi. Yo")) == [1, 0, 1, 1, 1, 0]


def test_the_hero_feature_is_on_while_a_story_waits_for_its_hero() -> None:
    text = "Pim set off. A frog sat. And so Pim went home.\n\nTob ran. And so Tob went home.\n"
    (pim, tob) = hero_features(text)
    values = pim.values(list(text))
    assert pim.name == "holding the hero Pim" and tob.key == "hero:Tob"
    assert values[text.index("set")] == 1 and values[text.index("Tob")] == 0 and values[0] == 0


def _quote_and_line_cells() -> CharRNN:
    """Unit 0 flips its cell on each straight quote (on inside, off outside);
    unit 1 adds 0.05 per character and forgets at each line break."""
    v = len(VOCAB)
    model = CharRNN(ModelConfig("lstm", vocab_size=v, hidden_size=8, layers=1, embed_dim=v))
    quote, newline, size = VOCAB.id_of('"'), VOCAB.id_of("\n"), 8
    with torch.no_grad():
        for p in model.parameters():
            p.zero_()
        model.embed.weight.copy_(torch.eye(v))
        w_ih, w_hh, b = model.rnn.weight_ih_l0, model.rnn.weight_hh_l0, model.rnn.bias_ih_l0
        w_ih[0, quote], b[0] = 24.0, -12.0  # input gate 0: open on a quote only
        b[size] = b[size + 1] = 12.0  # forget gates: keep...
        w_ih[size + 1, newline] = -24.0  # ...but unit 1 forgets at a line break
        b[1] = 12.0  # input gate 1: always open
        b[2 * size], w_hh[2 * size, 0] = 3.0, -8.0  # candidate 0: +1 when closed, -1 when open
        b[2 * size + 1] = 0.05  # candidate 1: a little each character
        b[3 * size : 3 * size + 2] = 12.0  # output gates open
    return model.eval()


def test_find_cells_finds_a_quote_cell_and_a_line_cell() -> None:
    report = find_cells(_quote_and_line_cells(), VOCAB, TEXT)
    best = {f.feature: f for f in reversed(report.findings) if f.track == "cell"}  # the strongest wins
    assert (best["quote"].unit, best["line"].unit) == (0, 1)
    assert best["quote"].r > 0.95 and best["line"].r > 0.95
    assert report.tokens == len(TEXT)
    assert report.best(2)[0].unit in (0, 1)


def test_correlations_are_pearsons_r_over_chunks() -> None:
    torch.manual_seed(3)
    model = CharRNN(ModelConfig("gru", vocab_size=len(VOCAB), hidden_size=8, layers=2, embed_dim=4)).eval()
    from seussbot.inside import cells

    report = cells.find_cells(model, VOCAB, TEXT, keep=16)  # every unit of the layer
    hidden = read_text(model, VOCAB, TEXT).tracks[1]["hidden"]
    line = torch.tensor(line_position(list(TEXT)))
    for finding in [f for f in report.findings if f.feature == "line" and f.layer == 1][:3]:
        expected = torch.corrcoef(torch.stack([hidden[:, finding.unit].double(), line.double()]))[0, 1]
        assert finding.r == pytest.approx(float(expected), abs=1e-6)


def test_chunked_reading_carries_the_state(monkeypatch: pytest.MonkeyPatch) -> None:
    from seussbot.inside import cells

    model = _quote_and_line_cells()
    whole = find_cells(model, VOCAB, TEXT)
    monkeypatch.setattr(cells, "CHUNK", 37)
    assert [round(f.r, 5) for f in cells.find_cells(model, VOCAB, TEXT).findings] == [round(f.r, 5) for f in whole.findings]


@pytest.mark.parametrize("cell", CELLS)
def test_the_weight_breakdown_adds_up_to_the_weight_count(cell: str) -> None:
    model = CharRNN(ModelConfig(cell, vocab_size=30, hidden_size=16, layers=2, embed_dim=8))  # type: ignore[arg-type]
    matrices = weight_breakdown(model.config)
    assert sum(m.count for m in matrices) == model.parameter_count()
    gates = {"lstm": 4, "gru": 3, "rnn": 1}[cell]
    assert len([m for m in matrices if m.layer == 2 and m.name.startswith("W_h")]) == gates
    assert matrices[0].name == "embedding" and matrices[-2].name == "W_hy"


def test_the_equations_numbers_make_the_cells_next_state() -> None:
    torch.manual_seed(0)
    model = CharRNN(ModelConfig("lstm", vocab_size=len(VOCAB), hidden_size=8, layers=2, embed_dim=4)).eval()
    reading = read_text(model, VOCAB, TEXT[:40])
    step = unit_step(reading, 1, 5, 12)
    assert step["cell"] == pytest.approx(step["forget"] * step["cell_before"] + step["input"] * step["candidate"], abs=1e-6)
    assert step["hidden"] == pytest.approx(step["output"] * torch.tanh(torch.tensor(step["cell"])).item(), abs=1e-6)
    assert step["hidden_before"] == pytest.approx(float(reading.tracks[1]["hidden"][11, 5]))


def test_a_feature_the_text_never_shows_finds_no_cell() -> None:
    text = "no quotes here.\nnor here.\n" * 20
    vocab = Vocab.build(text)
    model = CharRNN(ModelConfig("rnn", vocab_size=len(vocab), hidden_size=8, layers=1, embed_dim=4)).eval()
    features = {f.feature for f in find_cells(model, vocab, text).findings}
    assert "quote" not in features and {"line", "word", "sentence"} <= features
