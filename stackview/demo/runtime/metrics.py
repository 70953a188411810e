"""AWS/Lambda metrics for every invocation, written into moto's CloudWatch backend.

Lambda publishes Invocations, Errors, Throttles, Duration and ConcurrentExecutions per
function (dimension FunctionName), again per alias or version (FunctionName + Resource,
`name:qualifier`), and, for an invocation through an alias, per executed version (FunctionName +
Resource + ExecutedVersion: how errors per version are read during a canary). For the whole
account (no dimension) it publishes ConcurrentExecutions and UnreservedConcurrentExecutions
(executions of functions without reserved concurrency). Written in-process because the runner
lives in the server process that owns the backend; timestamps are naive UTC datetimes, which is
what moto stores for data put over HTTP. The history (stackview.demo.history.write) uses the
same dimension sets, so past and live series cannot differ in shape.
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


def is_alias(qualifier: str | None) -> bool:
    """An alias name (not a version number, not $LATEST, not unqualified)."""
    return bool(qualifier) and qualifier != "$LATEST" and not str(qualifier).isdigit()


def dimension_sets(function_name: str, resource: str | None,
                   executed_version: str | None = None) -> list[list[dict[str, str]]]:
    """The dimension sets one invocation is counted under: the function; the alias or version
    it was invoked through (`resource`); and, through an alias, the version that ran."""
    sets = [[{"Name": "FunctionName", "Value": function_name}]]
    if resource:
        qualified = [{"Name": "FunctionName", "Value": function_name},
                     {"Name": "Resource", "Value": f"{function_name}:{resource}"}]
        sets.append(qualified)
        if executed_version and is_alias(resource):
            sets.append(qualified + [{"Name": "ExecutedVersion", "Value": str(executed_version)}])
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
    unreserved_concurrent: int | None = None,
    executed_version: str | None = None,
) -> None:
    """One finished invocation (success, error or timeout)."""
    now = _now()
    data: list[dict[str, Any]] = []
    for dims in dimension_sets(function_name, resource, executed_version):
        data += [
            _datum("Invocations", 1.0, "Count", dims, now),
            _datum("Errors", 1.0 if error else 0.0, "Count", dims, now),
            _datum("Duration", round(duration_ms, 2), "Milliseconds", dims, now),
        ]
        if len(dims) < 3:  # Lambda does not break concurrency down by executed version
            data.append(_datum("ConcurrentExecutions", float(concurrent), "Count", dims, now))
    data.append(_datum("ConcurrentExecutions", float(account_concurrent), "Count", [], now))
    if unreserved_concurrent is not None:
        data.append(_datum("UnreservedConcurrentExecutions", float(unreserved_concurrent), "Count",
                           [], now))
    with _lock:
        _backend(account, region).put_metric_data(NAMESPACE, data)


def record_throttle(account: str, region: str, function_name: str, resource: str | None,
                    executed_version: str | None = None) -> None:
    """One throttled invocation: Lambda counts it in Throttles, not in Invocations."""
    now = _now()
    data = [_datum("Throttles", 1.0, "Count", dims, now)
            for dims in dimension_sets(function_name, resource, executed_version)]
    with _lock:
        _backend(account, region).put_metric_data(NAMESPACE, data)
