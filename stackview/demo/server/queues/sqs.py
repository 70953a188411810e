"""SQS in the demo world: moto's queues without its inline Lambda path, and what the metrics need.

- SendMessage no longer runs the queue's Lambda consumers inside the sender's request (moto
  invokes the function from `Queue.add_message`, one message per invoke, and deletes or returns
  the batch itself); Lambda's poller (`queues.poller`) consumes the queue instead.
- A message moved to a dead-letter queue remembers the queue it came from
  (`dead_letter_source`, SQS's DeadLetterQueueSourceArn), which a redrive to the original
  source queues needs.
- Each queue counts what CloudWatch's AWS/SQS counters report (messages sent, received and
  deleted, empty receives), read and reset once a minute by `queues.metrics`.
"""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

_local = threading.local()
_counts_lock = threading.Lock()


def counts(queue: Any) -> Counter[str]:
    with _counts_lock:
        found = getattr(queue, "_stackview_counts", None)
        if found is None:
            found = queue._stackview_counts = Counter()
        return found


def count(queue: Any, metric: str, amount: float = 1) -> None:
    with _counts_lock:
        found = getattr(queue, "_stackview_counts", None)
        if found is None:
            found = queue._stackview_counts = Counter()
        found[metric] += amount


def take_counts(queue: Any) -> Counter[str]:
    """The counters since the last call (and reset them)."""
    with _counts_lock:
        found = getattr(queue, "_stackview_counts", None) or Counter()
        queue._stackview_counts = Counter()
        return found


def dead_letter_source(message: Any) -> str | None:
    return getattr(message, "_stackview_dead_letter_source", None)


def install() -> None:
    """Patch moto's SQS (idempotent)."""
    from moto.sqs.models import DEDUPLICATION_TIME_IN_SECONDS, Queue, SQSBackend

    if getattr(Queue, "_stackview_patched", False):
        return
    original_receive = SQSBackend.receive_message
    original_send = SQSBackend.send_message
    original_delete = SQSBackend.delete_message

    def add_message(self: Any, message: Any) -> None:
        if self.fifo_queue and (self.attributes.get("ContentBasedDeduplication") == "true"
                                or message.deduplication_id):
            for existing in self._messages:
                if existing.deduplication_id == message.deduplication_id:
                    diff = message.sent_timestamp - existing.sent_timestamp
                    if diff / 1000 < DEDUPLICATION_TIME_IN_SECONDS:
                        return
        source = getattr(_local, "receiving", None)
        if source is not None and source.dead_letter_queue is self:
            message._stackview_dead_letter_source = source.queue_arn
        with self._messages_lock:
            self._messages.append(message)
            self._messages_lock.notify_all()

    def receive_message(self: Any, queue_name: str, count_: int, *args: Any, **kwargs: Any) -> list[Any]:
        queue = self.get_queue(queue_name)
        previous = getattr(_local, "receiving", None)
        _local.receiving = queue
        try:
            messages = original_receive(self, queue_name, count_, *args, **kwargs)
        finally:
            _local.receiving = previous
        if messages:
            count(queue, "NumberOfMessagesReceived", len(messages))
        else:
            count(queue, "NumberOfEmptyReceives")
        return messages

    def send_message(self: Any, queue_name: str, message_body: str, *args: Any, **kwargs: Any) -> Any:
        message = original_send(self, queue_name, message_body, *args, **kwargs)
        queue = self.get_queue(queue_name)
        count(queue, "NumberOfMessagesSent")
        return message

    def delete_message(self: Any, queue_name: str, receipt_handle: str) -> None:
        original_delete(self, queue_name, receipt_handle)
        count(self.get_queue(queue_name), "NumberOfMessagesDeleted")

    Queue.add_message = add_message  # type: ignore[method-assign]
    SQSBackend.receive_message = receive_message  # type: ignore[method-assign]
    SQSBackend.send_message = send_message  # type: ignore[method-assign]
    SQSBackend.delete_message = delete_message  # type: ignore[method-assign]
    Queue._stackview_patched = True  # type: ignore[attr-defined]
