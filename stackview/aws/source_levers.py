"""The queue levers: disable / enable an event source mapping, cap an SQS mapping's maximum
concurrency (and restore exactly what was there), redrive a dead-letter queue.

These are the levers of a queue incident ("Operating Lambda"): stop a consumer from draining
its queue into a failing dependency (disable: Lambda stops polling and resumes where it stopped
when enabled), or slow it down (maximum concurrency 2-1000), then put the failed messages back
(StartMessageMoveTask). Each reads the state before, changes it, and writes one audit line.

Undo is exact where AWS allows it:
- disable and enable undo each other (the state before is in the change and the audit log);
- a maximum concurrency change records the value before it (a number, or none) ON THE MAPPING
  as tags (mappings take tags like functions), unless an earlier change already recorded one,
  so `restore_max_concurrency` puts back the original value from any machine; the audit log is
  the fallback when the tags cannot be written or read;
- a redrive cannot be undone (the moved messages are in the source queue again, mixed with new
  ones); while it runs it can be cancelled, which stops the rest.
Read-only mode is not checked here: the UI hides these actions and the CLI refuses first.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any

from botocore.exceptions import ClientError

from stackview import locations
from stackview.aws.errors import describe
from stackview.aws.lever_context import AuditContext, LeverRefused, NoPriorState, failed
from stackview.aws.levers import tag_safe
from stackview.aws.sources import function_mappings, lacks, move_tasks, queue_depth
from stackview.aws.session import AwsSession
from stackview.models.arns import bare_function_name
from stackview.models.sources import (
    MAX_MAX_CONCURRENCY,
    MIN_MAX_CONCURRENCY,
    EventSourceMapping,
    MappingChange,
    PriorMaximum,
    QueueDepth,
    RedriveStart,
    max_concurrency_text,
)

PRIOR_MAX_TAG = "stackview:prior-maximum-concurrency"
MAX_BY_TAG = "stackview:maximum-concurrency-set-by"
MAX_AT_TAG = "stackview:maximum-concurrency-set-at"
MAX_TAGS = (PRIOR_MAX_TAG, MAX_BY_TAG, MAX_AT_TAG)
SET_MAX = "mapping-max-concurrency"
RESTORE_MAX = "mapping-restore-max-concurrency"
#: SQS's own limit on a message move task's rate.
MAX_REDRIVE_RATE = 500


def _function_of(mapping: EventSourceMapping) -> str:
    return bare_function_name(mapping.function_arn)


def mapping_of(session: AwsSession, function: str, uuid: str | None = None) -> EventSourceMapping:
    """The function's mapping `uuid`, or its only mapping when no uuid is given.

    Refused (nothing to act on) when the uuid is not one of the function's mappings, when the
    function has none, or when it has several and none was named."""
    name = bare_function_name(function)
    mappings = function_mappings(session, name)
    if uuid:
        for mapping in mappings:
            if mapping.uuid == uuid:
                return mapping
        raise LeverRefused(f"{name} has no event source mapping {uuid}", kind="not-found",
                           hint="`stackview sources " + name + "` lists them")
    if not mappings:
        raise LeverRefused(f"{name} has no event source mapping", kind="not-found")
    if len(mappings) > 1:
        listed = ", ".join(f"{m.uuid} ({m.source_name})" for m in mappings)
        raise LeverRefused(f"{name} has {len(mappings)} event source mappings: {listed}",
                           kind="invalid", hint="name one with --uuid")
    return mappings[0]


def _mapping_arn(session: AwsSession, mapping: EventSourceMapping) -> str:
    if mapping.arn:
        return mapping.arn
    parts = mapping.function_arn.split(":")
    return ":".join(parts[:5] + ["event-source-mapping", mapping.uuid]) if len(parts) >= 5 else mapping.uuid


def _state(mapping: EventSourceMapping) -> dict[str, Any]:
    return {"state": mapping.state, "max_concurrency": mapping.max_concurrency}


# -- disable / enable ----------------------------------------------------------------------------

def set_mapping_enabled(session: AwsSession, function: str, uuid: str | None, enabled: bool) -> MappingChange:
    """Enable or disable a mapping. Already in that state: nothing changes (changed=False)."""
    mapping = mapping_of(session, function, uuid)
    action = "mapping-enable" if enabled else "mapping-disable"
    verb = "enabled" if enabled else "disabled"
    name = _function_of(mapping)
    if mapping.enabled == enabled:
        return MappingChange(name, mapping.uuid, mapping.source_arn, action, mapping.state, mapping.state,
                             mapping.max_concurrency, mapping.max_concurrency, changed=False,
                             message=f"the mapping of {name} from {mapping.source_name} is already {verb} "
                                     f"({mapping.state})")
    ctx = AuditContext.of(session)
    target = _mapping_arn(session, mapping)
    try:
        raw = session.client("lambda").update_event_source_mapping(UUID=mapping.uuid, Enabled=enabled)
    except ClientError as exc:
        ctx.record(action, target, _state(mapping), _state(mapping), failed(exc, session),
                   function=name, uuid=mapping.uuid, source=mapping.source_arn)
        raise
    after_state = str(raw.get("State", "")) or ("Enabling" if enabled else "Disabling")
    ctx.record(action, target, _state(mapping), {**_state(mapping), "state": after_state},
               function=name, uuid=mapping.uuid, source=mapping.source_arn)
    what = "polls its queue again" if mapping.is_sqs and enabled else (
        "stops polling: the queue is no longer drained" if mapping.is_sqs else
        ("resumes where it stopped" if enabled else "stops polling"))
    return MappingChange(name, mapping.uuid, mapping.source_arn, action, mapping.state, after_state,
                         mapping.max_concurrency, mapping.max_concurrency,
                         message=f"{verb} the mapping of {name} from {mapping.source_name} "
                                 f"({mapping.state} -> {after_state}); it {what}")


# -- maximum concurrency -------------------------------------------------------------------------

def _read_tags(session: AwsSession, arn: str) -> tuple[dict[str, str] | None, str]:
    try:
        return dict(session.client("lambda").list_tags(Resource=arn).get("Tags") or {}), ""
    except ClientError as exc:
        return None, describe(exc, profile=session.profile).message


def _decode(text: str | None) -> tuple[bool, int | None]:
    if text is None:
        return False, None
    value = text.strip().lower()
    if value == "none":
        return True, None
    return (True, int(value)) if value.isdigit() else (False, None)


def _entries_about(target: str) -> Iterator[dict[str, Any]]:
    """Maximum-concurrency entries of the audit log naming `target`, oldest first."""
    path = locations.audit_log_file()
    if not path.exists():
        return
    needle = json.dumps(target)
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if needle not in line or "max-concurrency" not in line:
                continue
            try:
                entry = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(entry, dict) and entry.get("target") == target and entry.get("outcome") == "ok":
                yield entry


def prior_max_from_audit(target: str) -> PriorMaximum:
    """The value before the first maximum-concurrency change since the last restore, from this
    machine's audit log."""
    prior = PriorMaximum()
    for entry in _entries_about(target):
        if entry.get("action") == RESTORE_MAX:
            prior = PriorMaximum()
        elif entry.get("action") == SET_MAX and not prior.known:
            before = (entry.get("before") or {}).get("max_concurrency")
            if before is None or isinstance(before, int):
                prior = PriorMaximum(True, before, "audit log")
    return prior


