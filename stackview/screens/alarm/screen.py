"""One alarm (`Enter` on an alarm, `:alarm NAME`): its condition and state, its metric around
the threshold as a chart, its state history, and the way to what it watches.

The chart reads the metric exactly as the alarm does (statistic and period), over the last
hours, with the threshold drawn and the breaching periods in the error colour: how far over the
line, since when, and whether it is coming back. `f` opens the function the alarm watches and
`l` its logs from a few periods before the alarm went off, where the first failures are.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Footer, Static

from stackview.aws.alarm_history import read_alarm_detail
from stackview.models import console
from stackview.models.alarm_detail import (
    STATE_LABELS,
    AlarmDetail,
    breaching,
    condition_text,
    number_text,
    period_text,
)
from stackview.models.alarms import Alarm
from stackview.models.functions import Unavailable
from stackview.widgets.alarm_table import state_cell
from stackview.widgets.app_header import AppHeader
from stackview.widgets.app_screen import AppScreen, LogScope
from stackview.widgets.console_link import show_console_url
from stackview.widgets.data_panel import DataPanel
from stackview.widgets.format import relative_time, short_time
from stackview.widgets.literal import literal_text
from stackview.widgets.record_table import Record, RecordTable
from stackview.widgets.styles import style_for
from stackview.widgets.threshold_chart import ThresholdChart


def watched_function(alarm: Alarm) -> str:
    return next((w.name for w in alarm.watches if w.kind == "function"), "")


class AlarmPanel(DataPanel):
    """The alarm, its chart and its history, read in one worker."""

    DEFAULT_CSS = """
    AlarmPanel #alarm-scroll { height: 1fr; }
    AlarmPanel #history-table { height: auto; max-height: 24; }
    AlarmPanel #alarm-summary { padding: 0 1; height: auto; }
    AlarmPanel #chart-title { padding: 1 1 0 1; height: auto; }
    AlarmPanel ThresholdChart { height: 10; margin: 0 1; }
    AlarmPanel #history-note { padding: 0 1; height: auto; color: $foreground-muted; }
    """

    auto_refresh = 60.0

    def __init__(self, name: str) -> None:
        super().__init__(id="alarm-panel")
        self.alarm_name = name
        self.border_title = literal_text(name)

    def compose_content(self) -> ComposeResult:
        # One scroll area: on a small terminal the history is below the chart, a scroll away.
        with VerticalScroll(id="alarm-scroll"):
            yield Static(id="alarm-summary")
            yield Static(id="chart-title")
            yield ThresholdChart(id="alarm-chart")
            yield Static(id="history-note")
            yield RecordTable(("When", "Change", "Reason"), id="history-table", max_widths={"Reason": 120})

    def fetch(self) -> AlarmDetail:
        return read_alarm_detail(self.host.session, self.alarm_name, now=self.host.clock())

    def show(self, detail: AlarmDetail) -> None:
        alarm = detail.alarm
        self.query_one("#alarm-summary", Static).update(self._summary(alarm))
        self._show_chart(detail)
        self._show_history(detail)

    def _summary(self, alarm: Alarm) -> Text:
        muted = style_for(self.app, "sv-muted")
        text = Text(end="")
        text.append_text(state_cell(self.app, alarm.state))
        text.append("  since ", style=muted)
        text.append_text(literal_text(f"{short_time(alarm.state_since)} "
                                      f"({relative_time(alarm.state_since, self.host.clock())})"))
        function = watched_function(alarm)
        watches = ", ".join(f"{w.kind} {w.name}" + (f":{w.qualifier}" if w.qualifier else "") for w in alarm.watches)
        text.append("\n")
        text.append_text(literal_text(condition_text(alarm), "bold"))
        if watches:
            text.append("   watches ", style=muted)
            text.append_text(literal_text(watches))
        text.append("\n")
        text.append_text(literal_text(alarm.state_reason or "-", muted))
        if alarm.description:
            text.append("\n")
            text.append_text(literal_text(alarm.description))
        actions = ", ".join(a.rsplit(":", 1)[-1] for a in alarm.alarm_actions) or "none"
        text.append("\nactions ", style=muted)
        text.append_text(literal_text(actions + ("" if alarm.actions_enabled else " (disabled)")))
        if function:
            text.append("   f: open the function   l: its logs from before the alarm", style=muted)
        return text

    def _show_chart(self, detail: AlarmDetail) -> None:
        alarm, series = detail.alarm, detail.series
        title = self.query_one("#chart-title", Static)
        chart = self.query_one(ThresholdChart)
        muted = style_for(self.app, "sv-muted")
        if series is None:
            title.update(literal_text("A composite alarm has no metric of its own.", muted))
            chart.display = False
            return
        if isinstance(series, Unavailable):
            title.update(literal_text(f"Metric unavailable: {series.reason}", style_for(self.app, "sv-level-warn")))
            chart.display = False
            return
        chart.display = True
        period = int((series.timestamps[1] - series.timestamps[0]).total_seconds()) if len(series.timestamps) > 1 else alarm.period
        heading = Text(end="")
        heading.append_text(literal_text(f"{alarm.metric_name or 'expression'} ({series.stat} per {period_text(period)})", "bold"))
        heading.append_text(literal_text(
            f"  {short_time(detail.start)} to {short_time(detail.end)}, threshold {number_text(alarm.threshold)}, "
            f"latest {number_text(series.latest)}, peak {number_text(series.peak)}", muted))
        if not series.measured:
            heading.append("  (no data in the window)", style=muted)
        title.update(heading)
        chart.plot(series.values, alarm.threshold, lambda value: breaching(alarm, value), detail.start, detail.end,
                   bar=style_for(self.app, "sv-alias-primary"), alarm=style_for(self.app, "sv-level-error"),
                   line=style_for(self.app, "sv-level-error"), muted=muted)

    def _show_history(self, detail: AlarmDetail) -> None:
        note = self.query_one("#history-note", Static)
        table = self.query_one(RecordTable)
        history = detail.history
        if isinstance(history, Unavailable):
            note.update(literal_text(f"History: {history.reason}"))
            table.set_records([])
            return
        note.update(literal_text(f"History: {len(history)} state changes, newest first" if history
                                 else "History: no state change recorded"))
        records = []
        for index, item in enumerate(history):
            change = (f"{STATE_LABELS.get(item.old_state, item.old_state)} -> "
                      f"{STATE_LABELS.get(item.new_state, item.new_state)}") if item.new_state else item.summary
            style = style_for(self.app, "sv-level-error", bold=True) if item.new_state == "ALARM" else ""
            records.append(Record(
                key=f"{index}:{item.when}",
                cells=(literal_text(short_time(item.when)), literal_text(change, style),
                       literal_text(item.reason or item.summary, style_for(self.app, "sv-muted"))),
                value=item))
        table.set_records(records)


class AlarmScreen(AppScreen):
    copied = "Alarm ARN copied"
    BINDINGS = [
        Binding("escape", "back", "Back", id="alarm.back"),
        Binding("r", "refresh", "Refresh", id="alarm.refresh"),
        Binding("c", "copy", "Copy ARN", show=False, id="alarm.copy"),
        Binding("f", "function", "Function", id="alarm.function"),
        Binding("l", "logs", "Logs", id="alarm.logs"),
        Binding("o", "console", "Console", id="alarm.console"),
    ]

    def __init__(self, name: str) -> None:
        super().__init__()
        self.alarm_name = name
        self.crumb = name

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield AlarmPanel(self.alarm_name)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#alarm-scroll", VerticalScroll).focus()

    @property
    def detail(self) -> AlarmDetail | None:
        return self.query_one(AlarmPanel).data

    def _function(self) -> str:
        detail = self.detail
        if detail is None:
            self.host.notify_error("the alarm is still loading")
            return ""
        function = watched_function(detail.alarm)
        if not function:
            watches = ", ".join(f"{w.kind} {w.name}" for w in detail.alarm.watches) or "nothing named"
            self.host.notify_error(f"the alarm watches no function ({watches})")
        return function

    def log_scope(self) -> LogScope | None:
        detail = self.detail
        function = watched_function(detail.alarm) if detail else ""
        return LogScope(functions=(function,)) if function else None

    def copy_value(self) -> str | None:
        detail = self.detail
        return (detail.alarm.arn or detail.alarm.name) if detail else None

    def action_refresh(self) -> None:
        self.query_one(AlarmPanel).reload()

    def action_function(self) -> None:
        function = self._function()
        if function:
            self.host.open("function", function)

    def action_logs(self) -> None:
        """The function's logs from a few periods before the alarm went off."""
        function = self._function()
        if not function:
            return
        since = self.detail.logs_since() if self.detail else None
        self.host.open("logs", function, since=since.isoformat(timespec="seconds") if since else None)

    def action_console(self) -> None:
        show_console_url(self, console.alarm_url(self.host.session.region or "", self.alarm_name), self.alarm_name)
