"""The charts draw what they are given: checked on the pixels of the offscreen images, in both themes."""

from __future__ import annotations

from array import array
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import QPointF, QSize
from PySide6.QtGui import QColor, QImage

from studyapp.ui.app.style import DARK, LIGHT, Theme
from studyapp.ui.stats.charts import BarChart, CalendarHeatmap, HistogramChart, LineChart, Series, nice_ticks
from studyapp.ui.stats.charts.calendar_heatmap import level

SIZE = QSize(480, 260)


def pixels(image: QImage) -> array:
    converted = image.convertToFormat(QImage.Format.Format_RGB32)
    values = array("I")
    values.frombytes(bytes(converted.constBits()))
    return values


def rgb(colour: str) -> int:
    return QColor(colour).rgb() & 0xFFFFFFFF


def count(image: QImage, colour: str) -> int:
    return pixels(image).count(rgb(colour))


def near(image: QImage, colour: str, tolerance: int = 48) -> int:
    """Pixels within ``tolerance`` of ``colour`` in every channel (antialiased thin lines are not exact)."""
    target = QColor(colour)
    r, g, b = target.red(), target.green(), target.blue()
    return sum(
        1
        for value in pixels(image)
        if abs((value >> 16 & 255) - r) <= tolerance
        and abs((value >> 8 & 255) - g) <= tolerance
        and abs((value & 255) - b) <= tolerance
    )


def column_heights(image: QImage, colour: str) -> dict[int, int]:
    """For each x, how many pixels of that column are exactly ``colour``."""
    width = image.width()
    target = rgb(colour)
    heights: Counter[int] = Counter()
    for index, value in enumerate(pixels(image)):
        if value == target:
            heights[index % width] += 1
    return dict(heights)


def render(chart, theme: Theme = LIGHT) -> QImage:  # noqa: ANN001 - any chart
    chart.set_theme(theme)
    chart.resize(SIZE)
    return chart.render_image(SIZE)


def test_nice_ticks() -> None:
    assert nice_ticks(0, 10, 5) == [0, 2, 4, 6, 8, 10]
    assert nice_ticks(0, 7, 4) == [0, 2, 4, 6, 8]
    assert nice_ticks(0.73, 1.0, 4) == [0.7, 0.8, 0.9, 1.0]


def test_bars_stand_in_proportion_in_their_colour(qtbot) -> None:  # noqa: ANN001
    chart = BarChart("Forecast")
    qtbot.addWidget(chart)
    chart.set_bars(["a", "b", "c"], [0, 10, 5], colours="again")
    image = render(chart)
    heights = column_heights(image, LIGHT.again)
    assert heights, "no bar drawn in the bar colour"
    tall = max(heights.values())
    columns = sorted(x for x, h in heights.items() if h > 0.9 * tall)
    short_columns = [x for x, h in heights.items() if h < 0.6 * tall]
    assert columns and short_columns
    short = max(heights[x] for x in short_columns)
    assert abs(tall / short - 2.0) < 0.1  # 10 against 5
    assert max(columns) < min(short_columns)  # the taller bar is the second, left of the third


def test_an_empty_chart_differs_from_a_full_one_and_says_so(qtbot) -> None:  # noqa: ANN001
    chart = BarChart("Forecast")
    qtbot.addWidget(chart)
    chart.set_bars(["a", "b"], [0, 0], colours="due")
    empty = render(chart)
    assert count(empty, LIGHT.due) == 0
    chart.set_bars(["a", "b"], [3, 4], colours="due")
    full = render(chart)
    assert count(full, LIGHT.due) > 1000
    assert empty != full


def test_dark_and_light_differ_and_use_their_theme(qtbot) -> None:  # noqa: ANN001
    chart = HistogramChart("Stability")
    qtbot.addWidget(chart)
    chart.set_bins(["<1d", "1-2d", "2-4d"], [4, 8, 2], colour="easy")
    light, dark = render(chart, LIGHT), render(chart, DARK)
    assert light != dark
    assert QColor(light.pixel(2, 2)) == QColor(LIGHT.surface)
    assert QColor(dark.pixel(2, 2)) == QColor(DARK.surface)
    assert count(light, LIGHT.easy) > 1000 and count(dark, DARK.easy) > 1000
    assert count(light, DARK.easy) == 0


