"""One Lambda function: Overview, Versions, Aliases, Concurrency, Metrics and Invocations tabs, logs,
Logs Insights, invoke, levers.

The levers (throttle, unthrottle, reserved concurrency, alias traffic) are bindings of this
screen whose `check_action` answers False in read-only mode, so they vanish from the footer and
from `?` instead of failing when pressed; the alias levers and the reveal key exist only on the
tab they act on. The flows themselves live in `stackview.screens.levers`.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, TabbedContent, TabPane

from stackview.models import console
from stackview.models.functions import Alias, FunctionVersion
from stackview.screens.function.aliases import AliasesPanel
from stackview.screens.function.concurrency import ConcurrencyPanel
from stackview.screens.function.invocations import InvocationsPanel
from stackview.screens.function.metrics import MetricsPanel
from stackview.screens.function.overview import OverviewPanel
from stackview.screens.function.triggers import TriggersPanel
from stackview.screens.function.versions import VersionsPanel
from stackview.screens.levers import alias as alias_levers
from stackview.screens.levers import function as function_levers
from stackview.screens.levers import sources as source_levers
from stackview.screens.levers.runner import LeverRunner
from stackview.widgets.app_header import AppHeader
from stackview.widgets.app_screen import LogScope
from stackview.widgets.console_link import show_console_url
from stackview.widgets.filter_input import FilterInput
from stackview.widgets.record_table import RecordTable
from stackview.widgets.tabbed import TabbedScreen, tab_bindings

TABS = ("overview", "versions", "aliases", "concurrency", "metrics", "triggers", "invocations")
#: Actions that change something in the account (invoking runs code): hidden in read-only mode.
MUTATIONS = frozenset({"throttle", "unthrottle", "reserve", "alias_weight", "alias_promote",
                       "alias_rollback", "invoke"})
ALIAS_ACTIONS = frozenset({"alias_weight", "alias_promote", "alias_rollback"})
#: The queue levers of the Triggers tab (they change the account too).
TRIGGER_ACTIONS = frozenset({"mapping_disable", "mapping_enable", "mapping_max", "mapping_restore_max",
                             "redrive"})


class FunctionScreen(TabbedScreen):
    BINDINGS = [
        Binding("escape", "back", "Back", id="function.back"),
        # r and c are shown by `?` only: the footer keeps its room for the levers.
        Binding("r", "refresh", "Refresh", show=False, id="function.refresh"),
        Binding("c", "copy", "Copy", show=False, id="function.copy"),
        Binding("slash", "filter", "Filter", show=False, id="function.filter"),
        Binding("l", "logs", "Logs", id="function.logs"),
        Binding("L", "insights", "Insights", show=False, id="function.insights"),
        Binding("i", "invoke", "Invoke", id="function.invoke"),
        Binding("v", "reveal", "Reveal", id="function.reveal"),
        # The same key while values are shown, so the footer says what pressing it will do.
        Binding("v", "hide", "Hide values", id="function.hide"),
        Binding("t", "throttle", "Throttle", id="function.throttle"),
        Binding("u", "unthrottle", "Unthrottle", id="function.unthrottle"),
        Binding("n", "reserve", "Reserve", id="function.reserve"),
        Binding("w", "alias_weight", "Weight", id="function.alias_weight"),
        Binding("p", "alias_promote", "Promote", id="function.alias_promote"),
        Binding("b", "alias_rollback", "Roll back", id="function.alias_rollback"),
        Binding("d", "mapping_disable", "Disable", id="function.mapping_disable"),
        Binding("e", "mapping_enable", "Enable", id="function.mapping_enable"),
        Binding("m", "mapping_max", "Max conc.", id="function.mapping_max"),
        Binding("M", "mapping_restore_max", "Restore max", show=False, id="function.mapping_restore_max"),
        Binding("R", "redrive", "Redrive", id="function.redrive"),
        Binding("o", "console", "Console", show=False, id="function.console"),
        *tab_bindings("function", TABS),
    ]

    def __init__(self, name: str) -> None:
        super().__init__()
        self.function_name = name
        self.crumb = name
        self.levers = LeverRunner(self, self.reload_all)

    def compose(self) -> ComposeResult:
        yield AppHeader()
        with TabbedContent(id="function-tabs"):
            with TabPane("Overview", id="overview"):
                yield OverviewPanel(self.function_name)
            with TabPane("Versions", id="versions"):
                yield VersionsPanel(self.function_name)
            with TabPane("Aliases", id="aliases"):
                yield AliasesPanel(self.function_name)
            with TabPane("Concurrency", id="concurrency"):
                yield ConcurrencyPanel(self.function_name)
            with TabPane("Metrics", id="metrics"):
                yield MetricsPanel(self.function_name)
            with TabPane("Triggers", id="triggers"):
                yield TriggersPanel(self.function_name)
            with TabPane("Invocations", id="invocations"):
                yield InvocationsPanel(self.function_name)
        yield FilterInput(id="function-filter")
        yield Footer()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in (MUTATIONS | TRIGGER_ACTIONS) and self.host.read_only:
            return False
        if action in TRIGGER_ACTIONS and self.active_tab != "triggers":
            return False
        if action in ALIAS_ACTIONS and self.active_tab != "aliases":
            return False
        if action in ("reveal", "hide"):
            if self.active_tab != "overview":
                return False
            panels = self.query(OverviewPanel)
            revealed = bool(panels) and panels.first().revealed
            return revealed if action == "hide" else not revealed
        return True

    # -- what the rest of the app asks ------------------------------------------------------------
    def log_scope(self) -> LogScope:
        """For `l` and `:logs`: this function's log, no stack."""
        return LogScope(functions=(self.function_name,))

    def selected_qualifier(self) -> str | None:
        """The version or alias under the cursor when its tab is active ($LATEST means none)."""
        tab = self.active_tab
        if tab not in ("versions", "aliases"):
            return None
        record = self.active_pane().query_one(RecordTable).selected
        if record is None:
            return None
        value = record.value
        if isinstance(value, FunctionVersion):
            return None if value.version == "$LATEST" else value.version
        if isinstance(value, Alias):
            return value.name
        return None

    def selected_alias(self) -> Alias | None:
        record = self.query_one(AliasesPanel).query_one(RecordTable).selected
        return record.value if record else None

    # -- keys -------------------------------------------------------------------------------------
    def action_refresh(self) -> None:
        self.reload_all()

    def action_logs(self) -> None:
        self.host.open("logs")

    def action_insights(self) -> None:
        self.host.open("insights", functions=(self.function_name,))

    def action_invoke(self) -> None:
        self.host.open("invoke", self.function_name, qualifier=self.selected_qualifier())

    def action_reveal(self) -> None:
        panel = self.query_one(OverviewPanel)
        panel.reveal()
        self.refresh_bindings()
        self.notify("Environment values shown" if panel.revealed else "Environment values hidden", timeout=2)

    def action_hide(self) -> None:
        self.action_reveal()

    def action_throttle(self) -> None:
        function_levers.throttle_function(self.levers, self.function_name)

    def action_unthrottle(self) -> None:
        function_levers.unthrottle_function(self.levers, self.function_name)

    def action_reserve(self) -> None:
        function_levers.reserve_function(self.levers, self.function_name)

    def _with_alias(self, lever) -> None:
        alias = self.selected_alias()
        if alias is None:
            self.host.notify_error("select an alias first")
            return
        lever(self.levers, self.function_name, alias)

    def action_alias_weight(self) -> None:
        self._with_alias(alias_levers.shift_alias)

    def action_alias_promote(self) -> None:
        self._with_alias(alias_levers.promote_alias)

    def action_alias_rollback(self) -> None:
        self._with_alias(alias_levers.rollback_alias)

    # -- the Triggers tab: queue levers, console links ----------------------------------------------
    def _with_mapping(self, lever, *args) -> None:
        row = self.query_one(TriggersPanel).selected_row()
        if row is None or row.mapping is None:
            self.host.notify_error("select an event source mapping (or its dead-letter queue) first")
            return
        lever(self.levers, self.function_name, row.mapping, *args)

    def action_mapping_disable(self) -> None:
        self._with_mapping(source_levers.toggle_mapping, False)

    def action_mapping_enable(self) -> None:
        self._with_mapping(source_levers.toggle_mapping, True)

    def action_mapping_max(self) -> None:
        self._with_mapping(source_levers.set_max_concurrency)

    def action_mapping_restore_max(self) -> None:
        self._with_mapping(source_levers.restore_max_concurrency)

    def action_redrive(self) -> None:
        self._with_mapping(source_levers.redrive)

    def action_console(self) -> None:
        """The console page of the selected queue or topic on the Triggers tab, else the function's."""
        region = self.host.session.region or ""
        if self.active_tab == "triggers":
            row = self.query_one(TriggersPanel).selected_row()
            arn = row.queue.arn if row is not None and row.queue is not None else (
                row.target.arn if row is not None and row.target is not None else "")
            if arn:
                show_console_url(self, console.url_for_arn(arn, region), arn.rsplit(":", 1)[-1])
                return
        show_console_url(self, console.function_url(region, self.function_name), self.function_name)
