"""Which alarms watch which function or queue: read from dimensions, metric math and rules."""

from __future__ import annotations

from stackview.models.alarms import (
    ALARM,
    COMPOSITE,
    INSUFFICIENT_DATA,
    OK,
    Alarm,
    Watched,
    alarms_by_function,
    alarms_by_queue,
    state_rank,
    watching,
)


def alarm(name: str, state: str = OK, **fields) -> Alarm:
    return Alarm(name=name, state=state, **fields)


def test_function_dimension_and_alias_resource() -> None:
    plain = alarm("errors", dimensions=(("FunctionName", "orders-worker"),))
    alias = alarm("canary", dimensions=(("FunctionName", "orders-worker"), ("Resource", "orders-worker:live")))
    assert plain.watches == (Watched("function", "orders-worker"),)
    assert alias.watches == (Watched("function", "orders-worker", "live"),)
    # Resource alone (an alias alarm without FunctionName) still names the function.
    assert alarm("r", dimensions=(("Resource", "fn-a:3"),)).watches == (Watched("function", "fn-a", "3"),)


def test_queue_and_other_kinds() -> None:
    queue = alarm("depth", namespace="AWS/SQS", dimensions=(("QueueName", "orders-dlq"),))
    table = alarm("t", dimensions=(("TableName", "orders"),))
    assert queue.watches == (Watched("queue", "orders-dlq"),)
    assert table.watches == (Watched("table", "orders"),)
    assert alarm("custom", dimensions=(("Service", "x"),)).watches == ()


def test_metric_math_dimensions_and_composite_rule() -> None:
    math = alarm("rate", query_dimensions=((("FunctionName", "a"),), (("FunctionName", "b"),), (("FunctionName", "a"),)))
    assert [w.name for w in math.watches] == ["a", "b"]
    composite = alarm("all", kind=COMPOSITE, rule='ALARM("errors") OR ALARM(depth) AND NOT OK(\'x y\')')
    assert [w.name for w in composite.watches] == ["errors", "depth", "x y"]
    assert {w.kind for w in composite.watches} == {"alarm"}


def test_indexes_put_alarm_first() -> None:
    alarms = [
        alarm("b-ok", OK, dimensions=(("FunctionName", "f"),)),
        alarm("a-insufficient", INSUFFICIENT_DATA, dimensions=(("FunctionName", "f"),)),
        alarm("c-alarm", ALARM, dimensions=(("FunctionName", "f"), ("Resource", "f:live"))),
        alarm("q", ALARM, dimensions=(("QueueName", "dlq"),)),
    ]
    by_function = alarms_by_function(alarms)
    assert [a.name for a in by_function["f"]] == ["c-alarm", "a-insufficient", "b-ok"]
    assert set(by_function) == {"f"}
    assert [a.name for a in alarms_by_queue(alarms)["dlq"]] == ["q"]
    assert watching(alarms, "function", "nobody") == ()
    assert watching(alarms, "queue", "dlq")[0].firing
    assert state_rank(ALARM) < state_rank(INSUFFICIENT_DATA) < state_rank(OK) < state_rank("?")


def test_stat_prefers_the_extended_statistic() -> None:
    assert alarm("p", extended_statistic="p99").stat == "p99"
    assert alarm("s", statistic="Sum").stat == "Sum"


def test_parse_composite_and_metric_math_entries() -> None:
    """DescribeAlarms entries as AWS returns them (moto's server cannot store composite alarms)."""
    from stackview.aws.alarms import parse_alarm

    composite = parse_alarm({"AlarmName": "orders-down", "AlarmArn": "arn:aws:cloudwatch:r:1:alarm:orders-down",
                             "StateValue": "ALARM", "StateReason": "rule true",
                             "AlarmRule": 'ALARM("orders-errors") OR ALARM("dlq-depth")'}, COMPOSITE)
    assert composite.kind == COMPOSITE and composite.firing
    assert [w.name for w in composite.watches] == ["orders-errors", "dlq-depth"]
    math = parse_alarm({"AlarmName": "error-rate", "StateValue": "OK", "Metrics": [
        {"Id": "e", "MetricStat": {"Metric": {"Namespace": "AWS/Lambda", "MetricName": "Errors",
                                              "Dimensions": [{"Name": "FunctionName", "Value": "api"}]},
                                   "Period": 60, "Stat": "Sum"}, "ReturnData": False},
        {"Id": "rate", "Expression": "100 * e / i", "ReturnData": True}]})
    assert math.metric_name == "" and math.watches == (Watched("function", "api"),)
    assert math.datapoints_to_alarm is None and math.threshold is None
