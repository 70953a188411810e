"""An index of moto's CloudWatch data points by series, and CloudWatch's statistics over them.

moto keeps every data point of a Region in one list and answers each query by scanning all of
it, once per query and per period; it matches dimensions without the namespace, computes no
extended statistics (`p99` answers nothing) and lists metrics in quadratic time. The demo
world writes a dozen points per invocation, so the cockpit's GetMetricData calls (hundreds of
queries) and the alarm evaluator need better: this index keeps each series (namespace, metric
name, exact dimension set) sorted by time, so a query bisects to its window.

Statistics follow CloudWatch: SampleCount, Sum, Average, Minimum, Maximum over raw values and
statistic sets alike, and percentiles (`p99`, `p99.9`, `p50`, ...) over raw values, the only
data CloudWatch computes them from (a statistic set of one sample counts as that value).
Pure Python over moto's datum objects: moto is imported by the modules that patch it.
"""

from __future__ import annotations

import bisect
import math
import re
import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Iterable

BASIC_STATISTICS = ("SampleCount", "Sum", "Average", "Minimum", "Maximum")
_PERCENTILE = re.compile(r"^p(\d{1,2}(\.\d{1,10})?|100)$")

SeriesKey = tuple[str, str, frozenset[tuple[str, str]]]


def epoch(moment: datetime) -> float:
    """Seconds since the epoch; naive datetimes are UTC (what moto stores)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.timestamp()


def series_key(namespace: str, name: str, dimensions: Iterable[Any]) -> SeriesKey:
    """The key of a series; dimensions are moto Dimension objects or {"Name", "Value"} dicts."""
    pairs = []
    for dimension in dimensions:
        if isinstance(dimension, dict):
            pairs.append((str(dimension["Name"]), str(dimension.get("Value"))))
        else:
            pairs.append((str(dimension.name), str(dimension.value)))
    return namespace, name, frozenset(pairs)


def is_percentile(stat: str) -> bool:
    return bool(_PERCENTILE.match(stat))


def valid_statistic(stat: str) -> bool:
    return stat in BASIC_STATISTICS or is_percentile(stat)


@dataclass
class Series:
    """One series' points in time order (parallel lists: bisect on `times`)."""

    times: list[float] = field(default_factory=list)
    points: list[Any] = field(default_factory=list)

    def add(self, when: float, datum: Any) -> None:
        if not self.times or when >= self.times[-1]:
            self.times.append(when)
            self.points.append(datum)
            return
        index = bisect.bisect_right(self.times, when)
        self.times.insert(index, when)
        self.points.insert(index, datum)

    def between(self, start: float, end: float) -> list[Any]:
        """Points with start <= time < end."""
        return self.points[bisect.bisect_left(self.times, start):bisect.bisect_left(self.times, end)]


class MetricIndex:
    """Every series of one CloudWatch backend, fed by put_metric_data."""

    def __init__(self) -> None:
        self._series: dict[SeriesKey, Series] = {}
        self._units: dict[SeriesKey, str | None] = {}
        self._lock = threading.Lock()

    def add(self, datums: Iterable[Any]) -> None:
        with self._lock:
            for datum in datums:
                key = series_key(datum.namespace, datum.name, datum.dimensions)
                series = self._series.get(key)
                if series is None:
                    series = self._series[key] = Series()
                series.add(epoch(datum.timestamp), datum)
                self._units[key] = datum.unit or self._units.get(key)

    def points(self, key: SeriesKey, start: float, end: float) -> list[Any]:
        with self._lock:
            series = self._series.get(key)
            return series.between(start, end) if series else []

    def keys(self) -> list[SeriesKey]:
        with self._lock:
            return list(self._series)

    def last_time(self, key: SeriesKey) -> float | None:
        with self._lock:
            series = self._series.get(key)
            return series.times[-1] if series and series.times else None


def _values(points: list[Any]) -> tuple[list[float], list[Any]]:
    """(raw values, statistic sets); a statistic set of one sample is a raw value."""
    raw: list[float] = []
    sets: list[Any] = []
    for point in points:
        if hasattr(point, "value"):
            raw.append(float(point.value))
        elif float(point.sample_count) == 1 and point.min == point.max:
            raw.append(float(point.sum))
        else:
            sets.append(point)
    return raw, sets


def percentile(values: list[float], p: float) -> float | None:
    """The nearest-rank percentile of `values` (None when there are none)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100.0 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def statistic(points: list[Any], stat: str, unit: str | None = None) -> float | None:
    """One statistic over the points of one period; None when CloudWatch gives no datapoint."""
    if unit:
        points = [p for p in points if p.unit == unit]
    if not points:
        return None
    raw, sets = _values(points)
    count = len(raw) + sum(float(s.sample_count) for s in sets)
    total = sum(raw) + sum(float(s.sum) for s in sets)
    if stat == "SampleCount":
        return count
    if stat == "Sum":
        return total
    if stat == "Average":
        return total / count if count else None
    if stat == "Minimum":
        return min([*raw, *(float(s.min) for s in sets)])
    if stat == "Maximum":
        return max([*raw, *(float(s.max) for s in sets)])
    if is_percentile(stat):
        return percentile(raw, float(stat[1:]))
    raise ValueError(f"unsupported statistic {stat}")


def periods(start: float, end: float, period: int) -> list[float]:
    """Period start times from `start` (whole seconds) while they begin before `end`."""
    first = math.floor(start)
    count = max(0, math.ceil((end - first) / period))
    return [first + i * period for i in range(count)]


def series_stats(index: MetricIndex, key: SeriesKey, start: float, end: float, period: int,
                 stat: str, unit: str | None = None) -> list[tuple[float, float]]:
    """(period start, value) for every period of [start, end) that has a datapoint."""
    points = index.points(key, math.floor(start), end)
    out: list[tuple[float, float]] = []
    if not points:
        return out
    times = [epoch(p.timestamp) for p in points]
    for begin in periods(start, end, period):
        low = bisect.bisect_left(times, begin)
        high = bisect.bisect_left(times, min(begin + period, end))
        if low == high:
            continue
        value = statistic(points[low:high], stat, unit)
        if value is not None:
            out.append((begin, value))
    return out
