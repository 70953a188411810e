"""The incident goes on live until someone acts, and reacts to the levers an on-call would pull.

A seeded world of its own (live: no fixed `now`), without traffic: what moves is the seeded
backlog, consumed by Lambda's poller into the failing build. Each test puts back what it changed.
Waits are on conditions: after a failed batch the poller may back off for up to a minute.
"""

from __future__ import annotations

import json
import time
from datetime import datetime, timedelta, timezone

import pytest

from stackview.demo.process import DemoServer
from stackview.demo.seed import catalog

from .helpers import log_events, wait_for
from .test_incident import World

pytestmark = pytest.mark.demo

WORKER_LOG = f"/aws/lambda/{catalog.ORDERS_WORKER}"
#: Longest poller backoff (60 s) plus an invocation and the evaluator's period, with room.
PATIENCE = 150


@pytest.fixture(scope="module")
def live():
    with DemoServer(traffic=False) as server:
        yield World(server.endpoint)


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def _starts_since(world: World, since_ms: int) -> int:
    return sum(1 for e in log_events(world.logs, WORKER_LOG, "platform.start") if e["timestamp"] >= since_ms)


def _sum_since(world: World, metric: str, since: datetime) -> float:
    end = datetime.now(timezone.utc) + timedelta(minutes=1)
    return world.sums(metric, [catalog.ORDERS_WORKER], end, end - since.replace(second=0, microsecond=0))[
        catalog.ORDERS_WORKER]


def test_the_worker_keeps_failing_live_and_its_alarm_stays_in_alarm(live):
    started = datetime.now(timezone.utc)
    dead_before, _ = live.depth(catalog.ORDERS_DEAD_LETTER_QUEUE)

    def failed_again() -> bool:
        return any(e["timestamp"] >= _ms(started) for e in log_events(live.logs, WORKER_LOG, "TypeError"))

    assert wait_for(failed_again, PATIENCE, 1.0)
    assert wait_for(lambda: _sum_since(live, "Errors", started) >= 1, 30, 1.0)
    assert live.alarms()[f"{catalog.ORDERS_STACK}-worker-errors"]["StateValue"] == "ALARM"
    # The batches that fail for the third time go to the dead-letter queue at their next receive.
    assert wait_for(lambda: live.depth(catalog.ORDERS_DEAD_LETTER_QUEUE)[0] > dead_before, PATIENCE, 1.0)


def test_throttling_the_worker_stops_its_invocations(live):
    lam = live.lam
    reserved = lam.get_function_concurrency(FunctionName=catalog.ORDERS_WORKER)["ReservedConcurrentExecutions"]
    lam.put_function_concurrency(FunctionName=catalog.ORDERS_WORKER, ReservedConcurrentExecutions=0)
    try:
        since = datetime.now(timezone.utc)
        assert wait_for(lambda: _sum_since(live, "Throttles", since) >= 1, PATIENCE, 1.0)
        quiet_from = _ms(datetime.now(timezone.utc)) + 500
        time.sleep(4)  # the poller tries every second: each try is a throttle, not an invocation
        assert _starts_since(live, quiet_from) == 0
        assert _sum_since(live, "Throttles", since) >= 2
    finally:
        lam.put_function_concurrency(FunctionName=catalog.ORDERS_WORKER, ReservedConcurrentExecutions=reserved)


def test_disabling_the_mapping_stops_draining_and_enabling_resumes(live):
    lam, sqs = live.lam, live.sqs
    uuid = lam.list_event_source_mappings(FunctionName=catalog.ORDERS_WORKER)["EventSourceMappings"][0]["UUID"]
    url = live.queue_url(catalog.ORDERS_QUEUE)
    lam.update_event_source_mapping(UUID=uuid, Enabled=False)
    try:
        assert lam.get_event_source_mapping(UUID=uuid)["State"] in ("Disabling", "Disabled")
        assert wait_for(lambda: lam.get_event_source_mapping(UUID=uuid)["State"] == "Disabled", 10)
        time.sleep(1)  # a batch that started before the switch may still be running
        quiet_from = _ms(datetime.now(timezone.utc))
        before = sum(live.depth(catalog.ORDERS_QUEUE))
        order = {"orderId": "o-keptwhiledisabled", "customerId": "c-1001", "total": "9.90", "items": 1}
        sqs.send_message(QueueUrl=url, MessageBody=json.dumps(order))
        time.sleep(4)
        assert sum(live.depth(catalog.ORDERS_QUEUE)) == before + 1  # nothing taken, the message stays
        assert _starts_since(live, quiet_from) == 0
    finally:
        lam.update_event_source_mapping(UUID=uuid, Enabled=True)
    resumed = _ms(datetime.now(timezone.utc))
    assert wait_for(lambda: _starts_since(live, resumed) >= 1, PATIENCE, 1.0)
    assert lam.get_event_source_mapping(UUID=uuid)["State"] == "Enabled"


def test_redrive_moves_the_dead_letters_back_to_the_orders_queue(live):
    sqs = live.sqs
    dlq_arn = sqs.get_queue_attributes(QueueUrl=live.queue_url(catalog.ORDERS_DEAD_LETTER_QUEUE),
                                       AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    dead, _ = live.depth(catalog.ORDERS_DEAD_LETTER_QUEUE)
    assert dead >= 30
    sqs.start_message_move_task(SourceArn=dlq_arn)

    def finished() -> dict | None:
        task = sqs.list_message_move_tasks(SourceArn=dlq_arn)["Results"][0]
        return task if task["Status"] == "COMPLETED" else None

    task = wait_for(finished, 60, 0.5)
    assert task and task["ApproximateNumberOfMessagesMoved"] == task["ApproximateNumberOfMessagesToMove"] >= dead
    assert "DestinationArn" not in task  # back to the queue each message came from
    history = sqs.list_message_move_tasks(SourceArn=dlq_arn, MaxResults=10)["Results"]
    assert len(history) >= 2 and history[-1]["StartedTimestamp"] < task["StartedTimestamp"]  # the seed's
    # Moved messages are new messages of the orders queue; more may die meanwhile (the build fails).
    assert live.depth(catalog.ORDERS_DEAD_LETTER_QUEUE)[0] < dead
