"""The orders queue's past: messages sent, Lambda's poller taking batches, retries, dead letters.

A QueueSim is one SQS queue with a redrive policy and an event source mapping, simulated with
the same rules the demo server applies live: SQS hands out the oldest visible messages first,
a received message is invisible for the visibility timeout, a message received maxReceiveCount
times goes to the dead-letter queue at its next receive; the poller (`runtime.sqs_events.
PollerPolicy`, shared with the live poller) opens more batches while full batches wait and backs
off after failed ones; a batch beyond the function's reserved concurrency is throttled. Each
batch is one invocation of the worker, run by the Simulator (so it gets its environment, cold
start and logs like any other); its outcome decides what is deleted. Every minute the queue and
its dead-letter queue are sampled for the AWS/SQS metrics, and at the end what is still in them
is what the seed puts in the real queues. Pure computation.
"""

from __future__ import annotations

import random
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any, Callable

from stackview.demo.runtime.sqs_events import SQS_COUNTERS, PollerPolicy

#: How soon the poller looks again while messages are visible (ms).
POLL_MS = 1000


@dataclass
class SimMessage:
    message_id: str
    body: dict[str, Any]  # the order as the API queued it
    correlation: str  # the messageAttributes correlationId
    sent_ms: int
    receive_count: int = 0
    first_receive_ms: int | None = None
    visible_at: int = 0


@dataclass
class Batch:
    """What the poller hands the simulator to run: returns the outcome and the end time."""

    at_ms: int
    records: list[SimMessage]


@dataclass
class QueueState:
    """The queue at the end of the history: what the seed writes into the real queues."""

    messages: list[SimMessage]
    dead: list[SimMessage]
    failures_in_a_row: int
    ready_in_ms: int


