"""Health sweeps: every function in as few GetMetricData requests as 500 queries allow, and
figures that agree with CloudWatch's own answer for the same window."""

from __future__ import annotations

import math
from datetime import datetime, timedelta, timezone

from stackview.aws.health import MAX_QUERIES, TRIALS, endpoint_percentiles, queries_for, spark_period, sweep
from stackview.demo.seed import catalog
from stackview.models.health import Health, combine


def count_requests(session, operation: str) -> list[str]:
    seen: list[str] = []
    for client in (session.client("cloudwatch"), session.client("cloudwatch", max_attempts=1)):
        client.meta.events.register(f"before-call.monitoring.{operation}", lambda **kw: seen.append(operation),
                                    unique_id=f"count-{operation}")
    return seen


def test_spark_period_keeps_fifteen_points() -> None:
    assert spark_period(timedelta(minutes=15)) == 60
    assert spark_period(timedelta(minutes=5)) == 60
    assert spark_period(timedelta(hours=1)) == 240


def test_two_hundred_functions_take_the_fewest_requests(demo_session) -> None:
    names = [f"bench-fn-{i:03d}" for i in range(200)] + [catalog.ORDERS_API]
    list(sweep(demo_session, [catalog.ORDERS_API]))  # the endpoint shows whether it has percentiles
    seen = count_requests(demo_session, "GetMetricData")
    reports = list(sweep(demo_session, names, window=timedelta(minutes=15)))
    per_function = len(queries_for(True, endpoint_percentiles(demo_session) is not False))
    expected = math.ceil(len(names) * per_function / MAX_QUERIES)  # at most one request per 500 metrics
    assert len(reports) == expected == reports[-1].calls == len(seen)
    assert reports[-1].metrics == len(names) * per_function
    # Each request yields what it found: the first report already holds the first functions.
    assert len(reports[0].functions) == MAX_QUERIES // per_function
    assert "bench-fn-000" in reports[0].functions and catalog.ORDERS_API not in reports[0].functions
    assert set(reports[-1].functions) == set(names)
    # A function whose queries straddle two requests gets all its figures.
    per_call = MAX_QUERIES // per_function
    straddling = names[:per_call] + [catalog.ORDERS_API] + names[per_call:per_call + 5]
    now = datetime.now(timezone.utc) - timedelta(minutes=2)  # a settled window: the world moves
    split = list(sweep(demo_session, straddling, now=now))[-1].functions[catalog.ORDERS_API]
    alone = list(sweep(demo_session, [catalog.ORDERS_API], now=now))[-1].functions[catalog.ORDERS_API]
    assert split == alone and alone.invocations > 0
    assert reports[-1].functions["bench-fn-199"] == Health(invocations_series=(0.0,) * 15, errors_series=(0.0,) * 15)


def test_figures_agree_with_get_metric_data(demo_session, demo_endpoint) -> None:
    now = datetime.now(timezone.utc) - timedelta(minutes=2)  # the seeded world moves: a settled window
    [report] = list(sweep(demo_session, [catalog.ORDERS_API, catalog.SALES_REPORT], now=now))
    cloudwatch = demo_endpoint.client("cloudwatch")
    for name in (catalog.ORDERS_API, catalog.SALES_REPORT):
        health = report.functions[name]

        def plain(metric: str, stat: str, period: int) -> list[float]:
            answer = cloudwatch.get_metric_data(MetricDataQueries=[{"Id": "m", "MetricStat": {
                "Metric": {"Namespace": "AWS/Lambda", "MetricName": metric,
                           "Dimensions": [{"Name": "FunctionName", "Value": name}]},
                "Period": period, "Stat": stat}}], StartTime=report.start, EndTime=report.end)
            return answer["MetricDataResults"][0]["Values"]

        assert health.invocations == sum(plain("Invocations", "Sum", 60)) > 0
        assert health.errors == sum(plain("Errors", "Sum", 60))
        assert health.throttles == sum(plain("Throttles", "Sum", 60))
        assert health.duration_max == max(plain("Duration", "Maximum", 60))
        assert health.concurrency_max == max(plain("ConcurrentExecutions", "Maximum", 60))
        assert len(health.invocations_series) == 15 and sum(health.invocations_series) == health.invocations
    assert report.end - report.start == timedelta(minutes=15) and report.period == 60
    # moto gives no percentiles: the report says so rather than showing an empty p99.
    if endpoint_percentiles(demo_session) is False:
        assert report.percentiles is False
        assert all(h.duration_p99 is None for h in report.functions.values())


