"""Queries of the demo world's Logs Insights: Scheduled, Running, Complete or Cancelled, the
account's quota of concurrent queries, what DescribeQueries lists. Waits on conditions only."""

from __future__ import annotations

import threading
import time

import pytest

from stackview.demo.server.insights.fields import Event
from stackview.demo.server.insights.queries import QueryService, TooManyQueries, info
from stackview.demo.server.insights.syntax import QueryError

ACCOUNT, REGION = "123456789012", "us-east-1"
EVENTS = [Event(1000 * i, 1000 * i, f"line {i}\n", "s", "/g", f"{i:056d}") for i in range(3000)]


def wait_for(predicate, timeout: float = 10.0):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.01)


class GatedSource:
    """Events handed out only once the test opens the gate (keeps queries Running)."""

    def __init__(self) -> None:
        self.gate = threading.Event()
        self.asked: list[tuple[str, ...]] = []

    def __call__(self, account, region, groups, start_ms, end_ms):
        self.asked.append(groups)
        self.gate.wait(10)
        return [e for e in EVENTS if start_ms <= e.timestamp <= end_ms]


@pytest.fixture
def gated():
    source = GatedSource()
    service = QueryService(source, workers=2, max_concurrent=3)
    yield service, source
    source.gate.set()
    service.close()


def test_a_query_runs_to_complete_over_its_time_range(gated):
    service, source = gated
    query_id = service.start(ACCOUNT, REGION, "stats count(*) as n", ("/g",), 0, 99_999)
    run = service.get(ACCOUNT, query_id)
    wait_for(lambda: run.status == "Running")
    source.gate.set()
    wait_for(lambda: run.status == "Complete")
    assert run.rows == [[("n", "100")]]
    assert service.statistics(run) == {"recordsMatched": 100.0, "recordsScanned": 100.0,
                                       "estimatedRecordsSkipped": 0.0, "bytesScanned": float(
                                           sum(len(e.message) for e in EVENTS[:100])),
                                       "estimatedBytesSkipped": 0.0, "logGroupsScanned": 1.0,
                                       "resultCount": 1.0}
    assert service.get("999999999999", query_id) is None  # another account's query is not found


def test_queries_beyond_the_workers_wait_scheduled_and_beyond_the_quota_are_refused(gated):
    service, source = gated
    ids = [service.start(ACCOUNT, REGION, "fields @message", ("/g",), 0, 10**9) for _ in range(3)]
    runs = [service.get(ACCOUNT, query_id) for query_id in ids]
    wait_for(lambda: [run.status for run in runs].count("Running") == 2)
    assert [run.status for run in runs].count("Scheduled") == 1
    with pytest.raises(TooManyQueries) as caught:
        service.start(ACCOUNT, REGION, "fields @message", ("/g",), 0, 10**9)
    assert "concurrency limit of [3]" in str(caught.value)
    assert service.start("999999999999", REGION, "fields @message", ("/g",), 0, 1)  # per account
    assert service.stop(runs[2]) and runs[2].status == "Cancelled"
    service.start(ACCOUNT, REGION, "fields @message", ("/g",), 0, 10**9)  # a slot is free again


def test_stop_cancels_a_running_query_and_refuses_an_ended_one(gated):
    service, source = gated
    run = service.get(ACCOUNT, service.start(ACCOUNT, REGION, "fields @message", ("/g",), 0, 10**9))
    wait_for(lambda: run.status == "Running")
    assert service.stop(run) and run.status == "Cancelled"
    source.gate.set()
    time.sleep(0.05)
    assert run.status == "Cancelled" and run.rows == []
    assert not service.stop(run)
    described = info(run)
    assert described["status"] == "Cancelled" and described["queryLanguage"] == "CWLI"
    assert described["logGroupName"] == "/g" and described["queryDuration"] >= 0


def test_malformed_queries_are_refused_before_they_are_scheduled(gated):
    service, _ = gated
    with pytest.raises(QueryError):
        service.start(ACCOUNT, REGION, "stats count(", ("/g",), 0, 1)
    assert service.listed(ACCOUNT, REGION) == []


def test_a_running_query_shows_its_statistics_so_far():
    release = threading.Event()
    scanned = threading.Event()

    def source(*_):
        def events():
            yield from EVENTS[:1000]
            scanned.set()
            release.wait(10)
            yield from EVENTS[1000:]
        return events()

    service = QueryService(source, workers=1)
    try:
        run = service.get(ACCOUNT, service.start(ACCOUNT, REGION, "stats count(*)", ("/g",), 0, 10**9))
        wait_for(scanned.is_set)
        figures = service.statistics(run)
        assert run.status == "Running" and figures["recordsScanned"] == 1000.0
        assert "resultCount" not in figures
        release.set()
        wait_for(lambda: run.status == "Complete")
        assert service.statistics(run)["recordsScanned"] == 3000.0
    finally:
        release.set()
        service.close()


def test_listed_newest_first_per_region():
    service = QueryService(lambda *_: EVENTS[:10])
    try:
        first = service.start(ACCOUNT, REGION, "fields @message", ("/a",), 0, 10**9)
        second = service.start(ACCOUNT, REGION, "fields @message", ("/b", "/c"), 0, 10**9)
        service.start(ACCOUNT, "eu-west-1", "fields @message", ("/a",), 0, 10**9)
        assert [run.query_id for run in service.listed(ACCOUNT, REGION)] == [second, first]
    finally:
        service.close()
