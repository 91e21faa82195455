"""seussbot's terminal app: a library to choose from, a studio to train and play in.

Importing this module loads Textual and nothing heavier; torch and the
training engine are imported in worker threads (and warmed up in the
background once the first frame is on screen), so the library appears at once.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual import events, messages, work
from textual.app import App
from textual.binding import Binding
from textual.message_pump import MessagePumpClosed

from seussbot.tui.bursts import Bursts
from seussbot.tui.commands import SeussbotCommands
from seussbot.tui.screens.catalog import Catalog
from seussbot.tui.screens.choices import TrainChoice
from seussbot.tui.pasted import parse_pasted_path
from seussbot.tui.screens.library import LibraryScreen
from seussbot.opening import TrainRequest

WARM_UP_AFTER_S = 0.5


class SeussbotApp(App[int]):
    """The app, with what tests and benchmarks need to pin down.

    start_training: whether a corpus opened in the studio starts training at once.
    train_overrides: engine options for every session (tests use tiny networks).
    catalog: what the library lists (tests fix the corpora for stable screenshots).
    open_request: go straight to the studio with this request.
    warm_up: import the engine in the background after the first frame.
    """

    CSS_PATH = Path(__file__).parent / "app.tcss"  # absolute, so subclasses elsewhere find it too
    TITLE = "seussbot"
    BINDINGS = [Binding("ctrl+q", "quit", "Quit", priority=True)]
    COMMANDS = App.COMMANDS | {SeussbotCommands}  # ctrl+p finds the app's own actions too

    def __init__(
        self,
        *,
        start_training: bool = True,
        train_overrides: dict[str, Any] | None = None,
        catalog: Catalog | None = None,
        open_request: TrainRequest | None = None,
        warm_up: bool = True,
    ) -> None:
        super().__init__()
        self.start_training = start_training
        self.train_overrides = dict(train_overrides or {})
        self.catalog = catalog or Catalog()
        self.open_request = open_request
        self.warm_up = warm_up
        self._leaving = False  # exit() was called: whoever called it chose to leave (action_quit saves first)
        self.bursts = Bursts()
        self._lit_panel = None  # the panel drawn as holding the focus (see `_light_panel`)

    def on_mount(self) -> None:
        self.push_screen(LibraryScreen(self.catalog))
        if self.open_request is not None:
            self._push_studio(self.open_request, self.start_training)
        if self.warm_up:
            self.set_timer(WARM_UP_AFTER_S, self._warm_up_engine)

    @work(thread=True, group="warm-up")
    def _warm_up_engine(self) -> None:
        """Import torch and the engine now, while the person reads the library; then freeze what
        was built, so the garbage collector's full passes skip those ~190,000 objects instead of
        stopping the screen for 100-250 ms each time training and drawing have allocated enough."""
        import seussbot.sample  # noqa: F401
        import seussbot.session  # noqa: F401
        import seussbot.tui.screens.inside  # noqa: F401  (its first open should not wait for imports)
        from seussbot.tui.memory import freeze_what_is_built

        freeze_what_is_built()
        self.call_from_thread(self._read_screens_css)

    def _read_screens_css(self) -> None:
        """Read every screen's stylesheet now, once, while nothing waits on the screen.

        Textual reads a screen's stylesheet the first time the screen is pushed, and then
        applies every rule again to every widget of the app: 150 ms between the key and the
        look-inside view's first line, measured in a pty while training.
        """
        import inspect

        from seussbot.tui.screens.compare import CompareScreen
        from seussbot.tui.screens.inside import InsideScreen
        from seussbot.tui.screens.read import ReadScreen
        from seussbot.tui.screens.studio import StudioScreen

        unread = [
            path
            for screen in (StudioScreen, InsideScreen, ReadScreen, CompareScreen)
            if isinstance(screen.CSS_PATH, str)  # where Textual will look for it: beside the screen's module
            for path in [Path(inspect.getfile(screen)).parent / screen.CSS_PATH]
            if not self.stylesheet.has_source(str(path), "")
        ]
        for path in unread:
            self.stylesheet.read(path)
        if unread:
            self.stylesheet.reparse()
            self.stylesheet.update(self)

    # -- moving between screens --------------------------------------------------------
    def open_studio(self, *, corpus: str | None = None, model: str | None = None, choice: TrainChoice | None = None) -> None:
        choice = choice or TrainChoice()
        request = TrainRequest(
            corpus=corpus, model=model, cell=choice.cell, level=choice.level, preset=choice.preset,
            minutes=choice.minutes, overrides=self.train_overrides,
        )
        self._push_studio(request, self.start_training and model is None)

    def _push_studio(self, request: TrainRequest, start: bool) -> None:
        from seussbot.tui.screens.studio import StudioScreen

        self.push_screen(StudioScreen(request, start_training=start), callback=self._back_in_library)

    def open_compare(self, corpus: str) -> None:
        """Ask which networks take part, then train them side by side."""
        from seussbot.tui.screens.compare import CompareScreen
        from seussbot.tui.screens.compare_choice import CompareChoice, CompareChoiceScreen

        def chosen(choice: CompareChoice | None) -> None:
            if choice is not None:
                self.push_screen(CompareScreen(corpus, choice.cells, minutes=choice.minutes), callback=self._back_in_library)

        self.push_screen(CompareChoiceScreen(corpus), callback=chosen)

    def _back_in_library(self, _: object = None) -> None:
        if isinstance(self.screen, LibraryScreen):
            self.screen.reload()

    def open_import(self, path: Path | None, typed: str = "") -> None:
        """The import dialog, for a dropped `path` or for a path whose first letters were `typed`."""
        from seussbot.tui.screens.import_path import ImportScreen

        self.push_screen(ImportScreen(path, typed=typed), callback=self._imported)

    def _imported(self, name: str | None) -> None:
        if name is None:
            return
        self.notify(f"Imported '{name}': it is in the library; Enter trains it.", title="Corpus added")
        warning = small_corpus_warning(name)
        if warning:
            self.notify(warning, title="A small corpus", severity="warning", timeout=12)
        for screen in self.screen_stack:
            if isinstance(screen, LibraryScreen):
                screen.reload(highlight=f"corpus:{name}")

    def action_screenshot(self, filename: str | None = None, path: str | None = None) -> None:
        """Save an SVG of the screen in seussbot's own folder, which exists once asked for, and say where."""
        from seussbot import paths

        folder = Path(path) if path else paths.screenshots_dir()
        try:
            folder.mkdir(parents=True, exist_ok=True)
            saved = self.save_screenshot(filename, str(folder))
        except OSError as error:
            self.notify(f"The screenshot could not be saved in {folder}: {error.strerror or error}.", severity="error")
            return
        self.notify(f"Saved {saved}", title="Screenshot")

    # -- keys and pasted text ----------------------------------------------------------
    async def on_event(self, event: events.Event) -> None:
        """Every key from the terminal passes here first: a burst of them is text, not bindings (see `bursts`)."""
        if not isinstance(event, events.Key) or event.is_forwarded:
            await super().on_event(event)
            return
        try:
            queued = self._peek_message()  # already here, so looking costs no waiting
        except MessagePumpClosed:
            queued = None
        following = queued if isinstance(queued, events.Key) else None
        sorted_ = self.bursts.sort(event, following, len(self.screen_stack))
        if sorted_.absorbed:
            self._take_back(sorted_.absorbed, sorted_.depth)
        for key, as_text in sorted_.deliver:
            if not (as_text and self._take_text(key.character or "")):
                await super().on_event(key)  # type: ignore[arg-type]

    def _take_text(self, text: str) -> bool:
        """Give text to the screen if it turns keys into text there (studio: the prompt; library: import)."""
        take = getattr(self.screen, "take_text", None)
        return bool(take is not None and text and take(text))

    def _take_back(self, keys: list, depth: int) -> None:
        """Keys that acted before their burst was seen: close what they opened; their letters are text."""
        while len(self.screen_stack) > max(depth, 1):
            self.pop_screen()
        self._take_text("".join(key.character or "" for key in keys))

    @property
    def _background_screens(self) -> list:
        """Screens that show through the top one: none when it is opaque.

        Textual lists the screen just under the top one whatever the top one's
        background, so with the look-inside view open over a training studio every
        refresh of the studio's charts repainted the whole view (28 KB written every
        100-200 ms) and the hidden studio kept laying itself out. An opaque screen
        hides everything under it; dialogs, which are see-through, keep Textual's list.
        Textual's own property is private; if it ever goes, this override is inert.
        """
        stack = self._screen_stack
        if stack and stack[-1].styles.background.a == 1:
            return []
        return super()._background_screens

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        if event.widget.screen is self.screen:  # not a screen built unseen (`seussbot.tui.prebuilt`)
            self._light_panel(event.widget)

    def on_descendant_blur(self, event: events.DescendantBlur) -> None:
        if event.widget.screen.focused is None:
            self._light_panel(None)

    def _light_panel(self, focused) -> None:
        """Give the panel holding the focus the class `-lit` (app.tcss draws its border brighter).

        Not `.panel:focus-within`: with that rule Textual restyles every widget in the
        panel whenever the focus moves, even within the panel. After Enter the focus
        goes from the prompt to the text, and restyling the write panel's eleven
        widgets cost 14 ms before the first letter could be drawn. A class changes
        only when the focus enters another panel.
        """
        panel = next((node for node in focused.ancestors_with_self if node.has_class("panel")), None) if focused else None
        lit = self._lit_panel
        if panel is lit:
            return
        if lit is not None and lit.is_attached:
            lit.remove_class("-lit")
        if panel is not None:
            panel.add_class("-lit")
        self._lit_panel = panel

    def on_paste(self, event: events.Paste) -> None:
        """Pasted text: a dropped file's path offers to import it; other text goes where a burst of keys would."""
        path = parse_pasted_path(event.text)
        if path is not None:
            self.open_import(path)
        elif not self._take_text(event.text) and isinstance(self.screen, LibraryScreen):
            self.notify("To add a corpus, drop or paste the path of a text file.", severity="warning")

    # -- leaving -----------------------------------------------------------------------
    async def action_quit(self) -> None:
        """Stop any training cleanly and save it, then leave."""
        from seussbot.tui.screens.compare import CompareScreen
        from seussbot.tui.screens.studio import StudioScreen

        for screen in reversed(self.screen_stack):
            if isinstance(screen, (StudioScreen, CompareScreen)):
                await screen.shutdown()
        self.exit(0)

    def exit(self, result: int | None = None, return_code: int = 0, message: Any = None) -> None:
        self._leaving = True
        super().exit(result, return_code, message)

    async def on_exit_app(self, message: messages.ExitApp) -> None:
        """Told to leave from outside, not by exit() (a browser tab closed under `seussbot serve`, SIGTERM): save first, as `q` does."""
        if not self._leaving:
            message.prevent_default()
            await self.action_quit()


SMALL_CORPUS_CHARS = 20_000  # below this, even the tiny network learns the text by heart in minutes


def small_corpus_warning(name: str) -> str:
    """One sentence when an imported corpus is so small the network will memorise it ("" otherwise)."""
    from seussbot import paths

    path = paths.corpora_dir() / f"{name}.txt"
    chars = len(path.read_text(encoding="utf-8")) if path.exists() else SMALL_CORPUS_CHARS
    if chars >= SMALL_CORPUS_CHARS:
        return ""
    return (
        f"'{name}' has {chars:,} characters: the network will soon learn it by heart (validation rises while "
        "training falls). The best model is kept and training stops early; more text writes better."
    )


def run_app() -> int:
    """Entry point for `seussbot` with no command; returns the exit code."""
    result = SeussbotApp().run()
    return int(result or 0)
