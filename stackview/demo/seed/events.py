"""Stack event histories: the creation and the deploys of each stack, as CloudFormation logs them.

moto records only stack-level events, all stamped "now". The demo stacks were deployed over
weeks: a creation, code updates (one per published version), and for the orders stack a deploy
that failed and rolled back. This module writes those histories onto moto's stack objects
(events, creation and update times, status), with the resource-level events and the failure
reasons CloudFormation gives, so the Events tab reads like a real account's.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

STACK_TYPE = "AWS::CloudFormation::Stack"


@dataclass(frozen=True)
class Deploy:
    """One stack operation: when, which resources it touched, and how it ended."""

    days_ago: float
    changed: tuple[str, ...]  # logical ids updated (all resources for a creation)
    create: bool = False
    failed: dict[str, str] | None = None  # logical id -> reason, for a failed update
    cancelled: tuple[str, ...] = ()  # updated alongside the failure, then cancelled


def _naive(moment: datetime) -> datetime:
    """moto keeps naive UTC datetimes."""
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


class Timeline:
    """Builds one stack's events in time order; moto's DescribeStackEvents reverses them."""

    def __init__(self, stack: Any, types: dict[str, tuple[str, str]], rng: random.Random) -> None:
        from moto.cloudformation.models import Event

        self._event_class = Event
        self.stack = stack
        self.types = types  # logical id -> (type, physical id)
        self.rng = rng
        self.events: list[Any] = []
        self.clock = datetime.min

    def _tick(self, low: float = 0.3, high: float = 2.5) -> datetime:
        self.clock += timedelta(seconds=self.rng.uniform(low, high))
        return self.clock

    def _uuid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def add(self, logical_id: str, status: str, reason: str | None = None,
            physical: str | None = None) -> None:
        when = self._tick()
        if logical_id == self.stack.name:
            resource_type, physical_id = STACK_TYPE, self.stack.stack_id
            event_id = self._uuid()
        else:
            resource_type, physical_id = self.types[logical_id]
            physical_id = physical if physical is not None else physical_id
            stamp = when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"
            event_id = f"{logical_id}-{status}-{stamp}"
        event = self._event_class(
            stack_id=self.stack.stack_id, stack_name=self.stack.name, logical_resource_id=logical_id,
            physical_resource_id=physical_id, resource_type=resource_type, resource_status=status,
            resource_status_reason=reason, resource_properties=None,
        )
        event.timestamp = when
        event.event_id = event_id
        self.events.append(event)

    def create(self, at: datetime, order: list[str]) -> None:
        self.clock = at
        self.add(self.stack.name, "CREATE_IN_PROGRESS", "User Initiated")
        for logical_id in order:
            self.add(logical_id, "CREATE_IN_PROGRESS", physical="")
            self.add(logical_id, "CREATE_IN_PROGRESS", "Resource creation Initiated")
            self._tick(1, 6 if self.types[logical_id][0] != STACK_TYPE else 40)
            self.add(logical_id, "CREATE_COMPLETE")
        self.add(self.stack.name, "CREATE_COMPLETE")

    def update(self, at: datetime, changed: tuple[str, ...]) -> None:
        self.clock = at
        self.add(self.stack.name, "UPDATE_IN_PROGRESS", "User Initiated")
        for logical_id in changed:
            self.add(logical_id, "UPDATE_IN_PROGRESS")
            self._tick(1, 8)
            self.add(logical_id, "UPDATE_COMPLETE")
        self.add(self.stack.name, "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS")
        self.add(self.stack.name, "UPDATE_COMPLETE")

    def failed_update(self, at: datetime, failed: dict[str, str], cancelled: tuple[str, ...]) -> None:
        self.clock = at
        self.add(self.stack.name, "UPDATE_IN_PROGRESS", "User Initiated")
        for logical_id in (*cancelled, *failed):
            self.add(logical_id, "UPDATE_IN_PROGRESS")
        for logical_id, reason in failed.items():
            self._tick(1, 3)
            self.add(logical_id, "UPDATE_FAILED", reason)
        for logical_id in cancelled:
            self.add(logical_id, "UPDATE_FAILED", "Resource update cancelled")
        names = ", ".join(sorted((*failed, *cancelled)))
        self.add(self.stack.name, "UPDATE_ROLLBACK_IN_PROGRESS",
                 f"The following resource(s) failed to update: [{names}]. ")
        for logical_id in (*cancelled, *failed):
            self.add(logical_id, "UPDATE_IN_PROGRESS")
            self._tick(1, 6)
            self.add(logical_id, "UPDATE_COMPLETE")
        self.add(self.stack.name, "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS")
        self.add(self.stack.name, "UPDATE_ROLLBACK_COMPLETE")


def apply_history(stack: Any, deploys: list[Deploy], now: datetime, rng: random.Random,
                  order: list[tuple[str, str, str]]) -> None:
    """Replace moto's events of `stack` by its deploy history and set status and times."""
    types = {logical_id: (kind, physical) for logical_id, kind, physical in order}
    timeline = Timeline(stack, types, rng)
    status, created, updated = "CREATE_COMPLETE", None, None
    for deploy in sorted(deploys, key=lambda d: -d.days_ago):
        at = _naive(now - timedelta(days=deploy.days_ago))
        if deploy.create:
            timeline.create(at, [lid for lid, _, _ in order])
            created = at
        elif deploy.failed:
            timeline.failed_update(at, deploy.failed, deploy.cancelled)
            status, updated = "UPDATE_ROLLBACK_COMPLETE", at
        else:
            timeline.update(at, tuple(lid for lid in deploy.changed if lid in types))
            status, updated = "UPDATE_COMPLETE", at
    stack.events = timeline.events
    stack.status = status
    stack.creation_time = created or stack.creation_time
    if updated is not None:
        stack.last_updated_time = updated


def reason_reserved_concurrency(rng: random.Random) -> str:
    """What Lambda answers CloudFormation when a reservation leaves too little unreserved."""
    request = uuid.UUID(int=rng.getrandbits(128), version=4)
    token = uuid.UUID(int=rng.getrandbits(128), version=4)
    return ("Resource handler returned message: \"Specified ReservedConcurrentExecutions for function "
            "decreases account's UnreservedConcurrentExecution below its minimum value of [100]. "
            f"(Service: Lambda, Status Code: 400, Request ID: {request})\" "
            f"(RequestToken: {token}, HandlerErrorCode: InvalidRequest)")
