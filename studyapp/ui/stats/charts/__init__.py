"""Charts drawn with QPainter, in the theme's colours, each of which can be saved as a PNG."""

from studyapp.ui.stats.charts.bar_chart import BarChart, HistogramChart
from studyapp.ui.stats.charts.base import Chart, nice_ticks
from studyapp.ui.stats.charts.calendar_heatmap import CalendarHeatmap
from studyapp.ui.stats.charts.line_chart import LineChart, Series

__all__ = ["BarChart", "CalendarHeatmap", "Chart", "HistogramChart", "LineChart", "Series", "nice_ticks"]
