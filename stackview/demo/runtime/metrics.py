"""AWS/Lambda metrics for every invocation, written into moto's CloudWatch backend.

Lambda publishes Invocations, Errors, Throttles, Duration and ConcurrentExecutions per
function (dimension FunctionName), again per alias or version (FunctionName + Resource,
`name:qualifier`), and ConcurrentExecutions for the whole account (no dimension). Written
in-process because the runner lives in the server process that owns the backend; timestamps
are naive UTC datetimes, which is what moto stores for data put over HTTP.
"""

from __future__ import annotations

import threading
from datetime import datetime, timezone
from typing import Any

NAMESPACE = "AWS/Lambda"
_lock = threading.Lock()


def _backend(account: str, region: str) -> Any:
    from moto.cloudwatch.models import cloudwatch_backends

    return cloudwatch_backends[account][region]


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def _datum(name: str, value: float, unit: str, dimensions: list[dict[str, str]],
           when: datetime) -> dict[str, Any]:
    return {"MetricName": name, "Value": value, "Unit": unit, "Dimensions": dimensions,
            "Timestamp": when}


def _dimension_sets(function_name: str, resource: str | None) -> list[list[dict[str, str]]]:
    sets = [[{"Name": "FunctionName", "Value": function_name}]]
    if resource:
        sets.append(
            [
                {"Name": "FunctionName", "Value": function_name},
                {"Name": "Resource", "Value": f"{function_name}:{resource}"},
            ]
        )
    return sets


def record_invocation(
    account: str,
    region: str,
    function_name: str,
    resource: str | None,
    *,
    duration_ms: float,
    error: bool,
    concurrent: int,
    account_concurrent: int,
) -> None:
    """One finished invocation (success, error or timeout)."""
    now = _now()
    data: list[dict[str, Any]] = []
    for dims in _dimension_sets(function_name, resource):
        data += [
            _datum("Invocations", 1.0, "Count", dims, now),
            _datum("Errors", 1.0 if error else 0.0, "Count", dims, now),
            _datum("Duration", round(duration_ms, 2), "Milliseconds", dims, now),
            _datum("ConcurrentExecutions", float(concurrent), "Count", dims, now),
        ]
    data.append(_datum("ConcurrentExecutions", float(account_concurrent), "Count", [], now))
    with _lock:
        _backend(account, region).put_metric_data(NAMESPACE, data)


def record_throttle(account: str, region: str, function_name: str, resource: str | None) -> None:
    """One throttled invocation: Lambda counts it in Throttles, not in Invocations."""
    now = _now()
    data = [_datum("Throttles", 1.0, "Count", dims, now)
            for dims in _dimension_sets(function_name, resource)]
    with _lock:
        _backend(account, region).put_metric_data(NAMESPACE, data)
