"""Canary health, read side: per executed version of a weighted alias, over the last minutes.

Lambda publishes AWS/Lambda metrics with the dimensions FunctionName, Resource (`fn:alias`) and
ExecutedVersion for invocations through an alias. One GetMetricData call asks, for each of the
alias' versions, Invocations and Errors (Sum), and Duration's Sum, SampleCount and Maximum per
minute: summing those over the window gives exact totals, an exact average duration (Sum over
SampleCount, not an average of averages) and the maximum.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta, timezone

from stackview.aws.metrics import aligned_window
from stackview.aws.session import AwsSession
from stackview.models.canary import CanaryHealth, VersionHealth
from stackview.models.functions import Alias

DEFAULT_WINDOW = timedelta(minutes=15)
PERIOD = 60
#: (query suffix, metric, statistic)
SERIES = (("inv", "Invocations", "Sum"), ("err", "Errors", "Sum"), ("dsum", "Duration", "Sum"),
          ("dcount", "Duration", "SampleCount"), ("dmax", "Duration", "Maximum"))


def _queries(function: str, alias: str, versions: list[str]) -> list[dict]:
    queries = []
    for index, version in enumerate(versions):
        dimensions = [{"Name": "FunctionName", "Value": function},
                      {"Name": "Resource", "Value": f"{function}:{alias}"},
                      {"Name": "ExecutedVersion", "Value": version}]
        for suffix, metric, stat in SERIES:
            queries.append({"Id": f"v{index}_{suffix}", "ReturnData": True, "MetricStat": {
                "Metric": {"Namespace": "AWS/Lambda", "MetricName": metric, "Dimensions": dimensions},
                "Period": PERIOD, "Stat": stat}})
    return queries


def canary_health(session: AwsSession, function: str, alias: Alias, *, now: datetime | None = None,
                  window: timedelta = DEFAULT_WINDOW) -> CanaryHealth:
    """Each version of `alias` (main, then second) over the `window` ending with the current
    minute. Raises botocore's exceptions for the caller to describe."""
    start, end = aligned_window(now or datetime.now(timezone.utc), window, PERIOD)
    versions = [alias.function_version] + ([alias.additional_version] if alias.additional_version else [])
    values: dict[str, list[float]] = defaultdict(list)
    paginator = session.client("cloudwatch").get_paginator("get_metric_data")
    for page in paginator.paginate(MetricDataQueries=_queries(function, alias.name, versions),
                                   StartTime=start, EndTime=end):
        for result in page.get("MetricDataResults", []):
            values[result["Id"]] += [float(v) for v in result.get("Values", [])]
    weights = [alias.primary_percent, alias.additional_percent]
    found = []
    for index, version in enumerate(versions):
        def total(suffix: str) -> float:
            return sum(values.get(f"v{index}_{suffix}", []))

        count = total("dcount")
        maxima = values.get(f"v{index}_dmax", [])
        found.append(VersionHealth(
            version=version, weight_percent=weights[index], invocations=total("inv"), errors=total("err"),
            duration_avg=total("dsum") / count if count else None,
            duration_max=max(maxima) if maxima else None))
    return CanaryHealth(function, alias.name, start, end, tuple(found))
