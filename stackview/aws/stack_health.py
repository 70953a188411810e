"""The Stacks list's health: every stack's functions measured together, alarms matched to stacks.

A stack's health is its own functions' figures added up (nested stacks are rows of their own).
Which functions a stack has comes from ListStackResources, kept per stack until the stack changes
(`stackview.aws.inventory`); a sweep reads at most `max_reads` stacks it does not know yet, the
stacks on screen first, so opening a region of 2,000 stacks does not start with 2,000 calls: the
rest are learned over the next sweeps. Then one GetMetricData sweep (500 queries per request)
measures every known function, and one DescribeAlarms tells which alarms are in ALARM.

An alarm concerns a stack when it watches one of the stack's functions or queues (by its
dimensions) or when it is one of the stack's own resources.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

from stackview.aws.alarms import list_alarms
from stackview.aws.errors import describe
from stackview.aws.health import DEFAULT_WINDOW, sweep
from stackview.aws.inventory import inventory
from stackview.aws.session import AwsSession
from stackview.models.alarms import Alarm, alarms_by_function, alarms_by_queue, state_rank
from stackview.models.health import Health, HealthReport, StackContents, StacksHealth, combine
from stackview.models.stacks import StackSummary

#: ListStackResources calls one sweep may make for stacks it does not know yet.
DEFAULT_MAX_READS = 100
READ_WORKERS = 4


def _key(stack: StackSummary) -> str:
    return stack.stack_id or stack.name


def stack_alarms(contents: StackContents, alarms: Sequence[Alarm],
                 by_function: dict[str, tuple[Alarm, ...]] | None = None,
                 by_queue: dict[str, tuple[Alarm, ...]] | None = None) -> tuple[Alarm, ...]:
    """The alarms that concern a stack, ALARM first."""
    by_function = by_function if by_function is not None else alarms_by_function(alarms)
    by_queue = by_queue if by_queue is not None else alarms_by_queue(alarms)
    found: dict[str, Alarm] = {}
    for name in contents.function_names:
        found.update({a.name: a for a in by_function.get(name, ())})
    for name in contents.queues:
        found.update({a.name: a for a in by_queue.get(name, ())})
    own = set(contents.alarms)
    found.update({a.name: a for a in alarms if a.name in own})
    return tuple(sorted(found.values(), key=lambda a: (state_rank(a.state), a.name)))


def stacks_health(session: AwsSession, stacks: Sequence[StackSummary], *, now: datetime | None = None,
                  window: timedelta = DEFAULT_WINDOW, max_reads: int = DEFAULT_MAX_READS) -> Iterator[StacksHealth]:
    """Health of `stacks` (the ones on screen first), yielded after each GetMetricData request.
    Raises botocore's exceptions for ListStackResources and GetMetricData; DescribeAlarms
    refused leaves the alarms out and says why (`alarms_error`)."""
    store = inventory(session)
    try:
        alarms = list_alarms(session)
        alarms_error = ""
    except Exception as exc:  # noqa: BLE001 - the figures are still worth showing
        alarms, alarms_error = [], describe(exc, profile=session.profile).one_line()
    contents: dict[str, StackContents] = {}
    unknown: list[StackSummary] = []
    for stack in stacks:
        known = store.known_stack_contents(_key(stack), stack.last_changed)
        if known is not None:
            contents[_key(stack)] = known
        else:
            unknown.append(stack)
    chosen = unknown[:max_reads]
    if chosen:
        with ThreadPoolExecutor(max_workers=min(READ_WORKERS, len(chosen))) as pool:
            read = list(pool.map(lambda s: store.stack_contents(_key(s), s.last_changed), chosen))
        contents.update({_key(stack): found for stack, found in zip(chosen, read)})
    by_function, by_queue = alarms_by_function(alarms), alarms_by_queue(alarms)
    concerns = {key: stack_alarms(found, alarms, by_function, by_queue) for key, found in contents.items()}
    names = [name for stack in stacks for name in contents.get(_key(stack), StackContents()).function_names]

    def step(report: HealthReport) -> StacksHealth:
        health: dict[str, Health | None] = {}
        for key, found in contents.items():
            parts = [report.functions.get(name) for name in found.function_names]
            health[key] = combine(p for p in parts if p is not None) if all(parts) else None
        return StacksHealth(health, concerns, dict(contents), report, len(chosen),
                            len(unknown) - len(chosen), alarms_error)

    for report in sweep(session, names, now=now, window=window, detail=False):
        yield step(report)
