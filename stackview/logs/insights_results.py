"""Reading Logs Insights results without AWS or a UI: times, numbers, request ids, and the series
of a `stats ... by bin(...)` query, ready to be drawn as a chart.

Insights returns strings only: `2026-11-23 10:05:00.000` for times (UTC), numbers as it prints
them. A `stats` by `bin(5m)` answers one row per time bucket (and per other `by` value), only for
buckets that have data and in no particular order; a chart wants every bucket in time order,
empty ones as zero. That shaping is here, pure, so it is tested on its own.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone

from stackview.logs.parse import LogParser
from stackview.logs.since import SinceError, parse_duration_ms
from stackview.models import LogEvent
from stackview.models.insights import ResultRow, columns_of

MAX_SERIES = 8
MAX_POINTS = 720  # gaps are filled up to this many buckets (a day of 2-minute bins)
_TIME_FORMATS = ("%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S.%f%z", "%Y-%m-%dT%H:%M:%S%z")
_BIN = re.compile(r"^bin\s*\(\s*([^)]*?)\s*\)(?:\s+as\s+([\w@.$]+))?$", re.IGNORECASE)
_REQUEST_FIELDS = ("@requestId", "requestId", "record.requestId", "function_request_id", "request_id")


def insights_time_ms(value: str | None) -> int | None:
    """`2026-11-23 10:05:00.000` (UTC, as Insights prints @timestamp and bins) -> epoch ms."""
    if not value:
        return None
    text = value.strip().replace("Z", "+00:00")
    for layout in _TIME_FORMATS:
        try:
            moment = datetime.strptime(text, layout)
        except ValueError:
            continue
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=timezone.utc)
        return int(moment.timestamp() * 1000)
    return None


def number(value: str | None) -> float | None:
    """The number a result value holds, or None."""
    if value is None:
        return None
    try:
        result = float(value)
    except ValueError:
        return None
    return result if result == result else None  # NaN is no number to draw


def _opens_regex(before: str) -> bool:
    """Whether a `/` after `before` (the command so far) starts a /regex/ rather than divides:
    after `like`, `=~`, or the field of a `parse`."""
    text = before.rstrip()
    return (text.endswith("=~") or re.search(r"\blike$", text, re.IGNORECASE) is not None
            or re.fullmatch(r"\s*parse\s+\S+", text, re.IGNORECASE) is not None)


def _split_top(text: str, separator: str) -> list[str]:
    """`text` split at `separator` outside parentheses, brackets, quotes and /regex/."""
    parts: list[str] = []
    depth, quote, escaped, current = 0, "", False, []
    for char in text:
        if escaped:
            escaped = False
        elif quote and char == "\\":
            escaped = True
        elif quote:
            quote = "" if char == quote else quote
        elif char in "\"'`":
            quote = char
        elif char == "/" and _opens_regex("".join(current)):
            quote = "/"
        elif char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        elif char == separator and depth == 0:
            parts.append("".join(current))
            current = []
            continue
        current.append(char)
    parts.append("".join(current))
    return parts


@dataclass(frozen=True)
class BinSpec:
    """A `bin(...)` of the query's last `stats`: its result column and bucket width."""

    column: str
    width_ms: int | None


def bin_of(query: str) -> BinSpec | None:
    """The `bin()` the query's last `stats` groups by, or None (no chart then)."""
    stats = [c.strip() for c in _split_top(query, "|") if re.match(r"^\s*stats\b", c, re.IGNORECASE)]
    if not stats:
        return None
    match = re.search(r"\bby\b(.*)$", stats[-1], re.IGNORECASE | re.DOTALL)
    if not match:
        return None
    for item in _split_top(match.group(1), ","):
        found = _BIN.match(" ".join(item.split()))
        if found:
            try:
                width = parse_duration_ms(found.group(1))
            except SinceError:
                width = None
            return BinSpec(found.group(2) or " ".join(item.split()), width or None)
    return None


@dataclass(frozen=True)
class Series:
    """One line of the chart: a value column (and the other `by` values), bucket by bucket."""

    label: str
    column: str
    times_ms: tuple[int, ...]
    values: tuple[float, ...]

    @property
    def total(self) -> float:
        return sum(self.values)

    @property
    def peak(self) -> float:
        return max(self.values, default=0.0)


@dataclass(frozen=True)
class Chart:
    bin: BinSpec
    series: tuple[Series, ...]
    #: Series beyond MAX_SERIES, not drawn (the table still has them).
    left_out: int = 0


def chart_of(query: str, rows: Sequence[ResultRow]) -> Chart | None:
    """The chart of a `stats ... by bin()` answer, or None when the query has no bin or the
    rows carry no bucket times."""
    spec = bin_of(query)
    if spec is None or not rows:
        return None
    columns = columns_of(rows)
    if spec.column not in columns:
        fallback = [c for c in columns if c.lower().startswith("bin(")]
        if not fallback:
            return None
        spec = BinSpec(fallback[0], spec.width_ms)
    others = [c for c in columns if c != spec.column]
    values = [c for c in others if all(number(r.get(c)) is not None for r in rows if r.get(c) is not None)]
    keys = [c for c in others if c not in values]
    buckets: dict[tuple[str, tuple[str, ...]], dict[int, float]] = {}
    times: set[int] = set()
    for row in rows:
        moment = insights_time_ms(row.get(spec.column))
        if moment is None:
            continue
        times.add(moment)
        key = tuple(row.get(k) or "" for k in keys)
        for column in values:
            value = number(row.get(column))
            if value is not None:
                series = buckets.setdefault((column, key), {})
                series[moment] = series.get(moment, 0.0) + value
    if not times or not buckets:
        return None
    axis = _axis(sorted(times), spec.width_ms)
    drawn = [
        Series(" · ".join([column, *[k for k in key if k]]), column, tuple(axis),
               tuple(points.get(t, 0.0) for t in axis))
        for (column, key), points in buckets.items()
    ]
    return Chart(spec, tuple(drawn[:MAX_SERIES]), max(0, len(drawn) - MAX_SERIES))


def _axis(times: list[int], width_ms: int | None) -> list[int]:
    """Every bucket from the first to the last (empty ones too) when the width is known and
    the span is drawable; otherwise the buckets that have data."""
    if not width_ms or len(times) < 2:
        return times
    count = (times[-1] - times[0]) // width_ms + 1
    if count > MAX_POINTS or any((t - times[0]) % width_ms for t in times):
        return times
    return [times[0] + i * width_ms for i in range(count)]


def request_id_of(row: ResultRow, parser: LogParser | None = None) -> str | None:
    """The request a row is about: `@requestId`, a `requestId` field, or the id in its
    `@message` as the log view reads it (Python's `[LEVEL]\\t...\\t<id>\\t`, JSON records)."""
    for name in _REQUEST_FIELDS:
        value = row.get(name)
        if value:
            return value
    message = row.get("@message")
    if not message:
        return None
    event = LogEvent(0, 0, "", row.get("@logStream") or "", "", message)
    return (parser or LogParser()).parse(event).request_id


def log_group_of(row: ResultRow) -> str | None:
    """The group of a row's event: `@log` is `account-id:group-name`."""
    value = row.get("@log")
    if not value:
        return None
    account, sep, group = value.partition(":")
    return group if sep and account.isdigit() else value
