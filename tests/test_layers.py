"""The engine and the application services import no Textual and no Rich; clients start without torch."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import seussbot

CLIENTS = ("seussbot.tui", "seussbot.cli", "seussbot.__main__")


def engine_modules() -> list[str]:
    names = [m.name for m in pkgutil.walk_packages(seussbot.__path__, "seussbot.")]
    return sorted(n for n in names if not n.startswith(CLIENTS))


def test_importing_every_engine_module_leaves_textual_and_rich_out() -> None:
    modules = engine_modules()
    assert {"seussbot.runner", "seussbot.writing", "seussbot.session", "seussbot.train"} <= set(modules)
    code = "import sys\n" + "".join(f"import {m}\n" for m in modules) + (
        "leaked = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\nprint(leaked)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_the_app_and_the_cli_start_without_torch() -> None:
    code = "import sys, seussbot.cli, seussbot.tui.app; print('torch' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.stdout.strip() == "False", result.stderr


def test_the_app_the_cli_and_its_help_start_without_the_word_list() -> None:
    """The English word list (seussbot.mistakes.english) is read when a word outside a book first needs it."""
    code = (
        "import sys, seussbot.cli, seussbot.tui.app, seussbot.mistakes\n"
        "try:\n    seussbot.cli.main(['--help'])\nexcept SystemExit:\n    pass\n"
        "print('spellchecker' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.stdout.strip().splitlines()[-1] == "False", result.stderr
