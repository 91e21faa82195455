"""The studio at the sizes people use: 60x20, 80x24, 200x50. Written text keeps five rows."""

from __future__ import annotations

import pytest

from seussbot.tui.app import SeussbotApp
from seussbot.tui.screens.catalog import Catalog
from seussbot.tui.screens.studio import StudioScreen
from seussbot.tui.widgets.stream_view import StreamView
from test_tui_journeys import TINY, until


@pytest.mark.parametrize("size", [(60, 20), (80, 24), (200, 50)])
async def test_every_panel_is_readable_and_written_text_keeps_five_rows(size: tuple[int, int]) -> None:
    app = SeussbotApp(train_overrides={**TINY, "hidden_size": 32}, catalog=Catalog(only=("spot",)), warm_up=False)
    async with app.run_test(size=size) as pilot:
        await pilot.press("enter")
        await until(lambda: isinstance(app.screen, StudioScreen))
        studio = app.screen
        await until(lambda: studio.probe_shares != [], timeout=90)  # the first evaluation measured the chain
        studio.writer.prompt.value = "Doug saw"
        studio.writer.write()
        await until(lambda: not studio.writer.busy and studio.writer.tally is not None, timeout=60)
        await pilot.pause()
        assert studio.query_one(StreamView).size.height >= 5
        for selector in ("#chart-panel", "#stats-panel", "#write-panel-box", "#timeline-panel"):
            region = studio.query_one(selector).region
            assert region.width >= 20 and region.height >= 4, (selector, region)
            assert region.right <= size[0] and region.bottom <= size[1] - 1
        line = studio.query_one("#probe-line")
        assert line.display and line.region.height >= 1
        assert "next sentence starts with the last name" in str(line.render())
        assert studio.query_one("#probe-chart").display == (size != (60, 20))
        tally = studio.query_one("#tally")
        assert tally.region.height >= 1
        await until(lambda: len(studio.query("TimelineEntry")) >= 1, timeout=60)
        chart = studio.query_one("#mistake-chart")
        assert [line.label for line in chart.lines] == ["mistakes", "said twice", "run-on", "too short"]  # spot's lesson
        await app.action_quit()
