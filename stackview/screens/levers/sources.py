"""The queue levers from the UI (the function's Triggers tab): disable / enable a mapping, set or
restore an SQS mapping's maximum concurrency, redrive a dead-letter queue (or stop a redrive).

Each follows `LeverRunner`'s steps: the mapping and its queue are read fresh in a thread (the
table may be 30 s old, and a dialog naming a stale state makes the user decide on wrong facts),
a value is asked for where needed, ConfirmScreen (Cancel focused) names the function, mapping,
source, account and region and what changes, the lever of `stackview.aws.source_levers` runs in
a thread and audits itself, and the result is one notification.
"""

from __future__ import annotations

from stackview.aws import source_levers
from stackview.aws.sources import lacks, move_tasks, queue_depth
from stackview.models.sources import (
    EventSourceMapping,
    MappingChange,
    PriorMaximum,
    QueueDepth,
    RedriveStart,
    RedriveTask,
    arn_resource_name,
    max_concurrency_text,
    messages_text,
    parse_max_concurrency,
)
from stackview.screens.levers.dialog import Answer, Field, InputDialog
from stackview.screens.levers.runner import LeverRunner


def report_mapping(runner: LeverRunner, change: MappingChange) -> None:
    message = change.message
    if change.warnings:
        message += "\n" + "\n".join(change.warnings)
    severity = "warning" if change.warnings or not change.changed else "information"
    runner.app.notify(message, severity=severity, markup=False, timeout=10)


def _mapping_details(runner: LeverRunner, function: str, mapping: EventSourceMapping,
                     account: str) -> list[tuple[str, str]]:
    return [("Function", function + (f" ({mapping.qualifier})" if mapping.qualifier else "")),
            ("Mapping", mapping.uuid), ("Source", f"{mapping.source_name} ({mapping.kind.upper()})"),
            *runner.where(account)]


def _read_mapping(runner: LeverRunner, function: str, uuid: str) -> tuple[str, EventSourceMapping, QueueDepth | None]:
    """(account, the mapping now, its queue's depth now): runs in the worker."""
    session = runner.session
    mapping = source_levers.mapping_of(session, function, uuid)
    queue = queue_depth(session, mapping.source_arn) if mapping.is_sqs else None
    return session.identity().account, mapping, queue


def toggle_mapping(runner: LeverRunner, function: str, mapping: EventSourceMapping, enable: bool) -> None:
    """Disable (stop draining the queue) or enable (drain it again) a mapping."""
    verb = "Enable" if enable else "Disable"

    def ask(found: tuple[str, EventSourceMapping, QueueDepth | None]) -> None:
        account, fresh, queue = found
        if fresh.enabled == enable:
            runner.app.notify(f"the mapping from {fresh.source_name} is already {fresh.state}",
                              markup=False, timeout=5)
            return
        details = [*_mapping_details(runner, function, fresh, account),
                   ("State now", fresh.state), ("After", "Enabled" if enable else "Disabled")]
        if queue is not None:
            details.append(("Queue now", messages_text(queue) + " messages"))
        if enable:
            warning = (f"Lambda polls {fresh.source_name} again and invokes {function} with what waits "
                       "there; `d` stops it again.")
        else:
            warning = (f"Lambda stops polling {fresh.source_name}: its messages stay in the queue (until "
                       "their retention period ends) and are not processed until the mapping is "
                       "enabled again (`e`).")
        runner.confirm(
            f"{verb} the {fresh.kind.upper()} mapping of {function}?", details, verb,
            lambda: source_levers.set_mapping_enabled(runner.session, function, fresh.uuid, enable),
            lambda change: report_mapping(runner, change), warning=warning,
        )

    runner.in_thread(lambda: _read_mapping(runner, function, mapping.uuid), ask)


def _read_max(runner: LeverRunner, function: str, uuid: str) -> tuple[str, EventSourceMapping, PriorMaximum]:
    session = runner.session
    mapping = source_levers.mapping_of(session, function, uuid)
    return session.identity().account, mapping, source_levers.recorded_prior_max(session, mapping)


def _sqs_only(runner: LeverRunner, mapping: EventSourceMapping) -> bool:
    if not mapping.is_sqs:
        runner.host.notify_error(f"maximum concurrency applies to SQS mappings only; this one reads "
                                 f"from {mapping.kind}")
    return mapping.is_sqs