@dataclass
class QueueSim:
    name: str
    dead_letter_name: str
    function: str  # the mapping's function
    rng: random.Random
    batch_size: int = 10
    visibility_ms: int = 60_000
    max_receives: int = 3
    messages: list[SimMessage] = field(default_factory=list)
    dead: list[SimMessage] = field(default_factory=list)
    policy: PollerPolicy = field(default_factory=PollerPolicy)
    ready_at: int = 0
    token: int = 0
    #: minute (ms) -> metric name -> value, for the queue and its dead-letter queue
    samples: dict[str, dict[int, dict[str, float]]] = field(default_factory=lambda: defaultdict(dict))
    counters: dict[str, dict[int, Counter[str]]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(Counter)))
    sampled_to: int | None = None

    def __post_init__(self) -> None:
        self.policy.batch_size = self.batch_size

    # -- SQS --------------------------------------------------------------------------------

    def send(self, at_ms: int, body: dict[str, Any], correlation: str,
             message_id: str | None = None) -> SimMessage:
        self.sample_until(at_ms)
        message = SimMessage(message_id or str(uuid.UUID(int=self.rng.getrandbits(128), version=4)),
                             body, correlation, at_ms)
        self.messages.append(message)
        self._count(self.name, at_ms, "NumberOfMessagesSent")
        return message

    def redrive(self, at_ms: int, rate: int) -> int:
        """Move every dead letter back as a new message (a StartMessageMoveTask at `rate`/s)."""
        self.sample_until(at_ms)
        moved = 0
        for index, message in enumerate(list(self.dead)):
            self.dead.remove(message)
            self.send(at_ms + index * 1000 // rate, message.body, message.correlation)
            moved += 1
        return moved

    def receive(self, at_ms: int) -> list[SimMessage]:
        """Up to batch_size visible messages, oldest first; over-received ones go to the DLQ."""
        taken: list[SimMessage] = []
        for message in list(self.messages):
            if message.visible_at > at_ms:
                continue
            if message.receive_count >= self.max_receives:
                self.messages.remove(message)
                self.dead.append(message)
                continue
            message.receive_count += 1
            message.first_receive_ms = message.first_receive_ms or at_ms
            message.visible_at = at_ms + self.visibility_ms
            taken.append(message)
            if len(taken) >= self.batch_size:
                break
        self._count(self.name, at_ms, "NumberOfMessagesReceived", len(taken))
        return taken

    def delete(self, at_ms: int, messages: list[SimMessage]) -> None:
        for message in messages:
            if message in self.messages:
                self.messages.remove(message)
        self._count(self.name, at_ms, "NumberOfMessagesDeleted", len(messages))

    def visible(self, at_ms: int) -> int:
        return sum(1 for m in self.messages if m.visible_at <= at_ms)

    # -- the poller -------------------------------------------------------------------------

    def poll(self, at_ms: int, run: Callable[[Batch], tuple[str, int, list[str]]],
             schedule: Callable[[int, int], None]) -> None:
        """One look at the queue. `run` invokes a batch and returns (outcome, end ms, ids to
        keep); `schedule(at, token)` asks for the next look."""
        self.sample_until(at_ms)
        if at_ms >= self.ready_at:
            lanes = self.policy.lanes(self.visible(at_ms))
            for _ in range(lanes):
                batch = self.receive(at_ms)
                if not batch:
                    break
                outcome, end_ms, keep = run(Batch(at_ms, batch))
                if outcome == "ok":
                    self.delete(end_ms, [m for m in batch if m.message_id not in keep])
                pause_ms = int(self.policy.after_batch(outcome) * 1000)
                if pause_ms:
                    self.ready_at = max(self.ready_at, end_ms + pause_ms)
                    break
        self.next_look(at_ms, schedule)

    def next_look(self, at_ms: int, schedule: Callable[[int, int], None]) -> None:
        if not self.messages:
            return
        if self.visible(at_ms):
            when = max(at_ms + POLL_MS, self.ready_at)
        else:
            when = max(min(m.visible_at for m in self.messages) + 1, self.ready_at)
        self.token += 1
        schedule(when, self.token)

    # -- metrics ----------------------------------------------------------------------------

    def _count(self, queue: str, at_ms: int, name: str, amount: int = 1) -> None:
        self.counters[queue][at_ms // 60_000 * 60_000][name] += amount

    def sample_until(self, at_ms: int) -> None:
        """Gauges at every whole minute up to `at_ms`, from the state before `at_ms`."""
        minute = at_ms // 60_000 * 60_000
        if self.sampled_to is None:
            self.sampled_to = minute
            return
        while self.sampled_to < minute:
            self.sampled_to += 60_000
            moment = self.sampled_to
            visible = sum(1 for m in self.messages if m.visible_at <= moment)
            self.samples[self.name][moment] = {
                "ApproximateNumberOfMessagesVisible": visible,
                "ApproximateNumberOfMessagesNotVisible": len(self.messages) - visible,
                "ApproximateNumberOfMessagesDelayed": 0,
                "ApproximateAgeOfOldestMessage": _age(self.messages, moment)}
            self.samples[self.dead_letter_name][moment] = {
                "ApproximateNumberOfMessagesVisible": len(self.dead),
                "ApproximateNumberOfMessagesNotVisible": 0,
                "ApproximateNumberOfMessagesDelayed": 0,
                "ApproximateAgeOfOldestMessage": _age(self.dead, moment)}

    def metric_points(self) -> list[tuple[str, int, str, float]]:
        """(queue name, minute ms, metric, value): gauges, and counters of the minute before."""
        points = []
        for queue, by_minute in self.samples.items():
            for moment, gauges in sorted(by_minute.items()):
                points += [(queue, moment - 60_000, name, float(v)) for name, v in gauges.items()]
                counted = self.counters[queue].get(moment - 60_000, Counter())
                points += [(queue, moment - 60_000, name, float(counted.get(name, 0)))
                           for name in SQS_COUNTERS]
        return points

    def state(self, now_ms: int) -> QueueState:
        return QueueState(list(self.messages), list(self.dead), self.policy.failures_in_a_row,
                          max(0, self.ready_at - now_ms))


def _age(messages: list[SimMessage], moment: int) -> float:
    sent = [m.sent_ms for m in messages if m.sent_ms <= moment]
    return max(0, (moment - min(sent)) // 1000) if sent else 0.0
