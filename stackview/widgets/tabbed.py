"""Tabbed screens (a stack, a function) and the tabs they hold.

Every tab is a `TabPanel`: it carries the CSS class `tab-panel`, says what `c` copies
(`copy_value`) and draws its own border title (`refresh_title`, with the active `/` filter when
it holds a table: `TableTab`). `TabbedScreen` holds what the stack and function screens used to
write twice: number keys pick a tab, the new tab's table (or scroll area) takes the focus, `/`
filters the active tab's table, `c` copies the active tab's value, `r` reloads what the active
tab shows.
"""

from __future__ import annotations

from typing import Any, cast

from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import TabbedContent, TabPane

from stackview.widgets.app_screen import AppScreen
from stackview.widgets.data_panel import DataPanel
from stackview.widgets.filter_input import FilterInput
from stackview.widgets.literal import literal_text
from stackview.widgets.record_table import RecordTable

TAB_PANEL = "tab-panel"


class TabPanel:
    """Mixin for the widget filling one tab (give it `classes="tab-panel"`)."""

    tab_title = ""

    def copy_value(self) -> str | None:
        return None

    def refresh_title(self) -> None:
        """The border title (tabs without a table to filter keep the one they set)."""


class TableTab(TabPanel):
    """A tab showing a RecordTable: its title counts rows and names the active filter."""

    def refresh_title(self) -> None:
        table = cast(Any, self).query_one(RecordTable)
        title = f"{self.tab_title} ({len(table.shown)}"
        title += f" of {len(table.records)})" if table.filter_text else ")"
        if table.filter_text:
            title += f"  /{table.filter_text}"
        cast(Any, self).border_title = literal_text(title)

    def selected_value(self) -> Any:
        record = cast(Any, self).query_one(RecordTable).selected
        return record.value if record else None


def tab_bindings(prefix: str, tabs: tuple[str, ...]) -> list[Binding]:
    """Keys 1..n for the tabs, with ids `<prefix>.tab.<tab>` (users remap them by id)."""
    return [Binding(str(n), f"tab('{tab}')", tab.title(), show=False, id=f"{prefix}.tab.{tab}")
            for n, tab in enumerate(tabs, start=1)]


class TabbedScreen(AppScreen):
    """A screen whose body is a TabbedContent of TabPanels, with a FilterInput for `/`."""

    @property
    def active_tab(self) -> str:
        """The active tab's id ("" before the tabs are composed: bindings are checked early)."""
        tabs = self.query(TabbedContent)
        return tabs.first().active if tabs else ""

    def active_pane(self) -> TabPane:
        tabs = self.query_one(TabbedContent)
        return tabs.get_pane(tabs.active)

    def active_panel(self) -> TabPanel:
        return cast(TabPanel, self.active_pane().query_one(f".{TAB_PANEL}"))

    def focus_active(self) -> None:
        pane = self.active_pane()
        tables = pane.query(RecordTable)
        if tables:
            tables.first().focus()
            return
        scrolls = pane.query(VerticalScroll)  # tabs without a table: their scroll area takes the keys
        if scrolls:
            scrolls.first().focus()

    def on_mount(self) -> None:
        self.focus_active()

    def on_tabbed_content_tab_activated(self, _event: TabbedContent.TabActivated) -> None:
        self.refresh_bindings()
        self.call_after_refresh(self.focus_active)

    def action_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab

    def reload_active(self) -> None:
        for panel in self.active_pane().query(DataPanel):
            panel.reload()

    def reload_all(self) -> None:
        for panel in self.query(DataPanel):
            panel.reload()

    def copy_value(self) -> str | None:
        return self.active_panel().copy_value()

    def action_filter(self) -> None:
        tables = self.active_pane().query(RecordTable)
        if tables:
            filter_input = self.query_one(FilterInput)
            filter_input.applied = tables.first().filter_text
            filter_input.open()

    def on_filter_input_changed(self, event: FilterInput.Changed) -> None:
        tables = self.active_pane().query(RecordTable)
        if not tables:
            return
        tables.first().set_filter(event.text)
        self.active_panel().refresh_title()
        if event.final:
            tables.first().focus()
