"""SQS redrive in the demo world: StartMessageMoveTask, ListMessageMoveTasks, CancelMessageMoveTask.

moto 5.2 has none of them. As SQS does it:
- the source must be a dead-letter queue (some queue's RedrivePolicy names it); the
  destination is the given queue, or else each message goes back to the queue it was
  dead-lettered from;
- one active task per source queue; a task moves the messages that were in the queue when it
  started (ApproximateNumberOfMessagesToMove), at MaxNumberOfMessagesPerSecond (1 to 500) or
  as fast as it can, in a thread of its own; a moved message is a new message in the
  destination (new id, receive count 0) with the same body and attributes;
- a task is RUNNING, then COMPLETED; a cancelled one passes through CANCELLING to CANCELLED; a
  task whose destination disappears is FAILED with a reason; ListMessageMoveTasks answers the
  most recent tasks first (MaxResults 1 to 10, default 1), with a TaskHandle while running.
The API methods are added to moto's SQS response class, so moto's JSON (and query) protocol
handling, request parsing and error serialisation apply unchanged.
"""

from __future__ import annotations

import base64
import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from stackview.demo.server.queues.sqs import dead_letter_source

MAX_RATE = 500
#: Messages moved per second when no rate is given (SQS "optimises" it; fast, not instant).
DEFAULT_RATE = 100
KEPT_TASKS = 10
_lock = threading.Lock()
#: source queue ARN -> its tasks, oldest first
_tasks: dict[str, list[Task]] = {}


@dataclass
class Task:
    task_id: str
    source_arn: str
    destination_arn: str | None
    rate: int | None
    started_ms: int
    to_move: int
    moved: int = 0
    status: str = "RUNNING"
    failure: str | None = None
    cancel: threading.Event = field(default_factory=threading.Event)

    @property
    def handle(self) -> str:
        raw = json.dumps({"taskId": self.task_id, "sourceArn": self.source_arn}, separators=(",", ":"))
        return base64.b64encode(raw.encode()).decode()

    def entry(self) -> dict[str, Any]:
        out: dict[str, Any] = {"Status": self.status, "SourceArn": self.source_arn,
                               "ApproximateNumberOfMessagesMoved": self.moved,
                               "ApproximateNumberOfMessagesToMove": self.to_move,
                               "StartedTimestamp": self.started_ms}
        if self.status == "RUNNING":
            out["TaskHandle"] = self.handle
        if self.destination_arn:
            out["DestinationArn"] = self.destination_arn
        if self.rate is not None:
            out["MaxNumberOfMessagesPerSecond"] = self.rate
        if self.failure:
            out["FailureReason"] = self.failure
        return out


def _error(code: str, message: str) -> Exception:
    from moto.sqs.exceptions import SQSException

    return SQSException(code, message)


def _queue(arn: str | None, role: str) -> tuple[Any, Any]:
    """(backend, queue) for a queue ARN; ResourceNotFoundException when there is none."""
    from moto.sqs.models import sqs_backends

    parts = (arn or "").split(":")
    if len(parts) != 6 or parts[2] != "sqs":
        raise _error("InvalidParameterValue", f"Value {arn} for parameter {role} is invalid.")
    backend = sqs_backends[parts[4]][parts[3]]
    queue = backend.queues.get(parts[5])
    if queue is None:
        raise _error("ResourceNotFoundException", "The resource that you specified for the "
                     f"{role} parameter doesn't exist.")
    return backend, queue


def start(source_arn: str, destination_arn: str | None, rate: int | None) -> Task:
    backend, source = _queue(source_arn, "SourceArn")
    sources = [q for q in backend.queues.values() if q.dead_letter_queue is source]
    if not sources:
        raise _error("InvalidParameterValue", "Source queue must be configured as a Dead Letter Queue.")
    if destination_arn:
        _queue(destination_arn, "DestinationArn")
    if rate is not None and not 1 <= int(rate) <= MAX_RATE:
        raise _error("InvalidParameterValue", f"Value {rate} for parameter "
                     f"MaxNumberOfMessagesPerSecond is invalid. Reason: must be between 1 and {MAX_RATE}.")
    with _lock:
        tasks = _tasks.setdefault(source_arn, [])
        if any(t.status in ("RUNNING", "CANCELLING") for t in tasks):
            raise _error("UnsupportedOperation", "There is already a task running. Only one active "
                         "task is allowed for each source queue arn at a given time.")
        task = Task(str(uuid.uuid4()), source_arn, destination_arn, int(rate) if rate else None,
                    int(time.time() * 1000), len(source._messages))
        tasks.append(task)
        del tasks[:-KEPT_TASKS]
    threading.Thread(target=_run, args=(task,), daemon=True, name=f"sqs-move-{task.task_id[:8]}").start()
    return task


