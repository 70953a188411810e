"""The stack screen's Template tab: the template, syntax-highlighted (JSON or YAML), shown literally."""

from __future__ import annotations

from rich.syntax import Syntax
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from stackview.aws.stacks import stack_template
from stackview.models import StackTemplate
from stackview.widgets.data_panel import DataPanel
from stackview.widgets.literal import neutralize
from stackview.widgets.tabbed import TAB_PANEL, TabPanel


class TemplatePanel(TabPanel, DataPanel):
    def __init__(self, stack_ref: str) -> None:
        super().__init__(classes=TAB_PANEL, id="template-panel")
        self.stack_ref = stack_ref
        self.template: StackTemplate | None = None

    def compose_content(self) -> ComposeResult:
        with VerticalScroll(id="template-scroll"):
            yield Static(id="template-body")

    def fetch(self) -> StackTemplate:
        return stack_template(self.host.session, self.stack_ref)

    def show(self, template: StackTemplate) -> None:
        self.template = template
        self.border_title = f"Template ({template.language.upper()}, {template.body.count(chr(10)) + 1} lines)"
        syntax = Syntax(
            neutralize(template.body, keep_newlines=True),
            template.language,
            theme="monokai" if self.app.current_theme.dark else "friendly",
            line_numbers=True,
            background_color="default",
            word_wrap=False,
        )
        self.query_one("#template-body", Static).update(syntax)

    def copy_value(self) -> str | None:
        return self.template.body if self.template else None
