"""The stacks screen: every stack of the region, status by family, nested stacks under parents."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Static

from stackview.aws.stacks import list_stacks
from stackview.models import StackSummary, StatusFamily, console
from stackview.widgets.app_header import AppHeader
from stackview.widgets.app_screen import AppScreen
from stackview.widgets.console_link import show_console_url
from stackview.widgets.data_panel import DataPanel
from stackview.widgets.filter_input import FilterInput
from stackview.widgets.host import Host
from stackview.widgets.format import relative_time
from stackview.widgets.literal import literal_text
from stackview.widgets.record_table import Record, RecordTable
from stackview.widgets.styles import status_style, style_for
from stackview.widgets.tabbed import TableTab


class StacksPanel(TableTab, DataPanel):
    """The table of stacks. Refreshes itself: often while a stack is changing, rarely otherwise."""

    BORDER_TITLE = "Stacks"
    tab_title = "Stacks"

    def compose_content(self) -> ComposeResult:
        yield RecordTable(("Stack", "Status", "Updated", "Description"), id="stacks-table")
        yield Static(classes="empty-note", id="stacks-empty")

    @property
    def auto_refresh(self) -> float:  # type: ignore[override]
        busy = any(s.family is StatusFamily.IN_PROGRESS for s in self.data or ())
        return 5.0 if busy else 30.0

    def fetch(self) -> list[StackSummary]:
        return list_stacks(self.host.session)

    def show(self, stacks: list[StackSummary]) -> None:
        now = self.host.clock()
        depth: dict[str, int] = {}
        records = []
        for stack in stacks:
            level = depth[stack.stack_id] = depth.get(stack.parent_id or "", -1) + 1
            name = literal_text(("  " * level + "└ " if level else "") + stack.name)
            records.append(
                Record(
                    key=stack.stack_id or stack.name,
                    cells=(
                        name,
                        literal_text(stack.status, status_style(self.app, stack.family)),
                        literal_text(relative_time(stack.last_changed, now)),
                        literal_text(stack.description, style_for(self.app, "sv-muted")),
                    ),
                    value=stack,
                )
            )
        self.query_one(RecordTable).set_records(records)
        self.host.catalog["stacks"] = [stack.name for stack in stacks]
        note = self.query_one("#stacks-empty", Static)
        note.update(f"No stacks in {self.host.session.region}." if not stacks else "")
        note.display = not stacks
        self.refresh_title()


class StacksScreen(AppScreen):
    crumb = "Stacks"
    BINDINGS = [
        Binding("slash", "filter", "Filter", id="stacks.filter"),
        Binding("r", "refresh", "Refresh", id="stacks.refresh"),
        Binding("c", "copy", "Copy ARN", id="stacks.copy"),
        Binding("o", "console", "Console", show=False, id="stacks.console"),
    ]

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield StacksPanel(id="stacks-panel")
        yield FilterInput(id="stacks-filter")
        yield Footer()

    @classmethod
    def create(cls, host: Host, target: str = "") -> StacksScreen | None:
        """The first screen; `:stacks` pops back to it, so it is never opened twice in a row."""
        return None if isinstance(host.screen, cls) else cls()

    def on_mount(self) -> None:
        self.query_one(RecordTable).focus()

    @property
    def table(self) -> RecordTable:
        return self.query_one(RecordTable)

    def action_filter(self) -> None:
        self.query_one(FilterInput).open()

    def on_filter_input_changed(self, event: FilterInput.Changed) -> None:
        self.table.set_filter(event.text)
        self.query_one(StacksPanel).refresh_title()
        if event.final:
            self.table.focus()

    def action_refresh(self) -> None:
        self.query_one(StacksPanel).reload()

    def action_copy(self) -> None:
        record = self.table.selected
        if record is not None:
            self.app.copy_to_clipboard(record.value.stack_id)
            self.notify("Stack ARN copied", timeout=2)

    def action_console(self) -> None:
        record = self.table.selected
        if record is not None:
            stack: StackSummary = record.value
            show_console_url(self, console.stack_url(self.host.session.region or "", stack.stack_id or stack.name),
                             stack.name)

    def on_record_table_chosen(self, event: RecordTable.Chosen) -> None:
        stack: StackSummary = event.record.value
        self.host.open("stack", stack.name, ref=stack.stack_id or stack.name)
