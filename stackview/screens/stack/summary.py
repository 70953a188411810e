"""The stack screen's summary line: status, reason, times, parent and description.

It also feeds the Outputs and Parameters tabs, which need no call of their own: DescribeStacks
already answers them.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from stackview.aws.stacks import describe_stack
from stackview.models import Stack
from stackview.models.arns import stack_name_of
from stackview.screens.stack.outputs import OutputsPanel, ParametersPanel
from stackview.widgets.data_panel import DataPanel
from stackview.widgets.format import relative_time
from stackview.widgets.literal import literal_text
from stackview.widgets.styles import status_style, style_for


class StackSummaryPanel(DataPanel):
    """Status, reason, times and description; feeds the Outputs and Parameters tabs."""

    DEFAULT_CSS = "StackSummaryPanel { height: auto; max-height: 4; padding: 0 1; }"

    def __init__(self, stack_ref: str) -> None:
        super().__init__(id="stack-summary")
        self.stack_ref = stack_ref

    def compose_content(self) -> ComposeResult:
        yield Static(id="stack-summary-text")

    def fetch(self) -> Stack:
        return describe_stack(self.host.session, self.stack_ref)

    def show(self, stack: Stack) -> None:
        now = self.host.clock()
        text = Text()
        text.append_text(literal_text(stack.status, status_style(self.app, stack.family)))
        if stack.status_reason:
            text.append("  ")
            text.append_text(literal_text(stack.status_reason, status_style(self.app, stack.family)))
        text.append("   created ", style="dim")
        text.append(relative_time(stack.created, now))
        text.append("   updated ", style="dim")
        text.append(relative_time(stack.updated, now))
        if stack.parent_id:
            text.append("   nested in ", style="dim")
            text.append_text(literal_text(stack_name_of(stack.parent_id)))
        if stack.description:
            text.append("\n")
            text.append_text(literal_text(stack.description, style_for(self.app, "sv-muted")))
        self.query_one("#stack-summary-text", Static).update(text)
        self.screen.query_one(OutputsPanel).show_stack(stack)
        self.screen.query_one(ParametersPanel).show_stack(stack)
