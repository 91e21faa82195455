"""seussbot's terminal app: a library to choose from, a studio to train and play in.

Importing this module loads Textual and nothing heavier; torch and the
training engine are imported in worker threads (and warmed up in the
background once the first frame is on screen), so the library appears at once.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable

from textual import events, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

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

    def on_mount(self) -> None:
        self.push_screen(LibraryScreen(self.catalog))
        if self.open_request is not None:
            self._push_studio(self.open_request, self.start_training)
        if self.warm_up:
            self.set_timer(WARM_UP_AFTER_S, self._warm_up_engine)

    @work(thread=True, group="warm-up")
    def _warm_up_engine(self) -> None:
        """Import torch and the engine now, while the person reads the library."""
        import seussbot.sample  # noqa: F401
        import seussbot.session  # noqa: F401

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

    def _back_in_library(self, _: object = None) -> None:
        if isinstance(self.screen, LibraryScreen):
            self.screen.reload()

    def open_import(self, path: Path | None) -> None:
        from seussbot.tui.screens.import_path import ImportScreen

        self.push_screen(ImportScreen(path), callback=self._imported)

    def _imported(self, name: str | None) -> None:
        if name is None:
            return
        self.notify(f"Imported '{name}': it is in the library; Enter trains it.", title="Corpus added")
        for screen in self.screen_stack:
            if isinstance(screen, LibraryScreen):
                screen.reload(highlight=f"corpus:{name}")

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Textual's commands, and the screen's own (`palette_commands`) where it has some."""
        yield from super().get_system_commands(screen)
        yield from getattr(screen, "palette_commands", tuple)()

    # -- dropped files -----------------------------------------------------------------
    def on_paste(self, event: events.Paste) -> None:
        """A file dropped on the terminal arrives as a pasted path: offer to import it."""
        path = parse_pasted_path(event.text)
        if path is not None:
            self.open_import(path)
        elif isinstance(self.screen, LibraryScreen):
            self.notify("To add a corpus, drop or paste the path of a text file.", severity="warning")

    # -- leaving -----------------------------------------------------------------------
    async def action_quit(self) -> None:
        """Stop any training cleanly and save it, then leave."""
        from seussbot.tui.screens.studio import StudioScreen

        for screen in reversed(self.screen_stack):
            if isinstance(screen, StudioScreen):
                await screen.shutdown()
        self.exit(0)


def run_app() -> int:
    """Entry point for `seussbot` with no command; returns the exit code."""
    result = SeussbotApp().run()
    return int(result or 0)
