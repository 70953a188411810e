"""CloudWatch alarms in the demo world: evaluated live from the world's own metrics, with the
states, reasons and history CloudWatch gives (moto neither evaluates alarms nor keeps history).

The scratch world: each test puts data points for a metric of its own, a minute or more in the
past (the evaluator reads complete periods), creates an alarm on it and waits for the live
evaluator (every few seconds) to move it.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from .helpers import unique, wait_for

pytestmark = pytest.mark.demo


@pytest.fixture(scope="module")
def cw(scratch_endpoint):
    return scratch_endpoint.client("cloudwatch")


def _minute(minutes_ago: int) -> datetime:
    return datetime.now(timezone.utc).replace(second=0, microsecond=0) - timedelta(minutes=minutes_ago)


def _put(cw, metric: str, values_by_minutes_ago: dict[int, list[float]], namespace: str = "Demo/Test") -> list[dict]:
    dimensions = [{"Name": "FunctionName", "Value": metric}]
    for ago, values in values_by_minutes_ago.items():
        cw.put_metric_data(Namespace=namespace, MetricData=[
            {"MetricName": "Errors", "Dimensions": dimensions, "Timestamp": _minute(ago) + timedelta(seconds=5),
             "Values": values}])
    return dimensions


def _alarm(cw, name: str, dimensions: list[dict], **options) -> None:
    settings = {"Statistic": "Sum", "Period": 60, "EvaluationPeriods": 3, "Threshold": 2.0,
                "ComparisonOperator": "GreaterThanOrEqualToThreshold"}
    settings.update(options)
    cw.put_metric_alarm(AlarmName=name, Namespace="Demo/Test", MetricName="Errors", Dimensions=dimensions,
                        **settings)


def _state(cw, name: str) -> dict:
    return cw.describe_alarms(AlarmNames=[name])["MetricAlarms"][0]


def _settled(cw, name: str, wanted: str, timeout: float = 30) -> dict:
    assert wait_for(lambda: _state(cw, name)["StateValue"] == wanted, timeout), _state(cw, name)
    return _state(cw, name)


def test_a_new_alarm_is_insufficient_data_then_alarm_when_enough_datapoints_breach(cw):
    name = unique("errors")
    # Whichever minute the evaluation falls in, its last three periods hold two breaching sums.
    dimensions = _put(cw, name, {3: [1.0, 2.0], 2: [0.0], 1: [5.0], 0: [5.0]})
    _alarm(cw, name, dimensions, DatapointsToAlarm=2)
    created = _state(cw, name)
    assert created["StateValue"] == "INSUFFICIENT_DATA"
    assert created["StateReason"] == "Unchecked: Initial alarm creation"
    alarm = _settled(cw, name, "ALARM")
    assert alarm["StateReason"].startswith("Threshold Crossed: 2 out of the last 3 datapoints [5.0 (")
    assert "(minimum 2 datapoints for OK -> ALARM transition)" in alarm["StateReason"]
    data = json.loads(alarm["StateReasonData"])
    assert data["statistic"] == "Sum" and data["period"] == 60 and data["threshold"] == 2.0
    assert [p["value"] for p in data["evaluatedDatapoints"]] in ([5.0, 0.0, 3.0], [5.0, 5.0, 0.0])
    assert data["evaluatedDatapoints"][0]["sampleCount"] == 1.0
    assert alarm["StateTransitionedTimestamp"] == alarm["StateUpdatedTimestamp"]


def test_one_breaching_datapoint_is_not_enough_for_three_of_three(cw):
    name = unique("errors")
    dimensions = _put(cw, name, {3: [0.0], 2: [4.0], 1: [1.0], 0: [1.0]})
    _alarm(cw, name, dimensions)
    alarm = _settled(cw, name, "OK")
    assert alarm["StateReason"].startswith("Threshold Crossed: 2 out of the last 3 datapoints")
    assert "were not greater than or equal to the threshold (2.0)" in alarm["StateReason"]


@pytest.mark.parametrize("treat, wanted", [("missing", "INSUFFICIENT_DATA"), ("notBreaching", "OK"),
                                           ("breaching", "ALARM")])
def test_missing_data_is_treated_as_asked(cw, treat, wanted):
    name = unique("silent")
    _alarm(cw, name, [{"Name": "FunctionName", "Value": name}], TreatMissingData=treat)
    if wanted == "INSUFFICIENT_DATA":
        # It starts there: wait for an evaluation (its reason changes), then check it stayed.
        assert wait_for(lambda: _state(cw, name)["StateReason"].startswith("Insufficient Data"), 30)
        assert _state(cw, name)["StateValue"] == "INSUFFICIENT_DATA"
    else:
        alarm = _settled(cw, name, wanted)
        assert "no datapoints were received for 3 periods" in alarm["StateReason"]


def test_percentile_alarms_read_raw_values(cw):
    name = unique("latency")
    raw = [float(v) for v in range(1, 101)]
    dimensions = _put(cw, name, {2: raw, 1: raw, 0: raw})
    cw.put_metric_alarm(AlarmName=name, Namespace="Demo/Test", MetricName="Errors", Dimensions=dimensions,
                        ExtendedStatistic="p99", Period=60, EvaluationPeriods=2, DatapointsToAlarm=1,
                        Threshold=95.0, ComparisonOperator="GreaterThanThreshold", TreatMissingData="notBreaching")
    alarm = _settled(cw, name, "ALARM")
    data = json.loads(alarm["StateReasonData"])
    assert data["extendedStatistic"] == "p99" and set(data["recentDatapoints"]) == {99.0}


def test_transitions_and_configuration_changes_are_in_the_history(cw):
    name = unique("history")
    dimensions = _put(cw, name, {2: [3.0], 1: [3.0], 0: [3.0]})
    _alarm(cw, name, dimensions, EvaluationPeriods=2)
    _settled(cw, name, "ALARM")
    _alarm(cw, name, dimensions, EvaluationPeriods=2, AlarmDescription="updated")  # keeps its state
    assert _state(cw, name)["StateValue"] == "ALARM"
    cw.set_alarm_state(AlarmName=name, StateValue="OK", StateReason="checked by hand")
    assert _state(cw, name)["StateReason"] == "checked by hand"
    _settled(cw, name, "ALARM")  # the next evaluation puts it back, as CloudWatch does

    items = cw.describe_alarm_history(AlarmName=name)["AlarmHistoryItems"]
    summaries = [i["HistorySummary"] for i in items]  # newest first
    assert summaries == ["Alarm updated from OK to ALARM", "Alarm updated from ALARM to OK",
                         f'Alarm "{name}" updated', "Alarm updated from INSUFFICIENT_DATA to ALARM",
                         f'Alarm "{name}" created']
    first = json.loads(items[3]["HistoryData"])
    assert first["oldState"] == {"stateValue": "INSUFFICIENT_DATA", "stateReason": "Unchecked: Initial alarm creation"}
    assert first["newState"]["stateValue"] == "ALARM" and first["newState"]["stateReasonData"]["period"] == 60
    assert all(i["AlarmType"] == "MetricAlarm" for i in items)
    updates = cw.describe_alarm_history(AlarmName=name, HistoryItemType="StateUpdate")["AlarmHistoryItems"]
    assert len(updates) == 3
    oldest_first = cw.describe_alarm_history(AlarmName=name, ScanBy="TimestampAscending")["AlarmHistoryItems"]
    assert [i["HistorySummary"] for i in oldest_first] == list(reversed(summaries))
    later = cw.describe_alarm_history(AlarmName=name, StartDate=items[1]["Timestamp"])["AlarmHistoryItems"]
    assert len(later) == 2
    cw.delete_alarms(AlarmNames=[name])
    deleted = cw.describe_alarm_history(AlarmName=name, MaxRecords=1)["AlarmHistoryItems"]
    assert deleted[0]["HistorySummary"] == f'Alarm "{name}" deleted'


def test_history_and_alarms_page(cw):
    prefix = unique("paged")
    for index in range(3):
        _alarm(cw, f"{prefix}-{index}", [{"Name": "FunctionName", "Value": prefix}])
    pages = list(cw.get_paginator("describe_alarms").paginate(AlarmNamePrefix=prefix,
                                                               PaginationConfig={"PageSize": 2}))
    assert [len(p["MetricAlarms"]) for p in pages] == [2, 1]
    items = [i for page in cw.get_paginator("describe_alarm_history").paginate(
        HistoryItemType="ConfigurationUpdate", PaginationConfig={"PageSize": 1}) for i in page["AlarmHistoryItems"]]
    assert {f'Alarm "{prefix}-{i}" created' for i in range(3)} <= {i["HistorySummary"] for i in items}


def test_describe_alarms_combines_its_filters(cw):
    prefix = unique("combined")
    firing = _put(cw, f"{prefix}-firing", {2: [9.0], 1: [9.0], 0: [9.0]})
    _alarm(cw, f"{prefix}-firing", firing, EvaluationPeriods=2)
    _alarm(cw, f"{prefix}-quiet", [{"Name": "FunctionName", "Value": prefix}], TreatMissingData="notBreaching")
    _settled(cw, f"{prefix}-firing", "ALARM")
    _settled(cw, f"{prefix}-quiet", "OK")
    chosen = cw.describe_alarms(AlarmNamePrefix=prefix, StateValue="ALARM")["MetricAlarms"]
    assert [a["AlarmName"] for a in chosen] == [f"{prefix}-firing"]
