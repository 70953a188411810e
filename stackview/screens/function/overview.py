"""The function screen's Overview tab: configuration, where it logs, tags, environment variables.

Environment variables often hold secrets (API keys, connection strings) and a terminal is often
shared or recorded during an incident, so their values are masked until the user reveals them
with a key, for this screen only: a new function screen starts masked again. The mask has a
fixed length so it does not leak the length of the value either.
"""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from stackview.aws.functions import get_function
from stackview.models.functions import FunctionConfiguration
from stackview.widgets.data_panel import DataPanel
from stackview.widgets.format import relative_time, short_time
from stackview.widgets.literal import literal_text
from stackview.widgets.styles import style_for
from stackview.widgets.tabbed import TAB_PANEL, TabPanel

MASK = "••••••"
LABEL_WIDTH = 14


def size_text(size: int) -> str:
    """`812 B`, `12.3 KB`, `4.1 MB` (1024-based, as the Lambda console shows code size)."""
    value = float(size)
    for unit in ("B", "KB", "MB"):
        if value < 1024 or unit == "MB":
            return f"{int(value)} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GB"  # pragma: no cover - the loop returns at MB


class OverviewPanel(TabPanel, DataPanel):
    """GetFunction, drawn as label/value lines. `revealed` decides whether values of
    environment variables are drawn; `reveal()` toggles it and redraws without a new call."""

    DEFAULT_CSS = "OverviewPanel #overview-body { padding: 0 1; }"

    def __init__(self, function: str) -> None:
        super().__init__(classes=TAB_PANEL, id="overview-panel")
        self.function = function
        self.revealed = False
        self.rows: list[tuple[str, Text]] = []
        self.border_title = "Overview"

    def compose_content(self) -> ComposeResult:
        with VerticalScroll(id="overview-scroll"):
            yield Static(id="overview-body")

    def fetch(self) -> FunctionConfiguration:
        return get_function(self.host.session, self.function)

    def reveal(self, revealed: bool | None = None) -> None:
        self.revealed = (not self.revealed) if revealed is None else revealed
        if self.data is not None:
            self.show(self.data)

    def show(self, config: FunctionConfiguration) -> None:
        self.rows = self.config_rows(config)
        grid = Table.grid(padding=(0, 2))
        grid.add_column(width=LABEL_WIDTH, no_wrap=True, style=style_for(self.app, "sv-muted"))
        grid.add_column(ratio=1, overflow="fold")
        for label, value in self.rows:
            grid.add_row(label, value)
        self.query_one("#overview-body", Static).update(grid)
        state = "v: hide values" if self.revealed else "v: reveal values"
        self.border_subtitle = f"environment {state}" if config.environment else ""

    def text(self) -> str:
        """The rows as plain text, as drawn (long values are folded on screen, not here)."""
        return "\n".join(f"{label:<{LABEL_WIDTH}}  {value.plain}" for label, value in self.rows)

    def config_rows(self, config: FunctionConfiguration) -> list[tuple[str, Text]]:
        muted = style_for(self.app, "sv-muted")
        now = self.host.clock()
        rows: list[tuple[str, Text]] = []

        def line(label: str, *parts: str | Text) -> None:
            value = Text(end="")
            for part in parts:
                value.append_text(part if isinstance(part, Text) else literal_text(part))
            rows.append((label, value))

        def dim(value: str) -> Text:
            return literal_text(value, muted)

        line("Function", literal_text(config.name, "bold"))
        line("ARN", config.arn)
        if config.description:
            line("Description", config.description)
        line("Runtime", config.runtime or config.package_type, dim("   handler "), config.handler or "-",
             dim("   architecture "), ", ".join(config.architectures) or "-")
        line("Memory", f"{config.memory} MB", dim("   timeout "), f"{config.timeout} s")
        line("Code", size_text(config.code_size), dim("   sha256 "), config.code_sha256 or "-")
        line("State", config.state or "-", dim("   last update "), config.last_update_status or "-",
             dim("   " + config.state_reason) if config.state_reason else "")
        line("Last modified", short_time(config.last_modified),
             dim(f" ({relative_time(config.last_modified, now)})"))
        line("Role", config.role or "-")
        for index, layer in enumerate(config.layers):
            line("Layers" if index == 0 else "", layer.name, dim(f"  {size_text(layer.code_size)}  {layer.arn}"))
        if not config.layers:
            line("Layers", dim("none"))
        logging = config.logging
        levels = ""
        if logging.application_level or logging.system_level:
            levels = (f"   application level {logging.application_level or '-'}, "
                      f"system level {logging.system_level or '-'}")
        line("Logging", f"{logging.format} format", dim(levels))
        line("Log group", config.log_group, dim("" if logging.log_group else "  (Lambda's default)"))
        for index, (key, value) in enumerate(config.tags):
            line("Tags" if index == 0 else "", key, dim(" = "), value)
        if not config.tags:
            line("Tags", dim("none"))
        if not config.environment:
            line("Environment", dim("no variables"))
            return rows
        hint = "" if self.revealed else "  values hidden, v reveals them"
        line("Environment", dim(f"{len(config.environment)} variables{hint}"))
        key_width = max(len(key) for key, _ in config.environment)
        for key, value in config.environment:
            shown = literal_text(value) if self.revealed else literal_text(MASK, muted)
            line("", literal_text(f"{key:<{key_width}}"), dim("  "), shown)
        return rows

    def copy_value(self) -> str | None:
        config: FunctionConfiguration | None = self.data
        return config.arn if config else None
