"""SQS queues consumed by Lambda in the demo world: the event source mapping's poller, its states
and maximum concurrency, partial batch failures, dead-letter queues and their redrive.

Everything runs in the scratch world (its own functions and queues); visibility timeouts are a
second or two so that retries and dead-lettering happen while the test waits.
"""

from __future__ import annotations

import json
import time

import pytest

from .helpers import package, role_arn, unique, wait_for

pytestmark = pytest.mark.demo

#: Records each record it gets in its log (JSON), fails the ones whose body says so.
CONSUMER = '''
import json


def handler(event, context):
    failures = []
    for record in event["Records"]:
        print(json.dumps({"seen": record["body"], "attributes": record["messageAttributes"],
                          "count": record["attributes"]["ApproximateReceiveCount"],
                          "source": record["eventSourceARN"]}))
        if record["body"].startswith("fail"):
            failures.append({"itemIdentifier": record["messageId"]})
        if record["body"] == "crash":
            raise RuntimeError("crash")
    return {"batchItemFailures": failures}
'''


@pytest.fixture(scope="module")
def world(scratch_endpoint):
    lam = scratch_endpoint.client("lambda", read_timeout=30)
    sqs = scratch_endpoint.client("sqs")
    logs = scratch_endpoint.client("logs")
    name = unique("consumer")
    lam.create_function(FunctionName=name, Runtime="python3.12", Role=role_arn(scratch_endpoint.client("iam")),
                        Handler="app.handler", Code={"ZipFile": package(CONSUMER)}, Timeout=5)
    version = lam.publish_version(FunctionName=name)["Version"]
    lam.create_alias(FunctionName=name, Name="live", FunctionVersion=version)
    return lam, sqs, logs, name


