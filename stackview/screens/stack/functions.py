"""The stack screen's Functions tab: the stack's functions (nested stacks' too) with their
reserved concurrency, and a THROTTLED badge where it is 0, so a kill switch left on is seen at
a glance. Enter opens one."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Static

from stackview.aws.functions import stack_functions
from stackview.models.functions import FunctionSummary
from stackview.widgets.badges import reservation_cell
from stackview.widgets.data_panel import DataPanel
from stackview.widgets.format import relative_time
from stackview.widgets.literal import literal_text
from stackview.widgets.record_table import Record, RecordTable
from stackview.widgets.styles import style_for
from stackview.widgets.tabbed import TAB_PANEL, TableTab


class FunctionsPanel(TableTab, DataPanel):
    tab_title = "Functions"

    def __init__(self, stack_ref: str) -> None:
        super().__init__(classes=TAB_PANEL, id="functions-panel")
        self.stack_ref = stack_ref

    def compose_content(self) -> ComposeResult:
        yield RecordTable(("Function", "Logical ID", "Runtime", "Memory", "Timeout", "Modified", "Reserved", "Note"),
                          keep="Reserved")  # THROTTLED stays in view on a narrow terminal
        yield Static(classes="empty-note", id="functions-empty")

    def fetch(self) -> list[FunctionSummary]:
        return stack_functions(self.host.session, self.stack_ref)

    def show(self, functions: list[FunctionSummary]) -> None:
        muted = style_for(self.app, "sv-muted")
        failed = style_for(self.app, "sv-status-failed")
        now = self.host.clock()
        records = [
            Record(
                key=f.logical_id or f.name,
                cells=(
                    literal_text(f.name, "bold"),
                    literal_text(f.logical_id, muted),
                    literal_text(f.runtime),
                    literal_text(f"{f.memory} MB" if f.memory else "-"),
                    literal_text(f"{f.timeout} s" if f.timeout else "-"),
                    literal_text(relative_time(f.last_modified, now), muted),
                    reservation_cell(self.app, f.reserved_concurrency, f.reserved_known),
                    literal_text(f.error, failed),
                ),
                value=f,
            )
            for f in functions
        ]
        self.query_one(RecordTable).set_records(records)
        note = self.query_one("#functions-empty", Static)
        note.update("No functions in this stack." if not functions else "")
        note.display = not functions
        self.refresh_title()

    def copy_value(self) -> str | None:
        function: FunctionSummary | None = self.selected_value()
        return (function.arn or function.name) if function else None

    def on_record_table_chosen(self, event: RecordTable.Chosen) -> None:
        function: FunctionSummary = event.record.value
        self.host.open("function", function.name)
