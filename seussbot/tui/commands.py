"""ctrl+p finds the app's own actions: whatever the screen's keys do, plus what it lists.

Every binding of the screen underneath that the screen offers now (its
`check_action`) becomes a command, named by its description with its key, so
typing "tr" finds "Train" and "pa" finds "Pause". A screen may add commands a key
cannot name (the library: "Train homecoming", "Open spot-lstm-word") through a
`palette_commands()` method returning (name, help, callback) triples.
"""

from __future__ import annotations

from functools import partial
from typing import Callable, Iterable

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider

Command = tuple[str, str, Callable[[], object]]


class SeussbotCommands(Provider):
    def _commands(self) -> Iterable[Command]:
        screen = self.screen
        seen: set[str] = set()
        for key, active in screen.active_bindings.items():
            binding: Binding = active.binding
            if not active.enabled or not binding.description or binding.description in seen:
                continue
            if binding.action in ("command_palette", "app.command_palette"):
                continue
            seen.add(binding.description)
            key_name = self.app.get_key_display(binding)
            yield binding.description, f"key: {key_name}", partial(self.app.run_action, binding.action, active.node)
        extra = getattr(screen, "palette_commands", None)
        if callable(extra):
            yield from extra()

    async def discover(self) -> Hits:
        for name, help_text, callback in self._commands():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, callback in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)