def recorded_prior_max(session: AwsSession, mapping: EventSourceMapping) -> PriorMaximum:
    """What a restore puts back, and where it was found (the mapping's tag, else the audit log)."""
    target = _mapping_arn(session, mapping)
    tags, _ = _read_tags(session, target)
    known, value = _decode((tags or {}).get(PRIOR_MAX_TAG))
    if known:
        return PriorMaximum(True, value, "tag")
    return prior_max_from_audit(target)


def _check_value(value: int | None) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or not MIN_MAX_CONCURRENCY <= value <= MAX_MAX_CONCURRENCY:
        raise LeverRefused(f"the maximum concurrency must be from {MIN_MAX_CONCURRENCY} to {MAX_MAX_CONCURRENCY}, "
                           f"or none, not {value!r}", kind="invalid")


def _scaling(value: int | None) -> dict[str, Any]:
    """ScalingConfig for `value`: an empty one removes the maximum (Lambda's documented way)."""
    return {} if value is None else {"MaximumConcurrency": value}


def _remove_max_tags(session: AwsSession, arn: str, warnings: list[str]) -> None:
    try:
        session.client("lambda").untag_resource(Resource=arn, TagKeys=list(MAX_TAGS))
    except ClientError as exc:
        warnings.append(f"could not remove the {PRIOR_MAX_TAG} tag: {describe(exc).message}")


