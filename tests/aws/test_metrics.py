"""The Metrics tab's AWS layer: GetMetricData for one function, series on a full minute grid.

Read tests use the seeded world (three hours of per-minute metrics for every function); the
throttle test creates its own function in the scratch world, throttles it, and counts.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from botocore.awsrequest import AWSResponse
from botocore.exceptions import ClientError

from stackview.aws.metrics import aligned_window, function_metrics, period_for
from stackview.demo.seed import catalog
from tests.aws.functions_helpers import invoke_status, make_function, session_on



def test_period_keeps_at_most_180_points() -> None:
    assert period_for(timedelta(hours=3)) == 60
    assert period_for(timedelta(minutes=30)) == 60
    assert period_for(timedelta(hours=24)) == 480


def test_window_ends_with_the_period_holding_now() -> None:
    start, end = aligned_window(datetime(2026, 11, 23, 11, 59, 30, tzinfo=timezone.utc), timedelta(hours=3), 60)
    assert end == datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)
    assert start == datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)


def test_seeded_function_has_three_hours_of_continuous_series(demo_session) -> None:
    metrics = function_metrics(demo_session, catalog.ORDERS_API)
    assert metrics.period == 60 and metrics.end - metrics.start == timedelta(hours=3)
    invocations = metrics.get("Invocations", "Sum")
    assert invocations is not None and len(invocations.values) == 180
    assert all(value is not None for value in invocations.values)  # counts are zero-filled
    assert invocations.total > 0
    steps = {(b - a).total_seconds() for a, b in zip(invocations.timestamps, invocations.timestamps[1:])}
    assert steps == {60.0} and invocations.timestamps[0].second == 0
    average, maximum = metrics.get("Duration", "Average"), metrics.get("Duration", "Maximum")
    assert average is not None and maximum is not None and average.peak is not None
    for avg, top in zip(average.values, maximum.values):
        assert (avg is None) == (top is None)
        if avg is not None:
            assert 0 < avg <= top
    concurrent = metrics.get("ConcurrentExecutions", "Maximum")
    assert concurrent is not None and concurrent.peak is not None and concurrent.peak >= 1


def test_totals_agree_with_get_metric_statistics(demo_session, demo_endpoint) -> None:
    """The reports job has no alias: moto's GetMetricStatistics matches dimensions by subset, so
    for a function invoked through an alias it would add the per-alias series (twice the count);
    GetMetricData matches them exactly, as CloudWatch does."""
    metrics = function_metrics(demo_session, catalog.SALES_REPORT)
    stats = demo_endpoint.client("cloudwatch").get_metric_statistics(
        Namespace="AWS/Lambda", MetricName="Invocations", Statistics=["Sum"], Period=60,
        Dimensions=[{"Name": "FunctionName", "Value": catalog.SALES_REPORT}],
        StartTime=metrics.start, EndTime=metrics.end)
    expected = sum(point["Sum"] for point in stats["Datapoints"])
    assert expected > 0
    assert metrics.get("Invocations", "Sum").total == expected
    errors = metrics.get("Errors", "Sum")
    assert errors.total <= metrics.get("Invocations", "Sum").total


def test_unknown_function_has_empty_series(demo_session) -> None:
    metrics = function_metrics(demo_session, "no-such-function-anywhere")
    assert metrics.get("Invocations", "Sum").total == 0
    assert metrics.get("Duration", "Average").latest is None


def test_throttled_invokes_raise_throttles(scratch_endpoint) -> None:
    session = session_on(scratch_endpoint.endpoint, scratch_endpoint.region, scratch_endpoint.credentials)
    name = make_function(session)
    lam = session.client("lambda", max_attempts=1)  # botocore would retry a 429: count our own
    assert invoke_status(lam, name) == 200
    lam.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=0)
    assert [invoke_status(lam, name) for _ in range(3)] == ["TooManyRequestsException"] * 3
    metrics = function_metrics(session, name)
    assert metrics.get("Throttles", "Sum").total == 3
    assert metrics.get("Invocations", "Sum").total == 1
    assert metrics.get("Errors", "Sum").total == 0
    assert metrics.get("Duration", "Maximum").peak > 0


def test_access_denied_rises(demo_endpoint) -> None:
    session = session_on(demo_endpoint.endpoint, demo_endpoint.region, demo_endpoint.credentials)

    def refuse(**_: object):
        response = AWSResponse("https://monitoring", 403, {}, None)
        return response, {"Error": {"Code": "AccessDenied", "Message": "not allowed to GetMetricData"},
                          "ResponseMetadata": {"HTTPStatusCode": 403}}

    session.client("cloudwatch").meta.events.register("before-call.cloudwatch.GetMetricData", refuse)
    with pytest.raises(ClientError) as raised:
        function_metrics(session, catalog.ORDERS_API)
    assert raised.value.response["Error"]["Code"] == "AccessDenied"
