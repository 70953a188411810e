"""CloudWatch, read side: a Lambda function's AWS/Lambda metrics over a window.

One GetMetricData request carries every metric of the Metrics tab (it accepts up to 500
queries and is billed per metric either way, while GetMetricStatistics would need one call per
metric and statistic). The answer goes through botocore's paginator: CloudWatch pages by data
points and continues a query's series on the next page, so pages are merged by query id.

The window is aligned on the period (the first period starts on a whole minute and the last one
holds "now", still partial), which is how CloudWatch aligns its own periods, so the series land
exactly on the grid of `stackview.models.metrics`. Extended statistics (p99) are not asked for:
moto's CloudWatch answers them with nothing, and Average plus Maximum tell the same story.
"""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import datetime, timedelta, timezone

from stackview.aws.session import AwsSession
from stackview.models.metrics import FunctionMetrics, MetricSpec, grid, on_grid

NAMESPACE = "AWS/Lambda"
DEFAULT_WINDOW = timedelta(hours=3)
#: At most this many points per series: a sparkline is at most a terminal's width anyway.
MAX_POINTS = 180
#: CloudWatch keeps 1-minute data for 15 days; shorter periods need high-resolution metrics.
MIN_PERIOD = 60

#: What the Metrics tab shows, in its order. Lambda publishes these with FunctionName alone
#: (and again per alias/version with a Resource dimension, which this does not ask for).
FUNCTION_METRICS: tuple[MetricSpec, ...] = (
    MetricSpec("invocations", "Invocations", "Sum", "Count"),
    MetricSpec("errors", "Errors", "Sum", "Count"),
    MetricSpec("throttles", "Throttles", "Sum", "Count"),
    MetricSpec("duration_avg", "Duration", "Average", "Milliseconds"),
    MetricSpec("duration_max", "Duration", "Maximum", "Milliseconds"),
    MetricSpec("concurrent_max", "ConcurrentExecutions", "Maximum", "Count"),
)


def period_for(window: timedelta) -> int:
    """The shortest whole-minute period that keeps the window within MAX_POINTS points."""
    minutes = math.ceil(window.total_seconds() / MAX_POINTS / MIN_PERIOD)
    return max(1, minutes) * MIN_PERIOD


def aligned_window(now: datetime, window: timedelta, period: int) -> tuple[datetime, datetime]:
    """[start, end) in UTC: `end` is the end of the period holding `now`."""
    if now.tzinfo is None:
        now = now.replace(tzinfo=timezone.utc)
    now = now.astimezone(timezone.utc)
    epoch = int(now.timestamp())
    end = datetime.fromtimestamp((epoch // period + 1) * period, timezone.utc)
    periods = max(1, math.ceil(window.total_seconds() / period))
    return end - timedelta(seconds=periods * period), end


def _queries(function: str, period: int, specs: tuple[MetricSpec, ...]) -> list[dict]:
    dimensions = [{"Name": "FunctionName", "Value": function}]
    return [
        {
            "Id": spec.key,
            "MetricStat": {
                "Metric": {"Namespace": NAMESPACE, "MetricName": spec.name, "Dimensions": dimensions},
                "Period": period,
                "Stat": spec.stat,
            },
            "ReturnData": True,
        }
        for spec in specs
    ]


def _utc(when: datetime) -> datetime:
    return when.replace(tzinfo=timezone.utc) if when.tzinfo is None else when.astimezone(timezone.utc)


def function_metrics(
    session: AwsSession,
    function: str,
    *,
    now: datetime | None = None,
    window: timedelta = DEFAULT_WINDOW,
    specs: tuple[MetricSpec, ...] = FUNCTION_METRICS,
) -> FunctionMetrics:
    """The function's metrics over the `window` that ends with the period holding `now`.

    Raises botocore's exceptions (AccessDenied on cloudwatch:GetMetricData, an unreachable
    endpoint, ...) for the caller to describe.
    """
    period = period_for(window)
    start, end = aligned_window(now or datetime.now(timezone.utc), window, period)
    paginator = session.client("cloudwatch").get_paginator("get_metric_data")
    points: dict[str, list[tuple[datetime, float]]] = defaultdict(list)
    messages: list[str] = []
    for page in paginator.paginate(MetricDataQueries=_queries(function, period, specs), StartTime=start,
                                   EndTime=end, ScanBy="TimestampAscending"):
        for result in page.get("MetricDataResults", []):
            points[result["Id"]] += [(_utc(when), float(value))
                                     for when, value in zip(result.get("Timestamps", []), result.get("Values", []))]
            messages += [f"{result['Id']}: {m.get('Value', m.get('Code', ''))}" for m in result.get("Messages", [])]
        messages += [str(m.get("Value") or m.get("Code", "")) for m in page.get("Messages", [])]
    times = grid(start, end, period)
    series = tuple(on_grid(spec, times, points.get(spec.key, []), period) for spec in specs)
    return FunctionMetrics(function, start, end, period, series, tuple(messages))
