"""The stacks screen: every stack of the region, status by family, nested stacks under parents,
and each stack's health over the last minutes (alarms in ALARM, error rate, errors, invocations,
throttles, a sparkline), so "what is broken right now?" is answered on the first screen.

The list arrives page by page (rows show as ListStacks pages come in) and is patched in place on
each refresh; the health columns are a second poll (widgets/health.py) that measures every
stack's functions together (aws/stack_health.py). A stack with an alarm in ALARM or an error rate
at the configured threshold stands out; `s` puts those first. The account pulse sits on top.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import timedelta

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Static

from stackview.aws.errors import UserError
from stackview.aws.stack_health import stacks_health
from stackview.aws.stacks import order_as_tree, stack_pages
from stackview.models import StackSummary, StatusFamily, console
from stackview.models.health import Health, StacksHealth, count_text
from stackview.widgets.app_header import AppHeader
from stackview.widgets.column_fit import NAME_FLOOR
from stackview.widgets.console_link import show_console_url
from stackview.widgets.data_panel import DataPanel
from stackview.widgets.filter_input import FilterInput
from stackview.widgets.format import relative_time
from stackview.widgets.health import HealthPoll, alarms_cell, figure_cells, name_cell, spark_cell, troubled
from stackview.widgets.host import Host
from stackview.widgets.literal import literal_text
from stackview.widgets.pulse import PulsePanel
from stackview.widgets.record_table import Record, RecordTable
from stackview.widgets.styles import status_style, style_for
from stackview.widgets.table_screen import TableScreen
from stackview.widgets.tabbed import TableTab

#: What an 80-column terminal shows: the name, its alarms and errors, and the stack's status (what
#: an on-call engineer reads first: a stack rolling back is as urgent as one failing); the other
#: figures follow on wider terminals.
COLUMNS = ("Stack", "Alarms", "Err %", "Errors", "Status", "Thr.", "Invoc.", "Trend", "Most errors", "Updated",
           "Description")


def _key(stack: StackSummary) -> str:
    return stack.stack_id or stack.name


class StacksPanel(TableTab, DataPanel):
    """The table of stacks. Refreshes itself: often while a stack is changing, rarely otherwise."""

    BORDER_TITLE = "Stacks"
    tab_title = "Stacks"
    progressive = True

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.health: StacksHealth | None = None
        self.health_error = ""
        self.troubled_first = False
        self.poll = HealthPoll(self, self._prepare_sweep, self._health_step, self._health_failed)
        self._stacks: list[StackSummary] = []
        self._rows: dict[str, tuple[tuple, Record]] = {}

    def compose_content(self) -> ComposeResult:
        yield RecordTable(COLUMNS, id="stacks-table", max_widths={"Stack": 36, "Description": 60},
                          name_floor=NAME_FLOOR)
        yield Static(classes="empty-note", id="stacks-empty")

    @property
    def auto_refresh(self) -> float:  # type: ignore[override]
        busy = any(s.family is StatusFamily.IN_PROGRESS for s in self.data or ())
        return 5.0 if busy else 30.0

    def fetch(self) -> Iterator[list[StackSummary]]:
        """Yields the stacks so far after each page. On a refresh the rows of the last listing that
        this one has not reached yet stay (`previous`: read once, a list replaced, never changed),
        so a long list does not shrink and grow back; the last yield holds exactly what exists."""
        previous: list[StackSummary] = self.data or []
        seen: dict[str, StackSummary] = {}
        for page in stack_pages(self.host.session):
            seen.update({_key(stack): stack for stack in page})
            yield order_as_tree([*seen.values(), *(s for s in previous if _key(s) not in seen)])
        yield order_as_tree(seen.values())

    def show(self, stacks: list[StackSummary]) -> None:
        self._stacks = stacks
        self.redraw()
        self.host.catalog["stacks"] = [stack.name for stack in stacks]
        note = self.query_one("#stacks-empty", Static)
        note.update(f"No stacks in {self.host.session.region}." if not stacks else "")
        note.display = not stacks
        if self.poll.sweeps == 0 and stacks:
            self.poll.start()  # the first figures as soon as the first rows are there

    # -- rows ----------------------------------------------------------------------------------
    @property
    def threshold(self) -> float:
        return self.host.config.health.error_rate_threshold

    def redraw(self) -> None:
        """Rows from the stacks and the last sweep. A row whose inputs did not change keeps its
        record (cells and all), so a refresh of 10,000 stacks rebuilds only those that changed."""
        now = self.host.clock()
        depth: dict[str, int] = {}
        records, attention = [], {}
        rows: dict[str, tuple[tuple, Record]] = {}
        for stack in self._stacks:
            level = depth[stack.stack_id] = depth.get(stack.parent_id or "", -1) + 1
            key = _key(stack)
            inputs = self._inputs(stack, key, level, relative_time(stack.last_changed, now))
            kept = self._rows.get(key)
            record = kept[1] if kept and kept[0] == inputs else self._record(stack, key, *inputs[1:])
            rows[key] = (inputs, record)
            attention[key] = inputs[1]
            records.append(record)
        self._rows = rows
        if self.troubled_first:
            records.sort(key=lambda r: not attention[r.key])  # stable: tree order otherwise
        self.query_one(RecordTable).set_records(records)
        self.refresh_title()

    def _inputs(self, stack: StackSummary, key: str, level: int, changed: str) -> tuple:
        """Everything a row is drawn from (hashable values: compared to tell whether it changed)."""
        step = self.health
        known = step is not None and key in step.contents
        health = step.health.get(key) if step else None
        alarms = step.alarms.get(key) if known and step else None
        no_functions = known and step is not None and not step.contents[key].functions
        most = None
        if known and step is not None and step.report is not None:
            figures = [(h.errors, name) for name in step.contents[key].function_names
                       if (h := step.report.functions.get(name)) is not None and h.errors > 0]
            most = max(figures) if figures else ()
        firing = tuple(a for a in alarms or () if a.firing)
        attention = troubled(health, firing, self.threshold)
        refused = bool(step and step.alarms_error)
        return (stack, attention, level, changed, health, alarms, no_functions, most, refused)

    def _record(self, stack: StackSummary, key: str, attention: bool, level: int, changed: str,
                health: Health | None, alarms, no_functions: bool, most, refused: bool) -> Record:
        muted = style_for(self.app, "sv-muted")
        name = ("  " * level + "└ " if level else "") + stack.name
        figures = (literal_text("-", muted),) * 4 if no_functions else figure_cells(self.app, health, self.threshold)
        return Record(
            key=key,
            cells=(
                name_cell(self.app, name, attention),
                alarms_cell(self.app, alarms, refused),
                figures[2], figures[1],
                literal_text(stack.status, status_style(self.app, stack.family)),
                figures[3], figures[0],
                literal_text("-", muted) if no_functions else spark_cell(self.app, health),
                self._most_errors(most),
                literal_text(changed),
                literal_text(stack.description, muted),
            ),
            value=stack,
        )

    def _most_errors(self, most: tuple | None) -> Text:
        """The stack's function with the most errors over the window (`orders-prod-worker 14`)."""
        muted = style_for(self.app, "sv-muted")
        if not most:
            return literal_text("…" if most is None else "-", muted)
        errors, name = most
        text = literal_text(name, style_for(self.app, "sv-health-alarm"))
        text.append(f" {count_text(errors)}", style=muted)
        return text

    def _on_theme_changed(self, theme: object) -> None:
        self._rows = {}  # colours are in the cells: draw every row again
        super()._on_theme_changed(theme)

    def refresh_title(self) -> None:
        super().refresh_title()
        if self.troubled_first:
            table = self.query_one(RecordTable)
            title = f"{self.tab_title} ({len(table.shown)}"
            title += f" of {len(table.records)})  /{table.filter_text}" if table.filter_text else ")"
            self.border_title = literal_text(title + "  troubled first")
        self.border_subtitle = literal_text(self._subtitle())

    def _subtitle(self) -> str:
        minutes = self.host.config.health.window_minutes
        parts = [f"health: last {minutes} min"]
        step = self.health
        if step is not None and step.report is not None:
            parts.append(f"{step.report.calls} GetMetricData for {len(step.report.functions)} functions")
            if step.unmapped:
                parts.append(f"{step.unmapped} stacks not read yet")
        if step is not None and step.alarms_error:
            parts.append(f"alarms: {step.alarms_error}")
        if self.health_error:
            parts.append(f"⚠ {self.health_error}")
        return "  ·  ".join(parts)

    # -- health --------------------------------------------------------------------------------
    def _prepare_sweep(self) -> Callable[[], Iterable[StacksHealth]]:
        table = self.query_one(RecordTable)
        visible = [r.value for r in table.visible_records(margin=5)]
        keys = {_key(s) for s in visible}
        ordered = visible + [s for s in self._stacks if _key(s) not in keys]
        session, now = self.host.session, self.host.clock()
        window = timedelta(minutes=self.host.config.health.window_minutes)
        return lambda: stacks_health(session, ordered, now=now, window=window)

    def _health_step(self, step: StacksHealth) -> None:
        self.health = step
        self.health_error = ""
        self.redraw()

    def _health_failed(self, error: UserError) -> None:
        self.health_error = error.one_line()
        self.refresh_title()

    def wake(self) -> None:
        super().wake()
        self.poll.wake()

    def measured(self, stack_name: str) -> Health | None:
        """The health shown for a stack (tests and `c`)."""
        stack = next((s for s in self._stacks if s.name == stack_name), None)
        return self.health.health.get(_key(stack)) if stack and self.health else None


