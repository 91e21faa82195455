"""Screens built before they are opened, so that opening one costs a switch of screens, not a mount.

Textual composes, styles and mounts a screen when it is first pushed, in the key's
own time. For the look-inside view that was 45-60 ms before its first frame, and the
reading it starts waited on the interpreter lock meanwhile: 160-180 ms from the key to
the text read, against 70 ms of the reader's own CPU (pty trace while training, with
`/proc/self/task/<tid>/schedstat`). A screen built here is installed, so that popping
it keeps it, and registered with the app while nothing waits on the screen; it then
composes and mounts in its own task, unseen, as it would have at its first push.

Textual has no public call for this. `App._load_screen_css` and `App._register` are
what `push_screen` itself runs for a screen not yet running, and `Screen._refresh_layout`
what it runs when the screen is shown; where a Textual lacks it, the screen is built at
its first push, as any other, and nothing else changes.
"""

from __future__ import annotations

from textual.app import App
from textual.screen import Screen
from textual.widget import AwaitMount


async def build_unseen(app: App, screen: Screen, name: str) -> bool:
    """Install `screen` as `name`, mount it and lay it out at the app's size, off the stack.

    False where this Textual cannot: the screen is then built at its first push.
    """
    app.install_screen(screen, name)
    load_css = getattr(app, "_load_screen_css", None)
    register, lay_out = getattr(app, "_register", None), getattr(screen, "_refresh_layout", None)
    if load_css is None or register is None or lay_out is None or screen.is_running:
        return False
    load_css(screen)  # as a push would first: styles worked out unseen must be the screen's own
    await AwaitMount(screen, register(app, screen))
    lay_out(app.size)  # sizes every widget, and sets the screen's breakpoint classes, unseen
    return True


def let_go(app: App, screen: Screen) -> None:
    """Uninstall a screen built here and remove it: its owner is closing, and it would stay for the app's life."""
    if not app.is_screen_installed(screen) or screen in app.screen_stack:  # the app is closing with it open
        return
    app.uninstall_screen(screen)
    if screen.is_running:
        screen.remove()
