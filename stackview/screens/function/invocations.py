"""The function screen's Invocations tab: the last invocations, newest first, from REPORT lines.

What the Lambda console calls "recent invocations", without waiting for a Logs Insights query:
the function's log group is read backwards from now with FilterLogEvents
(`stackview.aws.recent_events`) for the lines that tell an invocation (START, REPORT, timeouts,
uncaught errors), until the last `LIMIT` invocations are found; `stackview.logs.invocations`
turns them into rows (time, request id, executed version, duration, billed, memory used/size,
cold start, outcome). Text and JSON log formats alike. Enter opens the request's lines (the
log view's request screen, which also searches CloudWatch for the rest of them). `r` reads again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from stackview.aws.log_sources import function_log_group
from stackview.aws.recent_events import read_back
from stackview.logs.invocations import INVOCATION_PATTERN, build_invocations, count_reports
from stackview.logs.request import request_lines
from stackview.models import LogEvent
from stackview.models.invocations import OK, Invocation
from stackview.widgets.data_panel import DataPanel
from stackview.widgets.format import relative_time
from stackview.widgets.literal import literal_text
from stackview.widgets.record_table import Record, RecordTable
from stackview.widgets.styles import style_for
from stackview.widgets.tabbed import TAB_PANEL, TableTab

LIMIT = 50
#: What matters first comes first (how it ended, how long, cold or not); the long request id last
#: but the error, so a narrow terminal still shows the figures.
COLUMNS = ("Time", "Outcome", "Duration", "Cold start", "Memory used", "Billed", "Version", "Request id", "Error")


@dataclass(frozen=True)
class RecentInvocations:
    log_group: str
    invocations: list[Invocation]
    events: list[LogEvent]
    start_ms: int
    capped: bool


def _ms(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:,.0f} ms" if value >= 100 else f"{value:,.2f} ms"


def _memory(inv: Invocation) -> str:
    if inv.max_memory_mb is None and inv.memory_size_mb is None:
        return "-"
    used = "-" if inv.max_memory_mb is None else str(inv.max_memory_mb)
    size = "-" if inv.memory_size_mb is None else str(inv.memory_size_mb)
    return f"{used} / {size} MB"


class InvocationsPanel(TableTab, DataPanel):
    tab_title = "Invocations"

    DEFAULT_CSS = "InvocationsPanel #invocations-note { height: auto; padding: 0 1; color: $text-muted; }"

    def __init__(self, function: str) -> None:
        super().__init__(classes=TAB_PANEL, id="invocations-panel")
        self.function = function

    def compose_content(self) -> ComposeResult:
        yield RecordTable(COLUMNS, max_widths={"Error": 60})
        yield Static(id="invocations-note")

    def fetch(self) -> RecentInvocations:
        session = self.host.session
        group = function_log_group(session, self.function)
        now_ms = int(self.host.clock().timestamp() * 1000)
        found = read_back(session, group, now_ms=now_ms, pattern=INVOCATION_PATTERN,
                          enough=lambda events: count_reports(events) >= LIMIT)
        invocations = build_invocations(found.events)[:LIMIT]
        return RecentInvocations(group, invocations, found.events, found.start_ms, found.capped)

    def show(self, data: RecentInvocations) -> None:
        muted = style_for(self.app, "sv-muted")
        now = self.host.clock()
        records = []
        for inv in data.invocations:
            moment = datetime.fromtimestamp(inv.timestamp_ms / 1000, tz=timezone.utc)
            stamp = literal_text(moment.strftime("%m-%d %H:%M:%SZ"))
            stamp.append_text(literal_text(f" {relative_time(moment, now)}", muted))
            records.append(Record(
                key=f"{inv.request_id}:{inv.timestamp_ms}",
                cells=(stamp, self._outcome(inv), literal_text(_ms(inv.duration_ms)),
                       literal_text(_ms(inv.init_duration_ms) if inv.cold_start else "", "bold"),
                       literal_text(_memory(inv)), literal_text(_ms(inv.billed_ms), muted),
                       literal_text(inv.version or "-", muted), literal_text(inv.request_id),
                       literal_text(inv.error, muted)),
                value=inv,
            ))
        self.query_one(RecordTable).set_records(records)
        self.query_one("#invocations-note", Static).update(self._note(data))
        self.refresh_title()

    def _outcome(self, inv: Invocation) -> Text:
        if inv.outcome == OK:
            return literal_text("ok", style_for(self.app, "sv-status-complete"))
        return literal_text(inv.outcome, style_for(self.app, "sv-level-error", bold=True))

    def _note(self, data: RecentInvocations) -> Text:
        since = relative_time(datetime.fromtimestamp(data.start_ms / 1000, tz=timezone.utc), self.host.clock())
        text = literal_text(f"{data.log_group}: the last {len(data.invocations)} invocations "
                            f"(REPORT lines since {since}); Enter: the request's lines, r: read again")
        if not data.invocations:
            text = literal_text(f"No REPORT line in {data.log_group} since {since}.")
        if data.capped:
            text.append("; stopped at the event cap, older ones are not read", style="bold")
        return text

    def on_record_table_chosen(self, event: RecordTable.Chosen) -> None:
        event.stop()
        inv: Invocation = event.record.value
        data: RecentInvocations | None = self.data
        lines = request_lines(data.events, inv.request_id) if data is not None else []
        self.host.open("request", inv.request_id, lines=lines, groups=[inv.log_group],
                       start_ms=inv.timestamp_ms, functions={inv.log_group: self.function})

    def copy_value(self) -> str | None:
        inv: Invocation | None = self.selected_value()
        return inv.request_id if inv else None