def _sqs_mapping(session: AwsSession, function: str, uuid: str | None) -> EventSourceMapping:
    mapping = mapping_of(session, function, uuid)
    if not mapping.is_sqs:
        raise LeverRefused(f"maximum concurrency applies to SQS mappings only; {mapping.uuid} reads "
                           f"from {mapping.kind} ({mapping.source_name})", kind="invalid")
    return mapping


def set_max_concurrency(session: AwsSession, function: str, uuid: str | None, value: int | None) -> MappingChange:
    """Set an SQS mapping's maximum concurrency (None: no maximum), recording the value before.

    The first change since the last restore records the value before it on the mapping (tag);
    later changes keep that record, so a restore goes back to where it all started."""
    _check_value(value)
    mapping = _sqs_mapping(session, function, uuid)
    name = _function_of(mapping)
    before = mapping.max_concurrency
    if before == value:
        return MappingChange(name, mapping.uuid, mapping.source_arn, SET_MAX, mapping.state, mapping.state,
                             before, value, changed=False,
                             message=f"the mapping of {name} from {mapping.source_name} already has maximum "
                                     f"concurrency {max_concurrency_text(value)}")
    ctx = AuditContext.of(session)
    target = _mapping_arn(session, mapping)
    client = session.client("lambda")
    warnings: list[str] = []
    tags, why = _read_tags(session, target)
    recorded_in = "audit log"
    if tags is not None and PRIOR_MAX_TAG in tags:
        recorded_in = "tag"  # an earlier change recorded the original value: keep it
    else:
        try:
            client.tag_resource(Resource=target, Tags={
                PRIOR_MAX_TAG: max_concurrency_text(before), MAX_BY_TAG: tag_safe(ctx.caller),
                MAX_AT_TAG: datetime.now(timezone.utc).isoformat(timespec="seconds")})
            recorded_in = "tag"
        except ClientError as exc:
            warnings.append("could not tag the mapping (" + (why or describe(exc).message)
                            + "): the value before is kept in this machine's audit log only")
    try:
        raw = client.update_event_source_mapping(UUID=mapping.uuid, ScalingConfig=_scaling(value))
    except ClientError as exc:
        ctx.record(SET_MAX, target, _state(mapping), _state(mapping), failed(exc, session),
                   function=name, uuid=mapping.uuid, requested=max_concurrency_text(value))
        raise
    after = ((raw.get("ScalingConfig") or {}).get("MaximumConcurrency"))
    after = value if after is None and value is not None else after
    ctx.record(SET_MAX, target, _state(mapping), {**_state(mapping), "max_concurrency": after},
               function=name, uuid=mapping.uuid, source=mapping.source_arn, prior_recorded_in=recorded_in)
    return MappingChange(name, mapping.uuid, mapping.source_arn, SET_MAX, mapping.state, mapping.state,
                         before, after, prior_recorded_in=recorded_in, warnings=tuple(warnings),
                         message=f"maximum concurrency of the mapping of {name} from {mapping.source_name}: "
                                 f"{max_concurrency_text(before)} -> {max_concurrency_text(after)}")


def restore_max_concurrency(session: AwsSession, function: str, uuid: str | None) -> MappingChange:
    """Put back the maximum concurrency recorded before the first change (a number, or none)."""
    mapping = _sqs_mapping(session, function, uuid)
    name = _function_of(mapping)
    known, prior, source = recorded_prior_max(session, mapping)
    if not known:
        raise NoPriorState(f"no earlier maximum concurrency is recorded for the mapping of {name} from "
                           f"{mapping.source_name}: no {PRIOR_MAX_TAG} tag and no change in this machine's "
                           "audit log", hint="set the maximum concurrency explicitly")
    ctx = AuditContext.of(session)
    target = _mapping_arn(session, mapping)
    warnings: list[str] = []
    before = mapping.max_concurrency
    if before != prior:
        try:
            session.client("lambda").update_event_source_mapping(UUID=mapping.uuid, ScalingConfig=_scaling(prior))
        except ClientError as exc:
            ctx.record(RESTORE_MAX, target, _state(mapping), _state(mapping), failed(exc, session),
                       function=name, uuid=mapping.uuid)
            raise
    _remove_max_tags(session, target, warnings)
    ctx.record(RESTORE_MAX, target, _state(mapping), {**_state(mapping), "max_concurrency": prior},
               function=name, uuid=mapping.uuid, source=mapping.source_arn, prior_recorded_in=source)
    return MappingChange(name, mapping.uuid, mapping.source_arn, RESTORE_MAX, mapping.state, mapping.state,
                         before, prior, changed=before != prior, prior_recorded_in=source, warnings=tuple(warnings),
                         message=f"maximum concurrency of the mapping of {name} from {mapping.source_name}: "
                                 f"{max_concurrency_text(before)} -> {max_concurrency_text(prior)} "
                                 f"(restored from the {source})")


