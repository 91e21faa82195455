"""The footer: the keys that work here, drawn as one line instead of composed of a widget per key.

Textual's `Footer` recomposes a `FooterKey` widget for every binding each
time the bindings change, and they change with every focus change and every
state the studio enters. Styling and laying out those fifteen new widgets
took 37 ms of the 60 ms between Enter and the first written letter (profiled
in a pty, while training), and the screen reflowed because of them. This
footer is one widget: a change repaints one row. It keeps `Footer`'s look
(its theme colours), its grouping (one entry per action, the first key of
it), dimmed keys for actions that apply but not now, the palette key on the
right, and clicks. Where the keys do not fit, the line ends with "…" before
the palette key, instead of the palette key being cut into the keys.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.style import Style
from rich.text import Text
from textual import events
from textual.reactive import reactive
from textual.screen import Screen
from textual.widget import Widget


@dataclass(frozen=True)
class FooterItem:
    key: str  # what a click presses
    shown_key: str
    description: str
    enabled: bool


class KeyFooter(Widget, can_focus=False):
    ALLOW_SELECT = False
    COMPONENT_CLASSES = {"key-footer--key", "key-footer--description", "key-footer--disabled"}
    DEFAULT_CSS = """
    KeyFooter {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
        & > .key-footer--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        & > .key-footer--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        & > .key-footer--disabled { text-style: dim; }
    }
    """

    compact = reactive(False)  # narrow screens: no padding around the keys

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._spans: list[tuple[int, int, FooterItem]] = []  # where each item was drawn, for clicks

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen) -> None:
        if screen is self.screen:
            self.refresh()  # a repaint of this row; the items are read when it is drawn

    def items(self) -> tuple[list[FooterItem], FooterItem | None]:
        """The shown bindings, one per action in the screen's order, and the command palette's."""
        app, bindings = self.app, self.screen.active_bindings
        palette_key = app.COMMAND_PALETTE_BINDING if app.ENABLE_COMMAND_PALETTE else None
        items, actions = [], set()
        palette = None
        for key, (_node, binding, enabled, _tooltip) in bindings.items():
            item = FooterItem(binding.key, app.get_key_display(binding), binding.description, enabled)
            if key == palette_key:
                palette = item
            elif binding.show and binding.action not in actions:
                actions.add(binding.action)
                items.append(item)
        return items, palette

    def render(self) -> Text:
        items, palette = self.items()
        width = self.size.width
        pad = "" if self.compact else " "
        key_style = self.get_component_rich_style("key-footer--key")
        description_style = self.get_component_rich_style("key-footer--description")
        dim = self.get_component_rich_style("key-footer--disabled")
        gap = " " if self.compact else ""

        def piece(item: FooterItem) -> list[tuple[str, Style]]:
            shade = Style() if item.enabled else dim
            if not item.description:
                return [(f"{pad}{item.shown_key}{pad}", key_style + shade)]
            # The space after the key is drawn with the key: SVG pictures (rsvg) drop a text run's leading space.
            return [(f"{pad}{item.shown_key} ", key_style + shade), (f"{item.description}{pad}", description_style + shade)]

        right = [("│", Style(dim=True))] + piece(palette) if palette else []
        room = width - sum(len(text) for text, _ in right)
        line: list[tuple[str, Style]] = []
        spans: list[tuple[int, int, FooterItem]] = []
        x = 0
        for index, item in enumerate(items):
            parts = piece(item) + [(gap, Style())]
            size = sum(len(text) for text, _ in parts)
            last = index == len(items) - 1
            if x + size > room - (0 if last else 1):  # keep a cell for "…" unless this is the last one
                line.append(("…", Style(dim=True)))
                x += 1
                break
            line.extend(parts)
            spans.append((x, x + size, item))
            x += size
        if palette is not None:
            fill = max(0, room - x)
            line.append((" " * fill, Style()))
            spans.append((x + fill, width, palette))
            line.extend(right)
        self._spans = spans
        return Text.assemble(*[(text, style) for text, style in line if text], no_wrap=True, overflow="crop")

    def on_click(self, event: events.Click) -> None:
        for start, end, item in self._spans:
            if start <= event.x < end:
                if item.enabled:
                    self.app.simulate_key(item.key)
                else:
                    self.app.bell()
                return
