"""The function screen's Aliases tab: aliases with their routing; the selected alias' split is
drawn full width below the table."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Static

from stackview.aws.functions import list_aliases
from stackview.models.functions import Alias
from stackview.widgets.alias_bar import AliasBar, alias_bar
from stackview.widgets.data_panel import DataPanel
from stackview.widgets.literal import literal_text
from stackview.widgets.record_table import Record, RecordTable
from stackview.widgets.styles import style_for
from stackview.widgets.tabbed import TAB_PANEL, TableTab


class AliasesPanel(TableTab, DataPanel):
    """Aliases with their routing; the selected alias' split is drawn full width below."""

    tab_title = "Aliases"

    def __init__(self, function: str) -> None:
        super().__init__(classes=TAB_PANEL, id="aliases-panel")
        self.function = function

    def compose_content(self) -> ComposeResult:
        yield RecordTable(("Alias", "Version", "Traffic", "Description"))
        yield AliasBar(id="alias-bar")
        yield Static(classes="empty-note", id="aliases-empty")

    def fetch(self) -> list[Alias]:
        return list_aliases(self.host.session, self.function)

    def show(self, aliases: list[Alias]) -> None:
        muted = style_for(self.app, "sv-muted")
        additional = style_for(self.app, "sv-alias-additional")
        records = []
        for alias in aliases:
            version = literal_text(alias.function_version)
            if alias.is_weighted:
                version.append_text(literal_text(f" + {alias.additional_version}", additional))
            records.append(Record(
                key=alias.name,
                cells=(literal_text(alias.name, "bold"), version, alias_bar(self.app, alias),
                       literal_text(alias.description, muted)),
                value=alias,
            ))
        self.query_one(RecordTable).set_records(records)
        note = self.query_one("#aliases-empty", Static)
        note.update("No aliases." if not aliases else "")
        note.display = not aliases
        self.refresh_title()
        self._show_selected()

    def _show_selected(self) -> None:
        self.query_one(AliasBar).alias = self.selected_value()

    def on_data_table_row_highlighted(self, _event) -> None:
        self._show_selected()

    def copy_value(self) -> str | None:
        alias: Alias | None = self.selected_value()
        return alias.arn if alias else None
