"""Canned queries, completion and field discovery of the Insights screen (pure)."""

from __future__ import annotations

import json

from stackview.logs.insights import (
    CANNED,
    LAMBDA_FIELDS,
    all_queries,
    completions,
    find_query,
    json_fields,
    vocabulary,
    word_before,
)


def test_the_canned_queries_the_issue_asks_for_are_there() -> None:
    names = {q.name for q in CANNED}
    assert {"recent-errors", "errors-by-message", "slowest-invocations", "cold-starts", "memory",
            "timeouts"} <= names
    assert len(names) == len(CANNED)
    assert all(q.origin == "canned" and q.title and q.query.strip() for q in CANNED)


def test_saved_queries_come_first_and_win_a_name_clash() -> None:
    saved = {"mine": "fields @message | limit 5", "timeouts": "filter @message like /timed out/"}
    queries = all_queries(saved)
    assert [q.name for q in queries[:2]] == ["mine", "timeouts"] and queries[0].origin == "saved"
    assert find_query("timeouts", saved).query == saved["timeouts"]
    assert find_query("timeouts").origin == "canned"
    assert find_query("nothing", saved) is None


def test_word_before_reads_fields_paths_and_commands() -> None:
    assert word_before("| filter @dur", 13) == "@dur"
    assert word_before("stats avg(record.metrics.du", 27) == "record.metrics.du"
    assert word_before("fields x, ", 10) == ""
    assert word_before("sort @timestamp desc", 8) == "@ti"


def test_completions_are_prefix_matches_shortest_first() -> None:
    words = vocabulary(["durationMs", "record.metrics.durationMs"])
    assert completions("@d", words) == ["@duration"]
    assert completions("st", words) == ["stats", "stddev(", "strlen("]
    assert completions("record.m", words) == ["record.metrics.durationMs"]
    assert completions("@duration", words) == []  # nothing left to add
    assert completions("", words) == []
    assert completions("COU", words) == ["count(", "count_distinct("]


def test_vocabulary_holds_lambda_fields_commands_and_discovered_fields_once() -> None:
    words = vocabulary(["@duration", "level"])
    assert set(LAMBDA_FIELDS) <= set(words) and "stats" in words and "level" in words
    assert words.count("@duration") == 1


def test_json_fields_by_dotted_path_most_frequent_first() -> None:
    messages = [
        json.dumps({"type": "platform.report", "record": {"requestId": "r", "metrics": {"durationMs": 1}}}),
        json.dumps({"level": "ERROR", "message": "x", "record": {"requestId": "s"}}),
        "START RequestId: abc Version: 1",
        "{not json",
        json.dumps([1, 2]),
    ]
    fields = json_fields(messages)
    assert fields[0] == "record.requestId"
    assert set(fields) == {"record.requestId", "type", "record.metrics.durationMs", "level", "message"}
