"""Health of many functions at once: as few GetMetricData calls as the queries allow.

One GetMetricData request carries up to 500 metric queries (and up to 100,800 data points per
response, paged with NextToken through botocore's paginator), and CloudWatch bills per metric
either way, so the health columns never make one call per row: every function asked for is put
into the same requests, 500 queries at a time, the functions given first (the rows on screen)
in the first request. `sweep` yields the figures after each request, so the first rows show
their figures while the rest are still being asked for.

Per function: Invocations and Errors per period (the sparkline; the window's total is their
sum), Throttles over the whole window, and with `detail` the duration's Maximum and p99 and
the highest ConcurrentExecutions over the whole window (one point each). Percentiles are asked
for until the endpoint shows it cannot give them (moto's CloudWatch fails a whole request that
asks for `p99` as soon as there is data to compute it on): the sweep then starts again without
them, remembers it for the session, and the report says so, so the UI writes "max" instead.
"""

from __future__ import annotations

import math
import threading
import weakref
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from botocore.exceptions import ClientError

from stackview.aws.metrics import NAMESPACE, aligned_window
from stackview.aws.session import AwsSession
from stackview.models.health import Health, HealthReport

#: GetMetricData's limit on queries per request.
MAX_QUERIES = 500
DEFAULT_WINDOW = timedelta(minutes=15)
#: Points of a sparkline (a table cell): the period grows with the window to keep this many.
SPARK_POINTS = 15
PERCENTILE = "p99"


@dataclass(frozen=True)
class Query:
    key: str
    metric: str
    stat: str
    whole_window: bool  # one point over the window instead of one per period


SUMMARY: tuple[Query, ...] = (
    Query("inv", "Invocations", "Sum", False),
    Query("err", "Errors", "Sum", False),
    Query("thr", "Throttles", "Sum", True),
)
DETAIL: tuple[Query, ...] = (
    Query("dmax", "Duration", "Maximum", True),
    Query("conc", "ConcurrentExecutions", "Maximum", True),
)
P99 = Query("p99", "Duration", PERCENTILE, True)


def spark_period(window: timedelta) -> int:
    """Whole minutes per sparkline point: 60 s for windows up to SPARK_POINTS minutes."""
    minutes = math.ceil(window.total_seconds() / 60 / SPARK_POINTS)
    return max(1, minutes) * 60


def queries_for(detail: bool, percentiles: bool) -> tuple[Query, ...]:
    return SUMMARY + (DETAIL + ((P99,) if percentiles else ()) if detail else ())


def batches(count: int, per_function: int) -> int:
    """GetMetricData requests needed for `count` functions (without extra pages): one per 500
    metrics, a function's queries split across two requests where they do not fit."""
    return math.ceil(count * per_function / MAX_QUERIES)


#: What each session's endpoint said about percentiles: True once a p99 query came back with
#: values, False once a request asking for one failed as moto fails it. Unknown until then.
_percentiles: weakref.WeakKeyDictionary[AwsSession, bool] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def endpoint_percentiles(session: AwsSession) -> bool | None:
    """Whether the session's endpoint answers percentile statistics, as far as seen (None: not yet)."""
    with _lock:
        return _percentiles.get(session)


def _learn(session: AwsSession, answer: bool) -> None:
    with _lock:
        if _percentiles.get(session) is not False:
            _percentiles[session] = answer


#: Requests asking for p99 that must fail (HTTP 500) before the endpoint is taken to lack it.
TRIALS = 2


def _invalid_statistic(exc: ClientError) -> bool:
    return str(exc.response.get("Error", {}).get("Code", "")).startswith("InvalidParameter")


def _lacks_percentiles(exc: ClientError) -> bool:
    """AWS always answers p99; an endpoint that cannot (moto) fails the whole request with HTTP
    500 (or says the statistic is invalid). Other failures (AccessDenied) are not about it."""
    status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0
    return status >= 500 or _invalid_statistic(exc)


def _query(index: int, name: str, query: Query, period: int, window_seconds: int) -> dict:
    return {
        "Id": f"f{index}_{query.key}",
        "MetricStat": {
            "Metric": {"Namespace": NAMESPACE, "MetricName": query.metric,
                       "Dimensions": [{"Name": "FunctionName", "Value": name}]},
            "Period": window_seconds if query.whole_window else period,
            "Stat": query.stat,
        },
        "ReturnData": True,
    }


def _utc(when: datetime) -> datetime:
    return when.replace(tzinfo=timezone.utc) if when.tzinfo is None else when.astimezone(timezone.utc)


