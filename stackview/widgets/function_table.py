"""A table of functions with their health: the stack's Functions tab and `:functions`.

What each row costs is the point of this module. The rows' configuration (runtime, memory,
timeout, last change) comes from ListFunctions, read once per session and shared
(`aws/inventory.py`); health comes from one GetMetricData sweep for every row (500 queries per
request, the rows on screen first, every `health.refresh_seconds`, paused while unseen); reserved
concurrency, which ListFunctions does not give, is read only for the rows on screen, only when
not known yet (or forgotten: a lever changed it, `r` was pressed), within
`health.detail_calls_per_minute`; the subtitle shows what was used. Scrolling asks for the
details of the rows that came into view.

Columns: alarms watching the function, error %, errors, invocations, throttles, duration (p99
where the endpoint gives percentiles, else the maximum: the column's title says which),
concurrency against the reservation (with the THROTTLED badge), a sparkline, then the
configuration. `s` puts the functions that need attention first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import timedelta
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from stackview.aws.alarms import list_alarms
from stackview.aws.errors import UserError, describe
from stackview.aws.health import sweep
from stackview.aws.inventory import BudgetUse, Reservation, inventory
from stackview.models.alarms import Alarm, alarms_by_function
from stackview.models.functions import FunctionSummary
from stackview.models.health import Health, HealthReport
from stackview.widgets.column_fit import NAME_FLOOR
from stackview.widgets.data_panel import DataPanel
from stackview.widgets.format import relative_time
from stackview.widgets.health import (
    HealthPoll,
    alarms_cell,
    concurrency_cell,
    duration_cell,
    figure_cells,
    name_cell,
    spark_cell,
    troubled,
)
from stackview.widgets.literal import literal_text
from stackview.widgets.record_table import Record, RecordTable
from stackview.widgets.styles import style_for
from stackview.widgets.tabbed import TableTab

DETAILS = "details"
#: Beyond this many functions a sweep measures the rows on screen (and those near) only.
MAX_SWEPT = 1000
DURATION_COLUMN = 6


class HealthStep:
    """One step of a function sweep: the report so far and the alarms read at its start."""

    def __init__(self, report: HealthReport, alarms: dict[str, tuple[Alarm, ...]] | None, alarms_error: str) -> None:
        self.report = report
        self.alarms = alarms
        self.alarms_error = alarms_error


class FunctionTablePanel(TableTab, DataPanel):
    """Base of the function tables; subclasses say which functions (`functions()`, in a thread)."""

    BINDINGS = [Binding("s", "troubled_first", "Troubled first", id="functions.troubled-first")]
    #: Show a "Logical ID" column (functions of a stack).
    logical_ids: ClassVar[bool] = False

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.step: HealthStep | None = None
        self.reserved: dict[str, Reservation] = {}
        self.budget: BudgetUse | None = None
        self.health_error = ""
        self.troubled_first = False
        self.poll = HealthPoll(self, self._prepare_sweep, self._health_step, self._health_failed)
        self._asked: set[str] = set()
        self._batches = 0
        self._rows: dict[str, tuple[tuple, Record]] = {}

    # -- to implement ----------------------------------------------------------------------------
    def functions(self) -> list[FunctionSummary]:  # runs in a thread
        raise NotImplementedError

    def empty_text(self) -> str:
        return "No functions."

    # -- rows ------------------------------------------------------------------------------------
    def columns(self) -> tuple[str, ...]:
        """The figures right after the name: on an 80-column terminal they are what shows."""
        figures = ("Function", "Alarms", "Err %", "Errors", "Invoc.", "Thr.", "Max ms", "Conc / Res", "Trend")
        return figures + (("Logical ID",) if self.logical_ids else ()) + ("Runtime", "Memory", "Timeout",
                                                                           "Modified", "Note")

    def compose_content(self) -> ComposeResult:
        yield RecordTable(self.columns(), max_widths={"Function": 48, "Logical ID": 32},
                          keep="Conc / Res", name_floor=NAME_FLOOR)  # THROTTLED stays in view on a narrow terminal
        yield Static(classes="empty-note", id="functions-empty")

    def fetch(self) -> list[FunctionSummary]:
        store = inventory(self.host.session)
        store.budget = self.host.config.health.detail_calls_per_minute
        return self.functions()

    def show(self, functions: list[FunctionSummary]) -> None:
        # Reservations this session already knows (a dictionary read: no request).
        self.reserved.update(inventory(self.host.session).known_reservations(f.name for f in functions))
        self.redraw()
        note = self.query_one("#functions-empty", Static)
        note.update(self.empty_text() if not functions else "")
        note.display = not functions
        if functions and self.poll.sweeps == 0:
            self.poll.start()
        self.call_after_refresh(self.ask_details)

    @property
    def threshold(self) -> float:
        return self.host.config.health.error_rate_threshold

    def attention(self, function: FunctionSummary) -> bool:
        if self.step is None:
            return False
        health = self.step.report.functions.get(function.name)
        alarms = (self.step.alarms or {}).get(function.name, ())
        return troubled(health, (a for a in alarms if a.firing), self.threshold)

    def inputs(self, f: FunctionSummary) -> tuple:
        """Everything a row is drawn from (hashable: compared to tell whether the row changed)."""
        step = self.step
        health = step.report.functions.get(f.name) if step else None
        alarms = None if step is None or step.alarms is None else step.alarms.get(f.name, ())
        reservation = self.reserved.get(f.name)
        if reservation is None and f.reserved_known:
            reservation = Reservation(f.reserved_concurrency)
        percentiles = step.report.percentiles if step else None
        return (f, self.attention(f), health, alarms, reservation, percentiles,
                relative_time(f.last_modified, self.host.clock()), bool(step and step.alarms_error))

    def row(self, f: FunctionSummary, attention: bool, health: Health | None, alarms: tuple[Alarm, ...] | None,
            reservation: Reservation | None, percentiles: bool | None, modified: str, refused: bool) -> Record:
        app = self.app
        muted = style_for(app, "sv-muted")
        known = reservation is not None and not reservation.error
        errors = f.error or (reservation.error if reservation else "")
        invocations, errors_cell, rate, throttles = figure_cells(app, health, self.threshold)
        logical = (literal_text(f.logical_id, muted),) if self.logical_ids else ()
        return Record(
            key=f.logical_id or f.name,
            cells=(
                name_cell(app, f.name, attention, "bold"),
                alarms_cell(app, alarms, refused), rate, errors_cell, invocations, throttles,
                duration_cell(app, health, percentiles),
                concurrency_cell(app, health, reservation.value if reservation else None, known),
                spark_cell(app, health),
                *logical,
                literal_text(f.runtime),
                literal_text(f"{f.memory} MB" if f.memory else "-"),
                literal_text(f"{f.timeout} s" if f.timeout else "-"),
                literal_text(modified, muted),
                literal_text(errors, style_for(app, "sv-status-failed")),
            ),
            value=f,
        )

    def redraw(self) -> None:
        """Rows whose inputs did not change keep their records: a sweep of 1,000 functions
        rebuilds the cells of those whose figures moved, and no others."""
        functions: list[FunctionSummary] = self.data or []
        records, rows = [], {}
        for f in functions:
            inputs = self.inputs(f)
            kept = self._rows.get(f.logical_id or f.name)
            record = kept[1] if kept and kept[0] == inputs else self.row(*inputs)
            rows[record.key] = (inputs, record)
            records.append(record)
        self._rows = rows
        if self.troubled_first:
            records.sort(key=lambda r: not rows[r.key][0][1])
        table = self.query_one(RecordTable)
        self._relabel(table)
        table.set_records(records)
        self.refresh_title()

    def _on_theme_changed(self, theme: object) -> None:
        self._rows = {}  # colours are in the cells: draw every row again
        super()._on_theme_changed(theme)

    def _relabel(self, table: RecordTable) -> None:
        """The duration column says what it shows: p99, or the maximum where there is no p99."""
        percentiles = self.step.report.percentiles if self.step else None
        label = "p99 ms" if percentiles else "Max ms"
        table.relabel(DURATION_COLUMN, label)

    def refresh_title(self) -> None:
        table = self.query_one(RecordTable)
        title = f"{self.tab_title} ({len(table.shown)}"
        title += f" of {len(table.records)})  /{table.filter_text}" if table.filter_text else ")"
        if self.troubled_first:
            title += "  troubled first"
        self.border_title = literal_text(title)
        self.border_subtitle = literal_text(self._subtitle())

    def _subtitle(self) -> str:
        parts = [f"health: last {self.host.config.health.window_minutes} min"]
        if self.step is not None:
            report = self.step.report
            parts.append(f"{report.calls} GetMetricData for {len(report.functions)} functions")
            if report.percentiles is False:
                parts.append("no p99 on this endpoint: max shown")
            if self.step.alarms_error:
                parts.append(f"alarms: {self.step.alarms_error}")
        if self.budget is not None:
            parts.append(self.budget.text())
        if self.health_error:
            parts.append(f"⚠ {self.health_error}")
        return "  ·  ".join(parts)

    # -- per-row details (reserved concurrency), for the rows on screen ---------------------------
    def ask_details(self) -> None:
        """Read the reservations of the rows on screen that are not known yet (within the budget)."""
        if not self.is_mounted or not self.seen():
            return
        visible = [r.value.name for r in self.query_one(RecordTable).visible_records(margin=2)]
        missing = [name for name in visible if name not in self.reserved and name not in self._asked]
        if not missing:
            return
        self._asked |= set(missing)  # in flight: a scroll meanwhile does not ask for them again
        self._batches += 1
        store = inventory(self.host.session)
        self.run_in_thread(f"{DETAILS}-{self._batches}", lambda: store.reservations(missing),
                           lambda answer: self._details(missing, answer),
                           failed=lambda error: self._details_failed(missing, error))

    def _details(self, asked: list[str], answer: tuple[dict[str, Reservation], BudgetUse]) -> None:
        found, self.budget = answer
        self._asked -= set(asked)
        self.reserved.update(found)
        self.redraw()
        if self.budget.budget and any(name not in found for name in asked):  # over the budget: the rest later
            self.set_timer(60.0 / max(self.budget.budget, 1) * len(asked), self.ask_details)

    def _details_failed(self, asked: list[str], error: UserError) -> None:
        self._asked -= set(asked)
        self.health_error = error.one_line()
        self.refresh_title()

    def forget_details(self, names: Iterable[str] | None = None) -> None:
        """Read these reservations again (all rows' when None): `r`, or after a lever."""
        names = list(names) if names is not None else [f.name for f in self.data or []]
        inventory(self.host.session).forget(names)
        for name in names:
            self.reserved.pop(name, None)

    def recheck_details(self) -> None:
        """Back from another screen: drop what the session's levers changed meanwhile, ask again."""
        store = inventory(self.host.session)
        still = store.known_reservations(self.reserved)
        for name in [n for n in self.reserved if n not in still]:
            del self.reserved[name]
        self.redraw()
        self.call_after_refresh(self.ask_details)

    def on_record_table_scrolled(self, event: RecordTable.Scrolled) -> None:
        event.stop()
        self.ask_details()

    # -- health ----------------------------------------------------------------------------------
    def _prepare_sweep(self) -> Callable[[], Iterator[HealthStep]]:
        table = self.query_one(RecordTable)
        visible = [r.value.name for r in table.visible_records(margin=10)]
        every = [f.name for f in self.data or []]
        names = list(dict.fromkeys(visible + every))
        if len(names) > MAX_SWEPT:
            names = visible or names[:MAX_SWEPT]
        session, now = self.host.session, self.host.clock()
        window = timedelta(minutes=self.host.config.health.window_minutes)

        def work() -> Iterator[HealthStep]:
            try:
                by_function: dict[str, tuple[Alarm, ...]] | None = alarms_by_function(list_alarms(session))
                alarms_error = ""
            except Exception as exc:  # noqa: BLE001 - the figures are still worth showing
                by_function, alarms_error = None, describe(exc, profile=session.profile).one_line()
            for report in sweep(session, names, now=now, window=window, detail=True):
                yield HealthStep(report, by_function, alarms_error)

        return work

    def _health_step(self, step: HealthStep) -> None:
        self.step = step
        self.health_error = ""
        self.redraw()

    def _health_failed(self, error: UserError) -> None:
        self.health_error = error.one_line()
        self.refresh_title()

    def wake(self) -> None:
        super().wake()
        self.poll.wake()

    # -- keys --------------------------------------------------------------------------------------
    def action_troubled_first(self) -> None:
        self.troubled_first = not self.troubled_first
        self.redraw()
        self.query_one(RecordTable).move_cursor(row=0)

    def refresh_all(self) -> None:
        """`r`: the rows, their health, and the reservations of the rows on screen, all again."""
        self.forget_details([r.value.name for r in self.query_one(RecordTable).visible_records(margin=2)])
        self.reload()
        self.poll.start()

    def copy_value(self) -> str | None:
        function: FunctionSummary | None = self.selected_value()
        return (function.arn or function.name) if function else None

    def on_record_table_chosen(self, event: RecordTable.Chosen) -> None:
        function: FunctionSummary = event.record.value
        self.host.open("function", function.name)


def summaries(names: Iterable[tuple[str, str]], directory: dict[str, FunctionSummary]) -> list[FunctionSummary]:
    """Rows for (logical id, name) pairs from the ListFunctions directory; a function the
    directory does not have (deleted outside CloudFormation) is a row that says so."""
    rows = []
    for logical_id, name in names:
        found = directory.get(name)
        if found is None:
            rows.append(FunctionSummary(name=name, logical_id=logical_id, reserved_known=False,
                                        error="not in ListFunctions (deleted?)"))
        else:
            rows.append(FunctionSummary(name=found.name, arn=found.arn, runtime=found.runtime,
                                        memory=found.memory, timeout=found.timeout,
                                        last_modified=found.last_modified, reserved_known=False,
                                        logical_id=logical_id))
    return rows

