"""The stack screen's Events tab: newest first, refreshed every 10 s; `o` fetches older pages.
Failures stand out in the status colour; Enter opens the whole event (`event_detail`)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding

from stackview.aws.stacks import stack_events
from stackview.models import Page, StackEvent, StatusFamily
from stackview.screens.stack.event_detail import EventDetailScreen
from stackview.widgets.data_panel import DataPanel
from stackview.widgets.format import relative_time, short_time
from stackview.widgets.literal import literal_text
from stackview.widgets.record_table import Record, RecordTable
from stackview.widgets.styles import status_style, style_for
from stackview.widgets.tabbed import TAB_PANEL, TableTab


class EventsPanel(TableTab, DataPanel):
    """Newest first; refreshes itself; `o` fetches older pages. Failures stand out."""

    tab_title = "Events"
    auto_refresh = 10.0
    BINDINGS = [Binding("o", "older", "Older events", id="stack.events.older")]

    def __init__(self, stack_ref: str) -> None:
        super().__init__(classes=TAB_PANEL, id="events-panel")
        self.stack_ref = stack_ref
        self.events: dict[str, StackEvent] = {}
        self.older_token: str | None = None
        self._older_loaded = False

    def compose_content(self) -> ComposeResult:
        yield RecordTable(("Time", "Logical ID", "Type", "Status", "Reason"),
                          max_widths={"Logical ID": 32, "Type": 30})

    def fetch(self) -> Page[StackEvent]:
        return stack_events(self.host.session, self.stack_ref)

    def show(self, page: Page[StackEvent]) -> None:
        for event in page.items:
            self.events[event.event_id] = event
        if not self._older_loaded:
            self.older_token = page.next_token
        self._draw()

    def _draw(self) -> None:
        now = self.host.clock()
        muted = style_for(self.app, "sv-muted")
        records = []
        for event in sorted(self.events.values(), key=lambda e: e.timestamp, reverse=True):
            style = status_style(self.app, event.family)
            failed = event.family is StatusFamily.FAILED
            records.append(
                Record(
                    key=event.event_id,
                    cells=(
                        # How long ago first: on a narrow terminal the column ends in "…".
                        literal_text(f"{relative_time(event.timestamp, now)}  {short_time(event.timestamp)}", muted),
                        literal_text(event.logical_id, style if failed else ""),
                        literal_text(event.resource_type, muted),
                        literal_text(event.status, style),
                        literal_text(event.status_reason, style if failed else muted),
                    ),
                    value=event,
                )
            )
        self.query_one(RecordTable).set_records(records)
        self.refresh_title()
        if self.older_token:
            self.border_subtitle = "o: older events"
        else:
            self.border_subtitle = ""

    def action_older(self) -> None:
        token = self.older_token
        if not token:
            self.notify("No older events", timeout=2)
            return
        session, stack_ref = self.host.session, self.stack_ref
        # A failure is one notified line; the table stays as it is.
        self.run_in_thread("older", lambda: stack_events(session, stack_ref, token), self._merge_older)

    def _merge_older(self, page: Page[StackEvent]) -> None:
        self._older_loaded = True
        self.older_token = page.next_token
        for event in page.items:
            self.events[event.event_id] = event
        self._draw()

    def copy_value(self) -> str | None:
        event: StackEvent | None = self.selected_value()
        return event.status_reason or event.physical_id if event else None

    def on_record_table_chosen(self, chosen: RecordTable.Chosen) -> None:
        """Enter: the whole event, its reason wrapped."""
        event: StackEvent = chosen.record.value
        self.app.push_screen(EventDetailScreen(event, relative_time(event.timestamp, self.host.clock())))
