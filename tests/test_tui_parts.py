"""The app's plain parts, tested without a terminal: paths, wrapping, charts, coalescing."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from seussbot.tui import format as fmt
from seussbot.tui.screens.choices import TrainChoice
from seussbot.tui.pasted import parse_pasted_path
from seussbot.tui.widgets.probability import BANDS, band_of
from seussbot.tui.widgets.timeline import next_timeline_step
from seussbot.writing import WriteSettings
from seussbot.tui.widgets.series import Series, bucket
from seussbot.runner import Feed
from seussbot.tui.widgets.braille import BrailleCanvas
from seussbot.tui.widgets.written import Mark, Written, WrittenText


@pytest.mark.parametrize(
    "pasted",
    [
        "'/tmp/my story.txt'",
        '"/tmp/my story.txt"',
        "/tmp/my\\ story.txt",
        "file:///tmp/my%20story.txt",
        "file://localhost/tmp/my%20story.txt",
        "  '/tmp/my story.txt'  \n",
    ],
)
def test_pasted_paths_in_every_terminal_spelling(pasted: str) -> None:
    assert parse_pasted_path(pasted) == Path("/tmp/my story.txt")


@pytest.mark.parametrize("pasted", ["hello there", "", "file://elsewhere/x.txt", "'unbalanced", "a\nb"])
def test_text_that_is_not_one_path(pasted: str) -> None:
    assert parse_pasted_path(pasted) is None


def test_relative_path_counts_when_the_file_exists(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "poem.txt").write_text("x")
    monkeypatch.chdir(tmp_path)
    assert parse_pasted_path("poem.txt") == Path("poem.txt")


def test_incremental_wrapping_matches_wrapping_all_at_once() -> None:
    text = "One fish two fish.\nRed fish blue fish, and averyveryverylongwordthatmustbreak here.\n\nEnd"
    rng = random.Random(3)
    streamed = WrittenText(width=12)
    i = 0
    while i < len(text):
        k = rng.randint(1, 5)
        streamed.append([Written(text[i : i + k], 0.5)])
        i += k
    whole = WrittenText(width=12)
    whole.append([Written(text, 0.5)])
    assert streamed.lines == whole.lines
    assert all(end - start <= 13 for start, end in whole.lines)
    assert "".join(text[a:b] for a, b in whole.lines) == text
    assert whole.line_of(len(text) - 1) == len(whole.lines) - 1


def test_rewrap_on_resize_and_marks() -> None:
    written = WrittenText(width=40)
    written.append([Written("Doug saw Doug. ", 0.9), Written("Jane", 0.05)])
    written.set_width(8)
    assert len(written.lines) > 1
    written.add_marks([Mark(0, 14, "echo"), Mark(0, 14, "echo", detail="grown")])
    assert len(written.marks) == 1 and written.mark_at(3).detail == "grown"
    assert written.mark_at(16) is None
    assert written.piece_at(15).prob == 0.05


def test_overlapping_marks_show_the_same_whatever_their_order() -> None:
    marks = [Mark(0, 20, "run-on"), Mark(4, 8, "made-up"), Mark(4, 8, "echo"), Mark(6, 12, "loop")]
    shown = []
    for order in (marks, marks[::-1], marks[1:] + marks[:1]):
        written = WrittenText(width=40)
        written.append([Written("x" * 24, 0.5)])
        written.add_marks(order)
        shown.append([written.mark_at(pos).kind if written.mark_at(pos) else None for pos in range(24)])
    assert shown[0] == shown[1] == shown[2]
    assert shown[0][5] == "echo" and shown[0][10] == "loop" and shown[0][15] == "run-on"


def test_a_mistake_shows_over_a_new_word_it_covers() -> None:
    from seussbot.mistakes import CorpusProfile, find_mistakes
    from seussbot.tui.widgets.mistake_marks import as_marks

    profile = CorpusProfile.from_text("Jane saw the cat and the dog.\n" * 40)
    text = "Jane saw the cat and the dog and the cat and the verdict."
    marks = as_marks(find_mistakes(text, profile))
    assert {"run-on", "new-word"} <= {m.kind for m in marks}
    assert [m.neutral for m in marks if m.kind == "new-word"] == [True] and not any(m.neutral for m in marks if m.kind != "new-word")
    written = WrittenText(width=80)
    written.append([Written(text, 0.5)])
    written.add_marks(marks)
    assert written.mark_at(text.index("verdict")).kind == "run-on"


def test_the_tally_leaves_new_words_out_of_the_mistakes() -> None:
    from seussbot.tui.widgets.mistake_marks import tally_content
    from seussbot.writing import Tally

    shown = tally_content(Tally({"echo": 0, "made-up": 2, "new-word": 3}, 4.0, 50)).plain
    assert shown == "4.0 mistakes per 100 words  ■ made-up word 2  ■ new word 3 (not mistakes)"
    shown = tally_content(Tally({"made-up": 0, "new-word": 1}, 0.0, 50)).plain
    assert shown == "0.0 mistakes per 100 words  none found  ■ new word 1 (not a mistake)"


def test_the_tally_wraps_between_items_never_inside_one() -> None:
    from seussbot.tui.widgets.mistake_marks import tally_content
    from seussbot.writing import Tally

    shown = tally_content(Tally({"unseen-pair": 4, "forgot-hero": 8}, 12.0, 100), width=48).plain
    assert all(len(line) <= 48 for line in shown.split("\n")) and shown.count("\n") == 1
    assert "■ forgot the hero 8" in shown.split("\n")[1] or "■ forgot the hero 8" in shown.split("\n")[0]


def test_a_wrappers_line_breaks_read_as_spaces_and_a_blank_line_still_breaks() -> None:
    from seussbot.tui.widgets.written import Written, WrittenText

    text = WrittenText(width=20, soft_breaks=True)
    text.append([Written("Spot saw\nDoug. Doug saw\nJane.\n\nJane saw Spot.", 0.9)])
    lines = ["".join(text.chars[a:b]).replace("\n", " ").rstrip() for a, b in text.lines]
    assert lines == ["Spot saw Doug. Doug", "saw Jane.", "Jane saw Spot."]
    verse = WrittenText(width=20)
    verse.append([Written("Spot saw\nDoug.", 0.9)])
    assert len(verse.lines) == 2  # an author's line break stays


def test_a_preview_joins_wrapped_prose_but_keeps_verse() -> None:
    from seussbot.corpus import join_soft_wraps
    from seussbot.grammars.base import wrap

    prose = wrap(" ".join(["A red leaf lay in the ditch by the path."] * 12), 60)
    assert "\n" in prose and "\n" not in join_soft_wraps(prose)
    verse = "In the town of Fandoodle, high up on a hill,\nLived a wind named Old Fwissle who whistled so shrill.\n" * 3
    assert join_soft_wraps(verse) == verse


def test_probability_bands_cover_zero_to_one() -> None:
    assert band_of(None) == -1
    assert [band_of(p) for p in (0.0, 0.05, 0.1, 0.39, 0.4, 0.79, 0.8, 1.0)] == [0, 0, 1, 1, 2, 2, 3, 3]
    assert len({band.style_class for band in BANDS}) == len(BANDS)


def test_series_stays_bounded_and_keeps_its_shape() -> None:
    series = Series(capacity=64)
    for step in range(10_000):
        series.append(step, step * 100, 5.0 - step / 10_000)
    assert len(series) <= 64
    columns = bucket(series.points, "step", 0, 10_000, 10)
    assert all(c is not None for c in columns)
    assert columns == sorted(columns, reverse=True)  # still falling
    assert bucket(series.points, "tokens", 0, 1_000_000, 10)[0] == pytest.approx(columns[0], rel=1e-3)


def test_braille_canvas_draws_lines_without_gaps() -> None:
    canvas = BrailleCanvas(4, 2)
    canvas.line(0, 0, 7, 7, layer=1)
    rows = canvas.rows()
    assert [cell[1] for cell in (rows[0][0], rows[1][3])] == [1, 1]
    assert rows[0][3] == (" ", -1)
    assert all(ord(char) >= 0x2800 for row in rows for char, layer in row if layer >= 0)


def test_timeline_steps_double() -> None:
    assert [next_timeline_step(s) for s in (0, 31, 32, 100, 5000)] == [32, 32, 64, 128, 8192]


def test_write_settings_step_through_choices_and_stop_at_the_ends() -> None:
    settings = WriteSettings()
    assert settings.warmer(1).temperature == 1.0 and settings.warmer(-1).temperature == 0.6
    hottest = settings
    for _ in range(20):
        hottest = hottest.warmer(1)
    assert hottest.temperature == WriteSettings.TEMPERATURES[-1]
    assert settings.longer(1).length == 500 and settings.longer(-1).length == 200


def test_feed_keeps_only_the_latest_progress_but_every_loss() -> None:
    from types import SimpleNamespace

    feed = Feed()
    for step in range(1, 101):
        feed.publish_progress(SimpleNamespace(step=step, tokens_seen=step * 10, train_loss=1.0))
    feed.publish("evaluation")
    news = feed.take()
    assert news.progress.step == 100 and len(news.losses) == 100 and news.notices == ["evaluation"]
    empty = feed.take()
    assert empty.progress is None and empty.losses == [] and empty.notices == []


def test_train_choice_cycles_and_describes_defaults() -> None:
    from seussbot.corpus import Manifest

    choice = TrainChoice()
    assert choice.cycled("cell").cell == "gru"
    assert choice.cycled("cell").cycled("cell").cycled("cell").cell == "lstm"
    assert choice.cycled("minutes").minutes == 1.0
    rows = dict((name, value) for _, name, value in choice.describe(Manifest("x", "X", "", preset="tiny"), 5000))
    assert rows["size"].startswith("tiny") and "3 min" in rows["time"]


def test_number_formats() -> None:
    assert fmt.count(1234567) == "1,234,567"
    assert fmt.short_count(950) == "950" and fmt.short_count(12_300) == "12.3k" and fmt.short_count(2_000_000) == "2M"
    assert fmt.clock(65) == "1:05" and fmt.clock(3725) == "1:02:05" and fmt.clock(None) == "–"
    assert fmt.loss_text(None) == "–" and fmt.loss_text(0.6931471805599453) == "1.000 bits"


async def test_zoomed_charts_show_the_later_half_and_pull_close_curves_apart() -> None:
    """Two losses falling from 4 bits that end 0.08 apart: the whole run hides the gap, `recent` shows it."""
    import math

    from textual.app import App

    from seussbot.tui.widgets.line_chart import Line, LineChart, toggle_recent

    def falling(end: float) -> Series:
        series = Series()
        for step in range(0, 5001, 50):
            series.append(step, step * 64, end + (4.0 - end) * math.exp(-step / 400))
        return series

    lines = [Line("lstm", "line-chart--series-1", falling(0.18)), Line("rnn", "line-chart--series-3", falling(0.26))]
    chart, other = LineChart(lines, y_label="bits"), LineChart(lines[:1], y_label="bits")

    class Charts(App):
        def compose(self):
            yield chart
            yield other

    def end_rows(text: str) -> list[int]:
        """The rows holding a dot in the plot's last column (the x axis and its labels left out)."""
        rows = text.split("\n")[:-2]
        end = max(len(row.rstrip()) for row in rows) - 1
        return [r for r, row in enumerate(rows) if len(row) > end and row[end] != " "]

    app = Charts()
    async with app.run_test(size=(60, 40)):
        whole = chart.render().plain
        toggle_recent([chart, other])
        assert chart.recent and other.recent
        zoomed = chart.render().plain
        toggle_recent([chart, other])
        assert not chart.recent and not other.recent
    whole_rows, zoomed_rows = end_rows(whole), end_rows(zoomed)
    assert max(whole_rows) - min(whole_rows) <= 1  # the gap is a row at most on a 4-bit axis
    assert max(zoomed_rows) - min(zoomed_rows) >= 4  # zoomed, the two ends stand apart
    assert "later half" in zoomed.splitlines()[-1] and "later half" not in whole
    assert zoomed.splitlines()[-1].split()[0] != "0"  # the x axis starts halfway
    ticks = lambda text: [float(line.split()[0]) for line in text.splitlines() if "┤" in line]  # noqa: E731
    assert max(ticks(zoomed)) < 1.0 <= max(ticks(whole))


