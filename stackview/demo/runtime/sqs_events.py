"""Lambda's SQS event source mapping, the parts the live poller and the history share.

What one SQS record in a Lambda event looks like (`record()`, with the message's attributes
and system attributes as Lambda passes them), which messages of a batch failed (`failed_ids()`,
the ReportBatchItemFailures contract), and how the poller scales and backs off (`PollerPolicy`):
it adds concurrent batches while full batches wait (up to MAX_BATCHES, or the mapping's
ScalingConfig.MaximumConcurrency), and after a batch the function failed it backs off, as AWS
documents for SQS ("Lambda gradually backs off, reducing the amount of concurrency allocated to
your event source mapping"): each failure in a row halves the concurrent batches allowed and
doubles the wait before that lane polls again. A throttled batch does not count as a failure of
the function: its messages simply come back after the visibility timeout, which is how a
reserved concurrency below the poller's concurrency loses messages to a dead-letter queue.
Pure: no moto, no boto3.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass
from typing import Any

#: Concurrent batches the demo's poller opens at most for one mapping (AWS scales far higher).
MAX_BATCHES = 10
#: Longest pause of a lane after failed batches, in seconds.
MAX_BACKOFF_SECONDS = 60.0


def md5(text: str) -> str:
    return hashlib.md5(text.encode("utf-8")).hexdigest()


def record(*, message_id: str, receipt_handle: str, body: str, queue_arn: str, region: str,
           sent_ms: int, first_receive_ms: int, receive_count: int, sender_id: str,
           message_attributes: dict[str, Any] | None = None,
           attributes_md5: str | None = None, group_id: str | None = None,
           deduplication_id: str | None = None) -> dict[str, Any]:
    """One record of the event Lambda sends for an SQS batch."""
    attributes: dict[str, str] = {
        "ApproximateReceiveCount": str(receive_count),
        "SentTimestamp": str(sent_ms),
        "SenderId": sender_id,
        "ApproximateFirstReceiveTimestamp": str(first_receive_ms),
    }
    if group_id is not None:
        attributes["MessageGroupId"] = group_id
    if deduplication_id is not None:
        attributes["MessageDeduplicationId"] = deduplication_id
    out: dict[str, Any] = {
        "messageId": message_id,
        "receiptHandle": receipt_handle,
        "body": body,
        "attributes": attributes,
        "messageAttributes": lambda_attributes(message_attributes or {}),
        "md5OfBody": md5(body),
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": region,
    }
    if attributes_md5:
        out["md5OfMessageAttributes"] = attributes_md5
    return out


def lambda_attributes(attributes: dict[str, Any]) -> dict[str, Any]:
    """Message attributes as Lambda spells them (camelCase, list members present)."""
    out = {}
    for name, value in attributes.items():
        data_type = value.get("DataType") or value.get("data_type") or "String"
        entry: dict[str, Any] = {"stringListValues": [], "binaryListValues": [], "dataType": data_type}
        if value.get("StringValue") is not None:
            entry["stringValue"] = value["StringValue"]
        if value.get("BinaryValue") is not None:
            binary = value["BinaryValue"]
            entry["binaryValue"] = binary.decode() if isinstance(binary, bytes) else binary
        out[name] = entry
    return out


def failed_ids(payload: bytes | str | None, message_ids: list[str],
               report_failures: bool) -> list[str] | None:
    """The messages of a successful invocation to keep in the queue; None: all of them.

    Without ReportBatchItemFailures every message of a successful batch is deleted. With it,
    the response's `batchItemFailures` names the failures; an empty or missing list means
    success, and a malformed response or an identifier that is empty or not in the batch
    fails the whole batch, as Lambda treats it.
    """
    if not report_failures:
        return []
    try:
        response = json.loads(payload) if payload else None
    except ValueError:
        return None
    if response is None or not isinstance(response, dict):
        return [] if response is None else None
    failures = response.get("batchItemFailures")
    if failures is None:
        return []
    if not isinstance(failures, list):
        return None
    ids = []
    for failure in failures:
        identifier = failure.get("itemIdentifier") if isinstance(failure, dict) else None
        if not identifier or identifier not in message_ids:
            return None
        ids.append(identifier)
    return ids


@dataclass
class PollerPolicy:
    """How many batches one mapping runs at once, and how long a lane waits."""

    batch_size: int = 10
    maximum_concurrency: int | None = None
    failures_in_a_row: int = 0

    def lanes(self, visible: int) -> int:
        """Concurrent batches wanted with `visible` messages waiting."""
        wanted = max(1, math.ceil(visible / max(1, self.batch_size)))
        cap = MAX_BATCHES if self.maximum_concurrency is None else self.maximum_concurrency
        cap = max(1, cap >> self.failures_in_a_row) if self.failures_in_a_row else cap
        return max(1, min(wanted, cap, MAX_BATCHES))

    def after_batch(self, outcome: str) -> float:
        """Record a batch's outcome (ok | error | throttled); returns the lane's pause in s."""
        if outcome == "ok":
            self.failures_in_a_row = 0
            return 0.0
        if outcome == "throttled":
            return 1.0
        self.failures_in_a_row += 1
        return min(MAX_BACKOFF_SECONDS, 2.0 ** (self.failures_in_a_row - 1))


# -- AWS/SQS metrics --------------------------------------------------------------------------

SQS_NAMESPACE = "AWS/SQS"
#: Gauges SQS publishes each minute, read from the queue at that moment.
SQS_GAUGES = ("ApproximateNumberOfMessagesVisible", "ApproximateNumberOfMessagesNotVisible",
              "ApproximateNumberOfMessagesDelayed", "ApproximateAgeOfOldestMessage")
#: Counters SQS publishes each minute, over that minute.
SQS_COUNTERS = ("NumberOfMessagesSent", "NumberOfMessagesReceived", "NumberOfMessagesDeleted",
                "NumberOfEmptyReceives")


def queue_datum(name: str, value: float, queue_name: str, when: Any) -> dict[str, Any]:
    """One AWS/SQS data point (dimension QueueName), as put_metric_data takes it."""
    unit = "Seconds" if name == "ApproximateAgeOfOldestMessage" else "Count"
    return {"MetricName": name, "Value": float(value), "Unit": unit, "Timestamp": when,
            "Dimensions": [{"Name": "QueueName", "Value": queue_name}]}
