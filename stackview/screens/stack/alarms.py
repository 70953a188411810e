"""The stack screen's Alarms tab: the stack's own alarms and every alarm watching its functions,
queues, tables, topics or APIs (nested stacks included), ALARM first. Enter opens the alarm."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Static

from stackview.aws.stack_alarms import stack_alarms
from stackview.models.alarms import Alarm
from stackview.widgets.alarm_table import ALARM_COLUMNS, ALARM_MAX_WIDTHS, alarm_records
from stackview.widgets.data_panel import DataPanel
from stackview.widgets.record_table import RecordTable
from stackview.widgets.tabbed import TAB_PANEL, TableTab


class StackAlarmsPanel(TableTab, DataPanel):
    """The stack's alarms; polls every 30 s while shown."""

    tab_title = "Alarms"
    auto_refresh = 30.0
    load_when_shown = True

    def __init__(self, stack: str) -> None:
        super().__init__(classes=TAB_PANEL, id="stack-alarms-panel")
        self.stack = stack

    def compose_content(self) -> ComposeResult:
        yield RecordTable(ALARM_COLUMNS, max_widths=ALARM_MAX_WIDTHS)
        yield Static(classes="empty-note", id="stack-alarms-empty")

    def fetch(self) -> list[Alarm]:
        return stack_alarms(self.host.session, self.stack)

    def show(self, alarms: list[Alarm]) -> None:
        self.query_one(RecordTable).set_records(alarm_records(self.app, alarms, self.host.clock()))
        note = self.query_one("#stack-alarms-empty", Static)
        note.update("No alarm belongs to this stack or watches its resources." if not alarms else "")
        note.display = not alarms
        self.refresh_title()

    def copy_value(self) -> str | None:
        alarm: Alarm | None = self.selected_value()
        return (alarm.arn or alarm.name) if alarm else None

    def on_record_table_chosen(self, event: RecordTable.Chosen) -> None:
        event.stop()
        self.host.open("alarm", event.record.value.name)
