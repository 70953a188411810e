"""Metric alarms evaluated from the demo world's own metrics, as CloudWatch evaluates them.

At each evaluation the alarm reads its statistic (or extended statistic) over the last
EvaluationPeriods complete periods of Period seconds (aligned on the clock, as CloudWatch
aligns them); a datapoint breaches when it compares to the threshold as ComparisonOperator
says; the alarm is in ALARM when at least DatapointsToAlarm (default: EvaluationPeriods) of them
breach. Missing datapoints follow TreatMissingData: `missing` (the default) skips them and goes
to INSUFFICIENT_DATA only when every datapoint is missing, `ignore` skips them and keeps the
state when every one is missing, `breaching` and `notBreaching` count them as such. StateReason
and StateReasonData are worded and shaped as CloudWatch words them.

`evaluate()` is pure over the metric index; `Evaluator` runs it live (a daemon thread, every
EVALUATION_SECONDS, on every CloudWatch backend); `replay()` runs it over the history at
start-up, minute by minute, so the alarms' states and past transitions come from the same
metrics the history wrote. Alarms on metric math, anomaly bands and composite alarms are left as
they are.
"""

from __future__ import annotations

import json
import logging
import math
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from stackview.demo.server.cloudwatch.alarm_history import iso, transition
from stackview.demo.server.cloudwatch.metric_api import index_of
from stackview.demo.server.cloudwatch.metric_store import series_key, series_stats

#: How often the live evaluator looks at every alarm (CloudWatch: every minute).
EVALUATION_SECONDS = 5.0
COMPARISONS = {
    "GreaterThanOrEqualToThreshold": (lambda v, t: v >= t, "greater than or equal to"),
    "GreaterThanThreshold": (lambda v, t: v > t, "greater than"),
    "LessThanThreshold": (lambda v, t: v < t, "less than"),
    "LessThanOrEqualToThreshold": (lambda v, t: v <= t, "less than or equal to"),
}
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Evaluation:
    state: str
    reason: str
    reason_data: str


def _stamp(epoch_s: float) -> str:
    return datetime.fromtimestamp(epoch_s, timezone.utc).strftime("%d/%m/%y %H:%M:%S")


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def evaluable(alarm: Any) -> bool:
    return (bool(alarm.namespace and alarm.metric_name) and not getattr(alarm, "rule", None)
            and alarm.comparison_operator in COMPARISONS)


def evaluate(backend: Any, alarm: Any, at: float) -> Evaluation | None:
    """The state `alarm` should be in at `at` (epoch seconds); None keeps the current one."""
    if not evaluable(alarm):
        return None
    period = int(alarm.period)
    count = int(alarm.evaluation_periods)
    needed = int(alarm.datapoints_to_alarm or count)
    stat = alarm.extended_statistic or alarm.statistic
    end = math.floor(at / period) * period
    start = end - count * period
    key = series_key(alarm.namespace, alarm.metric_name, alarm.dimensions)
    found = dict(series_stats(index_of(backend), key, start, end, period, stat, alarm.unit))
    compare, words = COMPARISONS[alarm.comparison_operator]
    threshold = float(alarm.threshold)
    treat = alarm.treat_missing_data or "missing"
    starts = [start + i * period for i in range(count)]
    present = [(t, found[t]) for t in starts if t in found]
    crossed = sum(1 for _, v in present if compare(v, threshold))
    missing = count - len(present)
    breaching = crossed + (missing if treat == "breaching" else 0)
    data = _reason_data(alarm, stat, at, start, present, threshold, backend, key, period)
    if not present and treat in ("missing", "ignore"):
        if treat == "ignore":
            return None
        return Evaluation("INSUFFICIENT_DATA", f"Insufficient Data: {_plural(count, 'datapoint')} "
                          "were unknown.", data)
    recent = sorted(present, reverse=True)
    shown = ", ".join(f"{v} ({_stamp(t)})" for t, v in recent)
    if not present:
        treated = "Breaching" if treat == "breaching" else "NonBreaching"
        state = "ALARM" if breaching >= needed else "OK"
        return Evaluation(state, f"Threshold Crossed: no datapoints were received for "
                          f"{_plural(count, 'period')} and {missing} missing datapoints were "
                          f"treated as [{treated}].", data)
    if breaching >= needed:
        reason = (f"Threshold Crossed: {breaching} out of the last {count} datapoints [{shown}] "
                  f"{'was' if breaching == 1 else 'were'} {words} the threshold ({threshold}) "
                  f"(minimum {_plural(needed, 'datapoint')} for OK -> ALARM transition).")
        return Evaluation("ALARM", reason, data)
    fine = len(present) - crossed
    reason = (f"Threshold Crossed: {fine} out of the last {count} datapoints [{shown}] "
              f"{'was' if fine == 1 else 'were'} not {words} the threshold ({threshold}) "
              f"(minimum {_plural(1, 'datapoint')} for ALARM -> OK transition).")
    return Evaluation("OK", reason, data)


