"""One stack: a summary line and tabs for resources, outputs, parameters, events and template."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Static, TabbedContent, TabPane

from stackview.aws.stacks import describe_stack
from stackview.models import Stack
from stackview.screens.stack_tabs import (
    EventsPanel,
    FunctionsPanel,
    OutputsPanel,
    ParametersPanel,
    ResourcesPanel,
    TemplatePanel,
)
from stackview.widgets.app_header import AppHeader
from stackview.widgets.data_panel import DataPanel
from stackview.widgets.format import relative_time
from stackview.widgets.literal import literal_text
from stackview.widgets.record_table import RecordTable
from stackview.widgets.styles import status_style, style_for

TABS = ("resources", "outputs", "parameters", "events", "template", "functions")
#: The kill switch and its restore change the account: hidden in read-only mode.
MUTATIONS = frozenset({"throttle_stack", "unthrottle_stack"})


class StackSummary(DataPanel):
    """Status, reason, times and description; feeds the Outputs and Parameters tabs."""

    DEFAULT_CSS = "StackSummary { height: auto; max-height: 4; padding: 0 1; }"

    def __init__(self, stack_ref: str) -> None:
        super().__init__(id="stack-summary")
        self.stack_ref = stack_ref

    def compose_content(self) -> ComposeResult:
        yield Static(id="stack-summary-text")

    def fetch(self) -> Stack:
        return describe_stack(self.app.session, self.stack_ref)

    def show(self, stack: Stack) -> None:
        now = self.app.clock()
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
            text.append_text(literal_text(stack.parent_id.split("/")[1] if "/" in stack.parent_id else stack.parent_id))
        if stack.description:
            text.append("\n")
            text.append_text(literal_text(stack.description, style_for(self.app, "sv-muted")))
        self.query_one("#stack-summary-text", Static).update(text)
        self.screen.query_one(OutputsPanel).show_stack(stack)
        self.screen.query_one(ParametersPanel).show_stack(stack)


class StackScreen(Screen):
    BINDINGS = [
        Binding("escape", "back", "Back", id="stack.back"),
        Binding("r", "refresh", "Refresh", id="stack.refresh"),
        Binding("c", "copy", "Copy", id="stack.copy"),
        Binding("slash", "filter", "Filter", id="stack.filter"),
        Binding("l", "logs", "Logs", id="stack.logs"),
        Binding("T", "throttle_stack", "Kill switch", id="stack.throttle"),
        Binding("U", "unthrottle_stack", "Restore", id="stack.unthrottle"),
        *(
            Binding(str(n), f"tab('{tab}')", tab.title(), show=False, id=f"stack.tab.{tab}")
            for n, tab in enumerate(TABS, start=1)
        ),
    ]

    def __init__(self, stack_ref: str, name: str) -> None:
        super().__init__()
        self.stack_ref = stack_ref
        self.stack_name = name
        self.crumb = name
        from stackview.screens.levers import LeverRunner

        self.levers = LeverRunner(self, self._reload_functions)

    def compose(self) -> ComposeResult:
        from stackview.widgets.filter_input import FilterInput

        yield AppHeader()
        yield StackSummary(self.stack_ref)
        with TabbedContent(id="stack-tabs"):
            with TabPane("Resources", id="resources"):
                yield ResourcesPanel(self.stack_ref)
            with TabPane("Outputs", id="outputs"):
                yield OutputsPanel()
            with TabPane("Parameters", id="parameters"):
                yield ParametersPanel()
            with TabPane("Events", id="events"):
                yield EventsPanel(self.stack_ref)
            with TabPane("Template", id="template"):
                yield TemplatePanel(self.stack_ref)
            with TabPane("Functions", id="functions"):
                yield FunctionsPanel(self.stack_ref)
        yield FilterInput(id="stack-filter")
        yield Footer()

    def on_mount(self) -> None:
        self._focus_active()

    def _active_pane(self) -> TabPane:
        tabs = self.query_one(TabbedContent)
        return tabs.get_pane(tabs.active)

    def _focus_active(self) -> None:
        tables = self._active_pane().query(RecordTable)
        if tables:
            tables.first().focus()

    def on_tabbed_content_tab_activated(self, _event: TabbedContent.TabActivated) -> None:
        self.call_after_refresh(self._focus_active)

    def action_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab

    def action_back(self) -> None:
        self.app.pop_screen()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in MUTATIONS and self.app.read_only:
            return False
        return True

    def log_scope(self) -> tuple[str | None, list[str]]:
        """For `l` and `:logs`: every function of this stack."""
        return self.stack_name, []

    def action_logs(self) -> None:
        self.app.open_logs()

    def action_throttle_stack(self) -> None:
        from stackview.screens.stack_levers import throttle_stack

        throttle_stack(self.levers, self.stack_ref, self.stack_name)

    def action_unthrottle_stack(self) -> None:
        from stackview.screens.stack_levers import unthrottle_stack

        unthrottle_stack(self.levers, self.stack_ref, self.stack_name)

    def on_screen_resume(self) -> None:
        """Back from a function screen, where a lever may have changed a reservation."""
        panel = self.query_one(FunctionsPanel)
        if panel.data is not None:
            panel.reload()

    def _reload_functions(self) -> None:
        self.query_one(FunctionsPanel).reload()

    def action_refresh(self) -> None:
        self.query_one(StackSummary).reload()
        for panel in self._active_pane().query(DataPanel):
            panel.reload()

    def action_copy(self) -> None:
        pane = self._active_pane()
        copy = getattr(pane.query_one(".stack-tab"), "copy_value", None)
        value = copy() if copy else None
        if value:
            self.app.copy_to_clipboard(value)
            self.notify("Copied", timeout=2)

    def action_filter(self) -> None:
        if self._active_pane().query(RecordTable):
            from stackview.widgets.filter_input import FilterInput

            filter_input = self.query_one(FilterInput)
            filter_input.applied = self._active_pane().query_one(RecordTable).filter_text
            filter_input.open()

    def on_filter_input_changed(self, event) -> None:
        tables = self._active_pane().query(RecordTable)
        if not tables:
            return
        table = tables.first()
        table.set_filter(event.text)
        pane_panel = self._active_pane().query_one(".stack-tab")
        pane_panel.refresh_title()
        if event.final:
            table.focus()
