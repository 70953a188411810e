"""AWS/SQS metrics of every demo queue, published once a minute as SQS publishes them.

At each whole minute, stamped with the minute that just ended: the gauges read from the queue (messages visible, in flight and delayed,
and the age in seconds of the oldest message not yet deleted: ApproximateAgeOfOldestMessage,
which no SQS API returns) and the counters of the minute that ended (`queues.sqs` counts
messages sent, received and deleted, and empty receives). The history writes the same series
for the past (stackview.demo.history), with the same shapes (`runtime.sqs_events.queue_datum`).
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime, timezone
from typing import Any

from stackview.demo.runtime.sqs_events import SQS_COUNTERS, SQS_NAMESPACE, queue_datum
from stackview.demo.server.queues.sqs import take_counts

log = logging.getLogger(__name__)


def gauges(queue: Any, now_ms: int) -> dict[str, float]:
    messages = list(queue._messages)
    visible = delayed = 0
    for message in messages:
        if message.delayed:
            delayed += 1
        elif message.visible:
            visible += 1
    sent = [int(m.sent_timestamp) for m in messages if m.sent_timestamp]
    return {"ApproximateNumberOfMessagesVisible": visible,
            "ApproximateNumberOfMessagesNotVisible": len(messages) - visible - delayed,
            "ApproximateNumberOfMessagesDelayed": delayed,
            "ApproximateAgeOfOldestMessage": max(0, (now_ms - min(sent)) // 1000) if sent else 0}


def publish(when: datetime) -> int:
    """Put one minute's data points for every queue; returns how many."""
    from moto.cloudwatch.models import cloudwatch_backends
    from moto.sqs.models import sqs_backends

    now_ms = int(time.time() * 1000)
    stamp = when.astimezone(timezone.utc).replace(tzinfo=None)
    total = 0
    for account, region, backend in list(sqs_backends.iter_backends()):
        data = []
        for queue in list(backend.queues.values()):
            for name, value in gauges(queue, now_ms).items():
                data.append(queue_datum(name, value, queue.name, stamp))
            counted = take_counts(queue)
            data += [queue_datum(name, counted.get(name, 0), queue.name, stamp) for name in SQS_COUNTERS]
        if data:
            cloudwatch_backends[account][region].put_metric_data(SQS_NAMESPACE, data)
            total += len(data)
    return total


class QueueMetrics:
    """Publishes at every whole minute until `stop` is set."""

    def __init__(self, stop: threading.Event) -> None:
        self.stop = stop

    def run(self) -> None:
        while not self.stop.wait(60 - time.time() % 60):
            try:
                ended = int(time.time() // 60 * 60) - 60
                publish(datetime.fromtimestamp(ended, timezone.utc))
            except Exception:  # noqa: BLE001 - next minute again
                log.exception("AWS/SQS metrics")

    def start(self) -> threading.Thread:
        thread = threading.Thread(target=self.run, daemon=True, name="sqs-metrics")
        thread.start()
        return thread
