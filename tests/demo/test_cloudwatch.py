"""CloudWatch metrics in the demo world, as the cockpit reads them: percentiles, per-version series
of a canary, account-level concurrency, AWS/SQS, and queries that page and refuse what
CloudWatch refuses."""

from __future__ import annotations

import json
import random
from collections import Counter
from datetime import datetime, timedelta, timezone

import pytest

from stackview.demo.history.plan import plan_history
from stackview.demo.seed import catalog

from .helpers import create_function, unique, wait_for

pytestmark = pytest.mark.demo


def _query(id_: str, metric: str, dimensions: dict[str, str], stat: str, period: int = 60,
           namespace: str = "AWS/Lambda") -> dict:
    return {"Id": id_, "MetricStat": {"Metric": {"Namespace": namespace, "MetricName": metric,
                                                 "Dimensions": [{"Name": k, "Value": v} for k, v in dimensions.items()]},
                                      "Period": period, "Stat": stat}}


def _window(minutes: int = 10) -> tuple[datetime, datetime]:
    end = datetime.now(timezone.utc).replace(second=0, microsecond=0) + timedelta(minutes=1)
    return end - timedelta(minutes=minutes), end


def test_percentiles_are_computed_from_raw_values(scratch_endpoint):
    cw = scratch_endpoint.client("cloudwatch")
    name = unique("fn")
    values = [float(v) for v in random.Random(3).sample(range(1, 1001), 200)]
    at = datetime.now(timezone.utc).replace(second=0, microsecond=0) - timedelta(minutes=2)
    cw.put_metric_data(Namespace="AWS/Lambda", MetricData=[
        {"MetricName": "Duration", "Dimensions": [{"Name": "FunctionName", "Value": name}], "Timestamp": at,
         "Values": values, "Unit": "Milliseconds"}])
    start, end = _window()
    results = cw.get_metric_data(MetricDataQueries=[
        _query(stat.replace(".", "_"), "Duration", {"FunctionName": name}, stat) for stat in ("p99", "p50", "p99.9", "Maximum")],
        StartTime=start, EndTime=end)["MetricDataResults"]
    got = {r["Id"]: r["Values"] for r in results}
    ordered = sorted(values)
    assert got["p99"] == [ordered[197]] and got["p50"] == [ordered[99]]  # nearest rank
    assert got["p99_9"] == [ordered[199]] == got["Maximum"]
    stats = cw.get_metric_statistics(Namespace="AWS/Lambda", MetricName="Duration", StartTime=start, EndTime=end,
                                     Period=600, Dimensions=[{"Name": "FunctionName", "Value": name}],
                                     ExtendedStatistics=["p90"], Statistics=["SampleCount"])["Datapoints"]
    assert stats[0]["ExtendedStatistics"] == {"p90": ordered[179]} and stats[0]["SampleCount"] == 200


def test_an_unknown_statistic_is_refused(scratch_endpoint):
    cw = scratch_endpoint.client("cloudwatch")
    start, end = _window()
    with pytest.raises(cw.exceptions.ClientError) as refused:
        cw.get_metric_data(MetricDataQueries=[_query("q", "Duration", {"FunctionName": "f"}, "median")],
                           StartTime=start, EndTime=end)
    assert refused.value.response["Error"]["Code"] == "InvalidParameterValue"


def test_a_query_matches_its_namespace_and_get_metric_data_pages_by_data_points(scratch_endpoint):
    cw = scratch_endpoint.client("cloudwatch")
    name = unique("fn")
    dimensions = [{"Name": "FunctionName", "Value": name}]
    base = datetime.now(timezone.utc).replace(second=0, microsecond=0) - timedelta(minutes=30)
    for namespace, value in (("AWS/Lambda", 1.0), ("Custom/Other", 100.0)):
        cw.put_metric_data(Namespace=namespace, MetricData=[
            {"MetricName": "Errors", "Dimensions": dimensions, "Timestamp": base + timedelta(minutes=m), "Value": value}
            for m in range(25)])
    start, end = _window(40)
    pages = list(cw.get_paginator("get_metric_data").paginate(
        MetricDataQueries=[_query("e", "Errors", {"FunctionName": name}, "Sum")], StartTime=start, EndTime=end,
        ScanBy="TimestampAscending", PaginationConfig={"PageSize": 10}))
    assert len(pages) == 3
    values = [v for page in pages for r in page["MetricDataResults"] for v in r["Values"]]
    assert values == [1.0] * 25


def test_invocations_through_a_weighted_alias_are_counted_per_executed_version(scratch_endpoint):
    lam = scratch_endpoint.client("lambda", read_timeout=30)
    cw = scratch_endpoint.client("cloudwatch")
    name = unique("canary")
    create_function(lam, scratch_endpoint.client("iam"), name)
    first = lam.publish_version(FunctionName=name)["Version"]
    lam.update_function_configuration(FunctionName=name, Description="second")
    second = lam.publish_version(FunctionName=name)["Version"]
    lam.create_alias(FunctionName=name, Name="live", FunctionVersion=first,
                     RoutingConfig={"AdditionalVersionWeights": {second: 0.5}})
    ran = Counter()
    for index in range(16):
        response = lam.invoke(FunctionName=name, Qualifier="live",
                              Payload=json.dumps({"action": "raise" if index % 4 == 0 else "echo"}))
        ran[(response["ExecutedVersion"], "FunctionError" in response)] += 1
    start, end = _window()
    queries = []
    for version in (first, second):
        dims = {"FunctionName": name, "Resource": f"{name}:live", "ExecutedVersion": version}
        queries += [_query(f"i{version}", "Invocations", dims, "Sum", 600),
                    _query(f"e{version}", "Errors", dims, "Sum", 600)]
    queries.append(_query("alias", "Invocations", {"FunctionName": name, "Resource": f"{name}:live"}, "Sum", 600))
    results = {r["Id"]: sum(r["Values"]) for r in cw.get_metric_data(
        MetricDataQueries=queries, StartTime=start, EndTime=end)["MetricDataResults"]}
    for version in (first, second):
        assert results[f"i{version}"] == ran[(version, False)] + ran[(version, True)]
        assert results[f"e{version}"] == ran[(version, True)]
    assert results["alias"] == 16
    listed = cw.list_metrics(Namespace="AWS/Lambda", MetricName="Invocations",
                             Dimensions=[{"Name": "FunctionName", "Value": name}, {"Name": "ExecutedVersion"}])["Metrics"]
    assert {d["Value"] for m in listed for d in m["Dimensions"] if d["Name"] == "ExecutedVersion"} <= {first, second}


