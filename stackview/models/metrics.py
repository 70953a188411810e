"""CloudWatch metrics of a Lambda function over a window, as series on a fixed time grid.

CloudWatch returns only the periods that hold data: a minute without invocations is simply
absent. For counts (a Sum of Invocations, Errors, Throttles) "absent" means zero, and a sparkline
drawn from the sparse points would squeeze a quiet hour into nothing; so Sum series are put on the
window's full grid with zeros. For an Average or a Maximum (Duration, ConcurrentExecutions) an
absent minute has no value at all, so those keep `None` there: the latest value is the latest
*measured* one, not a made-up zero. Only the sparkline flattens them (`plotted`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

#: Statistics whose missing periods mean "nothing happened" (0), not "unknown".
ZERO_FILLED_STATS = frozenset({"Sum", "SampleCount"})


@dataclass(frozen=True)
class MetricSpec:
    """One metric to ask for: its name, the statistic, and the unit it is published in."""

    key: str  # the GetMetricData query id: lowercase letters, digits, underscores
    name: str
    stat: str
    unit: str


@dataclass(frozen=True)
class MetricSeries:
    """One metric and statistic, a value (or None) per period of the window, oldest first."""

    name: str
    stat: str
    unit: str
    timestamps: tuple[datetime, ...]
    values: tuple[float | None, ...]

    @property
    def measured(self) -> list[float]:
        return [value for value in self.values if value is not None]

    @property
    def latest(self) -> float | None:
        """The newest period's value (for Sum series, the current, still partial period)."""
        for value in reversed(self.values):
            if value is not None:
                return value
        return None

    @property
    def total(self) -> float:
        return float(sum(self.measured))

    @property
    def peak(self) -> float | None:
        measured = self.measured
        return max(measured) if measured else None

    @property
    def plotted(self) -> list[float]:
        """The values for a sparkline: periods without data drawn at zero."""
        return [0.0 if value is None else value for value in self.values]


@dataclass(frozen=True)
class FunctionMetrics:
    """A function's series over [start, end), `period` seconds per point."""

    function: str
    start: datetime
    end: datetime
    period: int
    series: tuple[MetricSeries, ...]
    #: Messages CloudWatch attached to the answer (partial data, too many points, ...).
    messages: tuple[str, ...] = ()

    def get(self, name: str, stat: str) -> MetricSeries | None:
        for series in self.series:
            if series.name == name and series.stat == stat:
                return series
        return None


def grid(start: datetime, end: datetime, period: int) -> list[datetime]:
    """The start of every period in [start, end)."""
    step = timedelta(seconds=period)
    points = []
    when = start
    while when < end:
        points.append(when)
        when += step
    return points


def on_grid(spec: MetricSpec, times: list[datetime], points: Iterable[tuple[datetime, float]],
            period: int) -> MetricSeries:
    """Place sparse (timestamp, value) points on the window's grid.

    A point belongs to the period it falls in (an endpoint may not align timestamps exactly to
    the grid); points outside the window are dropped. Missing periods are 0 for counts, None else.
    """
    empty: float | None = 0.0 if spec.stat in ZERO_FILLED_STATS else None
    values: list[float | None] = [empty] * len(times)
    if times:
        origin = times[0]
        for when, value in points:
            index = int((when - origin).total_seconds() // period)
            if 0 <= index < len(times):
                values[index] = float(value)
    return MetricSeries(spec.name, spec.stat, spec.unit, tuple(times), tuple(values))
