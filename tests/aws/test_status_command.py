"""`stackview status` end to end: its JSON agrees with CloudWatch's own GetMetricData sums and
DescribeAlarms states for the same window, computed here with plain boto3."""

from __future__ import annotations

import json
import uuid
from datetime import datetime

import pytest

from stackview import cli
from stackview.demo.seed import catalog
from tests.aws.functions_helpers import invoke_status, make_stack, session_on

pytestmark = pytest.mark.demo


def status(capsys, monkeypatch, endpoint, *argv: str) -> tuple[int, str, str]:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", endpoint.credentials[0])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", endpoint.credentials[1])
    monkeypatch.setenv("STACKVIEW_CONFIG", "/nonexistent/stackview.yaml")
    code = cli.main(["--endpoint-url", endpoint.endpoint, "--region", endpoint.region, "status", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def cloudwatch_figures(client, function: str, start: datetime, end: datetime) -> dict[str, float | None]:
    def values(metric: str, stat: str) -> list[float]:
        answer = client.get_metric_data(MetricDataQueries=[{"Id": "m", "MetricStat": {
            "Metric": {"Namespace": "AWS/Lambda", "MetricName": metric,
                       "Dimensions": [{"Name": "FunctionName", "Value": function}]},
            "Period": 60, "Stat": stat}}], StartTime=start, EndTime=end)
        return answer["MetricDataResults"][0]["Values"]

    durations = values("Duration", "Maximum")
    return {"invocations": sum(values("Invocations", "Sum")), "errors": sum(values("Errors", "Sum")),
            "throttles": sum(values("Throttles", "Sum")), "durationMaxMs": max(durations) if durations else None}


def alarm_states(client, function: str) -> list[dict[str, str]]:
    alarms = client.describe_alarms()["MetricAlarms"]
    return sorted(({"name": a["AlarmName"], "state": a["StateValue"]} for a in alarms
                   if {"Name": "FunctionName", "Value": function} in a.get("Dimensions", [])),
                  key=lambda a: a["name"])


def test_json_agrees_with_cloudwatch_for_every_function(capsys, monkeypatch, demo_endpoint) -> None:
    code, out, _ = status(capsys, monkeypatch, demo_endpoint, "--output", "json")
    assert code == 0
    rows = [json.loads(line) for line in out.splitlines()]
    assert {(r["stack"], r["function"]) for r in rows} >= {(catalog.ORDERS_STACK, catalog.ORDERS_API),
                                                           (catalog.ORDERS_STACK, catalog.ORDERS_WORKER)}
    client = demo_endpoint.client("cloudwatch")
    for row in rows:
        start, end = datetime.fromisoformat(row["windowStart"]), datetime.fromisoformat(row["windowEnd"])
        assert (end - start).total_seconds() == 15 * 60
        expected = cloudwatch_figures(client, row["function"], start, end)
        assert {key: row[key] for key in expected} == expected, row["function"]
        assert sorted(row["alarms"], key=lambda a: a["name"]) == alarm_states(client, row["function"])
        assert set(row) >= {"stack", "function", "invocations", "errors", "throttles", "durationMaxMs",
                            "durationP99Ms", "alarms"}
    assert sum(row["invocations"] for row in rows) > 0  # the seeded history is in the window
    thumbnails = next(r for r in rows if r["function"] == catalog.CONVERT_FILE)
    assert thumbnails["alarms"] and thumbnails["alarms"][0]["name"].startswith(f"{catalog.THUMBNAILS_STACK}-")


def test_a_stack_with_an_alarm_in_alarm(capsys, monkeypatch, scratch_endpoint) -> None:
    session = session_on(scratch_endpoint.endpoint, scratch_endpoint.region, scratch_endpoint.credentials)
    stack, names = make_stack(session, functions=2)
    lam = session.client("lambda", max_attempts=1)
    assert [invoke_status(lam, names[0]) for _ in range(3)] == [200] * 3
    cloudwatch = scratch_endpoint.client("cloudwatch")
    alarm = f"errors-{uuid.uuid4().hex[:6]}"
    cloudwatch.put_metric_alarm(
        AlarmName=alarm, Namespace="AWS/Lambda", MetricName="Errors", Statistic="Sum", Period=60,
        Dimensions=[{"Name": "FunctionName", "Value": names[0]}], EvaluationPeriods=1, Threshold=1,
        ComparisonOperator="GreaterThanOrEqualToThreshold")
    cloudwatch.set_alarm_state(AlarmName=alarm, StateValue="ALARM", StateReason="test")

    code, out, err = status(capsys, monkeypatch, scratch_endpoint, stack, "--since", "10m", "--output", "json")
    assert code == 0, err
    rows = {r["function"]: r for r in map(json.loads, out.splitlines())}
    assert set(rows) == set(names) and {r["stack"] for r in rows.values()} == {stack}
    first = rows[names[0]]
    start, end = datetime.fromisoformat(first["windowStart"]), datetime.fromisoformat(first["windowEnd"])
    assert (end - start).total_seconds() == 10 * 60
    assert first["invocations"] == 3 == cloudwatch_figures(cloudwatch, names[0], start, end)["invocations"]
    assert first["alarms"] == [{"name": alarm, "state": "ALARM"}] == alarm_states(cloudwatch, names[0])
    assert rows[names[1]]["invocations"] == 0 and rows[names[1]]["durationMaxMs"] is None

    code, out, err = status(capsys, monkeypatch, scratch_endpoint, stack)
    assert code == 0
    header, *lines = out.splitlines()
    assert header.split()[:3] == ["STACK", "FUNCTION", "INVOCATIONS"]
    line = next(line for line in lines if names[0] in line)
    assert line.split()[2] == "3" and line.endswith(alarm)
    assert "(15 min)" in err  # the default window


def test_unknown_stack_and_bad_window_exit_non_zero(capsys, monkeypatch, scratch_endpoint) -> None:
    code, out, err = status(capsys, monkeypatch, scratch_endpoint, "no-such-stack")
    assert code == 1 and out == ""
    assert err.strip().splitlines()[-1] == f"stackview: no stack named no-such-stack in {scratch_endpoint.region}"
    code, out, err = status(capsys, monkeypatch, scratch_endpoint, "--since", "soon")
    assert code == 2 and out == "" and "expected a duration such as 5m" in err
