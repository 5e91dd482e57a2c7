"""Charts drawn with QPainter, in the theme's colours, each of which can be saved as a PNG."""

from studyapp.ui.charts.bar_chart import BarChart, HistogramChart
from studyapp.ui.charts.base import Chart, nice_ticks
from studyapp.ui.charts.calendar_heatmap import CalendarHeatmap
from studyapp.ui.charts.line_chart import LineChart, Series

__all__ = ["BarChart", "CalendarHeatmap", "Chart", "HistogramChart", "LineChart", "Series", "nice_ticks"]
