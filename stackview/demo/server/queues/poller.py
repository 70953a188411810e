"""Lambda's SQS poller in the demo world: what consumes a queue that has an event source mapping.

Every TICK_SECONDS it looks at every enabled SQS mapping of every account and Region: while
messages are visible and the policy (`runtime.sqs_events.PollerPolicy`: more batches while
full batches wait, capped by ScalingConfig.MaximumConcurrency, backing off after failures)
allows another batch, it receives up to BatchSize messages with the queue's visibility timeout
and invokes the mapping's function (its alias or version as mapped) synchronously, in a thread
of its own, with the event Lambda builds (message attributes, receive counts, timestamps). Then:
- success: the batch is deleted, except the messages `batchItemFailures` names when the
  mapping has ReportBatchItemFailures (they stay, come back after the visibility timeout, and
  reach the dead-letter queue after maxReceiveCount receives; a malformed answer fails the
  whole batch);
- a function error or timeout: nothing is deleted, the poller backs off;
- throttled (reserved concurrency): nothing runs, Throttles is counted, the messages come
  back after the visibility timeout.
A disabled mapping takes no new batch (the queue keeps its messages); enabling it resumes.
"""

from __future__ import annotations

import json
import logging
import random
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from stackview.demo.runtime import metrics
from stackview.demo.runtime.runner import Runner, Throttled
from stackview.demo.runtime.sqs_events import PollerPolicy, failed_ids, record
from stackview.demo.runtime.targets import resolve
from stackview.demo.server.queues import mappings

TICK_SECONDS = 0.25
log = logging.getLogger(__name__)


@dataclass
class _Lanes:
    """One mapping's running batches and its policy."""

    policy: PollerPolicy
    running: int = 0
    ready_at: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)


def _queue_of(arn: str) -> tuple[Any, Any] | None:
    from moto.sqs.models import sqs_backends

    parts = arn.split(":")
    if len(parts) < 6 or parts[2] != "sqs":
        return None
    backend = sqs_backends[parts[4]][parts[3]]
    return backend.queues.get(parts[5]), backend


class SqsPoller:
    """Polls every SQS event source mapping until `stop` is set."""

    def __init__(self, runner: Runner, stop: threading.Event, *, tick: float = TICK_SECONDS) -> None:
        self.runner = runner
        self.stop = stop
        self.tick = tick
        self.rng = random.Random()
        self._lanes: dict[str, _Lanes] = {}

    def start(self) -> threading.Thread:
        thread = threading.Thread(target=self.run, daemon=True, name="sqs-poller")
        thread.start()
        return thread

    def run(self) -> None:
        while not self.stop.wait(self.tick):
            try:
                self.poll_once()
            except Exception:  # noqa: BLE001 - the poller must outlive any odd mapping
                log.exception("SQS poller")

    def mappings(self) -> list[Any]:
        from moto.awslambda.models import lambda_backends

        found = []
        for _, _, backend in list(lambda_backends.iter_backends()):
            found += [esm for esm in list(backend._event_source_mappings.values())
                      if esm.event_source_arn.split(":")[2] == "sqs"]
        return found

    def poll_once(self) -> None:
        now = time.monotonic()
        for esm in self.mappings():
            if not mappings.polling(esm):
                continue
            lanes = self._lanes.get(esm.uuid)
            if lanes is None:  # a seeded mapping starts where the history's poller stopped
                lanes = self._lanes[esm.uuid] = _Lanes(
                    PollerPolicy(failures_in_a_row=getattr(esm, "_stackview_failures", 0)),
                    ready_at=now + getattr(esm, "_stackview_ready_in_ms", 0) / 1000)
            found = _queue_of(esm.event_source_arn)
            if not found or found[0] is None:
                mappings.set_result(esm, "PROBLEM: Cannot access the event source queue.")
                continue
            queue, backend = found
            with lanes.lock:
                lanes.policy.batch_size = int(esm.batch_size or 10)
                lanes.policy.maximum_concurrency = mappings.maximum_concurrency(esm)
                if now < lanes.ready_at:
                    continue
                visible = queue.approximate_number_of_messages
                if not visible or lanes.running >= lanes.policy.lanes(visible):
                    continue
                lanes.running += 1
            threading.Thread(target=self._batch, args=(esm, queue, backend, lanes), daemon=True,
                             name=f"sqs-batch-{esm.uuid[:8]}").start()

    def _batch(self, esm: Any, queue: Any, backend: Any, lanes: _Lanes) -> None:
        outcome = "ok"
        try:
            outcome = self._run_batch(esm, queue, backend)
        except Exception:  # noqa: BLE001 - reported on the mapping, the poller goes on
            log.exception("SQS batch for mapping %s", esm.uuid)
            mappings.set_result(esm, "PROBLEM: Function call failed")
            outcome = "error"
        finally:
            with lanes.lock:
                lanes.running -= 1
                pause = lanes.policy.after_batch(outcome) if outcome != "empty" else 0.0
                lanes.ready_at = max(lanes.ready_at, time.monotonic() + pause)

    def _run_batch(self, esm: Any, queue: Any, backend: Any) -> str:
        timeout = int(queue.visibility_timeout or 30)
        messages = backend.receive_message(queue.name, int(esm.batch_size or 10), 0, timeout, ["All"])
        if not messages:
            return "empty"
        parts = esm.function_arn.split(":")
        target = resolve(parts[4], parts[3], esm.function_arn, None, self.rng)
        event = {"Records": [_record(m, queue) for m in messages]}
        try:
            result = self.runner.invoke(target, json.dumps(event))
        except Throttled:
            metrics.record_throttle(target.account, target.region, target.name, target.resource,
                                    target.executed_version)
            mappings.set_result(esm, "PROBLEM: Function call failed due to throttling.")
            return "throttled"
        if result.function_error:
            mappings.set_result(esm, "PROBLEM: Function call failed")
            return "error"
        keep = failed_ids(result.payload, [m.id for m in messages],
                          "ReportBatchItemFailures" in (esm.function_response_types or []))
        if keep is None:
            mappings.set_result(esm, "PROBLEM: Function call failed (invalid batchItemFailures)")
            return "error"
        for message in messages:
            if message.id not in keep:
                try:
                    backend.delete_message(queue.name, message.receipt_handle)
                except Exception:  # noqa: BLE001 - deleted meanwhile (a purge, a redrive)
                    pass
        mappings.set_result(esm, "OK")
        return "ok"


def _record(message: Any, queue: Any) -> dict[str, Any]:
    attributes = getattr(message, "message_attributes", None) or {}
    return record(
        message_id=message.id, receipt_handle=message.receipt_handle, body=message.body,
        queue_arn=queue.queue_arn, region=queue.region, sent_ms=int(message.sent_timestamp or 0),
        first_receive_ms=int(message.approximate_first_receive_timestamp or 0),
        receive_count=int(message.approximate_receive_count), sender_id=message.sender_id,
        message_attributes=attributes, attributes_md5=message.attribute_md5 if attributes else None,
        group_id=getattr(message, "group_id", None) if queue.fifo_queue else None,
        deduplication_id=getattr(message, "deduplication_id", None) if queue.fifo_queue else None)