def test_an_endpoint_without_percentiles_is_learned_once(scratch_endpoint) -> None:
    """moto fails a whole request asking for p99 once there is data: the sweep starts again
    without percentiles, says so, and does not ask again in this session."""
    from tests.aws.functions_helpers import invoke_status, make_function, session_on

    session = session_on(scratch_endpoint.endpoint, scratch_endpoint.region, scratch_endpoint.credentials)
    name = make_function(session)
    assert invoke_status(session.client("lambda", max_attempts=1), name) == 200
    seen = count_requests(session, "GetMetricData")
    first = list(sweep(session, [name]))[-1]
    if endpoint_percentiles(session) is False:  # moto: one failed request, then the sweep again
        assert first.percentiles is False and first.functions[name].duration_max is not None
        assert first.calls == TRIALS + 1 == len(seen)  # asked twice with p99 (a 500 may be a busy moment's)
        again = list(sweep(session, [name]))[-1]
        assert again.calls == 1 and len(seen) == TRIALS + 2
    else:
        assert first.functions[name].duration_p99 is not None


def test_combine_adds_counts_and_series() -> None:
    a = Health(invocations=10, errors=1, throttles=0, invocations_series=(4, 6), errors_series=(0, 1),
               duration_max=100, duration_p99=90, concurrency_max=2)
    b = Health(invocations=5, errors=5, throttles=3, invocations_series=(5, 0), errors_series=(5, 0),
               duration_max=300, concurrency_max=None)
    both = combine([a, b])
    assert (both.invocations, both.errors, both.throttles) == (15, 6, 3)
    assert both.invocations_series == (9, 6) and both.errors_series == (5, 1)
    assert both.duration_max == 300 and both.duration_p99 is None and both.concurrency_max == 2
    assert both.functions == 2 and both.error_rate == 40.0
    assert both.troubled(5.0) and not a.troubled(20.0) and not Health().troubled(0.0)


def test_pulse_adds_up_every_function_and_names_alarms(demo_session, demo_endpoint) -> None:
    from stackview.aws.pulse import account_pulse

    now = datetime.now(timezone.utc) - timedelta(minutes=2)  # the seeded world moves: a settled window
    pulse = account_pulse(demo_session, now=now)
    names = [f["FunctionName"] for f in demo_endpoint.client("lambda").list_functions()["Functions"]]
    every = list(sweep(demo_session, names, now=now, detail=False))[-1]
    assert pulse.counted_from == "functions" and pulse.functions == len(names)
    assert pulse.invocations == sum(h.invocations for h in every.functions.values()) > 0
    assert pulse.errors == sum(h.errors for h in every.functions.values())
    assert (pulse.limit, pulse.unreserved) == (1000, 995)  # the demo reserves 5 for the worker
    assert pulse.concurrency_max is not None and pulse.concurrency_max >= 1
    firing = demo_endpoint.client("cloudwatch").describe_alarms(StateValue="ALARM")["MetricAlarms"]
    assert [a.name for a in pulse.alarms_firing] == sorted(a["AlarmName"] for a in firing)


class _StubbedSession:
    """What `sweep` needs of an AwsSession: a CloudWatch client (here botocore's Stubber's)."""

    profile = None

    def __init__(self, client) -> None:
        self._client = client

    def client(self, service: str, **_options):
        return self._client


def test_one_server_error_is_not_taken_for_an_endpoint_without_percentiles() -> None:
    """A busy endpoint may fail one request with HTTP 500: the sweep asks once more before it
    decides that p99 is not answered here (a wrong verdict would last the whole session)."""
    import boto3
    from botocore.stub import ANY, Stubber

    client = boto3.client("cloudwatch", region_name="us-east-1", aws_access_key_id="k", aws_secret_access_key="s")
    session = _StubbedSession(client)
    now = datetime(2026, 12, 4, 12, 0, tzinfo=timezone.utc)
    answer = {"MetricDataResults": [
        {"Id": f"f0_{key}", "Timestamps": [now - timedelta(minutes=1)], "Values": [value]}
        for key, value in (("inv", 10.0), ("err", 1.0), ("thr", 0.0), ("dmax", 900.0), ("conc", 2.0), ("p99", 800.0))]}
    with Stubber(client) as stubber:
        stubber.add_client_error("get_metric_data", "InternalFailure", "busy", http_status_code=500,
                                 expected_params={"MetricDataQueries": ANY, "StartTime": ANY, "EndTime": ANY,
                                                  "ScanBy": ANY})
        stubber.add_response("get_metric_data", answer)
        report = list(sweep(session, ["fn"], now=now))[-1]
        stubber.assert_no_pending_responses()
    assert report.percentiles is True and report.functions["fn"].duration_p99 == 800.0
    assert endpoint_percentiles(session) is True
