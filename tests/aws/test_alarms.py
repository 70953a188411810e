"""DescribeAlarms read into Alarm models, on the scratch world (alarms of our own)."""

from __future__ import annotations

import uuid

from stackview.aws.alarms import list_alarms
from stackview.models.alarms import ALARM, INSUFFICIENT_DATA, OK, Watched, alarms_by_function
from tests.aws.functions_helpers import session_on


def test_list_alarms_reads_every_field_and_filters(scratch_endpoint) -> None:
    session = session_on(scratch_endpoint.endpoint, scratch_endpoint.region, scratch_endpoint.credentials)
    cloudwatch = session.client("cloudwatch")
    prefix = f"t-{uuid.uuid4().hex[:6]}-"
    cloudwatch.put_metric_alarm(
        AlarmName=prefix + "errors", AlarmDescription="worker errors", Namespace="AWS/Lambda",
        MetricName="Errors", Dimensions=[{"Name": "FunctionName", "Value": "orders-worker"}],
        Statistic="Sum", Period=60, EvaluationPeriods=3, DatapointsToAlarm=2, Threshold=1.0,
        ComparisonOperator="GreaterThanOrEqualToThreshold", TreatMissingData="notBreaching",
        ActionsEnabled=False)
    cloudwatch.put_metric_alarm(
        AlarmName=prefix + "p99", Namespace="AWS/Lambda", MetricName="Duration",
        Dimensions=[{"Name": "FunctionName", "Value": "orders-worker"}, {"Name": "Resource", "Value": "orders-worker:live"}],
        ExtendedStatistic="p99", Period=300, EvaluationPeriods=1, Threshold=900.0,
        ComparisonOperator="GreaterThanThreshold")
    cloudwatch.put_metric_alarm(
        AlarmName=prefix + "dlq", Namespace="AWS/SQS", MetricName="ApproximateNumberOfMessagesVisible",
        Dimensions=[{"Name": "QueueName", "Value": "orders-dlq"}], Statistic="Maximum", Period=60,
        EvaluationPeriods=1, Threshold=0.0, ComparisonOperator="GreaterThanThreshold")
    cloudwatch.set_alarm_state(AlarmName=prefix + "errors", StateValue="ALARM", StateReason="3 errors in 3 minutes")
    cloudwatch.set_alarm_state(AlarmName=prefix + "dlq", StateValue="OK", StateReason="empty")
    cloudwatch.set_alarm_state(AlarmName=prefix + "p99", StateValue="INSUFFICIENT_DATA", StateReason="no data")

    alarms = list_alarms(session, prefix=prefix)
    assert [a.name for a in alarms] == [prefix + "errors", prefix + "p99", prefix + "dlq"]  # ALARM first
    assert [a.state for a in alarms] == [ALARM, INSUFFICIENT_DATA, OK]
    errors = alarms[0]
    assert errors.state == ALARM and errors.firing and errors.state_reason == "3 errors in 3 minutes"
    assert errors.state_since is not None
    assert (errors.namespace, errors.metric_name, errors.statistic) == ("AWS/Lambda", "Errors", "Sum")
    assert (errors.period, errors.evaluation_periods, errors.datapoints_to_alarm) == (60, 3, 2)
    assert errors.threshold == 1.0 and errors.comparison == "GreaterThanOrEqualToThreshold"
    assert errors.actions_enabled is False and errors.description == "worker errors"
    assert errors.treat_missing_data == "notBreaching"
    assert errors.arn.endswith(":alarm:" + prefix + "errors")
    p99 = next(a for a in alarms if a.name.endswith("p99"))
    assert p99.stat == "p99" and p99.watches == (Watched("function", "orders-worker", "live"),)
    by_function = alarms_by_function(alarms)
    assert [a.name for a in by_function["orders-worker"]] == [prefix + "errors", prefix + "p99"]

    firing = list_alarms(session, state=ALARM, prefix=prefix)
    assert [a.name for a in firing] == [prefix + "errors"]
    assert [a.name for a in list_alarms(session, state=OK, prefix=prefix)] == [prefix + "dlq"]
    assert all(a.state == ALARM for a in list_alarms(session, state=ALARM))
