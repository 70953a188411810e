"""An alarm read up close (its metric as the alarm reads it, on the chart's grid) and a stack's
alarms (its own, and those watching its functions), against the demo world."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from stackview.aws.alarm_history import read_alarm_detail
from stackview.aws.errors import AwsError
from stackview.aws.stack_alarms import stack_alarms
from stackview.models.functions import Unavailable
from tests.aws.functions_helpers import delete_stack, make_function, make_stack, session_on, unique

pytestmark = pytest.mark.demo


@pytest.fixture
def session(scratch_endpoint):
    return session_on(scratch_endpoint.endpoint, scratch_endpoint.region, scratch_endpoint.credentials)


def put_alarm(session, name: str, function: str, threshold: float = 5.0, **extra) -> None:
    session.client("cloudwatch").put_metric_alarm(
        AlarmName=name, Namespace="AWS/Lambda", MetricName="Errors", Statistic="Sum", Period=60,
        EvaluationPeriods=1, Threshold=threshold, ComparisonOperator="GreaterThanOrEqualToThreshold",
        Dimensions=[{"Name": "FunctionName", "Value": function}], **extra)


def test_the_metric_as_the_alarm_reads_it(session) -> None:
    function = make_function(session)
    now = datetime.now(timezone.utc).replace(second=30, microsecond=0)
    cw = session.client("cloudwatch")
    cw.put_metric_data(Namespace="AWS/Lambda", MetricData=[
        {"MetricName": "Errors", "Dimensions": [{"Name": "FunctionName", "Value": function}],
         "Timestamp": now - timedelta(minutes=minutes), "Value": value}
        for minutes, value in ((30, 2.0), (10, 7.0), (10, 1.0), (2, 9.0))])
    name = unique("errors")
    put_alarm(session, name, function)
    cw.set_alarm_state(AlarmName=name, StateValue="ALARM", StateReason="set by the test")
    detail = read_alarm_detail(session, name, now=now)
    assert (detail.alarm.threshold, detail.alarm.watches[0].name) == (5.0, function)
    series = detail.series
    assert len(series.values) == 180 and detail.end - detail.start == timedelta(hours=3)
    # A Sum per minute: the two points of one minute add up; quiet minutes are zero.
    assert series.values[-31] == 2.0 and series.values[-11] == 8.0 and series.values[-3] == 9.0
    assert series.total == 19.0
    # The state change the test made is in the history (the demo world keeps it, as CloudWatch does).
    assert not isinstance(detail.history, Unavailable)
    assert any(i.new_state == "ALARM" and i.reason == "set by the test" for i in detail.history)
    assert [i.when for i in detail.history] == sorted((i.when for i in detail.history), reverse=True)


def test_an_unknown_alarm_is_not_found(session) -> None:
    with pytest.raises(AwsError) as error:
        read_alarm_detail(session, "no-such-alarm")
    assert error.value.error.kind == "not-found"


def test_stack_alarms_are_those_watching_its_functions(session) -> None:
    stack, functions = make_stack(session, functions=2)
    stranger = make_function(session)
    mine, theirs = unique("mine"), unique("theirs")
    put_alarm(session, mine, functions[1])
    put_alarm(session, theirs, stranger)
    session.client("cloudwatch").set_alarm_state(AlarmName=mine, StateValue="ALARM", StateReason="test")
    try:
        names = [a.name for a in stack_alarms(session, stack)]
        assert mine in names and theirs not in names
    finally:
        delete_stack(session, stack)


def test_the_thumbnail_stack_owns_its_alarm(demo_session) -> None:
    alarms = stack_alarms(demo_session, "thumbnails-prod")
    assert any(a.name.startswith("thumbnails-prod-ConvertFileErrorsAlarm-") for a in alarms)
    assert not any("ConvertFileErrorsAlarm" in a.name for a in stack_alarms(demo_session, "reports-prod"))
