"""A line chart with axes, drawn in braille: training loss, mistakes, anything by step.

Series are kept downsampled (`Series`) and the chart draws one averaged value
per dot column, so a redraw costs the same after a minute or an hour. The
owner calls `refresh()` a few times a second when data changed, never per step.

A loss falls from 4 bits to under 1 in the first minutes and then creeps; on
an axis from 4 to 0.2 the creeping, and the gap between two networks, are a
few dots. `recent` shows the later half of the run with the value axis fitted
to it, and the x axis says so.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from rich.style import Style
from rich.text import Text
from textual.widget import Widget

from seussbot.tui.format import short_count
from seussbot.tui.widgets.series import Point, Series, bucket
from seussbot.tui.widgets.braille import BrailleCanvas

NICE_STEPS = (1, 2, 2.5, 5)
RECENT_SHARE = 0.5  # `recent` shows the last half of the steps (or characters) so far


@dataclass
class Line:
    """One series on the chart and the component class that colours it."""

    label: str
    style_class: str
    series: Series
    colour: str | None = None  # a colour of its own (a mistake kind's), instead of the class's
    reference: bool = False  # a level to read against (chance): drawn, but a zoomed axis is not fitted to it


class LineChart(Widget):
    COMPONENT_CLASSES = {
        "line-chart--axis",
        "line-chart--label",
        "line-chart--series-1",
        "line-chart--series-2",
        "line-chart--series-3",
        "line-chart--series-4",
        "line-chart--series-5",
        "line-chart--series-6",
        "line-chart--series-7",
        "line-chart--series-8",
        "line-chart--empty",
    }
    X_AXES = {"step": "steps", "tokens": "characters seen"}

    def __init__(
        self, lines: list[Line], *, y_label: str, empty: str = "", id: str | None = None,
        y_range: tuple[float, float] | None = None, y_format: str = "{:g}",
    ) -> None:
        super().__init__(id=id)
        self.lines = lines  # drawn in order: where two meet, the later one shows
        self.y_range = y_range  # fixed bounds (a share: 0 to 100), or None to follow the data
        self.y_format = y_format  # how a tick reads ("{:g}%")
        self.y_label = y_label
        self.empty = empty
        self.x_axis = "step"
        self.tokens_label = "characters seen"
        self.recent = False  # the later half only, its values filling the height
        self._drawn_versions: tuple[int, ...] = ()
        self._tick_format = y_format

    @property
    def stale(self) -> bool:
        """True when some series changed since the last draw."""
        return tuple(line.series.version for line in self.lines) != self._drawn_versions

    def set_x_axis(self, axis: str) -> None:
        self.x_axis = axis
        self.refresh()

    def set_recent(self, recent: bool) -> None:
        self.recent = recent
        self.refresh()

    def render(self) -> Text:
        self._drawn_versions = tuple(line.series.version for line in self.lines)
        width, height = self.content_size.width, self.content_size.height
        if width < 16 or height < 4:
            return Text("")
        points = [p for line in self.lines for p in line.series.points]
        if not points:
            return Text(self.empty, style=self.get_component_rich_style("line-chart--empty"), justify="center")
        axis = self.x_axis
        x1 = max(1.0, max(p.x(axis) for p in points))
        x0 = x1 * (1 - RECENT_SHARE) if self.recent else 0.0
        fitted = [p.value for line in self.lines if not line.reference for p in line.series.points if p.x(axis) >= x0]
        zoomed = self.recent and bool(fitted)  # nothing in the later half yet (one point at step 0): the whole run
        if not zoomed:
            x0 = 0.0
        fixed = self.y_range if not zoomed else None  # zoomed, even a share's axis fits its values
        low, high = fixed or _y_range(fitted or [p.value for p in points])
        if zoomed and self.y_range:
            low, high = max(low, self.y_range[0]), min(high, self.y_range[1])
        slack = 0.0 if fixed else (high - low) * 0.15  # stretch the axis a little to reach a round tick
        ticks = [t for t in _nice_ticks(low, high, max(2, (height - 2) // 2)) if low - slack - 1e-9 <= t <= high + slack + 1e-9]
        low, high = min([low, *ticks]), max([high, *ticks])
        self._tick_format = _tick_format(ticks, self.y_format)
        gutter = max(len(self._tick_text(t)) for t in ticks) + 1
        plot_w, plot_h = width - gutter - 1, height - 2
        canvas = BrailleCanvas(plot_w, plot_h)
        for layer, line in enumerate(self.lines):
            shown = [p for p in line.series.points if p.x(axis) >= x0]
            self._draw(canvas, shown, axis, x0, x1, low, high, layer)
        return self._assemble(canvas, ticks, low, high, gutter, x0, x1, width, zoomed)

    def _draw(self, canvas: BrailleCanvas, points: list[Point], axis: str, x0: float, x1: float, low: float, high: float, layer: int) -> None:
        columns = bucket(points, axis, x0, x1, canvas.dot_width)
        span = (high - low) or 1.0
        previous: tuple[int, int] | None = None
        for x, value in enumerate(columns):
            if value is None:
                continue
            y = round((high - value) / span * (canvas.dot_height - 1))
            if previous is None:
                canvas.set(x, y, layer)
            else:
                canvas.line(*previous, x, y, layer)
            previous = (x, y)

    def _assemble(
        self, canvas: BrailleCanvas, ticks: list[float], low: float, high: float, gutter: int, x0: float, x1: float, width: int,
        zoomed: bool,
    ) -> Text:
        axis_style = self.get_component_rich_style("line-chart--axis")
        label_style = self.get_component_rich_style("line-chart--label")
        layer_styles = [Style(color=line.colour) if line.colour else self.get_component_rich_style(line.style_class) for line in self.lines]
        rows = canvas.rows()
        tick_rows = {round((high - t) / ((high - low) or 1.0) * (len(rows) - 1)): t for t in ticks}
        text = Text(no_wrap=True, overflow="crop")
        for r, row in enumerate(rows):
            tick = tick_rows.get(r)
            text.append((self._tick_text(tick) if tick is not None else "").rjust(gutter - 1) + " ", label_style)
            text.append("┤" if tick is not None else "│", axis_style)
            _append_cells(text, row, layer_styles)
            text.append("\n")
        text.append(" " * gutter + "└" + "─" * canvas.width + "\n", axis_style)
        text.append(self._x_labels(gutter, canvas.width, x0, x1, width, zoomed), label_style)
        return text

    def _tick_text(self, value: float) -> str:
        return short_count(value) if abs(value) >= 1000 else self._tick_format.format(value)

    def _x_labels(self, gutter: int, plot_w: int, x0: float, x1: float, width: int, zoomed: bool) -> str:
        name = self.X_AXES["step"] if self.x_axis == "step" else self.tokens_label
        room = width
        if zoomed:  #, the axis must say so: the name keeps its room, the labels make way
            name = f"{name}, later half" if width >= 48 else "later half"
            room = max(0, width - len(name) - 2)
        labels = [" "] * room
        span = (x1 - x0) or 1.0
        if zoomed:  # where the view starts, under the plot's first column: it is not 0
            start = short_count(round(x0))
            if gutter + 1 + len(start) <= room:
                labels[gutter + 1 : gutter + 1 + len(start)] = start
        for value in _nice_ticks(x0, max(x1, x0 + 4), max(2, plot_w // 12)):
            if value < x0 or value > x1 or value != int(value):  # steps and characters are whole numbers
                continue
            label = short_count(value)
            at = gutter + 1 + round((value - x0) / span * (plot_w - 1)) - len(label) // 2
            if zoomed and at + len(label) > room:
                continue  # it would cover the axis's name
            at = max(0, min(room - len(label), at))
            if all(c == " " for c in labels[max(0, at - 1) : at + len(label) + 1]):
                labels[at : at + len(label)] = label
        line = "".join(labels).rstrip()
        if len(line) + len(name) + 2 <= width:
            line = line.ljust(width - len(name)) + name
        return line


def toggle_recent(charts: "Iterable[LineChart]") -> None:
    """`z` on a screen: every chart on it shows the later half, or all of it again, together."""
    charts = list(charts)
    recent = not all(chart.recent for chart in charts)
    for chart in charts:
        chart.set_recent(recent)


def _append_cells(text: Text, row: list[tuple[str, int]], layer_styles: list[Style]) -> None:
    """Append a canvas row, one span per run of cells in the same layer."""
    run, run_layer = [], -1
    for char, layer in row:
        if layer != run_layer and run:
            text.append("".join(run), layer_styles[run_layer] if run_layer >= 0 else None)
            run = []
        run.append(char)
        run_layer = layer
    if run:
        text.append("".join(run), layer_styles[run_layer] if run_layer >= 0 else None)


def _y_range(values: list[float]) -> tuple[float, float]:
    finite = [v for v in values if math.isfinite(v)]
    if not finite:
        return 0.0, 1.0
    low, high = min(finite), max(finite)
    if high - low < 1e-6:
        low, high = low - 0.5, high + 0.5
    pad = (high - low) * 0.05  # a little air above and below the curve
    return low - pad, high + pad


def _nice_ticks(low: float, high: float, count: int) -> list[float]:
    """Round tick values covering [low, high], about `count` of them."""
    span = max(1e-9, high - low)
    raw = span / max(1, count)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next((n * magnitude for n in NICE_STEPS if n * magnitude >= raw), 10 * magnitude)
    first = math.floor(low / step) * step
    ticks, value = [], first
    while value < high + step * 0.999:
        ticks.append(round(value, 10))
        value += step
    return ticks


def _tick_format(ticks: list[float], fallback: str) -> str:
    """Enough decimals that neighbouring ticks never read the same ("6.025", not "6.03" twice)."""
    if len(ticks) < 2:
        return fallback
    step = min(b - a for a, b in zip(ticks, ticks[1:]))
    decimals = 0
    while decimals < 6 and abs(round(step, decimals) - step) > 1e-9:
        decimals += 1
    return fallback if decimals == 0 else fallback.replace("{:g}", "{:." + str(decimals) + "f}")