def test_line_chart_with_reference_line_and_marker(qtbot) -> None:  # noqa: ANN001
    chart = LineChart("Workload")
    qtbot.addWidget(chart)
    points = [(0.70, 40.0), (0.80, 55.0), (0.90, 90.0), (0.99, 400.0)]
    chart.set_series(points, x_label="retention", y_label="reviews/day", x_format=lambda x: f"{x:.0%}")
    plain = render(chart)
    assert count(plain, LIGHT.accent) > 100
    chart.set_series(
        points,
        x_label="retention",
        y_label="reviews/day",
        x_format=lambda x: f"{x:.0%}",
        marker_x=0.85,
        reference_y=200,
    )
    marked = render(chart)
    assert count(marked, LIGHT.again) > 30  # the marker's dot
    assert near(marked, LIGHT.muted) > near(plain, LIGHT.muted) + 100  # the dashed reference line
    # The marker sits on the line halfway between 80 % and 90 %: at 72.5 reviews a day.
    assert chart.tooltip_at(_centre_of(marked, LIGHT.again)) == "85%: 72.5"


def _centre_of(image: QImage, colour: str) -> QPointF:
    width = image.width()
    target = rgb(colour)
    found = [(i % width, i // width) for i, value in enumerate(pixels(image)) if value == target]
    xs, ys = [x for x, _ in found], [y for _, y in found]
    return QPointF(sum(xs) / len(xs), sum(ys) / len(ys))


def test_line_with_gaps_and_two_series(qtbot) -> None:  # noqa: ANN001
    chart = LineChart("Retention")
    qtbot.addWidget(chart)
    chart.set_lines(
        [Series("Young", ((0, 0.8), (1, None), (2, 0.9)), "learning"), Series("Mature", ((0, 0.95), (2, 0.97)), "due")],
        reference_y=0.9,
        reference_label="Desired 90%",
        y_range=(0.7, 1.0),
    )
    image = render(chart)
    assert count(image, LIGHT.learning) > 20 and count(image, LIGHT.due) > 100
    assert [text for text, _, _ in chart.legend()] == ["Young", "Mature", "Desired 90%"]


def test_heatmap_cells_by_count_with_tooltips(qtbot) -> None:  # noqa: ANN001
    chart = CalendarHeatmap("Reviews")
    qtbot.addWidget(chart)
    first = date(2025, 3, 2)
    days = [(first + timedelta(days=i), 0) for i in range(365)]
    days[-1] = (days[-1][0], 40)  # today: the busiest
    days[-2] = (days[-2][0], 10)
    chart.set_days(days)
    chart.resize(QSize(900, 220))
    image = chart.render_image(QSize(900, 220))
    busiest = chart.cell_rect(date(2026, 3, 1))
    quiet = chart.cell_rect(date(2026, 2, 28))
    empty = chart.cell_rect(date(2025, 6, 1))
    assert busiest is not None and quiet is not None and empty is not None
    centre = busiest.center().toPoint()
    assert QColor(image.pixel(centre)) == chart.level_colour(level(40, 40))
    assert QColor(image.pixel(quiet.center().toPoint())) == chart.level_colour(level(10, 40))
    assert QColor(image.pixel(empty.center().toPoint())) == chart.level_colour(0)  # a cell that shows (point 8)
    assert level(40, 40) == 4 and level(10, 40) == 1 and level(0, 40) == 0
    assert chart.tooltip_at(busiest.center()) == "Sun 1 Mar 2026: 40 answers"
    assert chart.tooltip_at(quiet.center()) == "Sat 28 Feb 2026: 10 answers"
    # Weeks are columns, weekdays rows: Sunday 1 March is under Monday 23 February.
    monday = chart.cell_rect(date(2026, 2, 23))
    assert monday is not None and monday.left() == busiest.left() and monday.top() < busiest.top()


def test_save_png_writes_the_chart(qtbot, tmp_path: Path) -> None:  # noqa: ANN001
    chart = BarChart("Cards by state")
    qtbot.addWidget(chart)
    chart.set_bars(["New", "Review"], [5, 9], colours=["new", "due"])
    chart.set_theme(LIGHT)
    chart.resize(SIZE)
    chart.choose_png_path = lambda parent, suggested: tmp_path / suggested
    saved = chart.save_png_as()
    assert saved == tmp_path / "cards-by-state.png"
    image = QImage(str(saved))
    assert not image.isNull()
    assert (image.width(), image.height()) == (2 * SIZE.width(), 2 * SIZE.height())
    assert count(image, LIGHT.new) > 1000 and count(image, LIGHT.due) > 1000
    chart.choose_png_path = lambda parent, suggested: None  # cancelled: nothing written
    assert chart.save_png_as() is None
    assert [p.name for p in tmp_path.iterdir()] == ["cards-by-state.png"]
