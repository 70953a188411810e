"""The alarm screen's pure parts: the condition in words, which side of the threshold a value is,
where its logs start, history entries, and the chart drawn around the threshold."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from stackview.aws.alarm_history import chart_window, parse_history_item
from stackview.models.alarm_detail import (
    AlarmDetail,
    breaching,
    condition_text,
    metric_text,
    threshold_text,
    watched_text,
)
from stackview.models.alarms import Alarm, Watched
from stackview.widgets.threshold_chart import THRESHOLD_CHAR, draw, resample

T0 = datetime(2026, 11, 23, 10, 0, tzinfo=timezone.utc)
ERRORS = Alarm("worker-errors", state="ALARM", state_since=T0, namespace="AWS/Lambda", metric_name="Errors",
               dimensions=(("FunctionName", "worker"),), statistic="Sum", period=300, evaluation_periods=3,
               datapoints_to_alarm=2, threshold=5.0, comparison="GreaterThanOrEqualToThreshold")


def test_condition_in_words() -> None:
    assert threshold_text(ERRORS) == "Sum >= 5 (5 min)"
    assert condition_text(ERRORS) == "Errors Sum >= 5 for 2 of 3 periods of 5 min"
    assert metric_text(ERRORS) == "AWS/Lambda Errors"
    low = Alarm("idle", metric_name="Invocations", namespace="AWS/Lambda", extended_statistic="p99", period=60,
                evaluation_periods=1, threshold=0.5, comparison="LessThanThreshold")
    assert threshold_text(low) == "p99 < 0.5 (1 min)"
    assert metric_text(Alarm("math")) == "metric math"
    assert threshold_text(Alarm("c", kind="composite", rule='ALARM("a")')) == 'ALARM("a")'


@pytest.mark.parametrize("operator,value,expected", [
    ("GreaterThanOrEqualToThreshold", 5, True), ("GreaterThanOrEqualToThreshold", 4.9, False),
    ("GreaterThanThreshold", 5, False), ("LessThanThreshold", 4, True), ("LessThanOrEqualToThreshold", 5, True),
    ("GreaterThanThreshold", None, False),
])
def test_breaching(operator, value, expected) -> None:
    alarm = Alarm("a", threshold=5.0, comparison=operator)
    assert breaching(alarm, value) is expected


def test_watched_and_logs_window() -> None:
    assert watched_text(()) == "-"
    assert watched_text((Watched("function", "worker", "live"), Watched("queue", "q"))) == "function worker:live (+1)"
    detail = AlarmDetail(ERRORS, None, ())
    assert detail.logs_since() == T0 - timedelta(seconds=300 * 3 + 300)
    assert AlarmDetail(Alarm("new"), None, ()).logs_since() is None
    assert chart_window(60) == timedelta(hours=3) and chart_window(3600) == timedelta(hours=12)


def test_history_item() -> None:
    item = parse_history_item({
        "Timestamp": datetime(2026, 11, 23, 10, 5), "HistoryItemType": "StateUpdate",
        "HistorySummary": "Alarm updated from OK to ALARM",
        "HistoryData": json.dumps({"oldState": {"stateValue": "OK"}, "newState": {
            "stateValue": "ALARM", "stateReason": "Threshold Crossed: 2 datapoints [9.0, 7.0] were >= 5.0"}})})
    assert (item.old_state, item.new_state, item.when.tzinfo) == ("OK", "ALARM", timezone.utc)
    assert item.reason.startswith("Threshold Crossed")
    assert parse_history_item({"Timestamp": T0, "HistoryData": "not json", "HistorySummary": "s"}).new_state == ""


def test_resample_keeps_peaks() -> None:
    assert resample([1, 9, 2, 3], 2) == [9, 3]
    assert resample([1, None, None, 4], 2) == [1, 4]
    assert resample([None, None], 2) == [None, None]
    assert resample([5, 7], 4) == [5, 5, 7, 7]


def test_chart_draws_the_threshold_and_colours_the_breach() -> None:
    values = [0.0, 2.0, 10.0, 12.0]
    text = draw(values, 5.0, lambda v: v >= 5, 24, 6, T0, T0 + timedelta(hours=3), alarm="red", bar="blue")
    lines = text.plain.split("\n")
    assert len(lines) == 6 and all(len(line) == 24 for line in lines)
    threshold_line = next(line for line in lines if line.strip().startswith("5 "))
    assert THRESHOLD_CHAR in threshold_line
    assert lines[-1].strip().startswith("10:00Z") and lines[-1].endswith("13:00Z")
    styles = {str(span.style) for span in text.spans if text.plain[span.start:span.end].strip("█▁▂▃▄▅▆▇ ") == ""
              and text.plain[span.start:span.end].strip()}
    assert "red" in styles and "blue" in styles
