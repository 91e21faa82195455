"""The text being looked into: the stream view's colours and cursor, plus the reach.

When a reach is shown, each character before the cursor gets a background as
strong as its influence on the prediction at the cursor (five shades of the
`inside-text--reach` colour), so the eye finds what the network looked back at.
"""

from __future__ import annotations

from typing import Callable

from rich.style import Style

from seussbot.tui.widgets.stream_view import StreamView

SHADES = 5


class InsideText(StreamView):
    COMPONENT_CLASSES = StreamView.COMPONENT_CLASSES | {"inside-text--reach"}

    def __init__(self, placeholder: str = "", *, follow: Callable[[int], None], id: str | None = None) -> None:
        super().__init__(placeholder, id=id)
        self.reach_shade: dict[int, int] = {}  # character -> 1..SHADES
        self.follow = follow

    def _cursor_moved(self) -> None:
        """Tell the screen at once, instead of posting StreamView.CursorMoved (which this view never sends).

        A message reaches the screen a turn later, after Textual has already drawn
        the cursor's frame; the inspector, strips and equations then waited for the
        next one, which Textual's frame timer sets 17 to 33 ms later. Called here,
        the screen updates them in the key's own turn and one frame draws it all.
        """
        self.follow(self.cursor)

    def show_reach(self, influence: dict[int, float]) -> None:
        """Light characters by influence (relative to the strongest); an empty dict clears it."""
        peak = max(influence.values(), default=0.0) or 1.0
        shades = {}
        for index, value in influence.items():
            shade = round((value / peak) ** 0.5 * SHADES)  # square root: faint influence stays visible
            if shade > 0:
                shades[index] = shade
        self.reach_shade = shades
        self._style_cache.clear()
        self.refresh()

    def _style_at(self, pos: int, base: Style, at_cursor: bool) -> Style:
        style = super()._style_at(pos, base, at_cursor)
        shade = self.reach_shade.get(pos)
        if shade is None or at_cursor:
            return style
        key = ("reach", id(style), shade)
        cached = self._style_cache.get(key)  # type: ignore[arg-type]
        if cached is None:
            tint = self.get_component_styles("inside-text--reach").background
            cached = style + Style(bgcolor=self.background_colors[1].blend(tint, shade / SHADES).rich_color)
            self._style_cache[key] = cached  # type: ignore[index]
        return cached
