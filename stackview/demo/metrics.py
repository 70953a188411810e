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
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    data: list[dict[str, Any]] = []
    for dims in _dimension_sets(function_name, resource):
        data += [
            {"MetricName": "Invocations", "Value": 1.0, "Unit": "Count", "Dimensions": dims, "Timestamp": now},
            {"MetricName": "Errors", "Value": 1.0 if error else 0.0, "Unit": "Count", "Dimensions": dims, "Timestamp": now},
            {"MetricName": "Duration", "Value": round(duration_ms, 2), "Unit": "Milliseconds", "Dimensions": dims, "Timestamp": now},
            {"MetricName": "ConcurrentExecutions", "Value": float(concurrent), "Unit": "Count", "Dimensions": dims, "Timestamp": now},
        ]
    data.append({"MetricName": "ConcurrentExecutions", "Value": float(account_concurrent), "Unit": "Count", "Timestamp": now})
    with _lock:
        _backend(account, region).put_metric_data(NAMESPACE, data)


def record_throttle(account: str, region: str, function_name: str, resource: str | None) -> None:
    """One throttled invocation: Lambda counts it in Throttles, not in Invocations."""
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    data = [
        {"MetricName": "Throttles", "Value": 1.0, "Unit": "Count", "Dimensions": dims, "Timestamp": now}
        for dims in _dimension_sets(function_name, resource)
    ]
    with _lock:
        _backend(account, region).put_metric_data(NAMESPACE, data)
