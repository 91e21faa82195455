"""The footer, recomposed once per burst of binding changes instead of once per change.

Textual's `Footer` recomposes itself (about 6 ms of widgets here) every time a
screen says its bindings changed, and one key press can say so many times: a
focus change alone says it twice, a state change once more. After Enter in the
studio that was 18 recomposes before the first written character could be
drawn (measured in-process). This footer asks for one recompose after the next
refresh, and every change until then joins it.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer


class CalmFooter(Footer):
    _recompose_asked = False

    def bindings_changed(self, screen: Screen) -> None:
        if self._recompose_asked:
            return  # the recompose already asked for will show this change too
        super().bindings_changed(screen)  # asks for a recompose after the next refresh, when it can be seen
        self._recompose_asked = screen.app.app_focus and self.is_attached and screen is self.screen

    def compose(self) -> ComposeResult:
        self._recompose_asked = False  # from here on, a change needs a recompose of its own
        yield from super().compose()
