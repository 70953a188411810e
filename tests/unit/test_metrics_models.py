"""Metric series on the window's grid, and the figures the Metrics tab prints (no endpoint)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from stackview.models.metrics import FunctionMetrics, MetricSpec, grid, on_grid
from stackview.screens.function.metrics import ROWS, row_figures

START = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)
TIMES = grid(START, START + timedelta(minutes=5), 60)


def test_counts_are_zero_filled_and_measurements_are_not() -> None:
    points = [(START + timedelta(minutes=1), 4.0), (START + timedelta(minutes=3, seconds=20), 2.0)]
    count = on_grid(MetricSpec("throttles", "Throttles", "Sum", "Count"), TIMES, points, 60)
    assert count.values == (0.0, 4.0, 0.0, 2.0, 0.0)
    assert (count.latest, count.total, count.peak) == (0.0, 6.0, 4.0)
    duration = on_grid(MetricSpec("d", "Duration", "Average", "Milliseconds"), TIMES, points, 60)
    assert duration.values == (None, 4.0, None, 2.0, None)
    assert duration.latest == 2.0 and duration.plotted == [0.0, 4.0, 0.0, 2.0, 0.0]


def test_points_outside_the_window_are_dropped() -> None:
    points = [(START - timedelta(minutes=1), 9.0), (START + timedelta(minutes=5), 9.0)]
    series = on_grid(MetricSpec("i", "Invocations", "Sum", "Count"), TIMES, points, 60)
    assert series.total == 0 and len(series.values) == 5


def test_row_figures() -> None:
    specs = {
        "Invocations": MetricSpec("i", "Invocations", "Sum", "Count"),
        "Average": MetricSpec("a", "Duration", "Average", "Milliseconds"),
        "Maximum": MetricSpec("m", "Duration", "Maximum", "Milliseconds"),
    }
    series = (
        on_grid(specs["Invocations"], TIMES, [(START, 1200.0), (TIMES[-1], 3.0)], 60),
        on_grid(specs["Average"], TIMES, [(START, 12.345)], 60),
        on_grid(specs["Maximum"], TIMES, [(START, 2500.0)], 60),
    )
    metrics = FunctionMetrics("f", START, START + timedelta(minutes=5), 60, series)
    rows = {row.key: row for row in ROWS}
    assert row_figures(rows["invocations"], metrics) == ("sum/min", "3", "total 1,203")
    assert row_figures(rows["duration"], metrics) == ("avg/min", "12.3 ms", "max 2,500 ms")
    assert row_figures(rows["throttles"], metrics) == ("Sum", "-", "-")
