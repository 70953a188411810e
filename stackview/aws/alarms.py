"""CloudWatch alarms, read side: DescribeAlarms turned into `stackview.models.alarms.Alarm`.

One paginated DescribeAlarms (botocore's paginator) lists metric and composite alarms together:
asking for both types costs nothing more. The filters are passed to the API and applied again
here, because some endpoints (moto) honour only one of them at a time; on AWS the second pass
changes nothing.

Stable API (the alarm screens, the Triggers tab and the health columns build on it):
`list_alarms(session, *, state=None, prefix=None) -> list[Alarm]`, ALARM first, then by name;
`parse_alarm(raw)` for one DescribeAlarms entry. Which alarm watches which function or queue is
answered by the pure helpers of `stackview.models.alarms` (`alarms_by_function`, ...).
Errors (AccessDenied on cloudwatch:DescribeAlarms, ...) rise for the caller to describe.
"""

from __future__ import annotations

from typing import Any

from stackview.aws.session import AwsSession
from stackview.models.alarms import COMPOSITE, METRIC, Alarm, state_rank


def _dimensions(raw: list[dict[str, Any]] | None) -> tuple[tuple[str, str], ...]:
    return tuple((str(d.get("Name", "")), str(d.get("Value", ""))) for d in raw or ())


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


def parse_alarm(raw: dict[str, Any], kind: str = METRIC) -> Alarm:
    """One entry of DescribeAlarms' `MetricAlarms` (or, with `kind=COMPOSITE`, `CompositeAlarms`)."""
    queries = tuple(
        _dimensions(((query.get("MetricStat") or {}).get("Metric") or {}).get("Dimensions"))
        for query in raw.get("Metrics") or ()
        if query.get("MetricStat")
    )
    datapoints = raw.get("DatapointsToAlarm")
    return Alarm(
        name=raw.get("AlarmName", ""),
        arn=raw.get("AlarmArn", "") or "",
        state=raw.get("StateValue", "") or "INSUFFICIENT_DATA",
        state_reason=raw.get("StateReason", "") or "",
        state_since=raw.get("StateTransitionedTimestamp") or raw.get("StateUpdatedTimestamp"),
        kind=kind,
        description=raw.get("AlarmDescription", "") or "",
        namespace=raw.get("Namespace", "") or "",
        metric_name=raw.get("MetricName", "") or "",
        dimensions=_dimensions(raw.get("Dimensions")),
        statistic=raw.get("Statistic", "") or "",
        extended_statistic=raw.get("ExtendedStatistic", "") or "",
        period=int(raw.get("Period") or 0),
        evaluation_periods=int(raw.get("EvaluationPeriods") or 0),
        datapoints_to_alarm=None if datapoints is None else int(datapoints),
        threshold=_number(raw.get("Threshold")),
        comparison=raw.get("ComparisonOperator", "") or "",
        treat_missing_data=raw.get("TreatMissingData", "") or "",
        unit=raw.get("Unit", "") or "",
        actions_enabled=bool(raw.get("ActionsEnabled", True)),
        alarm_actions=tuple(raw.get("AlarmActions") or ()),
        query_dimensions=tuple(q for q in queries if q),
        rule=raw.get("AlarmRule", "") or "",
    )


def list_alarms(session: AwsSession, *, state: str | None = None, prefix: str | None = None) -> list[Alarm]:
    """Every metric and composite alarm of the region (all pages), optionally only those in
    `state` (ALARM, OK, INSUFFICIENT_DATA) or whose name starts with `prefix`; ALARM first,
    then INSUFFICIENT_DATA, then OK, by name within a state."""
    kwargs: dict[str, Any] = {"AlarmTypes": ["MetricAlarm", "CompositeAlarm"]}
    if state:
        kwargs["StateValue"] = state
    if prefix:
        kwargs["AlarmNamePrefix"] = prefix
    paginator = session.client("cloudwatch").get_paginator("describe_alarms")
    alarms: dict[str, Alarm] = {}
    for page in paginator.paginate(**kwargs):
        for raw in page.get("MetricAlarms") or ():
            alarm = parse_alarm(raw, METRIC)
            alarms[alarm.name] = alarm
        for raw in page.get("CompositeAlarms") or ():
            alarm = parse_alarm(raw, COMPOSITE)
            alarms[alarm.name] = alarm
    found = [a for a in alarms.values()
             if (not state or a.state == state) and (not prefix or a.name.startswith(prefix))]
    return sorted(found, key=lambda a: (state_rank(a.state), a.name))