def _queues(sqs, visibility: int = 1, receives: int = 2):
    dlq_url = sqs.create_queue(QueueName=unique("dlq"))["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    url = sqs.create_queue(QueueName=unique("orders"), Attributes={
        "VisibilityTimeout": str(visibility),
        "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": receives})})["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return url, arn, dlq_url, dlq_arn


def _depth(sqs, url: str) -> tuple[int, int]:
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    return int(attributes["ApproximateNumberOfMessages"]), int(attributes["ApproximateNumberOfMessagesNotVisible"])


def _seen(logs, name: str) -> list[dict]:
    from .helpers import log_events

    return [json.loads(e["message"]) for e in log_events(logs, f"/aws/lambda/{name}") if e["message"].startswith("{\"seen\"")]


def _state(lam, uuid: str) -> str:
    return lam.get_event_source_mapping(UUID=uuid)["State"]


def test_a_mapping_on_an_alias_keeps_the_alias_and_is_listed_by_the_function_name(world):
    lam, sqs, _, name = world
    _, arn, _, _ = _queues(sqs)
    mapping = lam.create_event_source_mapping(EventSourceArn=arn, FunctionName=f"{name}:live", BatchSize=5,
                                              ScalingConfig={"MaximumConcurrency": 7})
    assert mapping["FunctionArn"].endswith(f":function:{name}:live")
    assert mapping["State"] == "Creating"
    assert mapping["ScalingConfig"] == {"MaximumConcurrency": 7}
    listed = lam.list_event_source_mappings(FunctionName=name)["EventSourceMappings"]
    assert mapping["UUID"] in [m["UUID"] for m in listed]
    assert lam.list_event_source_mappings(FunctionName=f"{name}:other")["EventSourceMappings"] == []
    assert wait_for(lambda: _state(lam, mapping["UUID"]) == "Enabled", 10)
    lam.delete_event_source_mapping(UUID=mapping["UUID"])


@pytest.mark.parametrize("value", [1001, 0])
def test_maximum_concurrency_is_refused_outside_2_to_1000(world, value):
    lam, sqs, _, name = world
    _, arn, _, _ = _queues(sqs)
    from botocore.exceptions import ClientError, ParamValidationError

    with pytest.raises((ClientError, ParamValidationError)) as raised:
        lam.create_event_source_mapping(EventSourceArn=arn, FunctionName=name,
                                        ScalingConfig={"MaximumConcurrency": value})
    if isinstance(raised.value, ClientError):
        assert raised.value.response["Error"]["Code"] == "ValidationException"


def test_maximum_concurrency_round_trips_and_an_empty_scaling_config_removes_it(world):
    lam, sqs, _, name = world
    _, arn, _, _ = _queues(sqs)
    uuid = lam.create_event_source_mapping(EventSourceArn=arn, FunctionName=name, Enabled=False)["UUID"]
    assert "ScalingConfig" not in lam.get_event_source_mapping(UUID=uuid)
    lam.update_event_source_mapping(UUID=uuid, ScalingConfig={"MaximumConcurrency": 2})
    assert lam.get_event_source_mapping(UUID=uuid)["ScalingConfig"] == {"MaximumConcurrency": 2}
    lam.update_event_source_mapping(UUID=uuid, ScalingConfig={"MaximumConcurrency": 1000})
    assert lam.get_event_source_mapping(UUID=uuid)["ScalingConfig"] == {"MaximumConcurrency": 1000}
    lam.update_event_source_mapping(UUID=uuid, ScalingConfig={})
    assert "ScalingConfig" not in lam.get_event_source_mapping(UUID=uuid)
    lam.delete_event_source_mapping(UUID=uuid)


def test_the_poller_passes_message_attributes_and_keeps_the_failures_it_is_told(world):
    lam, sqs, logs, name = world
    url, arn, dlq_url, _ = _queues(sqs, visibility=1, receives=2)
    uuid = lam.create_event_source_mapping(EventSourceArn=arn, FunctionName=f"{name}:live", BatchSize=10,
                                           FunctionResponseTypes=["ReportBatchItemFailures"])["UUID"]
    sqs.send_message(QueueUrl=url, MessageBody="good-1",
                     MessageAttributes={"correlationId": {"DataType": "String", "StringValue": "req-9"}})
    sqs.send_message(QueueUrl=url, MessageBody="fail-1")
    # The good message is deleted; the failure is received twice, then dead-lettered.
    assert wait_for(lambda: _depth(sqs, dlq_url)[0] == 1, 30)
    assert _depth(sqs, url) == (0, 0)
    seen = _seen(logs, name)
    good = [s for s in seen if s["seen"] == "good-1"]
    assert len(good) == 1 and good[0]["attributes"]["correlationId"]["stringValue"] == "req-9"
    assert good[0]["source"] == arn
    assert sorted(s["count"] for s in seen if s["seen"] == "fail-1") == ["1", "2"]
    mapping = lam.get_event_source_mapping(UUID=uuid)
    assert mapping["LastProcessingResult"] == "OK"
    lam.delete_event_source_mapping(UUID=uuid)


def test_a_function_error_fails_the_whole_batch_into_the_dead_letter_queue(world):
    lam, sqs, _, name = world
    url, arn, dlq_url, _ = _queues(sqs, visibility=1, receives=1)
    sqs.send_message(QueueUrl=url, MessageBody="crash")
    sqs.send_message(QueueUrl=url, MessageBody="innocent")
    uuid = lam.create_event_source_mapping(EventSourceArn=arn, FunctionName=name, BatchSize=10,
                                           FunctionResponseTypes=["ReportBatchItemFailures"])["UUID"]
    assert wait_for(lambda: _depth(sqs, dlq_url)[0] == 2, 40)
    assert lam.get_event_source_mapping(UUID=uuid)["LastProcessingResult"].startswith("PROBLEM")
    lam.delete_event_source_mapping(UUID=uuid)


def test_disabling_the_mapping_stops_draining_and_enabling_drains(world):
    lam, sqs, logs, name = world
    url, arn, _, _ = _queues(sqs, visibility=5, receives=3)
    uuid = lam.create_event_source_mapping(EventSourceArn=arn, FunctionName=name)["UUID"]
    sqs.send_message(QueueUrl=url, MessageBody="first")
    assert wait_for(lambda: _depth(sqs, url) == (0, 0), 20)
    lam.update_event_source_mapping(UUID=uuid, Enabled=False)
    assert _state(lam, uuid) == "Disabling"
    assert wait_for(lambda: _state(lam, uuid) == "Disabled", 10)
    sqs.send_message(QueueUrl=url, MessageBody="kept")
    time.sleep(3)  # several poller ticks: the message must still be there, untouched
    assert _depth(sqs, url) == (1, 0)
    assert "kept" not in [s["seen"] for s in _seen(logs, name)]
    lam.update_event_source_mapping(UUID=uuid, Enabled=True)
    assert _state(lam, uuid) == "Enabling"
    assert wait_for(lambda: _depth(sqs, url) == (0, 0), 20)
    assert wait_for(lambda: "kept" in [s["seen"] for s in _seen(logs, name)], 10)
    assert wait_for(lambda: _state(lam, uuid) == "Enabled", 10)
    lam.delete_event_source_mapping(UUID=uuid)


def test_a_throttled_function_is_not_invoked_and_counts_throttles(world, scratch_endpoint):
    lam, sqs, logs, name = world
    url, arn, _, _ = _queues(sqs, visibility=30, receives=5)
    throttled = unique("throttled")
    lam.create_function(FunctionName=throttled, Runtime="python3.12", Role=role_arn(scratch_endpoint.client("iam")),
                        Handler="app.handler", Code={"ZipFile": package(CONSUMER)}, Timeout=5)
    lam.put_function_concurrency(FunctionName=throttled, ReservedConcurrentExecutions=0)
    uuid = lam.create_event_source_mapping(EventSourceArn=arn, FunctionName=throttled)["UUID"]
    sqs.send_message(QueueUrl=url, MessageBody="waits")
    assert wait_for(lambda: _depth(sqs, url) == (0, 1), 20)  # received, and back after the timeout
    assert wait_for(lambda: "throttling" in lam.get_event_source_mapping(UUID=uuid)["LastProcessingResult"], 10)
    assert _seen(logs, throttled) == []
    lam.delete_event_source_mapping(UUID=uuid)


def test_redrive_moves_the_dead_letters_back_to_their_source_queue(world):
    lam, sqs, _, name = world
    url, arn, dlq_url, dlq_arn = _queues(sqs, visibility=1, receives=1)
    for body in ("fail-a", "fail-b", "fail-c"):
        sqs.send_message(QueueUrl=url, MessageBody=body)
    uuid = lam.create_event_source_mapping(EventSourceArn=arn, FunctionName=name,
                                           FunctionResponseTypes=["ReportBatchItemFailures"])["UUID"]
    assert wait_for(lambda: _depth(sqs, dlq_url)[0] == 3, 30)
    lam.update_event_source_mapping(UUID=uuid, Enabled=False)  # so the redriven messages stay put
    assert wait_for(lambda: _state(lam, uuid) == "Disabled", 10)

    handle = sqs.start_message_move_task(SourceArn=dlq_arn, MaxNumberOfMessagesPerSecond=50)["TaskHandle"]
    with pytest.raises(sqs.exceptions.ClientError) as second:
        sqs.start_message_move_task(SourceArn=dlq_arn)
    assert second.value.response["Error"]["Code"] in ("UnsupportedOperation", "AWS.SimpleQueueService.UnsupportedOperation")
    assert wait_for(lambda: sqs.list_message_move_tasks(SourceArn=dlq_arn)["Results"][0]["Status"] == "COMPLETED", 20)
    task = sqs.list_message_move_tasks(SourceArn=dlq_arn)["Results"][0]
    assert task["ApproximateNumberOfMessagesMoved"] == 3 and task["ApproximateNumberOfMessagesToMove"] == 3
    assert task["MaxNumberOfMessagesPerSecond"] == 50 and "TaskHandle" not in task and handle
    assert _depth(sqs, dlq_url) == (0, 0)
    moved = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["All"])["Messages"]
    assert sorted(m["Body"] for m in moved) == ["fail-a", "fail-b", "fail-c"]
    assert {m["Attributes"]["ApproximateReceiveCount"] for m in moved} == {"1"}  # new messages
    lam.delete_event_source_mapping(UUID=uuid)


def test_redrive_is_refused_for_a_queue_that_is_no_dead_letter_queue_and_can_be_cancelled(world):
    _, sqs, _, _ = world
    url, arn, dlq_url, dlq_arn = _queues(sqs)
    with pytest.raises(sqs.exceptions.ClientError) as refused:
        sqs.start_message_move_task(SourceArn=arn)
    assert "Dead Letter Queue" in refused.value.response["Error"]["Message"]
    for index in range(20):
        sqs.send_message(QueueUrl=dlq_url, MessageBody=f"m{index}")
    handle = sqs.start_message_move_task(SourceArn=dlq_arn, DestinationArn=arn,
                                         MaxNumberOfMessagesPerSecond=1)["TaskHandle"]
    moved = sqs.cancel_message_move_task(TaskHandle=handle)["ApproximateNumberOfMessagesMoved"]
    assert moved < 20
    assert wait_for(lambda: sqs.list_message_move_tasks(SourceArn=dlq_arn)["Results"][0]["Status"] == "CANCELLED", 10)
    assert _depth(sqs, dlq_url)[0] + _depth(sqs, url)[0] == 20
