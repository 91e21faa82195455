"""A canvas of braille dots: each terminal cell holds a 2 x 4 grid of dots.

That gives a chart four times the vertical and twice the horizontal
resolution of whole characters, with no plotting dependency. Each cell
remembers which layer drew into it last, so two series can share the canvas
and be coloured apart.
"""

from __future__ import annotations

# Bit of each dot in a braille cell, indexed [row][column] (Unicode's numbering).
_DOT_BITS = ((0x01, 0x08), (0x02, 0x10), (0x04, 0x20), (0x40, 0x80))
BRAILLE_BASE = 0x2800


class BrailleCanvas:
    def __init__(self, width: int, height: int) -> None:
        self.width, self.height = max(1, width), max(1, height)
        self._bits = [[0] * self.width for _ in range(self.height)]
        self._layer = [[-1] * self.width for _ in range(self.height)]

    @property
    def dot_width(self) -> int:
        return self.width * 2

    @property
    def dot_height(self) -> int:
        return self.height * 4

    def set(self, x: int, y: int, layer: int = 0) -> None:
        """Light the dot at (x, y), in dots from the top-left; outside is ignored."""
        if 0 <= x < self.dot_width and 0 <= y < self.dot_height:
            row, col = y // 4, x // 2
            self._bits[row][col] |= _DOT_BITS[y % 4][x % 2]
            self._layer[row][col] = layer

    def line(self, x0: int, y0: int, x1: int, y1: int, layer: int = 0) -> None:
        """Dots from (x0, y0) to (x1, y1) (Bresenham), so a curve has no gaps."""
        dx, dy = abs(x1 - x0), -abs(y1 - y0)
        sx, sy = (1 if x0 < x1 else -1), (1 if y0 < y1 else -1)
        error = dx + dy
        while True:
            self.set(x0, y0, layer)
            if x0 == x1 and y0 == y1:
                return
            doubled = 2 * error
            if doubled >= dy:
                error += dy
                x0 += sx
            if doubled <= dx:
                error += dx
                y0 += sy

    def rows(self) -> list[list[tuple[str, int]]]:
        """Each cell as (character, layer); blank cells are (' ', -1)."""
        return [
            [(chr(BRAILLE_BASE + bits) if bits else " ", layer) for bits, layer in zip(bit_row, layer_row)]
            for bit_row, layer_row in zip(self._bits, self._layer)
        ]