def _reason_data(alarm: Any, stat: str, at: float, start: float, present: list[tuple[float, float]],
                 threshold: float, backend: Any, key: Any, period: int) -> str:
    counts = dict(series_stats(index_of(backend), key, start, start + len(present) * period + 1,
                               period, "SampleCount")) if present else {}
    body: dict[str, Any] = {"version": "1.0", "queryDate": iso(datetime.fromtimestamp(at, timezone.utc)),
                            "startDate": iso(datetime.fromtimestamp(start, timezone.utc))}
    body["extendedStatistic" if alarm.extended_statistic else "statistic"] = stat
    body.update({"period": period, "recentDatapoints": [v for _, v in sorted(present)],
                 "threshold": threshold,
                 "evaluatedDatapoints": [
                     {"timestamp": iso(datetime.fromtimestamp(t, timezone.utc)),
                      **({"sampleCount": counts[t]} if t in counts else {}), "value": v}
                     for t, v in sorted(present, reverse=True)]})
    return json.dumps(body)


def apply(backend: Any, alarm: Any, at: float) -> bool:
    """Evaluate one alarm at `at` and move it; returns whether it transitioned."""
    evaluation = evaluate(backend, alarm, at)
    if evaluation is None:
        return False
    when = datetime.fromtimestamp(at, timezone.utc)
    if evaluation.state == alarm.state_value and alarm.state_reason != _initial_reason():
        return False  # CloudWatch rewrites the reason only when the state changes
    return transition(backend, alarm, evaluation.state, evaluation.reason, evaluation.reason_data, when)


def _initial_reason() -> str:
    from stackview.demo.server.cloudwatch.alarm_history import INITIAL_REASON

    return INITIAL_REASON


def evaluate_all(backend: Any, at: float) -> int:
    transitions = 0
    for alarm in list(backend.alarms.values()):
        try:
            transitions += apply(backend, alarm, at)
        except Exception:  # noqa: BLE001 - one odd alarm must not stop the others
            log.exception("evaluating alarm %s", getattr(alarm, "name", "?"))
    return transitions


def replay(backend: Any, start: float, end: float, step: int = 60) -> int:
    """Evaluate every alarm at each `step` from `start` to `end` (history at start-up)."""
    transitions = 0
    at = math.ceil(start / step) * step
    while at <= end:
        transitions += evaluate_all(backend, at)
        at += step
    return transitions


class Evaluator:
    """Evaluates every alarm of every CloudWatch backend, live, until `stop` is set."""

    def __init__(self, stop: threading.Event, interval: float = EVALUATION_SECONDS) -> None:
        self.stop = stop
        self.interval = interval

    def run(self) -> None:
        from moto.cloudwatch.models import cloudwatch_backends

        while not self.stop.wait(self.interval):
            for _, _, backend in list(cloudwatch_backends.iter_backends()):
                if backend.alarms:
                    evaluate_all(backend, time.time())

    def start(self) -> threading.Thread:
        thread = threading.Thread(target=self.run, daemon=True, name="alarm-evaluator")
        thread.start()
        return thread
