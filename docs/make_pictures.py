"""Regenerate the README's pictures from the running app (headless, with Pilot).

    python docs/make_pictures.py [--seconds 90] [--model NAME]

The library, and the studio training `homecoming` for `--seconds` with a prompt
written, so its hero probe shows. The hero probe rises only after a few
thousand steps, more than a few minutes give on a small CPU; `--model` carries
on a saved homecoming model instead (for example the LSTM that
`seussbot compare homecoming --steps 4000` left), whose history shows the rise. Textual's SVG lays each run of text out by
the font's own widths and asks for the cell grid with `textLength`, which
offline renderers (librsvg, rsvg-convert) ignore; with a fallback font the
spaces then drift ("shipsleta ll") and braille charts run past their axes. So
every character is given its own cell's x here, and a monospace font that
offline machines have is named after Textual's own. Check the result with
`rsvg-convert -w 1400 docs/screenshot-studio.svg -o /tmp/studio.png`.
"""

from __future__ import annotations

import argparse
import asyncio
import html
import os
import re
import tempfile
from pathlib import Path

DOCS = Path(__file__).resolve().parent
SIZE = (120, 36)
_TEXT = re.compile(r'<text([^>]*?) x="([\d.]+)"([^>]*?) textLength="([\d.]+)"([^>]*)>(.*?)</text>', re.S)
_ENTITY = re.compile(r"&#?\w+;|.", re.S)


def cell_positions(svg: str) -> str:
    """Give every character of every text run its own x, one cell apart (the run's textLength / its length).

    Spaces are left out: with every other character placed, they only pushed the next along."""

    def place(match: re.Match) -> str:
        before, x, middle, length, after, content = match.groups()
        chars = _ENTITY.findall(content)
        if len(chars) < 2:
            return match.group(0)
        cell = float(length) / len(chars)
        # One tspan per character: librsvg honours a tspan's x, not a list of them.
        spans = "".join(f'<tspan x="{float(x) + i * cell:.1f}">{char}</tspan>' for i, char in enumerate(chars) if char not in (" ", "&#160;"))
        return f'<text{before} x="{x}"{middle}{after}>{spans}</text>'

    svg = _TEXT.sub(place, svg)
    return svg.replace("font-family: Fira Code, monospace", "font-family: Fira Code, DejaVu Sans Mono, monospace")


async def _pictures(seconds: float, model: str | None) -> None:
    from seussbot.opening import TrainRequest
    from seussbot.tui.app import SeussbotApp
    from seussbot.tui.screens.studio import StudioScreen

    app = SeussbotApp(warm_up=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(2)
        _save(app.export_screenshot(), "screenshot-library.svg")
    request = TrainRequest(model=model) if model else TrainRequest(corpus="homecoming")
    app = SeussbotApp(warm_up=False, open_request=request)
    async with app.run_test(size=SIZE) as pilot:
        while not (isinstance(app.screen, StudioScreen) and app.screen.state == "running"):
            await asyncio.sleep(0.2)
        studio = app.screen
        await asyncio.sleep(seconds)
        studio.writer.prompt.value = "Kip set off down the lane."
        studio.writer.write()
        while studio.writer.busy:
            await asyncio.sleep(0.2)
        await pilot.pause(1)
        _save(app.export_screenshot(), "screenshot-studio.svg")
        await app.action_quit()


def _save(svg: str, name: str) -> None:
    (DOCS / name).write_text(cell_positions(svg), encoding="utf-8")
    print(f"wrote {DOCS / name}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=90)
    parser.add_argument("--model", help="a saved homecoming model to carry on training (default: train afresh)")
    args = parser.parse_args()
    os.environ.setdefault("SEUSSBOT_HOME", tempfile.mkdtemp(prefix="seussbot-pictures-"))
    asyncio.run(_pictures(args.seconds, args.model))


if __name__ == "__main__":
    main()
