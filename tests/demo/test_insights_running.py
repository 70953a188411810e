"""Logs Insights queries that take time, on a demo server whose scans are paced (insights_rate):
Scheduled/Running with the statistics so far, StopQuery, and the account's concurrency quota."""

from __future__ import annotations

import time
from collections.abc import Iterator

import boto3
import pytest
from botocore.config import Config

from stackview.demo.process import DEMO_CREDENTIALS, DEMO_REGION, DemoServer

pytestmark = pytest.mark.demo

EVENTS = 40_000
RATE = 2_000  # events/s: a query over EVENTS takes at least 20 s
GROUP = "/aws/lambda/busy"


@pytest.fixture(scope="module")
def logs() -> Iterator[object]:
    with DemoServer(empty=True, traffic=False, insights_rate=RATE) as server:
        client = boto3.client("logs", endpoint_url=server.endpoint, region_name=DEMO_REGION,
                              aws_access_key_id=DEMO_CREDENTIALS[0],
                              aws_secret_access_key=DEMO_CREDENTIALS[1],
                              config=Config(retries={"total_max_attempts": 1}))
        client.create_log_group(logGroupName=GROUP)
        client.create_log_stream(logGroupName=GROUP, logStreamName="s")
        start = (int(time.time()) - 3600) * 1000
        for batch in range(EVENTS // 10_000):
            client.put_log_events(logGroupName=GROUP, logStreamName="s", logEvents=[
                {"timestamp": start + batch * 10_000 + i, "message": f"line {batch * 10_000 + i}"}
                for i in range(10_000)])
        yield client


def start(logs, text: str = "stats count(*)") -> str:
    now = int(time.time())
    return logs.start_query(logGroupName=GROUP, startTime=now - 7200, endTime=now, queryString=text)["queryId"]


def wait_for(predicate, timeout: float = 60.0):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.05)


def test_a_long_query_reports_running_with_partial_statistics_then_stops_cancelled(logs):
    query_id = start(logs)
    seen = logs.get_query_results(queryId=query_id)
    assert seen["status"] in ("Scheduled", "Running")
    running = wait_for(lambda: (answer := logs.get_query_results(queryId=query_id))["status"] == "Running"
                       and answer["statistics"]["recordsScanned"] > 0 and answer)
    assert running, "the query never showed progress"
    assert 0 < running["statistics"]["recordsScanned"] < EVENTS and running["results"] == []
    assert logs.stop_query(queryId=query_id)["success"] is True
    ended = logs.get_query_results(queryId=query_id)
    assert ended["status"] == "Cancelled" and ended["results"] == []
    with pytest.raises(logs.exceptions.InvalidParameterException):
        logs.stop_query(queryId=query_id)
    listed = logs.describe_queries(logGroupName=GROUP, status="Cancelled")["queries"]
    assert query_id in [q["queryId"] for q in listed]


def test_queries_beyond_the_quota_are_refused_until_one_ends(logs):
    ids = [start(logs) for _ in range(30)]
    try:
        statuses = {q["status"] for q in logs.describe_queries(logGroupName=GROUP)["queries"]
                    if q["queryId"] in ids}
        assert statuses <= {"Scheduled", "Running"} and "Scheduled" in statuses
        with pytest.raises(logs.exceptions.LimitExceededException) as caught:
            start(logs)
        assert "concurrency limit of [30]" in caught.value.response["Error"]["Message"]
        logs.stop_query(queryId=ids.pop())
        ids.append(start(logs))
    finally:
        for query_id in ids:
            logs.stop_query(queryId=query_id)