class StacksScreen(TableScreen):
    crumb = "Stacks"
    panel_type = StacksPanel
    copied = "Stack ARN copied"
    BINDINGS = [
        Binding("slash", "filter", "Filter", id="stacks.filter"),
        Binding("r", "refresh", "Refresh", id="stacks.refresh"),
        Binding("c", "copy", "Copy ARN", id="stacks.copy"),
        Binding("s", "troubled_first", "Troubled first", id="stacks.troubled-first"),
        Binding("o", "console", "Console", show=False, id="stacks.console"),
    ]

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield PulsePanel(id="stacks-pulse")
        yield StacksPanel(id="stacks-panel")
        yield FilterInput(id="stacks-filter")
        yield Footer()

    @classmethod
    def create(cls, host: Host, target: str = "") -> StacksScreen | None:
        """The first screen; `:stacks` pops back to it, so it is never opened twice in a row."""
        return None if isinstance(host.screen, cls) else cls()

    def action_refresh(self) -> None:
        panel = self.query_one(StacksPanel)
        panel.reload()
        panel.poll.start()
        self.query_one(PulsePanel).reload()

    def action_troubled_first(self) -> None:
        panel = self.query_one(StacksPanel)
        panel.troubled_first = not panel.troubled_first
        panel.redraw()
        self.table.move_cursor(row=0)

    def copy_value(self) -> str | None:
        record = self.table.selected
        return record.value.stack_id if record is not None else None

    def action_console(self) -> None:
        record = self.table.selected
        if record is not None:
            stack: StackSummary = record.value
            show_console_url(self, console.stack_url(self.host.session.region or "", stack.stack_id or stack.name),
                             stack.name)

    def on_record_table_chosen(self, event: RecordTable.Chosen) -> None:
        stack: StackSummary = event.record.value
        self.host.open("stack", stack.name, ref=stack.stack_id or stack.name)
