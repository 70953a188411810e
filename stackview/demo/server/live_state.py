"""Where the history ends, the live world begins: the seed's last step.

The history (stackview.demo.history) wrote three hours of metrics and left messages in the
orders queue; this hands that state on, as a real account would carry it:
- every alarm is dated from when it was created (its stack's creation, or the platform team's
  monitoring), was OK from its first evaluation, and is then evaluated minute by minute over the
  history (`cloudwatch.alarms.replay`), so its state at `now` and its past transitions come from
  the metrics the history wrote, through the evaluator that runs live afterwards;
- the worker's mapping starts with the poller's backoff where the history left it;
- the redrive the history tells of is the dead-letter queue's most recent move task.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from stackview.demo.history.plan import History
from stackview.demo.seed import catalog


def settle(history: History, *, now: datetime, created: dict[str, datetime]) -> dict[str, Any]:
    """Apply the end of `history` to moto's backends; returns what it did (for tests)."""
    from moto.cloudwatch.models import cloudwatch_backends

    from stackview.demo.server.cloudwatch import alarm_history, alarms

    backend = cloudwatch_backends[catalog.ACCOUNT][catalog.REGION]
    for name, when in sorted(created.items(), key=lambda item: item[1]):
        alarm = backend.alarms.get(name)
        if alarm is None:
            continue
        alarm_history.backdate(backend, alarm, when, now)
        alarms.apply(backend, alarm, (when + timedelta(minutes=1)).timestamp())
    start = now - timedelta(hours=3)
    transitions = alarms.replay(backend, start.timestamp(), now.timestamp())
    _settle_mappings()
    if history.queue is not None:
        _hand_over_queue(history, now)
    return {"alarms": len(backend.alarms), "transitions": transitions}


def _settle_mappings() -> None:
    """The seeded mappings were created with their stacks, days ago: Enabled, not Creating (a
    lever pulled the moment the world is ready must find them settled)."""
    from moto.awslambda.models import lambda_backends

    for mapping in lambda_backends[catalog.ACCOUNT][catalog.REGION]._event_source_mappings.values():
        mapping._stackview_changed_at = float("-inf")


def _hand_over_queue(history: History, now: datetime) -> None:
    from moto.awslambda.models import lambda_backends
    from moto.sqs.models import sqs_backends

    from stackview.demo.server.queues import moves

    queue = history.queue
    assert queue is not None
    sqs = sqs_backends[catalog.ACCOUNT][catalog.REGION]
    source, dead = sqs.get_queue(queue.name), sqs.get_queue(queue.dead_letter_name)
    state = queue.state(int(now.timestamp() * 1000))
    for esm in lambda_backends[catalog.ACCOUNT][catalog.REGION]._event_source_mappings.values():
        if esm.event_source_arn == source.queue_arn:
            esm._stackview_failures = state.failures_in_a_row
            esm._stackview_ready_in_ms = state.ready_in_ms
    if history.redrive_ms is not None and history.redriven:
        moves.record_past(dead.queue_arn, history.redrive_ms, moved=history.redriven)