def test_account_concurrency_series_cover_every_invocation(scratch_endpoint):
    lam = scratch_endpoint.client("lambda", read_timeout=30)
    cw = scratch_endpoint.client("cloudwatch")
    name = unique("counted")
    create_function(lam, scratch_endpoint.client("iam"), name)
    lam.invoke(FunctionName=name, Payload=b"{}")
    start, end = _window()
    results = {r["Id"]: r["Values"] for r in cw.get_metric_data(MetricDataQueries=[
        _query("all", "ConcurrentExecutions", {}, "Maximum"),
        _query("unreserved", "UnreservedConcurrentExecutions", {}, "Maximum")], StartTime=start, EndTime=end)[
        "MetricDataResults"]}
    assert results["all"] and max(results["all"]) >= 1
    assert results["unreserved"] and max(results["unreserved"]) >= 1


def test_the_seeded_canary_has_per_version_series_that_add_up(demo_endpoint):
    cw = demo_endpoint.client("cloudwatch")
    convert = catalog.BY_NAME[catalog.CANARY_FUNCTION]
    end = datetime.now(timezone.utc) + timedelta(minutes=1)
    start = end - timedelta(hours=3, minutes=2)
    queries = [_query("alias", "Invocations", {"FunctionName": convert.name, "Resource": f"{convert.name}:live"}, "Sum", 3600)]
    for version in (convert.alias_version, convert.canary_version):
        queries.append(_query(f"v{version}", "Invocations", {"FunctionName": convert.name,
                                                              "Resource": f"{convert.name}:live",
                                                              "ExecutedVersion": str(version)}, "Sum", 3600))
    sums = {r["Id"]: sum(r["Values"]) for r in cw.get_metric_data(
        MetricDataQueries=queries, StartTime=start, EndTime=end)["MetricDataResults"]}
    assert sums["alias"] > 0 and sums[f"v{convert.alias_version}"] > 0
    assert sums[f"v{convert.alias_version}"] + sums[f"v{convert.canary_version}"] == sums["alias"]


def test_the_seeded_durations_have_percentiles(demo_endpoint):
    cw = demo_endpoint.client("cloudwatch")
    end = datetime.now(timezone.utc) + timedelta(minutes=1)
    start = end - timedelta(hours=3, minutes=2)
    results = {r["Id"]: sum(r["Values"]) for r in cw.get_metric_data(MetricDataQueries=[
        _query(stat.lower(), "Duration", {"FunctionName": catalog.ORDERS_API}, stat, 3600 * 4)
        for stat in ("p50", "p99", "Maximum")], StartTime=start, EndTime=end)["MetricDataResults"]}
    assert 0 < results["p50"] <= results["p99"] <= results["maximum"]


def test_the_history_throttles_are_what_its_metrics_say():
    now = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)
    from stackview.demo.history.write import metric_data

    history = plan_history(now, 7, {})
    assert history.throttles
    by_function = Counter(t.function for t in history.throttles)
    summed = Counter()
    for datum in metric_data(history.invocations, history.throttles):
        if datum["MetricName"] == "Throttles" and len(datum["Dimensions"]) == 1:
            summed[datum["Dimensions"][0]["Value"]] += datum["StatisticValues"]["Sum"]
    assert {k: v for k, v in summed.items() if v} == by_function


def test_queue_metrics_are_published_every_minute(demo_endpoint):
    """The seeded world's orders queue: its AWS/SQS series from the history, then live."""
    cw = demo_endpoint.client("cloudwatch")
    cfn = demo_endpoint.client("cloudformation")
    resources = cfn.list_stack_resources(StackName=catalog.ORDERS_STACK)["StackResourceSummaries"]
    queue = next(r["PhysicalResourceId"] for r in resources
                 if r["LogicalResourceId"] == catalog.ORDERS_QUEUE).rsplit("/", 1)[1]
    end = datetime.now(timezone.utc) + timedelta(minutes=1)
    start = end - timedelta(hours=3)

    def series() -> dict:
        return {r["Id"]: r["Values"] for r in cw.get_metric_data(MetricDataQueries=[
            _query(metric.lower(), metric, {"QueueName": queue}, "Maximum", 60, "AWS/SQS")
            for metric in ("ApproximateNumberOfMessagesVisible", "ApproximateAgeOfOldestMessage", "NumberOfMessagesSent")],
            StartTime=start, EndTime=end)["MetricDataResults"]}

    first = series()
    assert len(first["approximatenumberofmessagesvisible"]) >= 170
    assert max(first["approximateageofoldestmessage"]) > 0 and max(first["numberofmessagessent"]) > 0
    assert wait_for(lambda: len(series()["approximatenumberofmessagesvisible"]) >
                    len(first["approximatenumberofmessagesvisible"]), 90, 2.0)
