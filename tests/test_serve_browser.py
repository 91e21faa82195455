"""`seussbot serve` in a real browser: headless Chromium driven by Playwright for Python, as a student would use it.

The machine's own Chromium is used (Debian's `chromium`; `$SEUSSBOT_CHROMIUM`
names another): Playwright never downloads a browser. Without one these tests
skip, saying so; CI installs it (`.ci/run`). Each test starts the server on a
free loopback port with a fresh data folder and reads what a tab shows from
its terminal stream (`served.TabScreen`); screenshots are kept in
`test-artifacts/` (git-ignored) for a person to look at.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

if os.environ.get("CI"):  # CI must run these: a missing extra is a failure there, never a quiet skip
    import playwright  # noqa: F401
    import pyte  # noqa: F401
    import textual_serve  # noqa: F401
else:
    pytest.importorskip("textual_serve", reason="seussbot serve needs the serve extra: pip install '.[serve]'")
    pytest.importorskip("pyte", reason="the browser tests read the screen with pyte: pip install '.[test]'")
    pytest.importorskip("playwright", reason="the browser tests need Playwright for Python: pip install '.[test]'")

from served import ARTIFACTS, ServerProcess, TabScreen, alive, find_chromium, step_count, written_after_prompt  # noqa: E402

from seussbot import store  # noqa: E402

CHROMIUM = find_chromium()
if CHROMIUM is None and os.environ.get("CI"):
    pytest.fail("CI must run the browser tests, but no Chromium was found (.ci/run installs Debian's chromium)", pytrace=False)
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="no Chromium found (apt-get install chromium, or set SEUSSBOT_CHROMIUM to a Chromium binary)",
)
VIEWPORT = {"width": 1100, "height": 700}  # about 122 x 33 cells: the studio at a laptop's size


@pytest.fixture(scope="module")
def browser():
    """The machine's Chromium, for this module only.

    Not pytest-playwright's session-wide `browser`: its sync Playwright keeps an
    event loop running on the main thread until the session ends, and every
    pytest-asyncio test after it then fails ("Cannot run the event loop while
    another loop is running"). Stopped here, it is gone before the next module.
    """
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM)
        yield chromium
        chromium.close()


@pytest.fixture
def home(seussbot_home: Path) -> Path:
    """The server's one data folder: this test's SEUSSBOT_HOME, so `store` reads what the tabs saved."""
    return seussbot_home


@pytest.fixture
def server_factory(home: Path):
    servers: list[ServerProcess] = []

    def start(*args: str) -> ServerProcess:
        servers.append(ServerProcess(home, *args))
        return servers[-1]

    yield start
    for server in servers:  # a test that failed half-way leaves nothing running
        if server.process.poll() is None:
            server.kill()


def open_tab(context, server: ServerProcess) -> tuple[object, TabScreen, list[str]]:
    page = context.new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    screen = TabScreen(page)
    page.goto(server.url + "/")
    return page, screen, requested


def library_shown(text: str) -> bool:
    return "Corpora" in text and "Enter: start training" in text


def training(text: str) -> bool:
    return (step_count(text) or 0) > 0


def start_training(page, screen: TabScreen) -> int:
    screen.wait_for(library_shown, "the library")
    page.locator("#terminal").click()  # a person clicks into the page before typing
    page.keyboard.press("Enter")
    screen.wait_for(training, "training to start", timeout=120)
    return step_count(screen.text) or 0


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


def test_a_student_trains_and_writes_in_the_browser_and_closing_the_tab_saves(
    server_factory, home: Path, browser, tmp_path: Path,
) -> None:
    server = server_factory()
    context = browser.new_context(viewport=VIEWPORT)
    page, screen, requested = open_tab(context, server)
    first = start_training(page, screen)
    [app] = server.apps()

    risen = screen.wait_for(lambda text: (step_count(text) or 0) > first, "the step count to rise", timeout=60)
    assert "bits" in risen and "chars/s" in risen, risen  # the loss and the speed are shown

    page.keyboard.press("/")
    page.keyboard.type("In the town")
    page.keyboard.press("Enter")
    screen.wait_for(lambda text: len(written_after_prompt(text, "In the town").split()) >= 5, "the prompt and the text written after it")
    shot = screenshot(page, "serve-studio")
    assert shot.stat().st_size > 10_000

    # Everything the page loaded came from the server itself: no font host, nothing outside.
    origins = {f"{urlsplit(url).scheme}://{urlsplit(url).netloc}" for url in requested}
    assert origins == {server.url}, origins

    page.close()  # the student closes the tab: training stops, the model is saved, the app ends
    deadline = time.monotonic() + 150
    while alive(app) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not alive(app), "the tab's app process is still running after the tab closed"
    [saved] = store.list_models()
    assert saved.corpus == "seussian" and saved.steps >= first
    assert server.process.poll() is None  # the room stays open for the others

    assert server.interrupt() == 0
    context.close()


def test_two_tabs_train_at_once_and_ctrl_c_saves_both_and_leaves_no_process(server_factory, browser) -> None:
    server = server_factory("--max-sessions", "2")
    context = browser.new_context(viewport=VIEWPORT)
    tabs = [open_tab(context, server) for _ in range(2)]
    started = [start_training(page, screen) for page, screen, _ in tabs]
    for (page, screen, _), first in zip(tabs, started):  # both keep training: neither waits for the other
        screen.wait_for(lambda text, first=first: (step_count(text) or 0) > first, "the step count to rise in both tabs")
    screenshot(tabs[1][0], "serve-second-tab")
    apps = server.apps()
    assert len(apps) == 2

    assert server.interrupt() == 0, server.output()  # Ctrl+C on the server while both train
    assert not [pid for pid in apps if alive(pid)], "an app outlived the server"
    saved = store.list_models()
    assert sorted(m.name for m in saved) == ["seussian-lstm", "seussian-lstm-2"]  # one folder, names never collide
    assert all(m.steps > 0 for m in saved)
    context.close()


def test_past_max_sessions_a_new_tab_is_told_the_room_is_full(server_factory, browser) -> None:
    server = server_factory("--max-sessions", "1")
    context = browser.new_context(viewport=VIEWPORT)
    page, screen, _ = open_tab(context, server)
    screen.wait_for(library_shown, "the library in the first tab")

    second = context.new_page()
    response = second.goto(server.url + "/")
    assert response is not None and response.status == 503
    assert second.locator("#message").inner_text() == "the room is full: 1 session is running."
    screenshot(second, "serve-room-full")
    assert len(server.apps()) == 1

    page.close()  # a seat comes free: the next tab gets the app
    deadline = time.monotonic() + 60
    while server.apps() and time.monotonic() < deadline:
        time.sleep(0.2)
    third, third_screen, _ = open_tab(context, server)
    third_screen.wait_for(library_shown, "the library once a seat was free")
    assert server.interrupt() == 0
    context.close()
