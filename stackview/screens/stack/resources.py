"""The stack screen's Resources tab: every resource with its status; Enter opens a nested stack
or a function."""

from __future__ import annotations

from textual.app import ComposeResult

from stackview.aws.stacks import stack_resources
from stackview.models import StackResource
from stackview.models.arns import stack_name_of
from stackview.widgets.data_panel import DataPanel
from stackview.widgets.literal import literal_text
from stackview.widgets.record_table import Record, RecordTable
from stackview.widgets.styles import status_style, style_for
from stackview.widgets.tabbed import TAB_PANEL, TableTab


class ResourcesPanel(TableTab, DataPanel):
    tab_title = "Resources"

    def __init__(self, stack_ref: str) -> None:
        super().__init__(classes=TAB_PANEL, id="resources-panel")
        self.stack_ref = stack_ref

    def compose_content(self) -> ComposeResult:
        yield RecordTable(("Logical ID", "Type", "Physical ID", "Status", "Reason"),
                          max_widths={"Logical ID": 32, "Type": 30, "Physical ID": 36})

    def fetch(self) -> list[StackResource]:
        return stack_resources(self.host.session, self.stack_ref)

    def show(self, resources: list[StackResource]) -> None:
        muted = style_for(self.app, "sv-muted")
        records = [
            Record(
                key=r.logical_id,
                cells=(
                    literal_text(r.logical_id),
                    literal_text(r.resource_type, muted),
                    literal_text(r.physical_id),
                    literal_text(r.status, status_style(self.app, r.family)),
                    literal_text(r.status_reason, status_style(self.app, r.family)),
                ),
                value=r,
            )
            for r in sorted(resources, key=lambda r: (r.resource_type, r.logical_id))
        ]
        self.query_one(RecordTable).set_records(records)
        self.refresh_title()

    def copy_value(self) -> str | None:
        resource: StackResource | None = self.selected_value()
        return resource.physical_id if resource else None

    def on_record_table_chosen(self, event: RecordTable.Chosen) -> None:
        resource: StackResource = event.record.value
        if resource.is_nested_stack and resource.physical_id:
            self.host.open("stack", stack_name_of(resource.physical_id), ref=resource.physical_id)
        elif resource.is_function and resource.physical_id:
            self.host.open("function", resource.physical_id)
