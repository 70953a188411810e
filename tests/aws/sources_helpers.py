"""Helpers for the queue lever tests: a function fed by an SQS queue with a dead-letter queue."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass

from stackview.aws.session import AwsSession
from tests.aws.functions_helpers import make_function, unique


@dataclass(frozen=True)
class Wired:
    function: str
    uuid: str
    queue_url: str
    queue_arn: str
    dlq_url: str
    dlq_arn: str


def _arn(sqs, url: str) -> str:
    return sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]


def wire_queue(session: AwsSession, **mapping) -> Wired:
    """A new function consuming a new queue (maxReceiveCount 3 into a new DLQ)."""
    sqs = session.client("sqs")
    name = unique("q")
    dlq_url = sqs.create_queue(QueueName=f"{name}-dlq")["QueueUrl"]
    dlq_arn = _arn(sqs, dlq_url)
    queue_url = sqs.create_queue(QueueName=name, Attributes={
        "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 3})})["QueueUrl"]
    queue_arn = _arn(sqs, queue_url)
    function = make_function(session)
    lam = session.client("lambda")
    uuid = lam.create_event_source_mapping(
        EventSourceArn=queue_arn, FunctionName=function, BatchSize=10, **mapping)["UUID"]
    # A new mapping is Creating for a moment (on AWS and in the demo world), then Enabled.
    deadline = time.monotonic() + 20
    while lam.get_event_source_mapping(UUID=uuid)["State"] != "Enabled" and time.monotonic() < deadline:
        time.sleep(0.2)
    return Wired(function, uuid, queue_url, queue_arn, dlq_url, dlq_arn)


def visible(session: AwsSession, url: str) -> int:
    attributes = session.client("sqs").get_queue_attributes(
        QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])["Attributes"]
    return int(attributes["ApproximateNumberOfMessages"])


def wait_visible(session: AwsSession, url: str, count: int, timeout: float = 20.0) -> int:
    """Poll until the queue shows `count` visible messages (returns the last count seen)."""
    deadline = time.monotonic() + timeout
    seen = visible(session, url)
    while seen != count and time.monotonic() < deadline:
        time.sleep(0.2)
        seen = visible(session, url)
    return seen


def stays_visible(session: AwsSession, url: str, count: int, seconds: float = 2.0) -> bool:
    """True when the queue keeps `count` visible messages for `seconds` (nobody drains it)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if visible(session, url) != count:
            return False
        time.sleep(0.2)
    return True