# -- redrive -----------------------------------------------------------------------------------

def redrive_source(session: AwsSession, function: str, uuid: str | None) -> tuple[EventSourceMapping, QueueDepth]:
    """An SQS mapping whose queue has a dead-letter queue, and that queue (its RedrivePolicy
    names the DLQ a redrive empties)."""
    mapping = _sqs_mapping(session, function, uuid)
    queue = queue_depth(session, mapping.source_arn)
    if queue.error:
        raise LeverRefused(f"cannot read the queue {mapping.source_name}: {queue.error}")
    if not queue.dead_letter_arn:
        raise LeverRefused(f"the queue {mapping.source_name} has no dead-letter queue (no RedrivePolicy)",
                           kind="invalid")
    return mapping, queue


def start_redrive(session: AwsSession, dead_letter_arn: str, destination_arn: str, *,
                  rate: int | None = None, **details: Any) -> RedriveStart:
    """Move the dead-letter queue's messages back to `destination_arn` (StartMessageMoveTask).

    Refused while a move task already runs on that queue (SQS allows one), or when the rate is
    outside 1-500 messages per second."""
    if rate is not None and (isinstance(rate, bool) or not isinstance(rate, int) or not 1 <= rate <= MAX_REDRIVE_RATE):
        raise LeverRefused(f"the rate must be from 1 to {MAX_REDRIVE_RATE} messages per second, not {rate!r}",
                           kind="invalid")
    try:
        running = [t for t in move_tasks(session, dead_letter_arn) if t.running]
    except ClientError as exc:
        if not lacks(exc):
            raise
        running = []
    if running:
        raise LeverRefused(f"a redrive of {dead_letter_arn.rsplit(':', 1)[-1]} is already running "
                           f"({running[0].progress_text()})", kind="conflict", hint="wait for it, or cancel it")
    depth = queue_depth(session, dead_letter_arn)
    ctx = AuditContext.of(session)
    kwargs: dict[str, Any] = {"SourceArn": dead_letter_arn, "DestinationArn": destination_arn}
    if rate is not None:
        kwargs["MaxNumberOfMessagesPerSecond"] = rate
    before = {"visible": depth.visible}
    try:
        handle = session.client("sqs").start_message_move_task(**kwargs).get("TaskHandle", "")
    except ClientError as exc:
        ctx.record("sqs-redrive", dead_letter_arn, before, before, failed(exc, session),
                   destination=destination_arn, **details)
        if lacks(exc):
            raise LeverRefused("this endpoint does not offer StartMessageMoveTask (SQS redrive)",
                               kind="unavailable") from None
        raise
    ctx.record("sqs-redrive", dead_letter_arn, before, {"task": handle, "destination": destination_arn},
               destination=destination_arn, rate=rate, **details)
    return RedriveStart(dead_letter_arn, destination_arn, handle, depth.visible, rate)


def cancel_redrive(session: AwsSession, dead_letter_arn: str, task_handle: str, **details: Any) -> int:
    """Stop a running redrive; returns how many messages it had moved."""
    ctx = AuditContext.of(session)
    try:
        raw = session.client("sqs").cancel_message_move_task(TaskHandle=task_handle)
    except ClientError as exc:
        ctx.record("sqs-redrive-cancel", dead_letter_arn, {"task": task_handle}, {"task": task_handle},
                   failed(exc, session), **details)
        raise
    moved = int(raw.get("ApproximateNumberOfMessagesMoved") or 0)
    ctx.record("sqs-redrive-cancel", dead_letter_arn, {"task": task_handle}, {"moved": moved}, **details)
    return moved


__all__ = [
    "cancel_redrive", "mapping_of", "recorded_prior_max", "redrive_source",
    "restore_max_concurrency", "set_mapping_enabled", "set_max_concurrency", "start_redrive",
]
