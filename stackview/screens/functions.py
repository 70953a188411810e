"""`:functions`: every function of the region with its health, the account pulse on top.

The all-functions view of the incident cockpit: which function fails, is throttled, or has an
alarm in ALARM, whatever stack (or none) it belongs to. Rows come from ListFunctions (kept per
session), health from one GetMetricData sweep of every row (widgets/function_table.py), reserved
concurrency for the rows on screen only. `s` puts the functions needing attention first.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer

from stackview.aws.inventory import inventory
from stackview.models.functions import FunctionSummary
from stackview.widgets.app_header import AppHeader
from stackview.widgets.app_screen import LogScope
from stackview.widgets.filter_input import FilterInput
from stackview.widgets.function_table import FunctionTablePanel
from stackview.widgets.pulse import PulsePanel
from stackview.widgets.table_screen import TableScreen


class AllFunctionsPanel(FunctionTablePanel):
    tab_title = "Functions"

    def __init__(self) -> None:
        super().__init__(id="all-functions-panel")
        self._fresh = False

    def functions(self) -> list[FunctionSummary]:
        store = inventory(self.host.session)
        rows = list(store.functions(max_age=0 if self._fresh else 300.0).values())
        self._fresh = False
        return sorted(rows, key=lambda row: row.name)

    def show(self, functions: list[FunctionSummary]) -> None:
        self.host.catalog["functions"] = [row.name for row in functions]  # `:fn` completes them
        super().show(functions)

    def empty_text(self) -> str:
        return f"No functions in {self.host.session.region}."

    def refresh_all(self) -> None:
        self._fresh = True
        super().refresh_all()


class FunctionsScreen(TableScreen):
    crumb = "Functions"
    panel_type = AllFunctionsPanel
    copied = "Function ARN copied"
    BINDINGS = [
        Binding("escape", "back", "Back", id="functions.back"),
        Binding("slash", "filter", "Filter", id="functions.filter"),
        Binding("r", "refresh", "Refresh", id="functions.refresh"),
        Binding("c", "copy", "Copy ARN", id="functions.copy"),
        Binding("l", "logs", "Logs", id="functions.logs"),
    ]

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield PulsePanel(id="functions-pulse")
        yield AllFunctionsPanel()
        yield FilterInput(id="functions-filter")
        yield Footer()

    def log_scope(self) -> LogScope | None:
        """`l` / `:logs`: the selected function."""
        record = self.table.selected
        return LogScope(functions=(record.value.name,)) if record else None

    def copy_value(self) -> str | None:
        return self.panel.copy_value()

    def action_logs(self) -> None:
        if self.table.selected is not None:
            self.host.open("logs")

    def action_refresh(self) -> None:
        self.panel.refresh_all()
        self.query_one(PulsePanel).reload()
