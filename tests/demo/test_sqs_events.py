"""Lambda's SQS event source rules the live poller and the history share (no server needed)."""

from __future__ import annotations

import json

import pytest

from stackview.demo.runtime.sqs_events import MAX_BATCHES, PollerPolicy, failed_ids, md5, record

IDS = ["m1", "m2", "m3"]


@pytest.mark.parametrize("payload, report, kept", [
    (json.dumps({"batchItemFailures": [{"itemIdentifier": "m2"}]}), True, ["m2"]),
    (json.dumps({"batchItemFailures": []}), True, []),
    (json.dumps({"other": 1}), True, []),
    (b"", True, []),
    (json.dumps(None), True, []),
    (json.dumps({"batchItemFailures": [{"itemIdentifier": "m2"}]}), False, []),  # not asked for
    (json.dumps({"batchItemFailures": [{"itemIdentifier": ""}]}), True, None),  # the whole batch fails
    (json.dumps({"batchItemFailures": [{"itemIdentifier": "elsewhere"}]}), True, None),
    (json.dumps({"batchItemFailures": "m2"}), True, None),
    (b"not json", True, None),
    (json.dumps([1, 2]), True, None),
])
def test_batch_item_failures_are_read_as_lambda_reads_them(payload, report, kept):
    assert failed_ids(payload, IDS, report) == kept


def test_a_record_carries_what_lambda_passes():
    built = record(message_id="m1", receipt_handle="rh", body="{}", queue_arn="arn:aws:sqs:us-east-1:1:q",
                   region="us-east-1", sent_ms=1000, first_receive_ms=2000, receive_count=2, sender_id="AID",
                   message_attributes={"correlationId": {"DataType": "String", "StringValue": "req-1"}},
                   attributes_md5="abc")
    assert built["attributes"] == {"ApproximateReceiveCount": "2", "SentTimestamp": "1000", "SenderId": "AID",
                                   "ApproximateFirstReceiveTimestamp": "2000"}
    assert built["messageAttributes"] == {"correlationId": {"stringValue": "req-1", "stringListValues": [],
                                                            "binaryListValues": [], "dataType": "String"}}
    assert built["md5OfBody"] == md5("{}") and built["md5OfMessageAttributes"] == "abc"
    assert built["eventSource"] == "aws:sqs" and built["eventSourceARN"] == "arn:aws:sqs:us-east-1:1:q"


def test_the_poller_scales_with_the_backlog_up_to_its_maximum_concurrency():
    policy = PollerPolicy(batch_size=10)
    assert [policy.lanes(n) for n in (0, 1, 10, 11, 55, 10_000)] == [1, 1, 1, 2, 6, MAX_BATCHES]
    policy.maximum_concurrency = 2
    assert policy.lanes(10_000) == 2


def test_failures_back_off_and_a_success_resets():
    policy = PollerPolicy(batch_size=10)
    pauses = [policy.after_batch("error") for _ in range(8)]
    assert pauses == [1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 60.0, 60.0]
    assert policy.lanes(10_000) == 1  # concurrency halves with each failure in a row
    assert policy.after_batch("throttled") == 1.0 and policy.failures_in_a_row == 8
    assert policy.after_batch("ok") == 0.0 and policy.lanes(10_000) == MAX_BATCHES
