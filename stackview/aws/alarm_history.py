"""One CloudWatch alarm up close (the alarm screen): the alarm, its metric around the threshold,
its state history.

The metric is read the way the alarm reads it (its namespace, metric, dimensions, statistic and
period; a metric-math alarm's own queries), over a window of a few hours that ends now, in one
GetMetricData call, so the chart shows exactly what the alarm evaluates. The history is
DescribeAlarmHistory's state changes, newest first (CloudWatch keeps 30 days). Each part that
fails becomes `Unavailable(reason)` (an endpoint without DescribeAlarmHistory, a denied
GetMetricData); only an alarm that cannot be described fails the read.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from datetime import datetime, timedelta, timezone
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from stackview.aws.alarms import parse_alarm
from stackview.aws.errors import AwsError, UserError, describe
from stackview.aws.metrics import aligned_window
from stackview.aws.session import AwsSession
from stackview.aws.sources import lacks
from stackview.models.alarm_detail import AlarmDetail, AlarmHistoryItem
from stackview.models.alarms import COMPOSITE, METRIC, Alarm
from stackview.models.functions import Unavailable
from stackview.models.metrics import MetricSeries, MetricSpec, grid, on_grid

#: The chart's window: at least this long, and at least this many of the alarm's periods.
MIN_WINDOW = timedelta(hours=3)
MIN_PERIODS = 12
#: At most this many points: a chart is at most a terminal's width.
MAX_POINTS = 240
HISTORY_LIMIT = 50
#: The keys of an alarm's metric query that GetMetricData accepts.
QUERY_KEYS = ("Id", "MetricStat", "Expression", "Label", "ReturnData", "Period", "AccountId")


def _describe_raw(session: AwsSession, name: str) -> tuple[dict[str, Any], str]:
    response = session.client("cloudwatch").describe_alarms(
        AlarmNames=[name], AlarmTypes=["MetricAlarm", "CompositeAlarm"])
    for raw in response.get("MetricAlarms") or ():
        if raw.get("AlarmName") == name:
            return raw, METRIC
    for raw in response.get("CompositeAlarms") or ():
        if raw.get("AlarmName") == name:
            return raw, COMPOSITE
    raise AwsError(UserError(f"no alarm named {name} in {session.region}", kind="not-found"))


def describe_alarm(session: AwsSession, name: str) -> Alarm:
    raw, kind = _describe_raw(session, name)
    return parse_alarm(raw, kind)


def chart_window(period: int) -> timedelta:
    return max(MIN_WINDOW, timedelta(seconds=period * MIN_PERIODS))


def _queries(alarm: Alarm, raw: dict[str, Any], period: int) -> list[dict[str, Any]]:
    if alarm.metric_name:
        return [{"Id": "m", "ReturnData": True, "MetricStat": {
            "Metric": {"Namespace": alarm.namespace, "MetricName": alarm.metric_name,
                       "Dimensions": [{"Name": k, "Value": v} for k, v in alarm.dimensions]},
            "Period": period, "Stat": alarm.stat or "Average"}}]
    return [{key: query[key] for key in QUERY_KEYS if key in query} for query in raw.get("Metrics") or ()]


def alarm_series(session: AwsSession, alarm: Alarm, raw: dict[str, Any], now: datetime,
                 ) -> tuple[MetricSeries, datetime, datetime]:
    """The alarm's metric over `chart_window`, on the alarm's period (coarser when the window
    would hold more than MAX_POINTS), with its start and end."""
    period = alarm.period or 60
    window = chart_window(period)
    period = max(period, math.ceil(window.total_seconds() / MAX_POINTS / 60) * 60)
    start, end = aligned_window(now, window, period)
    queries = _queries(alarm, raw, period)
    returned = next((q["Id"] for q in queries if q.get("ReturnData", True)), "m")
    points: dict[str, list[tuple[datetime, float]]] = defaultdict(list)
    paginator = session.client("cloudwatch").get_paginator("get_metric_data")
    for page in paginator.paginate(MetricDataQueries=queries, StartTime=start, EndTime=end,
                                   ScanBy="TimestampAscending"):
        for result in page.get("MetricDataResults", []):
            points[result["Id"]] += [
                (when if when.tzinfo else when.replace(tzinfo=timezone.utc), float(value))
                for when, value in zip(result.get("Timestamps", []), result.get("Values", []))]
    spec = MetricSpec("m", alarm.metric_name or "expression", alarm.stat or "Average", alarm.unit)
    return on_grid(spec, grid(start, end, period), points.get(returned, []), period), start, end


def _state(data: dict[str, Any], key: str) -> tuple[str, str]:
    part = data.get(key) or {}
    return str(part.get("stateValue", "")), str(part.get("stateReason", ""))


def parse_history_item(raw: dict[str, Any]) -> AlarmHistoryItem:
    try:
        data = json.loads(raw.get("HistoryData") or "{}")
    except ValueError:
        data = {}
    old, _ = _state(data, "oldState")
    new, reason = _state(data, "newState")
    when = raw.get("Timestamp")
    if isinstance(when, datetime) and when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return AlarmHistoryItem(when=when, summary=str(raw.get("HistorySummary", "")),
                            kind=str(raw.get("HistoryItemType", "")), old_state=old, new_state=new,
                            reason=reason)


def alarm_history(session: AwsSession, name: str, limit: int = HISTORY_LIMIT) -> list[AlarmHistoryItem]:
    """The alarm's state changes, newest first (at most `limit`)."""
    paginator = session.client("cloudwatch").get_paginator("describe_alarm_history")
    items: list[AlarmHistoryItem] = []
    for page in paginator.paginate(AlarmName=name, HistoryItemType="StateUpdate", ScanBy="TimestampDescending",
                                   PaginationConfig={"MaxItems": limit}):
        items += [parse_history_item(raw) for raw in page.get("AlarmHistoryItems", [])]
    return sorted(items, key=lambda i: i.when, reverse=True)[:limit]


def _unavailable(exc: BaseException, session: AwsSession, what: str) -> Unavailable:
    if lacks(exc):
        return Unavailable(f"{what} is not available on this endpoint")
    return Unavailable(describe(exc, profile=session.profile).one_line())


def read_alarm_detail(session: AwsSession, name: str, *, now: datetime | None = None) -> AlarmDetail:
    """The alarm, its metric around the threshold and its history (see the module docstring)."""
    raw, kind = _describe_raw(session, name)
    alarm = parse_alarm(raw, kind)
    series: MetricSeries | Unavailable | None = None
    start = end = None
    if kind != COMPOSITE:
        try:
            series, start, end = alarm_series(session, alarm, raw, now or datetime.now(timezone.utc))
        except (ClientError, BotoCoreError) as exc:
            series = _unavailable(exc, session, "GetMetricData")
    try:
        history: tuple[AlarmHistoryItem, ...] | Unavailable = tuple(alarm_history(session, name))
    except (ClientError, BotoCoreError) as exc:
        history = _unavailable(exc, session, "DescribeAlarmHistory")
    return AlarmDetail(alarm, series, history, start, end)