def _run(task: Task) -> None:
    try:
        _move(task)
    except Exception as error:  # noqa: BLE001 - the task fails, the server goes on
        task.status, task.failure = "FAILED", f"{type(error).__name__}: {error}"


def _move(task: Task) -> None:
    from moto.sqs.models import Message

    backend, source = _queue(task.source_arn, "SourceArn")
    interval = 1.0 / (task.rate or DEFAULT_RATE)
    while task.moved < task.to_move:
        if task.cancel.is_set():
            task.status = "CANCELLED"
            return
        with source._messages_lock:
            message = next((m for m in source._messages if m not in source.pending_messages), None)
            if message is None:
                break
            destination_arn = task.destination_arn or dead_letter_source(message)
            if destination_arn is None:
                task.status = "FAILED"
                task.failure = "The message's original source queue is unknown: give a DestinationArn."
                return
            try:
                _, destination = _queue(destination_arn, "DestinationArn")
            except Exception:  # noqa: BLE001
                task.status = "FAILED"
                task.failure = f"AWS.SimpleQueueService.NonExistentQueue: {destination_arn}"
                return
            source._messages.remove(message)
        moved = Message(str(uuid.uuid4()), message.body, dict(message.system_attributes or {}))
        moved.message_attributes = message.message_attributes
        moved.mark_sent()
        destination.add_message(moved)
        task.moved += 1
        if task.cancel.wait(interval):
            task.status = "CANCELLED"
            return
    task.status = "COMPLETED"


def record_past(source_arn: str, started_ms: int, moved: int) -> None:
    """A task that ran and completed before the world started (the seed's history)."""
    task = Task(str(uuid.uuid4()), source_arn, None, None, started_ms, moved, moved, "COMPLETED")
    with _lock:
        _tasks.setdefault(source_arn, []).insert(0, task)


def cancel(handle: str) -> Task:
    try:
        decoded = json.loads(base64.b64decode(handle.encode()))
        task_id, source_arn = decoded["taskId"], decoded["sourceArn"]
    except (ValueError, KeyError, TypeError):
        raise _error("ResourceNotFoundException", "The specified task handle is invalid.") from None
    with _lock:
        task = next((t for t in _tasks.get(source_arn, []) if t.task_id == task_id), None)
        if task is None or task.status != "RUNNING":
            raise _error("ResourceNotFoundException", "The specified task is not running.")
        task.status = "CANCELLING"
        task.cancel.set()
    return task


def listed(source_arn: str, max_results: int | None) -> list[dict[str, Any]]:
    _queue(source_arn, "SourceArn")
    limit = int(max_results or 1)
    if not 1 <= limit <= KEPT_TASKS:
        raise _error("InvalidParameterValue", f"Value {limit} for parameter MaxResults is invalid. "
                     f"Reason: must be between 1 and {KEPT_TASKS}.")
    with _lock:
        tasks = list(reversed(_tasks.get(source_arn, [])))[:limit]
    return [t.entry() for t in tasks]


def install() -> None:
    """Add the three actions to moto's SQS responses (idempotent)."""
    from moto.core.responses import ActionResult
    from moto.sqs.responses import SQSResponse

    if getattr(SQSResponse, "_stackview_moves", False):
        return

    def start_message_move_task(self: Any) -> Any:
        rate = self._get_param("MaxNumberOfMessagesPerSecond")
        task = start(self._get_param("SourceArn"), self._get_param("DestinationArn"),
                     int(rate) if rate is not None else None)
        return ActionResult({"TaskHandle": task.handle})

    def list_message_move_tasks(self: Any) -> Any:
        results = listed(self._get_param("SourceArn"), self._get_param("MaxResults"))
        return ActionResult({"Results": results})

    def cancel_message_move_task(self: Any) -> Any:
        task = cancel(self._get_param("TaskHandle"))
        return ActionResult({"ApproximateNumberOfMessagesMoved": task.moved})

    SQSResponse.start_message_move_task = start_message_move_task  # type: ignore[attr-defined]
    SQSResponse.list_message_move_tasks = list_message_move_tasks  # type: ignore[attr-defined]
    SQSResponse.cancel_message_move_task = cancel_message_move_task  # type: ignore[attr-defined]
    SQSResponse._stackview_moves = True  # type: ignore[attr-defined]
