"""One stack: a summary line and tabs for resources, outputs, parameters, events, template and
functions; `l` tails every function's logs; `T` / `U` pull the kill switch and restore it."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, TabbedContent, TabPane

from stackview.screens.levers.runner import LeverRunner
from stackview.models import console
from stackview.screens.levers.stack import throttle_stack, unthrottle_stack
from stackview.screens.stack.alarms import StackAlarmsPanel
from stackview.screens.stack.events import EventsPanel
from stackview.screens.stack.functions import FunctionsPanel
from stackview.screens.stack.outputs import OutputsPanel, ParametersPanel
from stackview.screens.stack.resources import ResourcesPanel
from stackview.screens.stack.summary import StackSummaryPanel
from stackview.screens.stack.template import TemplatePanel
from stackview.widgets.app_header import AppHeader
from stackview.widgets.app_screen import LogScope
from stackview.widgets.console_link import show_console_url
from stackview.widgets.filter_input import FilterInput
from stackview.widgets.host import Host
from stackview.widgets.tabbed import TabbedScreen, tab_bindings

TABS = ("resources", "outputs", "parameters", "events", "template", "functions", "alarms")
#: The kill switch and its restore change the account: hidden in read-only mode.
MUTATIONS = frozenset({"throttle_stack", "unthrottle_stack"})


class StackScreen(TabbedScreen):
    BINDINGS = [
        Binding("escape", "back", "Back", id="stack.back"),
        Binding("r", "refresh", "Refresh", id="stack.refresh"),
        Binding("c", "copy", "Copy", id="stack.copy"),
        Binding("slash", "filter", "Filter", id="stack.filter"),
        Binding("l", "logs", "Logs", id="stack.logs"),
        Binding("L", "insights", "Insights", show=False, id="stack.insights"),
        Binding("T", "throttle_stack", "Kill switch", id="stack.throttle"),
        Binding("U", "unthrottle_stack", "Restore", id="stack.unthrottle"),
        # On the Events tab its own `o` (older events) wins: the focused table's panel binds it.
        Binding("o", "console", "Console", show=False, id="stack.console"),
        *tab_bindings("stack", TABS),
    ]

    def __init__(self, stack_ref: str, name: str) -> None:
        super().__init__()
        self.stack_ref = stack_ref
        self.stack_name = name
        self.crumb = name
        self.levers = LeverRunner(self, self._reload_functions)

    @classmethod
    def create(cls, host: Host, target: str = "", *, ref: str | None = None) -> StackScreen:
        """`:stack NAME`, Enter on a stack, or on a nested stack's resource (`ref`: its ARN)."""
        return cls(ref or target, target)

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield StackSummaryPanel(self.stack_ref)
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
            with TabPane("Alarms", id="alarms"):
                yield StackAlarmsPanel(self.stack_ref)
        yield FilterInput(id="stack-filter")
        yield Footer()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in MUTATIONS and self.host.read_only:
            return False
        return True

    def log_scope(self) -> LogScope:
        """For `l` and `:logs`: every function of this stack."""
        return LogScope(stack=self.stack_name)

    def action_logs(self) -> None:
        self.host.open("logs")

    def action_insights(self) -> None:
        self.host.open("insights", stack=self.stack_name)

    def action_throttle_stack(self) -> None:
        throttle_stack(self.levers, self.stack_ref, self.stack_name)

    def action_unthrottle_stack(self) -> None:
        unthrottle_stack(self.levers, self.stack_ref, self.stack_name)

    def on_screen_resume(self) -> None:
        """Back from a function screen, where a lever may have changed a reservation: only the
        reservations the session saw change are read again (no listing, no call per function)."""
        panel = self.query_one(FunctionsPanel)
        if panel.data is not None:
            panel.recheck_details()

    def _reload_functions(self) -> None:
        self.query_one(FunctionsPanel).recheck_details()

    def action_refresh(self) -> None:
        self.query_one(StackSummaryPanel).reload()
        if self.active_tab == "functions":
            self.query_one(FunctionsPanel).refresh_all()
        else:
            self.reload_active()

    def action_console(self) -> None:
        """The console page of the selected alarm on the Alarms tab, else the stack's."""
        region = self.host.session.region or ""
        if self.active_tab == "alarms":
            alarm = self.query_one(StackAlarmsPanel).selected_value()
            if alarm is not None:
                show_console_url(self, console.alarm_url(region, alarm.name), alarm.name)
                return
        summary = self.query_one(StackSummaryPanel).data
        stack_id = getattr(summary, "stack_id", "") or self.stack_ref
        show_console_url(self, console.stack_url(region, stack_id), self.stack_name)
