"""The pure parts of the Triggers tab and the queue levers: typed values, texts, ARNs, policies,
mappings as the API returns them, and the rows the tab draws."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from stackview.aws.sources import parse_mapping, parse_policy
from stackview.models.functions import Unavailable
from stackview.models.sources import (
    DeadLetterTarget,
    EventSourceMapping,
    MappingSource,
    PolicyTrigger,
    QueueDepth,
    RedriveTask,
    Triggers,
    age_text,
    arn_resource_name,
    max_concurrency_text,
    messages_text,
    parse_max_concurrency,
)
from stackview.screens.function.triggers import detail_lines, policy_source, redrive_cell, rows_of

QUEUE = "arn:aws:sqs:eu-west-1:123456789012:orders"
DLQ = "arn:aws:sqs:eu-west-1:123456789012:orders-dlq"


@pytest.mark.parametrize("text,value", [("2", 2), ("1000", 1000), (" 25 ", 25), ("none", None), ("NONE", None),
                                        ("-", None)])
def test_max_concurrency_typed(text, value) -> None:
    assert parse_max_concurrency(text) == value


@pytest.mark.parametrize("text,message", [("1", "from 2 to 1000"), ("1001", "from 2 to 1000"),
                                          ("ten", "whole number"), ("", "whole number"), ("-3", "whole number")])
def test_max_concurrency_refused(text, message) -> None:
    with pytest.raises(ValueError, match=message):
        parse_max_concurrency(text)


def test_texts() -> None:
    assert max_concurrency_text(None) == "none" and max_concurrency_text(5) == "5"
    assert [age_text(v) for v in (None, 0, 59.9, 60, 3599, 3600, 3660, 90000)] == [
        "-", "0 s", "59 s", "1 min", "59 min", "1 h", "1 h 1 min", "1 d"]
    assert messages_text(None) == "-"
    assert messages_text(QueueDepth(QUEUE, visible=1200, in_flight=3)) == "1,200 (+3 in flight)"
    assert messages_text(QueueDepth(QUEUE, visible=0, in_flight=0)) == "0"
    assert messages_text(QueueDepth(QUEUE, error="access denied")) == "?"


@pytest.mark.parametrize("arn,name", [
    (QUEUE, "orders"),
    ("arn:aws:kinesis:eu-west-1:1:stream/clicks", "clicks"),
    ("arn:aws:dynamodb:eu-west-1:1:table/Orders/stream/2026-01-01T00:00:00.000", "Orders"),
    ("arn:aws:events:eu-west-1:1:rule/nightly", "nightly"),
    ("arn:aws:sns:eu-west-1:1:alarms", "alarms"),
    ("not-an-arn", "not-an-arn"),
])
def test_resource_names(arn, name) -> None:
    assert arn_resource_name(arn) == name


def test_mapping_from_the_api() -> None:
    mapping = parse_mapping({
        "UUID": "u-1", "EventSourceArn": QUEUE, "State": "Disabled", "StateTransitionReason": "USER_INITIATED",
        "FunctionArn": "arn:aws:lambda:eu-west-1:1:function:worker:live", "BatchSize": 10,
        "ScalingConfig": {"MaximumConcurrency": 5}, "LastModified": datetime(2026, 11, 23, tzinfo=timezone.utc),
        "FilterCriteria": {"Filters": [{"Pattern": "{}"}]}, "LastProcessingResult": "PROBLEM: Function call failed",
        "EventSourceMappingArn": "arn:aws:lambda:eu-west-1:1:event-source-mapping:u-1"})
    assert (mapping.kind, mapping.is_sqs, mapping.enabled, mapping.qualifier) == ("sqs", True, False, "live")
    assert (mapping.max_concurrency, mapping.filters, mapping.source_name) == (5, 1, "orders")
    # No ScalingConfig, or an empty one (how Lambda says "removed"): no maximum.
    assert parse_mapping({"UUID": "u", "EventSourceArn": QUEUE, "ScalingConfig": {}}).max_concurrency is None
    stream = parse_mapping({"UUID": "s", "EventSourceArn": "arn:aws:kinesis:eu-west-1:1:stream/clicks",
                            "State": "Enabling", "DestinationConfig": {"OnFailure": {"Destination": DLQ}}})
    assert (stream.is_stream, stream.enabled, stream.on_failure, stream.qualifier) == (True, True, DLQ, "")


def test_policy_statements_become_triggers() -> None:
    policy = json.dumps({"Statement": [
        {"Effect": "Allow", "Principal": {"Service": "apigateway.amazonaws.com"}, "Action": "lambda:InvokeFunction",
         "Sid": "api", "Condition": {"ArnLike": {"AWS:SourceArn": "arn:aws:execute-api:eu-west-1:1:abc/*/GET/"}}},
        {"Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"}, "Action": ["lambda:InvokeFunction"],
         "Sid": "s3", "Condition": {"StringEquals": {"aws:sourceaccount": "123456789012"}}},
        {"Effect": "Deny", "Principal": "*", "Action": "lambda:InvokeFunction", "Sid": "no"},
        {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::999:root"}, "Action": "lambda:InvokeFunction"},
    ]})
    api, s3, account = parse_policy(policy, "live")
    assert (api.kind, api.source_arn, api.qualifier) == ("API Gateway", "arn:aws:execute-api:eu-west-1:1:abc/*/GET/", "live")
    assert (s3.kind, s3.source_arn, s3.source_account) == ("S3", "", "123456789012")
    assert account.kind == "arn:aws:iam::999:root"
    assert policy_source(api) == "abc/*/GET/" and policy_source(s3) == "any in account 123456789012"
    assert parse_policy("not json") == []


def _triggers(**parts) -> Triggers:
    mapping = EventSourceMapping("u-1", QUEUE, "arn:aws:lambda:eu-west-1:1:function:worker:live", "Enabled",
                                 batch_size=10, max_concurrency=None)
    source = MappingSource(mapping, QueueDepth(QUEUE, visible=7, in_flight=2, oldest_age=250, dead_letter_arn=DLQ,
                                               max_receive_count=3),
                           QueueDepth(DLQ, visible=4, oldest_age=7200))
    values = dict(function="worker", function_arn="arn:aws:lambda:eu-west-1:1:function:worker",
                  mappings=(source,),
                  policy=(PolicyTrigger("events.amazonaws.com", "arn:aws:events:eu-west-1:1:rule/nightly"),),
                  dead_letter=DeadLetterTarget("arn:aws:sns:eu-west-1:1:failures"),
                  redrives=(RedriveTask(DLQ, "RUNNING", QUEUE, "h", moved=1, to_move=4),))
    values.update(parts)
    return Triggers(**values)


def test_rows_of_the_tab() -> None:
    rows = rows_of(_triggers())
    assert [key for key, _, _ in rows] == ["u-1", "dlq:u-1", "policy:0::", "function-dlq"]
    assert [cells for _, cells, _ in rows] == [
        ("SQS", "orders -> live", "Enabled", "10", "none", "7 (+2 in flight)", "4 min", "-"),
        ("└ DLQ", "orders-dlq", "redriving 1/4", "-", "-", "4", "2 h", "-"),
        ("EventBridge", "rule/nightly", "allowed", "-", "-", "-", "-", "-"),
        ("Async DLQ (SNS)", "failures", "-", "-", "-", "- (topic)", "-", "-"),
    ]
    assert rows[1][2].queue.arn == DLQ and rows[0][2].queue.arn == QUEUE and rows[3][2].queue is None
    assert "Redrive RUNNING 1 of 4 moved, to " + QUEUE in "\n".join(detail_lines(rows[1][2]))
    assert "dead-letter queue after 3 receives" in "\n".join(detail_lines(rows[0][2]))


def test_a_denied_part_leaves_the_rest() -> None:
    rows = rows_of(_triggers(policy=Unavailable("access denied to GetPolicy"), redrives=Unavailable("no")))
    assert [key for key, _, _ in rows] == ["u-1", "dlq:u-1", "function-dlq"]
    assert rows[1][1][2] == "-"  # redrive progress unknown: nothing claimed


def test_redrive_cells() -> None:
    assert [redrive_cell(RedriveTask(DLQ, status, moved=3, to_move=10)) for status in
            ("RUNNING", "COMPLETED", "CANCELLED", "FAILED")] == [
        "redriving 3/10", "redriven 3", "redrive stopped 3/10", "redrive FAILED"]
