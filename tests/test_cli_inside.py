"""`seussbot inspect` and `seussbot cells` on a small trained model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from seussbot.cli import main


def test_inspect_json_gives_every_character_its_prediction(trained, capsys: pytest.CaptureFixture) -> None:
    assert main(["inspect", trained.name, "--text", "Ann saw", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["text"] == "Ann saw" and out["cell"] == "lstm" and out["reach"] is None
    assert [t["token"] for t in out["tokens"]] == list("Ann saw")
    first = out["tokens"][0]
    assert set(first) == {"index", "token", "prob", "entropy_bits", "candidates"}  # no gates unless asked
    assert 0 < first["prob"] < 1 and len(first["candidates"]) == 5
    assert sum(m["count"] for m in out["weights"]) == out["parameters"]


def test_inspect_gates_and_reach_in_json(trained, capsys: pytest.CaptureFixture) -> None:
    assert main(["inspect", trained.name, "--text", "Ann saw a hat.", "--json", "--gates", "--reach", "8"]) == 0
    out = json.loads(capsys.readouterr().out)
    gates = out["tokens"][3]["gates"]
    assert [g["layer"] for g in gates] == [1]
    assert set(gates[0]) == {"layer", "input", "forget", "output", "candidate", "cell", "hidden"}
    assert len(gates[0]["forget"]) == out["hidden_size"] and all(0 <= v <= 1 for v in gates[0]["forget"])
    reach = out["reach"]
    assert reach["position"] == 8 and reach["token"] == "a"
    assert [i["back"] for i in reach["influence"]] == list(range(8, 0, -1))
    assert 1 <= reach["within_90"] <= 8


def test_inspect_prints_a_table_and_the_reach_sentence(trained, capsys: pytest.CaptureFixture) -> None:
    assert main(["inspect", trained.name, "--text", "Bob had", "--gates", "--reach", "4"]) == 0
    out = capsys.readouterr().out
    assert "what it expected at each character" in out and "forget gate f" in out
    assert "90% of the influence lies within" in out


@pytest.mark.parametrize(
    "args, words",
    [
        (["--text", "Ann ~"], "never saw"),
        (["--text", "Ann", "--reach", "7"], "position must be from 1 to 2"),
        (["--text", ""], "no text"),
    ],
)
def test_inspect_refuses_bad_input_in_one_sentence(trained, args: list[str], words: str, capsys: pytest.CaptureFixture) -> None:
    assert main(["inspect", trained.name, *args]) == 1
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err and err.count("\n") == 1


def test_inspect_reads_a_file(trained, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    path = tmp_path / "text.txt"
    path.write_text("Dan got a bun.\n", encoding="utf-8")
    assert main(["inspect", trained.name, "--file", str(path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["text"] == "Dan got a bun.\n"


def test_cells_lists_units_with_their_features(trained, capsys: pytest.CaptureFixture) -> None:
    assert main(["cells", trained.name, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["model"] == trained.name and out["tokens"] > 100
    features = {c["feature"] for c in out["cells"]}
    assert {"line", "word", "sentence"} <= features and "quote" not in features  # the story has no quotes
    cell = out["cells"][0]
    assert set(cell) == {"feature", "feature_name", "layer", "track", "unit", "r"} and -1 <= cell["r"] <= 1
    assert abs(cell["r"]) == max(abs(c["r"]) for c in out["cells"])
    assert main(["cells", trained.name]) == 0
    assert "Strongest: unit" in capsys.readouterr().out


def test_cells_on_another_corpus_it_cannot_read_says_so(trained, capsys: pytest.CaptureFixture) -> None:
    assert main(["cells", trained.name, "--corpus", "seussian"]) == 1
    assert "cannot read" in capsys.readouterr().err
