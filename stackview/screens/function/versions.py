"""The function screen's Versions tab: $LATEST, then published versions newest first."""

from __future__ import annotations

from textual.app import ComposeResult

from stackview.aws.functions import list_versions
from stackview.models.functions import FunctionVersion, version_sort_key
from stackview.widgets.data_panel import DataPanel
from stackview.widgets.format import relative_time, short_time
from stackview.widgets.literal import literal_text
from stackview.widgets.record_table import Record, RecordTable
from stackview.widgets.styles import style_for
from stackview.widgets.tabbed import TAB_PANEL, TableTab


class VersionsPanel(TableTab, DataPanel):
    tab_title = "Versions"

    def __init__(self, function: str) -> None:
        super().__init__(classes=TAB_PANEL, id="versions-panel")
        self.function = function

    def compose_content(self) -> ComposeResult:
        yield RecordTable(("Version", "Published", "Code sha", "Runtime", "Description"))

    def fetch(self) -> list[FunctionVersion]:
        return list_versions(self.host.session, self.function)

    def show(self, versions: list[FunctionVersion]) -> None:
        muted = style_for(self.app, "sv-muted")
        now = self.host.clock()
        # $LATEST, then newest first: the version someone just deployed is what one looks for.
        ordered = sorted(versions, key=lambda v: version_sort_key(v.version), reverse=True)
        self.query_one(RecordTable).set_records(
            Record(
                key=v.version,
                cells=(
                    literal_text(v.version, "bold" if v.version != "$LATEST" else muted),
                    literal_text(f"{short_time(v.last_modified)} ({relative_time(v.last_modified, now)})", muted),
                    literal_text(v.short_sha, muted),
                    literal_text(v.runtime, muted),
                    literal_text(v.description),
                ),
                value=v,
            )
            for v in ordered
        )
        self.refresh_title()

    def copy_value(self) -> str | None:
        version: FunctionVersion | None = self.selected_value()
        return version.arn if version else None