async def test_a_zoomed_chart_fits_its_lines_not_the_chance_level_and_survives_odd_data() -> None:
    from textual.app import App

    from seussbot.tui.widgets.line_chart import Line, LineChart

    chance, band = Series(), Series()
    for step in range(0, 2001, 100):
        chance.append(step, step, 10.0)
        band.append(step, step, min(99.0, 60 + step / 40))
    probe = LineChart([Line("chance", "line-chart--axis", chance, reference=True), Line("far", "line-chart--series-1", band)], y_label="%", y_range=(0, 100), y_format="{:g}%")
    only_start, odd = Series(), Series()
    only_start.append(0, 0, 4.0)
    for step, value in ((0, 4.0), (100, float("nan")), (200, float("inf")), (300, 2.0)):
        odd.append(step, step, value)
    starting = LineChart([Line("loss", "line-chart--series-1", only_start)], y_label="bits")
    diverged = LineChart([Line("loss", "line-chart--series-1", odd)], y_label="bits")

    class Charts(App):
        def compose(self):
            yield probe
            yield starting
            yield diverged

    ticks = lambda text: [float(line.split()[0].rstrip("%")) for line in text.splitlines() if "┤" in line]  # noqa: E731
    async with Charts().run_test(size=(60, 36)):
        for chart in (probe, starting, diverged):
            chart.set_recent(True)
        zoomed_probe, zoomed_start, zoomed_odd = (chart.render().plain for chart in (probe, starting, diverged))
    assert min(ticks(zoomed_probe)) >= 50  # fitted to the band (85-99%), not pulled down to chance at 10%
    assert "later half" not in zoomed_start and ticks(zoomed_start)  # one point at 0: the whole run
    assert any(ord(c) > 0x2800 for c in zoomed_start)  # and its dot is drawn
    assert "later half" in zoomed_odd.splitlines()[-1]  # NaN and inf are skipped, not a crash
