"""What the demo world runs itself beyond moto: CloudWatch's metric queries and alarm evaluation,
Lambda's SQS event source mappings (the poller), SQS redrive tasks and the AWS/SQS metrics.

`install()` patches moto's classes before anything is seeded (idempotent); `start()` starts the
background engines once the world is seeded, and they stop when `stop` is set. A world placed at
a fixed `now` without live traffic (the snapshot tests' world) stands still: nothing polls its
queues or re-evaluates its alarms by itself, so what it shows is what the seed made at `now`.
"""

from __future__ import annotations

import threading
from typing import Any


def install() -> None:
    from stackview.demo.server import cloudwatch, queues

    cloudwatch.install()
    queues.install()


def start(runner: Any, stop: threading.Event, *, live: bool) -> list[threading.Thread]:
    """Start the engines (when `live`); returns their threads."""
    from stackview.demo.server.cloudwatch.alarms import Evaluator
    from stackview.demo.server.queues.metrics import QueueMetrics
    from stackview.demo.server.queues.poller import SqsPoller

    if not live:
        return []
    return [SqsPoller(runner, stop).start(), Evaluator(stop).start(), QueueMetrics(stop).start()]
