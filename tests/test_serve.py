"""`seussbot serve` without a browser: its options, the thread count each tab gets, the page, the room's size.

The browser journeys are in test_serve_browser.py; these need no Chromium.
"""

from __future__ import annotations

import ast
import asyncio
import re
import sys
import time
from pathlib import Path

import pytest
from textual import messages

from seussbot import defaults, store
from seussbot.cli import main
from seussbot.cli.serve import app_environment, default_max_sessions, is_loopback, page_url
from seussbot.errors import SeussbotError

from served import ServerProcess
from test_tui_journeys import SIZE, make_app, open_studio_and_train, story, until  # noqa: F401  (story: a fixture)

PACKAGE = Path(__file__).resolve().parents[1] / "seussbot"


@pytest.mark.parametrize(
    ("flag", "value", "says"),
    [("--port", "0", "from 1 to 65,535"), ("--max-sessions", "0", "from 1 to 1,024"), ("--threads-per-session", "0", "from 1 to 256")],
)
def test_out_of_range_serve_options_are_usage_errors(flag: str, value: str, says: str, capsys: pytest.CaptureFixture) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["serve", flag, value])
    assert exit_.value.code == 2
    assert says in capsys.readouterr().err


def test_without_the_serve_extra_serve_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    monkeypatch.setitem(sys.modules, "aiohttp_jinja2", None)  # as if textual-serve and its friends were not installed
    monkeypatch.delitem(sys.modules, "seussbot.cli.classroom", raising=False)
    assert main(["serve"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "pip install 'seussbot[serve]'" in err


def test_each_tab_is_told_its_thread_count(monkeypatch: pytest.MonkeyPatch) -> None:
    env = app_environment(3)
    assert env == {"SEUSSBOT_THREADS": "3", "OMP_NUM_THREADS": "3", "MKL_NUM_THREADS": "3"}
    monkeypatch.setenv("SEUSSBOT_THREADS", "3")
    assert defaults.training_threads() == 3
    monkeypatch.delenv("SEUSSBOT_THREADS")
    assert defaults.training_threads() is None  # measured, as before


@pytest.mark.parametrize("value", ["0", "two", "-1", "1.5", "999"])
def test_a_bad_thread_count_in_the_environment_is_one_sentence(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("SEUSSBOT_THREADS", value)
    with pytest.raises(SeussbotError, match=r"^\$SEUSSBOT_THREADS must be a whole number from 1 to 256, not .*; unset it"):
        defaults.training_threads()


def test_serving_beyond_this_machine_is_a_choice_and_the_url_is_one_to_open() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.20") and not is_loopback("school.example")
    assert page_url("127.0.0.1", 8000, None) == "http://127.0.0.1:8000"
    assert page_url("0.0.0.0", 8000, None) == "http://127.0.0.1:8000"  # the teacher's own browser can open this one
    assert page_url("0.0.0.0", 8000, "https://class.example/seussbot") == "https://class.example/seussbot"
    assert default_max_sessions() >= 2


def test_nothing_in_the_app_or_the_engine_writes_to_stdout() -> None:
    """Served, the app's stdout carries textual-serve's protocol: one stray print would break the page."""
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.relative_to(PACKAGE).parts[0] == "cli" or path.name == "__main__.py":  # command lines print for a person
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "print":
                offenders.append(f"{path.name}:{node.lineno} print()")
            if isinstance(node, ast.Attribute) and node.attr in ("stdout", "__stdout__") and getattr(node.value, "id", None) == "sys":
                offenders.append(f"{path.name}:{node.lineno} sys.{node.attr}")
    assert offenders == []


async def test_a_quit_from_outside_saves_the_training_as_q_does(story: str) -> None:  # noqa: F811
    """A closed browser tab (or SIGTERM) reaches the app as ExitApp from the web driver, not as the `q` key."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_studio_and_train(app, pilot)
        app.post_message(messages.ExitApp())
        await until(lambda: not app.is_running)
    assert app.return_value == 0  # it went through action_quit, which stops training and saves
    [saved] = store.list_models()
    assert saved.name == "story-lstm" and saved.steps > 0


async def test_the_page_loads_only_from_the_server_and_a_full_room_turns_tabs_away(seussbot_home: Path) -> None:
    pytest.importorskip("textual_serve", reason="seussbot serve needs the serve extra: pip install '.[serve]'")
    import aiohttp

    server = ServerProcess(seussbot_home, "--max-sessions", "1")
    try:
        async with aiohttp.ClientSession() as http:
            async with http.get(server.url + "/") as response:
                page = await response.text()
            links = re.findall(r"""(?:src|href|url)\s*[=(]\s*["']([^"']+)["']""", page)
            websocket = server.url.replace("http:", "ws:") + "/ws"
            assert websocket in links
            links.remove(websocket)
            assert len(links) >= 4 and all(link.startswith(server.url + "/static/") for link in links), links
            assert "fonts.googleapis" not in page
            for link in links:  # the font, the script and the style are all there
                async with http.get(link) as response:
                    assert response.status == 200, link

            async with http.ws_connect(server.url + "/ws?width=80&height=24") as first:
                await asyncio.wait_for(first.receive(), 60)  # the first tab's app draws
                async with http.get(server.url + "/") as response:
                    assert response.status == 503
                    assert "the room is full: 1 session is running." in await response.text()
                async with http.ws_connect(server.url + "/ws?width=80&height=24") as late:  # loaded the page before it filled
                    told = await asyncio.wait_for(late.receive(), 10)
                    assert b"the room is full: 1 session is running" in told.data
                    closed = await asyncio.wait_for(late.receive(), 10)
                    assert closed.type == aiohttp.WSMsgType.CLOSE and late.close_code == 1013
                assert len(server.apps()) == 1
            deadline = time.monotonic() + 60  # the first tab closed: its app ends and frees the seat
            while server.apps() and time.monotonic() < deadline:
                await asyncio.sleep(0.2)
            assert server.apps() == []
            async with http.get(server.url + "/") as response:
                assert response.status == 200
        assert server.interrupt() == 0
    finally:
        if server.process.poll() is None:
            server.kill()
