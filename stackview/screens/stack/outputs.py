"""The stack screen's Outputs and Parameters tabs, filled from the summary's DescribeStacks answer."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical

from stackview.models import Stack
from stackview.widgets.literal import literal_text
from stackview.widgets.record_table import Record, RecordTable
from stackview.widgets.styles import style_for
from stackview.widgets.tabbed import TAB_PANEL, TableTab


class OutputsPanel(TableTab, Vertical):
    """Filled from the stack summary's DescribeStacks answer (no call of its own)."""

    tab_title = "Outputs"

    def __init__(self) -> None:
        super().__init__(classes=TAB_PANEL, id="outputs-panel")

    def compose(self) -> ComposeResult:
        yield RecordTable(("Key", "Value", "Description", "Export name"),
                          max_widths={"Value": 60, "Description": 40})

    def show_stack(self, stack: Stack) -> None:
        muted = style_for(self.app, "sv-muted")
        self.query_one(RecordTable).set_records(
            Record(
                key=o.key,
                cells=(
                    literal_text(o.key),
                    literal_text(o.value),
                    literal_text(o.description, muted),
                    literal_text(o.export_name, muted),
                ),
                value=o,
            )
            for o in stack.outputs
        )
        self.refresh_title()

    def copy_value(self) -> str | None:
        output = self.selected_value()
        return output.value if output else None


class ParametersPanel(TableTab, Vertical):
    tab_title = "Parameters"

    def __init__(self) -> None:
        super().__init__(classes=TAB_PANEL, id="parameters-panel")

    def compose(self) -> ComposeResult:
        yield RecordTable(("Key", "Value", "Resolved value"))

    def show_stack(self, stack: Stack) -> None:
        muted = style_for(self.app, "sv-muted")
        self.query_one(RecordTable).set_records(
            Record(
                key=p.key,
                cells=(
                    literal_text(p.key),
                    literal_text(p.value, muted if p.no_echo else ""),
                    literal_text(p.resolved_value, muted),
                ),
                value=p,
            )
            for p in stack.parameters
        )
        self.refresh_title()

    def copy_value(self) -> str | None:
        parameter = self.selected_value()
        return parameter.resolved_value or parameter.value if parameter else None
