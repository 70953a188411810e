"""One alarm seen up close: its metric around the threshold, its state history, and how to say
its condition in words.

`stackview.models.alarms` (the alarm itself, what it watches) is shared by the health columns
and the alarm screens; this module holds what only the alarm screens and the stack's Alarms tab
need: the detail read for the alarm screen, the history entries, and texts such as
`Errors Sum >= 5 for 1 of 1 periods of 5 min`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from stackview.models.alarms import ALARM, INSUFFICIENT_DATA, OK, Alarm, Watched
from stackview.models.functions import Unavailable
from stackview.models.metrics import MetricSeries

#: ComparisonOperator -> how it reads.
COMPARISONS = {
    "GreaterThanOrEqualToThreshold": ">=",
    "GreaterThanThreshold": ">",
    "LessThanThreshold": "<",
    "LessThanOrEqualToThreshold": "<=",
    "LessThanLowerOrGreaterThanUpperThreshold": "outside the band",
    "LessThanLowerThreshold": "below the band",
    "GreaterThanUpperThreshold": "above the band",
}
#: How each state reads in a narrow column.
STATE_LABELS = {ALARM: "ALARM", OK: "OK", INSUFFICIENT_DATA: "NO DATA"}


def comparison_symbol(operator: str) -> str:
    return COMPARISONS.get(operator, operator)


def number_text(value: float | None) -> str:
    """`5`, `0.25`, `1,200`; `-` for none."""
    if value is None:
        return "-"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.4g}"


def period_text(seconds: int) -> str:
    if seconds <= 0:
        return "-"
    if seconds % 3600 == 0:
        return f"{seconds // 3600} h"
    if seconds % 60 == 0:
        return f"{seconds // 60} min"
    return f"{seconds} s"


def metric_text(alarm: Alarm) -> str:
    """`AWS/Lambda Errors`, `metric math`, `composite`."""
    if alarm.kind == "composite":
        return "composite"
    if not alarm.metric_name:
        return "metric math"
    return f"{alarm.namespace} {alarm.metric_name}".strip()


def threshold_text(alarm: Alarm) -> str:
    """`Sum >= 5 (5 min)`: the statistic, the comparison, the threshold and the period."""
    if alarm.kind == "composite":
        return alarm.rule
    stat = alarm.stat or "value"
    text = f"{stat} {comparison_symbol(alarm.comparison)} {number_text(alarm.threshold)}"
    return text + (f" ({period_text(alarm.period)})" if alarm.period else "")


def condition_text(alarm: Alarm) -> str:
    """The whole condition: `Errors Sum >= 5 for 1 of 1 periods of 5 min`."""
    if alarm.kind == "composite":
        return f"rule: {alarm.rule}"
    points = alarm.datapoints_to_alarm or alarm.evaluation_periods
    what = alarm.metric_name or "the expression"
    return (f"{what} {alarm.stat or 'value'} {comparison_symbol(alarm.comparison)} "
            f"{number_text(alarm.threshold)} for {points} of {alarm.evaluation_periods} periods of "
            f"{period_text(alarm.period)}")


def watched_text(watched: tuple[Watched, ...]) -> str:
    """`function orders-prod-worker`, `queue q (+1)`, `-`."""
    if not watched:
        return "-"
    first = watched[0]
    text = f"{first.kind} {first.name}" + (f":{first.qualifier}" if first.qualifier else "")
    return text + (f" (+{len(watched) - 1})" if len(watched) > 1 else "")


def breaching(alarm: Alarm, value: float | None) -> bool:
    """True when `value` is on the alarm's side of its threshold."""
    if value is None or alarm.threshold is None:
        return False
    operator = alarm.comparison
    if operator in ("GreaterThanOrEqualToThreshold",):
        return value >= alarm.threshold
    if operator in ("GreaterThanThreshold", "GreaterThanUpperThreshold"):
        return value > alarm.threshold
    if operator in ("LessThanThreshold", "LessThanLowerThreshold"):
        return value < alarm.threshold
    if operator == "LessThanOrEqualToThreshold":
        return value <= alarm.threshold
    return False


@dataclass(frozen=True)
class AlarmHistoryItem:
    """One entry of DescribeAlarmHistory (a state change, unless `kind` says otherwise)."""

    when: datetime
    summary: str
    kind: str = "StateUpdate"
    old_state: str = ""
    new_state: str = ""
    reason: str = ""


@dataclass(frozen=True)
class AlarmDetail:
    """What the alarm screen shows, read in one worker: the alarm, its metric over the window
    (None for a composite alarm; Unavailable when it could not be read) and its history
    (Unavailable where the endpoint has no DescribeAlarmHistory)."""

    alarm: Alarm
    series: MetricSeries | Unavailable | None
    history: tuple[AlarmHistoryItem, ...] | Unavailable
    start: datetime | None = None
    end: datetime | None = None

    def logs_since(self) -> datetime | None:
        """Where the alarm's logs start: a few periods before it last went into ALARM (or before
        now when it is not firing), so the first failures are on screen."""
        if self.alarm.state_since is None:
            return None
        lead = timedelta(seconds=max(self.alarm.period, 60) * max(self.alarm.evaluation_periods, 1) + 300)
        return self.alarm.state_since - lead
