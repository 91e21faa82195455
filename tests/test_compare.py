"""The comparison: equal weights, lockstep, one sentence made of the numbers, and `seussbot compare`."""

from __future__ import annotations

import json

import pytest

from seussbot.cli import main
from seussbot.compare import Comparison, ModelResult, lesson, parse_cells, plan, weight_count
from seussbot.errors import SeussbotError
from seussbot.model import CharRNN, ModelConfig
from seussbot.probe import BandShare, ProbeResult


@pytest.mark.parametrize("cell", ["lstm", "gru", "rnn"])
def test_weight_count_is_what_the_model_builds(cell: str) -> None:
    for hidden, layers in ((64, 1), (96, 2), (48, 3)):
        model = CharRNN(ModelConfig(cell=cell, vocab_size=41, hidden_size=hidden, layers=layers, embed_dim=24))
        assert weight_count(cell, 41, hidden, layers, 24) == model.parameter_count()


def test_every_network_gets_about_the_lstms_weights() -> None:
    contestants = {c.cell: c for c in plan(("rnn", "lstm", "gru", "ngram"), 40, 256, 1, 32)}
    assert set(contestants) == {"rnn", "lstm", "gru"}
    lstm = contestants["lstm"].weights
    for cell in ("rnn", "gru"):
        assert abs(contestants[cell].weights - lstm) / lstm < 0.05, contestants[cell]
    assert contestants["rnn"].hidden_size > contestants["gru"].hidden_size > contestants["lstm"].hidden_size == 256
    assert contestants["rnn"].label == f"RNN 1x{contestants['rnn'].hidden_size} · {round(contestants['rnn'].weights / 1000)}k weights"


def test_cells_are_parsed_in_display_order_and_checked() -> None:
    assert parse_cells("lstm, rnn") == ("rnn", "lstm")
    for bad in ("lstm,transformer", "lstm,lstm", "ngram"):
        with pytest.raises(SeussbotError):
            parse_cells(bad)


def _result(cell: str, far: int, steps: int = 6000, bits: float = 1.5) -> ModelResult:
    probe = ProbeResult("right hero at the ending", "by distance", (BandShare("15-40", 99, 100), BandShare("200-400", far, 100)), 0.1)
    return ModelResult(cell, cell.upper(), cell, steps, 60.0, bits, probe, 3.0, {"echo": 3.0})


def test_the_lesson_is_made_of_the_numbers() -> None:
    sentence = lesson([_result("rnn", 9), _result("lstm", 92)])
    assert sentence == (
        "After 6,000 steps the LSTM is right 92% of the time (right hero at the ending, 200-400 characters back); "
        "the RNN 9% (chance 10%)."
    )
    flipped = lesson([_result("rnn", 80), _result("lstm", 30)])
    assert "the RNN is right 80%" in flipped and "the LSTM 30%" in flipped
    assert "no network is ahead" in lesson([_result("rnn", 50), _result("lstm", 52)])
    # 17 of 100 against chance 10%: within three standard errors (9 points), so not a lead to report.
    noise = lesson([_result("rnn", 12), _result("lstm", 17)])
    assert noise.startswith("After 6,000 steps no network is above chance yet") and "100 endings asked" in noise
    assert "After 10 steps" in lesson([_result("rnn", 9, steps=10), _result("lstm", 92, steps=12)])


def test_without_a_probe_the_lesson_reads_bits_and_mistakes() -> None:
    plain = [
        ModelResult("rnn", "RNN", "a", 500, 1.0, 2.4, None, 7.2, {}),
        ModelResult("lstm", "LSTM", "b", 500, 1.0, 1.9, None, 3.1, {}),
        ModelResult("ngram", "5-gram · 9k counts", None, 0, 0.0, 2.6, None, 9.0, {}),
    ]
    sentence = lesson(plain)
    assert sentence.startswith("After 500 steps the held-out text costs the LSTM at 1.90, the RNN at 2.40, the 5-gram at 2.60 bits per character")
    assert "the LSTM makes 3.1 mistakes per 100 words, the RNN 7.2" in sentence


def test_networks_train_in_lockstep_and_are_saved() -> None:
    with Comparison("spot", ("rnn", "lstm", "ngram"), steps=12, threads=1, eval_every_s=0.5) as comparison:
        assert [c.cell for c in comparison.contestants] == ["rnn", "lstm"]
        comparison.start()
        assert comparison.runner.wait(120)
        steps = [s.trainer.state.step for s in comparison.sessions]
        assert steps == [12, 12]
        results = comparison.results(samples=1, length=40)
        assert [r.cell for r in results] == ["rnn", "lstm", "ngram"]
        from seussbot.mistakes import NEUTRAL

        for r in results:
            assert not set(r.mistakes_by_kind) & set(NEUTRAL)  # a new word is not a mistake
            assert r.mistakes_per_100_words == round(sum(r.mistakes_by_kind.values()), 2)
            assert r.val_bits is not None and 0 < r.val_bits < 3
            assert r.probe is not None and r.probe.title and 0 <= (r.probe.share or 0) <= 1
            assert len(r.samples) == 1
        names = [s.name for s in comparison.sessions]
    assert names == ["spot-compare-rnn", "spot-compare-lstm"]
    from seussbot.session import load_model

    assert load_model("spot-compare-rnn").model.config.cell == "rnn"


def test_a_shared_time_budget_stops_lockstep() -> None:
    with Comparison("spot", ("rnn", "gru"), minutes=0.02, threads=1) as comparison:
        comparison.start()
        assert comparison.runner.wait(120)
        assert comparison.runner.shared_fraction() == 1.0
        a, b = (s.trainer.state.step for s in comparison.sessions)
        assert a > 0 and abs(a - b) <= 1  # one step each per turn


def test_compare_json(capsys) -> None:
    assert main(["compare", "spot", "--cells", "lstm,ngram", "--steps", "8", "--samples", "1", "--threads", "1", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["corpus"] == "spot" and data["turns"] == "lockstep" and data["lesson"]
    assert [m["cell"] for m in data["models"]] == ["lstm", "ngram"]
    lstm = data["models"][0]
    assert lstm["steps"] == 8 and lstm["name"] == "spot-compare-lstm" and lstm["probe"]["bands"]
    assert set(lstm) >= {"label", "val_bits", "mistakes_per_100_words", "mistakes_by_kind", "samples"}


def test_compare_refuses_bad_cells_in_one_line(capsys) -> None:
    assert main(["compare", "spot", "--cells", "lstm,bert"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "bert" in err
