"""`:alarms`: every CloudWatch alarm of the region, ALARM first.

The first question of an incident, "what is firing?", answered in one table: state, since when,
what the alarm watches, its metric, its threshold and CloudWatch's reason. Enter opens the
alarm (its metric around the threshold, its history); `l` tails the logs of the function it
watches; `o` copies its console link. The list polls every 30 s (DescribeAlarms is one paged
call for the whole region).
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Static

from stackview.aws.alarms import list_alarms
from stackview.models import console
from stackview.models.alarms import Alarm
from stackview.widgets.alarm_table import ALARM_COLUMNS, ALARM_MAX_WIDTHS, alarm_records
from stackview.widgets.app_header import AppHeader
from stackview.widgets.app_screen import LogScope
from stackview.widgets.console_link import show_console_url
from stackview.widgets.data_panel import DataPanel
from stackview.widgets.filter_input import FilterInput
from stackview.widgets.literal import literal_text
from stackview.widgets.record_table import RecordTable
from stackview.widgets.table_screen import TableScreen
from stackview.widgets.tabbed import TableTab


def watched_function(alarm: Alarm | None) -> str:
    """The function an alarm watches ("" when it watches none)."""
    if alarm is None:
        return ""
    return next((w.name for w in alarm.watches if w.kind == "function"), "")


class AlarmsPanel(TableTab, DataPanel):
    """The table of alarms."""

    tab_title = "Alarms"
    auto_refresh = 30.0

    def compose_content(self) -> ComposeResult:
        yield RecordTable(ALARM_COLUMNS, id="alarms-table", max_widths=ALARM_MAX_WIDTHS)
        yield Static(classes="empty-note", id="alarms-empty")

    def fetch(self) -> list[Alarm]:
        return list_alarms(self.host.session)

    def show(self, alarms: list[Alarm]) -> None:
        self.query_one(RecordTable).set_records(alarm_records(self.app, alarms, self.host.clock()))
        note = self.query_one("#alarms-empty", Static)
        note.update(f"No alarms in {self.host.session.region}." if not alarms else "")
        note.display = not alarms
        self.refresh_title()

    def refresh_title(self) -> None:
        """`Alarms (12)  2 in ALARM  /filter`."""
        table = self.query_one(RecordTable)
        title = f"Alarms ({len(table.shown)}" + (f" of {len(table.records)})" if table.filter_text else ")")
        firing = sum(1 for alarm in self.data or () if alarm.firing)
        if firing:
            title += f"  {firing} in ALARM"
        if table.filter_text:
            title += f"  /{table.filter_text}"
        self.border_title = literal_text(title)


class AlarmsScreen(TableScreen):
    crumb = "Alarms"
    panel_type = AlarmsPanel
    copied = "Alarm ARN copied"
    BINDINGS = [
        Binding("escape", "back", "Back", id="alarms.back"),
        Binding("slash", "filter", "Filter", id="alarms.filter"),
        Binding("r", "refresh", "Refresh", id="alarms.refresh"),
        Binding("c", "copy", "Copy ARN", show=False, id="alarms.copy"),
        Binding("l", "logs", "Logs", id="alarms.logs"),
        Binding("o", "console", "Console", id="alarms.console"),
    ]

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield AlarmsPanel(id="alarms-panel")
        yield FilterInput(id="alarms-filter")
        yield Footer()

    @property
    def selected(self) -> Alarm | None:
        record = self.table.selected
        return record.value if record else None

    def log_scope(self) -> LogScope | None:
        function = watched_function(self.selected)
        return LogScope(functions=(function,)) if function else None

    def copy_value(self) -> str | None:
        alarm = self.selected
        return (alarm.arn or alarm.name) if alarm else None

    def action_refresh(self) -> None:
        self.query_one(AlarmsPanel).reload()

    def action_logs(self) -> None:
        if self.log_scope() is None:
            alarm = self.selected
            self.host.notify_error(f"the alarm {alarm.name} watches no function" if alarm else "select an alarm")
            return
        self.host.open("logs")

    def action_console(self) -> None:
        alarm = self.selected
        if alarm is not None:
            show_console_url(self, console.alarm_url(self.host.session.region or "", alarm.name), alarm.name)

    def on_record_table_chosen(self, event: RecordTable.Chosen) -> None:
        self.host.open("alarm", event.record.value.name)
