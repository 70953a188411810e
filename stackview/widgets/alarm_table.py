"""Alarms as table rows: the `:alarms` screen and a stack's Alarms tab show the same columns.

State first (ALARM as a red badge, so a firing alarm reads from across the room), then since
when, what it watches, the metric, the threshold and CloudWatch's own reason. Every value is an
AWS value, so every cell goes through `literal_text`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from rich.text import Text
from textual.app import App

from stackview.models.alarm_detail import STATE_LABELS, metric_text, threshold_text, watched_text
from stackview.models.alarms import ALARM, OK, Alarm
from stackview.widgets.badges import badge
from stackview.widgets.format import relative_time
from stackview.widgets.literal import literal_text
from stackview.widgets.record_table import Record
from stackview.widgets.styles import style_for

ALARM_COLUMNS = ("State", "Alarm", "Since", "Watches", "Metric", "Threshold", "Reason")
ALARM_MAX_WIDTHS = {"Alarm": 48, "Watches": 36, "Reason": 60}


def state_cell(app: App, state: str) -> Text:
    label = STATE_LABELS.get(state, state)
    if state == ALARM:
        return badge(app, label, "sv-level-error")
    return literal_text(label, style_for(app, "sv-status-complete") if state == OK else style_for(app, "sv-muted"))


def alarm_records(app: App, alarms: Iterable[Alarm], now: datetime) -> list[Record]:
    muted = style_for(app, "sv-muted")
    records = []
    for alarm in alarms:
        records.append(Record(
            key=alarm.arn or alarm.name,
            cells=(state_cell(app, alarm.state), literal_text(alarm.name, "bold" if alarm.firing else ""),
                   literal_text(relative_time(alarm.state_since, now)), literal_text(watched_text(alarm.watches)),
                   literal_text(metric_text(alarm), muted), literal_text(threshold_text(alarm)),
                   literal_text(alarm.state_reason, muted)),
            value=alarm,
            search=" ".join((alarm.state, alarm.name, watched_text(alarm.watches), metric_text(alarm),
                             alarm.state_reason)).lower(),
        ))
    return records
