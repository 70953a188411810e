"""stackview.aws.insights against botocore's own Stubber: the requests sent, the answers read."""

from __future__ import annotations

import boto3
import pytest
from botocore.stub import Stubber

from stackview.aws import insights
from stackview.aws.insights import MalformedQuery, log_group_fields, query_results, start_query, stop_query
from stackview.models.insights import COMPLETE, RUNNING, ResultRow


class FakeSession:
    """What the AWS layer asks of a session: a client per service (here one stubbed client)."""

    def __init__(self, client) -> None:
        self._client = client

    def client(self, service: str, **_config):
        assert service == "logs"
        return self._client


@pytest.fixture
def logs():
    client = boto3.client("logs", region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b")
    with Stubber(client) as stub:
        yield client, stub
        stub.assert_no_pending_responses()


def test_start_query_sends_names_seconds_and_the_query(logs) -> None:
    client, stub = logs
    stub.add_response("start_query", {"queryId": "q-1"}, {
        "logGroupNames": ["/aws/lambda/a", "/aws/lambda/b"], "startTime": 1_000, "endTime": 4_600,
        "queryString": "fields @message", "limit": 50})
    assert start_query(FakeSession(client), ["/aws/lambda/a", "/aws/lambda/b"], 1_000, 4_600, "fields @message",
                       limit=50) == "q-1"


def test_arns_go_as_identifiers(logs) -> None:
    client, stub = logs
    arn = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/a"
    stub.add_response("start_query", {"queryId": "q-2"}, {
        "logGroupIdentifiers": [arn, "/aws/lambda/b"], "startTime": 1, "endTime": 2, "queryString": "q"})
    assert start_query(FakeSession(client), [arn, "/aws/lambda/b"], 1, 2, "q") == "q-2"


def test_more_than_fifty_groups_is_refused_before_any_call(logs) -> None:
    client, _stub = logs
    with pytest.raises(ValueError, match="at most 50"):
        start_query(FakeSession(client), [f"/g/{n}" for n in range(51)], 1, 2, "q")


def test_a_malformed_query_keeps_its_position(logs) -> None:
    client, stub = logs
    stub.add_client_error(
        "start_query", service_error_code="MalformedQueryException", service_message="Query is malformed",
        http_status_code=400,
        response_meta={}, modeled_fields={"queryCompileError": {
            "location": {"startCharOffset": 36, "endCharOffset": 41},
            "message": "mismatched input 'limitt' expecting {<EOF>, '|'}"}})
    query = "fields @message\n| sort @timestamp | limitt 5"
    with pytest.raises(MalformedQuery) as caught:
        start_query(FakeSession(client), ["/g"], 1, 2, query)
    assert caught.value.message == "mismatched input 'limitt' expecting {<EOF>, '|'}"
    assert (caught.value.start, caught.value.end) == (36, 41)
    assert caught.value.where(query) == (2, 21)
    assert query[caught.value.start:caught.value.end + 1] == "limitt"


def test_malformed_without_a_location_still_says_why(logs) -> None:
    client, stub = logs
    stub.add_client_error("start_query", service_error_code="MalformedQueryException",
                          service_message="unexpected end of query", http_status_code=400)
    with pytest.raises(MalformedQuery) as caught:
        start_query(FakeSession(client), ["/g"], 1, 2, "fields")
    assert caught.value.message == "unexpected end of query"
    assert caught.value.where("fields") is None


def test_results_rows_keep_fields_values_and_order(logs) -> None:
    client, stub = logs
    stub.add_response("get_query_results", {
        "status": "Complete",
        "statistics": {"recordsMatched": 3.0, "recordsScanned": 120.0, "bytesScanned": 9_000.0},
        "results": [
            [{"field": "bin(5m)", "value": "2026-11-23 10:05:00.000"}, {"field": "count(*)", "value": "3"}],
            [{"field": "bin(5m)", "value": "2026-11-23 10:10:00.000"}],
        ]}, {"queryId": "q"})
    results = query_results(FakeSession(client), "q")
    assert results.status == COMPLETE and results.finished
    assert results.rows[0] == ResultRow((("bin(5m)", "2026-11-23 10:05:00.000"), ("count(*)", "3")))
    assert results.rows[1].get("count(*)") is None
    assert results.columns == ["bin(5m)", "count(*)"]
    assert (results.statistics.records_matched, results.statistics.records_scanned,
            results.statistics.bytes_scanned) == (3.0, 120.0, 9_000.0)


def test_finished_results_follow_next_token_and_a_running_query_does_not(logs) -> None:
    client, stub = logs
    row = [{"field": "@message", "value": "m"}]
    stub.add_response("get_query_results", {"status": "Running", "results": [row], "nextToken": "t1"},
                      {"queryId": "q"})
    assert len(query_results(FakeSession(client), "q").rows) == 1
    stub.add_response("get_query_results", {"status": "Complete", "results": [row, row], "nextToken": "t1"},
                      {"queryId": "q"})
    stub.add_response("get_query_results", {"status": "Complete", "results": [row]}, {"queryId": "q", "nextToken": "t1"})
    results = query_results(FakeSession(client), "q")
    assert results.status == COMPLETE and len(results.rows) == 3


def test_stop_query_of_an_ended_query_is_not_an_error(logs) -> None:
    client, stub = logs
    stub.add_response("stop_query", {"success": True}, {"queryId": "q"})
    stub.add_client_error("stop_query", service_error_code="InvalidParameterException",
                          service_message="query already ended", http_status_code=400)
    assert stop_query(FakeSession(client), "q") is True
    assert stop_query(FakeSession(client), "q") is False


def test_describe_queries_pages_and_sorts_newest_first(logs) -> None:
    client, stub = logs
    stub.add_response("describe_queries", {"queries": [
        {"queryId": "old", "queryString": "a", "status": "Complete", "createTime": 1, "logGroupName": "/g"}],
        "nextToken": "n"}, {"status": RUNNING})
    stub.add_response("describe_queries", {"queries": [
        {"queryId": "new", "queryString": "b", "status": "Running", "createTime": 5}]},
        {"status": RUNNING, "nextToken": "n"})
    found = insights.describe_queries(FakeSession(client), status=RUNNING)
    assert [q.query_id for q in found] == ["new", "old"]
    assert found[1].log_group == "/g" and found[0].query == "b"


def test_log_group_fields_merge_groups_most_frequent_first(logs) -> None:
    client, stub = logs
    stub.add_response("get_log_group_fields", {"logGroupFields": [
        {"name": "@message", "percent": 100}, {"name": "level", "percent": 40}]}, {"logGroupName": "/a"})
    stub.add_response("get_log_group_fields", {"logGroupFields": [
        {"name": "record.metrics.durationMs", "percent": 60}, {"name": "level", "percent": 90}]},
        {"logGroupName": "/b"})
    assert log_group_fields(FakeSession(client), ["/a", "/b"]) == [
        "@message", "level", "record.metrics.durationMs"]