def set_max_concurrency(runner: LeverRunner, function: str, mapping: EventSourceMapping) -> None:
    """Ask for a maximum concurrency (2-1000, or none), confirm, set it."""
    if not _sqs_only(runner, mapping):
        return

    def ask(found: tuple[str, EventSourceMapping, PriorMaximum]) -> None:
        account, fresh, prior = found

        def chosen(answer: Answer | None) -> None:
            if answer is None:
                return
            value = answer.value
            if value == fresh.max_concurrency:
                runner.app.notify(f"the mapping already has maximum concurrency {max_concurrency_text(value)}",
                                  markup=False, timeout=5)
                return
            back = prior.value if prior.known else fresh.max_concurrency
            runner.confirm(
                f"Set the maximum concurrency of the SQS mapping of {function}?",
                [*_mapping_details(runner, function, fresh, account),
                 ("Maximum now", max_concurrency_text(fresh.max_concurrency)),
                 ("After", max_concurrency_text(value)),
                 ("Restore (M)", f"puts back {max_concurrency_text(back)}")],
                "Set",
                lambda: source_levers.set_max_concurrency(runner.session, function, fresh.uuid, value),
                lambda change: report_mapping(runner, change),
                warning="At most this many invocations of the function read from the queue at once; "
                        "the rest of the messages wait in the queue.",
            )

        current = "" if fresh.max_concurrency is None else str(fresh.max_concurrency)
        runner.app.push_screen(InputDialog(
            f"Maximum concurrency of the mapping of {function} from {fresh.source_name}",
            [Field("n", "2 to 1000 concurrent invocations, or none for no maximum", current, "none")],
            lambda values: parse_max_concurrency(values["n"]),
            hint=f"Now: {max_concurrency_text(fresh.max_concurrency)}. The value before is recorded "
                 "on the mapping, so M restores it.",
            action_label="Next",
        ), chosen)

    runner.in_thread(lambda: _read_max(runner, function, mapping.uuid), ask)


def restore_max_concurrency(runner: LeverRunner, function: str, mapping: EventSourceMapping) -> None:
    """Put back the maximum concurrency recorded before the first change."""
    if not _sqs_only(runner, mapping):
        return

    def ask(found: tuple[str, EventSourceMapping, PriorMaximum]) -> None:
        account, fresh, prior = found
        if not prior.known:
            runner.host.notify_error(f"no earlier maximum concurrency is recorded for the mapping from "
                                     f"{fresh.source_name}; set it explicitly (m)")
            return
        runner.confirm(
            f"Restore the maximum concurrency of the SQS mapping of {function}?",
            [*_mapping_details(runner, function, fresh, account),
             ("Maximum now", max_concurrency_text(fresh.max_concurrency)),
             ("Restores", f"{max_concurrency_text(prior.value)} (recorded in the {prior.source})")],
            "Restore",
            lambda: source_levers.restore_max_concurrency(runner.session, function, fresh.uuid),
            lambda change: report_mapping(runner, change),
        )

    runner.in_thread(lambda: _read_max(runner, function, mapping.uuid), ask)


def _read_redrive(runner: LeverRunner, function: str, uuid: str):
    """(account, mapping, its queue, the DLQ's depth, a running redrive or None): in the worker."""
    session = runner.session
    mapping, queue = source_levers.redrive_source(session, function, uuid)
    depth = queue_depth(session, queue.dead_letter_arn)
    try:
        running = next((t for t in move_tasks(session, depth.arn) if t.running), None)
    except Exception as exc:  # noqa: BLE001 - an endpoint without ListMessageMoveTasks: none known
        if not lacks(exc):
            raise
        running = None
    return session.identity().account, mapping, queue, depth, running


def redrive(runner: LeverRunner, function: str, mapping: EventSourceMapping) -> None:
    """Move the dead-letter queue's messages back to the mapping's queue; while a redrive runs,
    offer to stop it instead."""
    if not mapping.is_sqs:
        runner.host.notify_error(f"redrive applies to SQS queues; this mapping reads from {mapping.kind}")
        return

    def ask(found: tuple[str, EventSourceMapping, QueueDepth, QueueDepth, RedriveTask | None]) -> None:
        account, fresh, queue, depth, running = found
        source_arn = queue.arn
        details = [("Function", function), ("From", depth.arn), ("To", source_arn), *runner.where(account)]
        if running is not None:
            runner.confirm(
                f"Stop the redrive of {depth.name}?",
                [*details, ("Progress", running.progress_text())],
                "Stop redrive",
                lambda: source_levers.cancel_redrive(runner.session, depth.arn, running.task_handle,
                                                     function=function),
                lambda moved: runner.app.notify(f"redrive of {depth.name} stopped after {moved} messages",
                                                markup=False, timeout=10),
                warning="Messages already moved stay in the source queue; the rest stay in the "
                        "dead-letter queue.",
            )
            return
        if depth.visible == 0:
            runner.app.notify(f"{depth.name} is empty: nothing to redrive", markup=False, timeout=5)
            return
        warning = ("A redrive cannot be undone: the messages join the source queue. ")
        if fresh.enabled:
            warning += (f"The mapping is {fresh.state}: {function} receives them at once, and if it still "
                        f"fails they come back here after {queue.max_receive_count or 'a few'} receives.")
        else:
            warning += "The mapping is disabled: they wait in the source queue until it is enabled."
        runner.confirm(
            f"Redrive {depth.name} to {arn_resource_name(source_arn)}?",
            [*details, ("Messages", messages_text(depth)), ("Consumer", fresh.state)],
            "Redrive",
            lambda: source_levers.start_redrive(runner.session, depth.arn, source_arn, function=function),
            lambda started: report_redrive(runner, started),
            warning=warning,
        )

    runner.in_thread(lambda: _read_redrive(runner, function, mapping.uuid), ask)


def report_redrive(runner: LeverRunner, started: RedriveStart) -> None:
    count = f" ({started.visible_before} messages)" if started.visible_before is not None else ""
    runner.app.notify(f"redrive of {arn_resource_name(started.source_arn)} to "
                      f"{arn_resource_name(started.destination_arn)} started{count}; its progress shows "
                      "in the Triggers tab", markup=False, timeout=10)
