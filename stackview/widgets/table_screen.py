"""A full screen around one panel's table (the Stacks list, every function, every alarm).

`/` opens the filter box on the table (showing the filter in force), each keystroke narrows the
rows and the panel's title counts them, Enter or Esc gives the table back its focus. The screen
says which panel holds the table (`panel_type`).
"""

from __future__ import annotations

from typing import ClassVar

from stackview.widgets.app_screen import AppScreen
from stackview.widgets.filter_input import FilterInput
from stackview.widgets.record_table import RecordTable
from stackview.widgets.tabbed import TabPanel


class TableScreen(AppScreen):
    """A screen whose keys work on one RecordTable, in the panel of type `panel_type`."""

    panel_type: ClassVar[type[TabPanel]]

    @property
    def table(self) -> RecordTable:
        return self.query_one(RecordTable)

    @property
    def panel(self) -> TabPanel:
        return self.query_one(self.panel_type)

    def on_mount(self) -> None:
        self.table.focus()

    def action_filter(self) -> None:
        filter_input = self.query_one(FilterInput)
        filter_input.applied = self.table.filter_text
        filter_input.open()

    def on_filter_input_changed(self, event: FilterInput.Changed) -> None:
        self.table.set_filter(event.text)
        self.panel.refresh_title()
        if event.final:
            self.table.focus()
