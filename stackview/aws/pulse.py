"""The account's pulse: concurrency against the account's limit, and what fails right now.

Concurrency is Lambda's account-wide ConcurrentExecutions (published without dimensions), its
highest value over the window; GetAccountSettings gives the limit and the unreserved pool;
DescribeAlarms (state ALARM) the alarms firing.

Invocations, errors and throttles are every function's added up (one health sweep of the
region's functions, 500 queries per request), up to `MAX_SUMMED` functions: the same figures as
the rows below, exact by construction. Lambda's account-wide counts (no dimensions) would be one
query, but an endpoint that matches dimensions loosely (moto adds every series of the metric,
the per-alias ones too) counts some invocations twice; beyond `MAX_SUMMED` functions they are
used all the same, and the pulse says where its counts come from.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta, timezone

from stackview.aws.alarms import list_alarms
from stackview.aws.functions import account_concurrency
from stackview.aws.health import DEFAULT_WINDOW, function_health
from stackview.aws.inventory import inventory
from stackview.aws.metrics import NAMESPACE, aligned_window
from stackview.aws.session import AwsSession
from stackview.models.alarms import ALARM
from stackview.models.functions import AccountConcurrency
from stackview.models.health import AccountPulse

#: Regions with more functions take Lambda's account-wide counts instead of summing.
MAX_SUMMED = 1000
_ACCOUNT_QUERIES = (
    ("conc", "ConcurrentExecutions", "Maximum"),
    ("inv", "Invocations", "Sum"),
    ("err", "Errors", "Sum"),
    ("thr", "Throttles", "Sum"),
)


def account_pulse(session: AwsSession, *, now: datetime | None = None,
                  window: timedelta = DEFAULT_WINDOW) -> AccountPulse:
    """The pulse over `window`, ending with the minute holding `now`. Raises botocore's
    exceptions (AccessDenied on cloudwatch:GetMetricData, ...) for the caller to describe."""
    now = now or datetime.now(timezone.utc)
    start, end = aligned_window(now, window, 60)
    seconds = int((end - start).total_seconds())
    names = sorted(inventory(session).functions())
    summed = len(names) <= MAX_SUMMED
    queries = [{"Id": key, "MetricStat": {"Metric": {"Namespace": NAMESPACE, "MetricName": metric},
                                          "Period": seconds, "Stat": stat}}
               for key, metric, stat in _ACCOUNT_QUERIES if key == "conc" or not summed]
    values: dict[str, list[float]] = defaultdict(list)
    calls = 0
    paginator = session.client("cloudwatch").get_paginator("get_metric_data")
    for page in paginator.paginate(MetricDataQueries=queries, StartTime=start, EndTime=end):
        calls += 1
        for result in page.get("MetricDataResults", []):
            values[result["Id"]] += [float(v) for v in result.get("Values", []) if v is not None]
    concurrency = max(values["conc"]) if values["conc"] else None
    counts = {key: sum(values[key]) for key in ("inv", "err", "thr")}
    counted_from, functions = "account", 0
    if summed:
        report = function_health(session, names, now=now, window=window, detail=False)
        calls += report.calls
        counts = {"inv": sum(h.invocations for h in report.functions.values()),
                  "err": sum(h.errors for h in report.functions.values()),
                  "thr": sum(h.throttles for h in report.functions.values())}
        counted_from, functions = "functions", len(names)
    settings = account_concurrency(session)
    limit = settings.limit if isinstance(settings, AccountConcurrency) else None
    unreserved = settings.unreserved if isinstance(settings, AccountConcurrency) else None
    return AccountPulse(
        concurrency_max=concurrency, limit=limit, unreserved=unreserved,
        invocations=counts["inv"], errors=counts["err"], throttles=counts["thr"],
        alarms_firing=tuple(list_alarms(session, state=ALARM)),
        counted_from=counted_from, functions=functions, start=start, end=end, calls=calls,
    )
