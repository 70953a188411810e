"""CloudWatch alarms, and which functions, queues and other resources each one watches.

An alarm names what it watches only through its metric's dimensions (`FunctionName`,
`Resource` = `function:alias`, `QueueName`, ...), or, for a metric-math alarm, through the
dimensions of each metric in its expression; a composite alarm watches other alarms (named in
its rule). `Alarm.watches` reads them once; `alarms_by_function` / `alarms_by_queue` /
`watching` answer "which alarms watch this?" for the health columns, `stackview status`, the
alarm screens and the Triggers tab.

This module's API is meant to stay stable (other screens build on it): `Alarm`, `Watched`,
the state constants, `state_rank`, `alarms_by_function`, `alarms_by_queue`, `watching`. Fields
may be added; none will be renamed or removed.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

ALARM = "ALARM"
OK = "OK"
INSUFFICIENT_DATA = "INSUFFICIENT_DATA"
STATES = (ALARM, INSUFFICIENT_DATA, OK)

METRIC = "metric"
COMPOSITE = "composite"

#: Dimension name -> the kind of resource it names. `Resource` is Lambda's `function:qualifier`.
DIMENSION_KINDS: dict[str, str] = {
    "FunctionName": "function",
    "QueueName": "queue",
    "TableName": "table",
    "TopicName": "topic",
    "StreamName": "stream",
    "ApiName": "api",
    "ApiId": "api",
    "StateMachineArn": "state-machine",
    "BucketName": "bucket",
}

_RULE_ALARM = re.compile(r"\b(?:ALARM|OK|INSUFFICIENT_DATA)\(\s*(?:\"([^\"]+)\"|'([^']+)'|([^\s)]+))\s*\)")


def state_rank(state: str) -> int:
    """Sort key for states: ALARM first, then INSUFFICIENT_DATA, then OK (unknown states last)."""
    return STATES.index(state) if state in STATES else len(STATES)


@dataclass(frozen=True)
class Watched:
    """One thing an alarm watches: `kind` is `function`, `queue`, `table`, `topic`, `stream`,
    `api`, `state-machine`, `bucket` or `alarm` (for a composite alarm's rule); `qualifier` is a
    Lambda alias or version when the alarm watches one (dimension `Resource` = `name:qualifier`)."""

    kind: str
    name: str
    qualifier: str = ""


@dataclass(frozen=True)
class Alarm:
    """A metric alarm or a composite alarm as DescribeAlarms describes it.

    `dimensions` are those of the alarm's single metric; a metric-math alarm (no `metric_name`)
    keeps the dimension sets of its expression's metrics in `query_dimensions`. Composite alarms
    have `kind == COMPOSITE`, a `rule` and none of the metric fields.
    """

    name: str
    arn: str = ""
    state: str = INSUFFICIENT_DATA
    state_reason: str = ""
    #: When the alarm last changed state (StateTransitionedTimestamp, else StateUpdatedTimestamp).
    state_since: datetime | None = None
    kind: str = METRIC
    description: str = ""
    namespace: str = ""
    metric_name: str = ""
    dimensions: tuple[tuple[str, str], ...] = ()
    statistic: str = ""
    extended_statistic: str = ""  # p99, ... (then `statistic` is empty)
    period: int = 0  # seconds
    evaluation_periods: int = 0
    datapoints_to_alarm: int | None = None  # None: the same as evaluation_periods
    threshold: float | None = None
    comparison: str = ""  # GreaterThanOrEqualToThreshold, ...
    treat_missing_data: str = ""
    unit: str = ""
    actions_enabled: bool = True
    alarm_actions: tuple[str, ...] = ()
    query_dimensions: tuple[tuple[tuple[str, str], ...], ...] = ()
    rule: str = ""  # composite alarms

    @property
    def firing(self) -> bool:
        return self.state == ALARM

    @property
    def stat(self) -> str:
        """The statistic as written in a metric query: `Sum`, `Maximum`, `p99`..."""
        return self.extended_statistic or self.statistic

    @property
    def watches(self) -> tuple[Watched, ...]:
        """Everything this alarm names, in order, without repeats."""
        found: list[Watched] = []
        for dimensions in (self.dimensions, *self.query_dimensions):
            found += _watched_by(dimensions)
        if self.rule:
            found += [Watched("alarm", next(g for g in match.groups() if g))
                      for match in _RULE_ALARM.finditer(self.rule)]
        return tuple(dict.fromkeys(found))

    def watches_function(self, name: str) -> bool:
        return any(w.kind == "function" and w.name == name for w in self.watches)


def _watched_by(dimensions: Iterable[tuple[str, str]]) -> list[Watched]:
    pairs = dict(dimensions)
    found: list[Watched] = []
    resource = pairs.get("Resource", "")
    function = pairs.get("FunctionName", "")
    if resource and (not function or resource.startswith(f"{function}:")):
        name, _, qualifier = resource.partition(":")
        found.append(Watched("function", name, qualifier))
    for key, value in pairs.items():
        kind = DIMENSION_KINDS.get(key)
        if kind and value and not (kind == "function" and any(w.name == value for w in found)):
            found.append(Watched(kind, value))
    return found


def _index(alarms: Iterable[Alarm], kind: str) -> dict[str, tuple[Alarm, ...]]:
    found: dict[str, list[Alarm]] = defaultdict(list)
    for alarm in alarms:
        for name in dict.fromkeys(w.name for w in alarm.watches if w.kind == kind):
            found[name].append(alarm)
    return {name: tuple(sorted(group, key=lambda a: (state_rank(a.state), a.name)))
            for name, group in found.items()}


def alarms_by_function(alarms: Iterable[Alarm]) -> dict[str, tuple[Alarm, ...]]:
    """Function name -> the alarms watching it (on the function, or on one of its aliases or
    versions), ALARM first then by name."""
    return _index(alarms, "function")


def alarms_by_queue(alarms: Iterable[Alarm]) -> dict[str, tuple[Alarm, ...]]:
    """SQS queue name -> the alarms watching it, ALARM first then by name."""
    return _index(alarms, "queue")


def watching(alarms: Iterable[Alarm], kind: str, name: str) -> tuple[Alarm, ...]:
    """The alarms watching the resource `name` of `kind` ("function", "queue", ...), ALARM first."""
    return _index(alarms, kind).get(name, ())