def _series(points: list[tuple[datetime, float]], start: datetime, period: int, count: int) -> tuple[float, ...]:
    values = [0.0] * count
    for when, value in points:
        index = int((when - start).total_seconds() // period)
        if 0 <= index < count:
            values[index] += value
    return tuple(values)


def _health(points: dict[str, list[tuple[datetime, float]]], start: datetime, period: int,
            count: int, detail: bool) -> Health:
    def largest(key: str) -> float | None:
        values = [v for _, v in points.get(key, [])]
        return max(values) if values else None

    invocations = _series(points.get("inv", []), start, period, count)
    errors = _series(points.get("err", []), start, period, count)
    return Health(
        invocations=sum(invocations),
        errors=sum(errors),
        throttles=sum(v for _, v in points.get("thr", [])),
        invocations_series=invocations,
        errors_series=errors,
        duration_max=largest("dmax") if detail else None,
        duration_p99=largest("p99") if detail else None,
        concurrency_max=largest("conc") if detail else None,
    )


def sweep(session: AwsSession, names: Sequence[str], *, now: datetime | None = None,
          window: timedelta = DEFAULT_WINDOW, detail: bool = True,
          _spent: tuple[int, int] = (0, 0), _failed_trials: int = 0) -> Iterator[HealthReport]:
    """Health of every function in `names` (in that order), yielding the report so far after
    each GetMetricData request: the first yield already holds the first functions' figures.
    Yields one empty report when `names` is empty. Raises botocore's exceptions."""
    names = list(dict.fromkeys(names))
    period = spark_period(window)
    start, end = aligned_window(now or datetime.now(timezone.utc), window, period)
    count = int((end - start).total_seconds() // period)
    window_seconds = count * period
    known = endpoint_percentiles(session)
    percentiles = detail and known is not False
    queries = queries_for(detail, percentiles)
    # Until the endpoint has shown it answers p99, a request asking for it is not retried: a
    # failure means "no percentiles here" and the sweep starts again without them.
    trial = percentiles and known is not True
    paginator = session.client("cloudwatch", max_attempts=1 if trial else None).get_paginator("get_metric_data")
    found: dict[str, Health] = {}
    calls, metrics = _spent
    messages: list[str] = []

    def report() -> HealthReport:
        measured = [h for h in found.values() if h.duration_max is not None]
        said = None if not detail or not measured else percentiles
        return HealthReport(start, end, period, dict(found), calls, metrics, said, tuple(messages))

    if not names:
        yield report()
        return
    # Every query of every function, in order, 500 to a request: a function's queries may span
    # two requests (it is complete, and yielded, once the second has answered).
    every = [_query(index, name, q, period, window_seconds) for index, name in enumerate(names) for q in queries]
    points: dict[str, dict[str, list[tuple[datetime, float]]]] = defaultdict(lambda: defaultdict(list))
    done = 0  # functions complete so far
    for first in range(0, len(every), MAX_QUERIES):
        batch = every[first:first + MAX_QUERIES]
        metrics += len(batch)
        pages = paginator.paginate(MetricDataQueries=batch, StartTime=start, EndTime=end, ScanBy="TimestampAscending")
        try:
            pages = list(pages)
        except ClientError as exc:
            if not (trial and _lacks_percentiles(exc)):
                raise
            spent = (calls + 1, metrics)
            if _failed_trials + 1 < TRIALS and not _invalid_statistic(exc):
                # One HTTP 500 may be a busy endpoint's, not a verdict on p99: ask once more.
                yield from sweep(session, names, now=now, window=window, detail=detail, _spent=spent,
                                 _failed_trials=_failed_trials + 1)
                return
            _learn(session, False)
            yield from sweep(session, names, now=now, window=window, detail=detail, _spent=spent)
            return
        for page in pages:
            calls += 1
            for result in page.get("MetricDataResults", []):
                index, _, key = result["Id"][1:].partition("_")
                name = names[int(index)]
                points[name][key] += [(_utc(when), float(value)) for when, value
                                      in zip(result.get("Timestamps", []), result.get("Values", []))
                                      if value is not None]
                messages += [f"{name} {key}: {m.get('Value', m.get('Code', ''))}" for m in result.get("Messages", [])]
            messages += [str(m.get("Value") or m.get("Code", "")) for m in page.get("Messages", [])]
        complete = (first + len(batch)) // len(queries)
        for name in names[done:complete]:
            found[name] = _health(points.pop(name, {}), start, period, count, detail)
            if percentiles and found[name].duration_p99 is not None:
                _learn(session, True)
        done = complete
        yield report()


def function_health(session: AwsSession, names: Sequence[str], **options) -> HealthReport:
    """Every function's health in one report (the last of `sweep`)."""
    last = None
    for last in sweep(session, names, **options):
        pass
    assert last is not None
    return last
