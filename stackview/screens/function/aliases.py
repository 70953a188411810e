"""The function screen's Aliases tab: aliases with their routing; the selected alias' split is
drawn full width below the table, and for a weighted alias (a canary) each version's health
through the alias over the health window: invocations, errors, error %, duration, so the
decision to promote or roll back is made on figures (CloudWatch's ExecutedVersion dimension)."""

from __future__ import annotations

from datetime import timedelta

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from stackview.aws.canary import canary_health
from stackview.aws.errors import UserError
from stackview.aws.functions import list_aliases
from stackview.models.canary import CanaryHealth, canary_lines
from stackview.models.functions import Alias
from stackview.widgets.alias_bar import AliasBar, alias_bar
from stackview.widgets.data_panel import DataPanel
from stackview.widgets.literal import literal_text
from stackview.widgets.record_table import Record, RecordTable
from stackview.widgets.styles import style_for
from stackview.widgets.tabbed import TAB_PANEL, TableTab


class AliasesPanel(TableTab, DataPanel):
    """Aliases with their routing; the selected alias' split is drawn full width below."""

    DEFAULT_CSS = "AliasesPanel #canary-health { padding: 0 1; height: auto; }"

    tab_title = "Aliases"
    #: The canary's figures move every minute; so does the list (a deployment shifts weights).
    auto_refresh = 60.0

    def __init__(self, function: str) -> None:
        super().__init__(classes=TAB_PANEL, id="aliases-panel")
        self.function = function

    def compose_content(self) -> ComposeResult:
        yield RecordTable(("Alias", "Version", "Traffic", "Description"))
        yield AliasBar(id="alias-bar")
        yield Static(id="canary-health")
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
        alias: Alias | None = self.selected_value()
        self.query_one(AliasBar).alias = alias
        health = self.query_one("#canary-health", Static)
        health.display = bool(alias and alias.is_weighted)
        if alias is None or not alias.is_weighted:
            self._canary_for = None
            return
        key = (alias.name, alias.function_version, alias.additional_version, self.fetches)
        if key == self._canary_for:
            return  # the same canary, already shown (or on its way) since the last reload
        self._canary_for = key
        health.update(Text(f"Canary {alias.name}: reading each version's figures ...",
                           style=style_for(self.app, "sv-muted")))
        minutes = self.host.config.health.window_minutes
        session, function, now = self.host.session, self.function, self.host.clock()
        self.run_in_thread("canary", lambda: canary_health(session, function, alias, now=now,
                                                           window=timedelta(minutes=minutes)),
                           self._show_canary, failed=self._canary_failed)

    _canary_for: tuple | None = None

    def _show_canary(self, health: CanaryHealth) -> None:
        muted = style_for(self.app, "sv-muted")
        worst = health.worst()
        text = Text(end="")
        text.append_text(literal_text(f"Canary {health.alias}, last {health.minutes} min, per executed version",
                                      "bold"))
        for line, version in zip(canary_lines(health), (*health.versions, None)):
            text.append("\n")
            bad = version is not None and worst is not None and version.version == worst.version
            text.append_text(literal_text(line, style_for(self.app, "sv-level-error") if bad else
                                          (muted if version is None else "")))
        self.query_one("#canary-health", Static).update(text)

    def _canary_failed(self, error: UserError) -> None:
        self.query_one("#canary-health", Static).update(
            literal_text(f"Canary figures unavailable: {error.one_line()}", style_for(self.app, "sv-level-warn")))

    def on_data_table_row_highlighted(self, _event) -> None:
        self._show_selected()

    def copy_value(self) -> str | None:
        alias: Alias | None = self.selected_value()
        return alias.arn if alias else None
