"""The command line, driven as a user would: exit codes, stdout, stderr."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from seussbot.cli import main

FAST = ["--preset", "tiny", "--threads", "1", "--eval-every", "1"]


def run_cli(args: list[str], home: Path, cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run the installed seussbot in a subprocess, from a folder that is not the checkout."""
    env = {**os.environ, "SEUSSBOT_HOME": str(home), "COLUMNS": "120"}
    return subprocess.run([sys.executable, "-m", "seussbot", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def assert_one_line_error(result: subprocess.CompletedProcess, words: str) -> None:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("seussbot: ") and words in lines[0], result.stderr


def test_help_lists_every_command(capsys: pytest.CaptureFixture) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    for command in ("train", "sample", "corpora", "import", "models", "info"):
        assert command in out


def test_every_command_has_working_help(capsys: pytest.CaptureFixture) -> None:
    """argparse formats help lazily, so a stray % in one option's help crashes only that command's --help."""
    import argparse

    from seussbot.cli import build_parser

    commands = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    assert len(commands.choices) >= 10
    for name in commands.choices:
        with pytest.raises(SystemExit) as exit_:
            main([name, "--help"])
        assert exit_.value.code == 0, name
        assert "usage: seussbot " + name in capsys.readouterr().out


def test_train_then_sample_models_and_info(story_file: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["train", str(story_file), "--steps", "60", "--out", "tale", "--sample-length", "30", *FAST]) == 0
    capsys.readouterr()

    assert main(["sample", "tale", "--prompt", "Ann ", "--length", "40", "--seed", "3"]) == 0
    first = capsys.readouterr().out
    assert first.startswith("Ann ") and len(first) == len("Ann ") + 40  # only the text, nothing else
    main(["sample", "tale", "--prompt", "Ann ", "--length", "40", "--seed", "3"])
    assert capsys.readouterr().out == first

    assert main(["models"]) == 0
    assert "tale" in capsys.readouterr().out

    assert main(["info", "tale", "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    for key in ("path", "cell", "level", "vocab_size", "steps", "train_loss", "val_loss", "best_val_loss"):
        assert key in info
    assert info["cell"] == "lstm" and info["level"] == "char" and info["steps"] == 60
    assert info["best_val_loss"] <= info["val_loss"] and Path(info["path"]).exists()


def test_resume_adds_steps(story_file: Path, capsys: pytest.CaptureFixture) -> None:
    main(["train", str(story_file), "--steps", "20", "--out", "again", "--sample-length", "0", *FAST])
    assert main(["train", str(story_file), "--resume", "--out", "again", "--steps", "15", "--sample-length", "0", "--threads", "1"]) == 0
    capsys.readouterr()
    main(["info", "again", "--json"])
    assert json.loads(capsys.readouterr().out)["steps"] == 35


def test_train_prints_the_corpus_probe_and_when_the_rule_is_learned(capsys: pytest.CaptureFixture) -> None:
    assert main(["train", "spot", "--steps", "80", "--eval-every", "0.3", "--sample-length", "0", "--threads", "1"]) == 0
    err = capsys.readouterr().err
    assert "next sentence starts with the last name: " in err and "(chance 33%)" in err
    assert "learned to follow the chain at step " in err


def test_import_then_train_by_name(story_file: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["import", str(story_file), "--name", "my tale"]) == 0
    assert "my-tale" in capsys.readouterr().out
    assert main(["corpora"]) == 0
    assert "my-tale" in capsys.readouterr().out
    assert main(["train", "my-tale", "--steps", "5", "--sample-length", "0", *FAST]) == 0


@pytest.mark.parametrize(
    "args, words",
    [
        (["sample", "no-such-model"], "No saved model"),
        (["train", "no-such-corpus"], "No corpus named"),
        (["train", "/no/such/file.txt"], "no file"),
        (["info", "/no/such/model.safetensors"], "no model file"),
    ],
)
def test_user_errors_are_one_sentence(args: list[str], words: str, capsys: pytest.CaptureFixture) -> None:
    code = main(args)
    err = capsys.readouterr().err.strip().splitlines()
    assert code != 0 and len(err) == 1 and err[0].startswith("seussbot: ") and words in err[0]


def test_hostile_and_bad_files_from_a_real_process(tmp_path: Path) -> None:
    home, cwd = tmp_path / "home", tmp_path / "elsewhere"
    cwd.mkdir()
    binary = tmp_path / "blob.txt"
    binary.write_bytes(bytes(range(256)) * 50)
    assert_one_line_error(run_cli(["train", str(binary)], home, cwd), "binary")
    assert_one_line_error(run_cli(["import", str(binary)], home, cwd), "binary")
    latin = tmp_path / "latin.txt"
    latin.write_bytes("caf\xe9 au lait. ".encode("latin-1") * 200)
    assert_one_line_error(run_cli(["train", str(latin)], home, cwd), "not UTF-8")
    pickled = tmp_path / "evil.safetensors"
    pickled.write_bytes(b"\x80\x04\x95" + b"cos\nsystem\n" * 10)
    assert_one_line_error(run_cli(["sample", str(pickled)], home, cwd), "not a safetensors")


def test_ctrl_c_saves_and_exits_cleanly(story_file: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = {**os.environ, "SEUSSBOT_HOME": str(home)}
    process = subprocess.Popen(
        [sys.executable, "-m", "seussbot", "train", str(story_file), "--minutes", "5", "--out", "interrupted", *FAST],
        cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    deadline = time.monotonic() + 60
    model = home / "models" / "interrupted.safetensors"
    said = ""
    while "Ctrl+C saves and stops" not in said and time.monotonic() < deadline - 20:
        said += process.stderr.readline()  # training starts right after this line
    time.sleep(2)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=max(5, deadline - time.monotonic()))
    err = said + err
    assert process.returncode == 0, err
    assert "Traceback" not in err and model.exists()
    info = run_cli(["info", "interrupted", "--json"], home, tmp_path)
    assert json.loads(info.stdout)["steps"] > 0


@pytest.mark.parametrize(
    "text, kind",
    [("Doug saw Doug.", "echo"), ("Jane saw Spot saw Doug saw Jane.", "run-on"), ("Spot. Doug. Jane.", "fragment")],
)
def test_mistakes_names_the_three_slide_mistakes(text: str, kind: str, capsys: pytest.CaptureFixture) -> None:
    assert main(["mistakes", "spot", "--text", text, "--json"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert kind in {m["kind"] for m in found}
    for m in found:
        assert text[m["start"] : m["end"]] == m["text"]


def test_mistakes_reads_a_file_and_prints_marked_text(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    path = tmp_path / "written.txt"
    path.write_text("Doug saw Jane. Jane saw Jane.\n")
    assert main(["mistakes", "spot", "--file", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Jane saw Jane." in out and "echo" in out
    assert main(["mistakes", "spot", "--text", "Doug saw Jane. Jane saw Spot."]) == 0
    assert "No mistakes found." in capsys.readouterr().out
    assert main(["mistakes", "spot", "--file", str(tmp_path / "missing.txt")]) == 1
