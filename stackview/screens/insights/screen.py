"""Logs Insights over the log groups in scope: write (or pick) a query, run it on AWS's engine,
read the answer as a table, and as a chart when it counts by `bin()`.

Where the groups come from: a stack's functions (nested stacks included), some functions, or
what the log view follows (`L` there, on the stack and on the function screen; `:insights [NAME]`
elsewhere). They are resolved in a thread, as the log view does; StartQuery takes at most 50, so
beyond that the first 50 are queried and the screen names the ones left out.

A query runs in a thread (`stackview.aws.insights_run.QueryRun`): queued while the account runs
as many queries as it may, then polled; a timer on the UI thread draws its progress (records
matched and scanned, bytes scanned) four times a second. Ctrl+G (or leaving the screen) stops it
with StopQuery. A malformed query is shown where AWS says the problem is, the query kept as typed.
Enter on a row with a request id opens that request's lines (the log view's request screen).

Keys: Ctrl+R run, Ctrl+G cancel, Ctrl+O queries (saved and canned), Ctrl+T time range, Tab
completes in the editor, 1-6 since 1m..3h (outside the editor), Enter request, `c` copy row as
JSON, `e` back to the editor, Esc leaves the editor, then goes back.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any
from weakref import WeakKeyDictionary

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, Input, Static, TextArea

from stackview.aws.errors import UserError
from stackview.aws.insights import MAX_LOG_GROUPS, MalformedQuery
from stackview.aws.insights_run import QueryRun
from stackview.logs.insights import all_queries, find_query
from stackview.logs.insights_results import chart_of, insights_time_ms, log_group_of, request_id_of
from stackview.models.insights import CANCELLED, COMPLETE, QueryResults, QueryScope, ResultRow, SavedQuery
from stackview.screens.insights.discovery import discover_fields, resolve_groups
from stackview.screens.insights.editor import QueryEditor
from stackview.screens.insights.picker import QueryPicker
from stackview.screens.insights.results import SHOWN_ROWS, ChartView, results_table
from stackview.screens.insights.status import ended_text, progress_text, time_range
from stackview.widgets.app_header import AppHeader
from stackview.widgets.app_screen import AppScreen, LogScope
from stackview.widgets.host import Host
from stackview.widgets.literal import literal_text
from stackview.widgets.record_table import RecordTable
from stackview.widgets.styles import style_for

#: Keys 1..6, as in the log view (its 0 is "tail", which means nothing to a query).
SINCE_PRESETS = ("1m", "5m", "15m", "30m", "1h", "3h")
DEFAULT_SINCE = "1h"
DEFAULT_QUERY = "fields @timestamp, @message, @logStream, @log\n| sort @timestamp desc\n| limit 100"
PROGRESS_SECONDS = 0.25
#: The last query typed on this app's Insights screens: reopening the screen brings it back.
_LAST_QUERY: WeakKeyDictionary[Any, str] = WeakKeyDictionary()


class InsightsScreen(AppScreen):
    DEFAULT_CSS = """
    InsightsScreen #insights-scope { height: auto; max-height: 3; padding: 0 1; }
    InsightsScreen QueryEditor { height: 8; border: round $primary 40%; }
    InsightsScreen QueryEditor:focus { border: round $primary; }
    InsightsScreen #insights-hint { height: 1; padding: 0 1; color: $text-muted; }
    InsightsScreen #insights-hint.-error { color: $error; }
    InsightsScreen #insights-range { height: 1; padding: 0 1; }
    InsightsScreen #insights-range Input { width: 24; height: 1; border: none; padding: 0 1; margin-right: 2; }
    InsightsScreen #insights-range .range-label { width: auto; padding: 0 1 0 0; }
    InsightsScreen #insights-status { height: 1; padding: 0 1; text-wrap: nowrap; text-overflow: ellipsis; }
    InsightsScreen #insights-results { height: 1fr; border: round $primary 40%; }
    InsightsScreen #insights-results:focus-within { border: round $primary; }
    InsightsScreen #insights-note { height: auto; padding: 0 1; color: $text-muted; }
    """
    BINDINGS = [
        Binding("escape", "back", "Back", id="insights.back"),
        Binding("ctrl+r", "run", "Run", id="insights.run"),
        Binding("ctrl+g", "cancel", "Cancel query", id="insights.cancel"),
        Binding("ctrl+o", "queries", "Queries", id="insights.queries"),
        Binding("ctrl+t", "time", "Time range", id="insights.time"),
        Binding("c", "copy_row", "Copy row", show=False, id="insights.copy"),
        Binding("e", "edit", "Edit query", show=False, id="insights.edit"),
        *(Binding(str(n), f"since('{since}')", f"Since {since}", show=False, id=f"insights.since.{since}")
          for n, since in enumerate(SINCE_PRESETS, start=1)),
    ]

    def __init__(self, stack: str | None = None, functions: Sequence[str] = (), groups: Sequence[str] = (), *,
                 since: str | None = None, query: str | None = None) -> None:
        super().__init__()
        self.stack = stack
        self.functions = tuple(functions)
        self.given_groups = tuple(groups)
        self.since = since if since and since != "tail" else DEFAULT_SINCE
        self.initial_query = query
        self.scope: QueryScope | None = None
        self.functions_by_group: dict[str, str] = {}
        self.current: QueryRun | None = None
        self.results: QueryResults | None = None
        self.ran_query = ""
        self.ran_start_ms: int | None = None
        label = stack or ", ".join(self.functions) or f"{len(self.given_groups)} log groups"
        self.crumb = f"insights {label}"

    @classmethod
    def create(cls, host: Host, target: str = "", *, stack: str | None = None, functions: Sequence[str] = (),
               groups: Sequence[str] = (), since: str | None = None, query: str | None = None,
               canned: str | None = None) -> InsightsScreen | None:
        """`:insights NAME` (a stack or a function), `L` on a screen (its scope given), or
        `:insights` alone (the scope of the screen on top, as `:logs`)."""
        if canned is not None:
            found = find_query(canned, host.config.queries)
            query = found.query if found is not None else query
        if target:
            if target in host.catalog["stacks"]:
                stack = target
            else:
                functions = (target,)
        if not (stack or functions or groups):
            screen = host.screen
            scope = screen.log_scope() if isinstance(screen, AppScreen) else None
            if scope is None:
                host.notify_error(":insights needs a stack or function here (:insights NAME)")
                return None
            stack, functions = scope.stack, scope.functions
        return cls(stack, functions, groups, since=since, query=query)

    # -- layout ------------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Static(literal_text("resolving log groups ..."), id="insights-scope")
        yield QueryEditor(self.initial_query or _LAST_QUERY.get(self.app) or DEFAULT_QUERY, id="insights-editor")
        yield Static(id="insights-hint")
        with Horizontal(id="insights-range"):
            yield Static("since", classes="range-label")
            yield Input(self.since, id="insights-since", placeholder="1h, 30m, an ISO time")
            yield Static("until", classes="range-label")
            yield Input("now", id="insights-until", placeholder="now, or an ISO time")
        yield Static(Text("not run yet", style="dim"), id="insights-status")
        with Vertical(id="insights-results"):
            yield ChartView(id="insights-chart")
            yield Static(Text("Ctrl+R runs the query; Ctrl+O picks a saved or canned one.", style="dim"),
                         id="insights-note")
        yield Footer()

    @property
    def editor(self) -> QueryEditor:
        return self.query_one(QueryEditor)

    def on_mount(self) -> None:
        self.query_one("#insights-results").border_title = "results"
        self._ticker = self.set_interval(PROGRESS_SECONDS, self._show_progress, pause=True)
        self.editor.focus()
        self._show_hint()
        if self.given_groups:
            self._scoped(list(self.given_groups), {}, [])
        else:
            session, stack, functions = self.host.session, self.stack, self.functions
            self.run_in_thread("scope", lambda: resolve_groups(session, stack, functions),
                               lambda found: self._scoped(*found), failed=self._scope_failed)

    def on_resize(self) -> None:
        # Eight lines for the query on a tall terminal, down to four on 80x24: the results need room.
        self.editor.styles.height = max(4, min(8, self.size.height // 5)) + 2

    def on_unmount(self) -> None:
        if self.current is not None:
            self.current.cancel()  # its thread sends StopQuery; the answer is dropped

    # -- scope and fields ---------------------------------------------------------------------------
    def _scoped(self, groups: list[str], functions_by_group: dict[str, str], warnings: list[str]) -> None:
        self.scope = QueryScope.of(groups, MAX_LOG_GROUPS)
        self.functions_by_group = functions_by_group
        text = Text(end="")
        shown = ", ".join(self.scope.groups[:4]) + (" ..." if len(self.scope.groups) > 4 else "")
        count = len(self.scope.groups)
        text.append_text(literal_text(f"{count} log group{'s' if count != 1 else ''}: {shown}" if count
                                      else "no log group to query"))
        for line in [self.scope.note(), *warnings]:
            if line:
                text.append_text(literal_text(f"\n{line}", style_for(self.app, "sv-level-warn")))
        self.query_one("#insights-scope", Static).update(text)
        if self.scope.groups:
            session, groups_in_scope = self.host.session, list(self.scope.groups)
            now_ms = self._now_ms()
            self.run_in_thread("fields", lambda: discover_fields(session, groups_in_scope, now_ms),
                               self.editor.add_fields, failed=lambda _error: None)

    def _scope_failed(self, error: UserError) -> None:
        self.scope = QueryScope(())
        self.query_one("#insights-scope", Static).update(
            literal_text(f"cannot resolve the log groups: {error.one_line()}", style_for(self.app, "sv-level-error")))

    def log_scope(self) -> LogScope | None:
        if self.stack or self.functions:
            return LogScope(stack=self.stack, functions=self.functions)
        return None

    # -- the hint line: completion, or what is wrong --------------------------------------------------
    def _show_hint(self, error: str | None = None) -> None:
        hint = self.query_one("#insights-hint", Static)
        hint.set_class(error is not None, "-error")
        if error is not None:
            hint.update(literal_text(error))
            return
        prefix, words = self.editor.hint()
        if words:
            text = literal_text(f"Tab: {'  '.join(words)}")
            text.no_wrap, text.overflow = True, "ellipsis"
            hint.update(text)
        else:
            hint.update(Text("Ctrl+R run · Ctrl+O queries · Tab completes fields and commands", style="dim"))

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        _LAST_QUERY[self.app] = event.text_area.text
        self._show_hint()

    def on_text_area_selection_changed(self, _event: TextArea.SelectionChanged) -> None:
        if not self.query_one("#insights-hint", Static).has_class("-error"):
            self._show_hint()

    # -- running -------------------------------------------------------------------------------------
    def _now_ms(self) -> int:
        return int(self.host.clock().timestamp() * 1000)

    def _time_range(self) -> tuple[int, int] | None:
        since = self.query_one("#insights-since", Input)
        until = self.query_one("#insights-until", Input)
        found = time_range(since.value, until.value, self._now_ms())
        if isinstance(found[0], str):
            field, message = found
            self._show_hint(str(message))
            (since if field == "since" else until).focus()
            return None
        return found  # type: ignore[return-value]

    def action_run(self) -> None:
        query = self.editor.text
        if not query.strip():
            self._show_hint("type a query first (Ctrl+O: saved and canned queries)")
            return
        if self.scope is None:
            self.notify("Still resolving the log groups", timeout=3)
            return
        if not self.scope.groups:
            self.host.notify_error("no log group to query")
            return
        window = self._time_range()
        if window is None:
            return
        if self.current is not None:
            self.current.cancel()
        start_ms, end_ms = window
        clock = self.host.clock  # the app's clock (fixed in snapshot tests) times the query too
        run = QueryRun(self.host.session, self.scope.groups, start_ms // 1000, -(-end_ms // 1000), query,
                       clock=lambda: clock().timestamp())
        self.current, self.ran_query, self.ran_start_ms = run, query, start_ms
        self._show_hint()
        self.run_in_thread("query", lambda: _outcome(run), lambda outcome: self._answered(run, outcome),
                           failed=lambda error: self._failed(run, error))
        self._ticker.resume()
        self._show_progress()
        self.refresh_bindings()

    def _show_progress(self) -> None:
        run = self.current
        if run is None:
            self._ticker.pause()
            return
        self.query_one("#insights-status", Static).update(literal_text(progress_text(run.progress)))

    def _finish(self, run: QueryRun) -> bool:
        """Whether `run` is still the query this screen shows (a newer one may have started)."""
        if run is not self.current:
            return False
        self.current = None
        self._ticker.pause()
        self.refresh_bindings()
        return True

    def _failed(self, run: QueryRun, error: UserError) -> None:
        if self._finish(run):
            self._status(f"failed: {error.one_line()}", error=True)

    def _answered(self, run: QueryRun, outcome: QueryResults | MalformedQuery) -> None:
        if not self._finish(run):
            return
        if isinstance(outcome, MalformedQuery):
            where = outcome.where(run.query)
            at = f"line {where[0]}, column {where[1]}: " if where else ""
            self._show_hint(f"malformed query: {at}{outcome.message}")
            self._status("malformed query: nothing ran", error=True)
            self.editor.focus()
            self.editor.point_at(outcome.start, outcome.end)
            return
        self._status(ended_text(outcome, run.progress.elapsed_s, run.missing),
                     error=outcome.status not in (COMPLETE, CANCELLED))
        self.results = outcome
        self.call_later(self._show_results, outcome)

    def _status(self, message: str, *, error: bool = False) -> None:
        style = style_for(self.app, "sv-level-error") if error else ""
        self.query_one("#insights-status", Static).update(literal_text(message, style))

    async def _show_results(self, results: QueryResults) -> None:
        area = self.query_one("#insights-results", Vertical)
        await area.query(RecordTable).remove()
        self.query_one(ChartView).show(chart_of(self.ran_query, results.rows))
        note = self.query_one("#insights-note", Static)
        if not results.rows:
            note.update(Text("No rows." if results.status == COMPLETE else "No rows kept.", style="dim"))
            return
        table, records = results_table(results.rows)
        await area.mount(table, before=note)
        table.set_records(records)
        shown = min(len(results.rows), SHOWN_ROWS)
        extra = (f"showing the first {shown:,} of {len(results.rows):,} rows (`stackview query -o csv` prints "
                 "them all); " if len(results.rows) > shown else "")
        note.update(Text(f"{extra}Enter: the request's lines · c: copy the row as JSON", style="dim"))
        area.border_title = f"results ({len(results.rows):,})"

    def action_cancel(self) -> None:
        if self.current is not None:
            self.current.cancel()
            self._status("cancelling ...")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "cancel":
            return self.current is not None
        return True

    # -- other keys ------------------------------------------------------------------------------------
    def action_back(self) -> None:
        if self.focused is self.editor:
            self._leave_editor()  # Esc leaves the editor first, as in the invoke screen
            return
        super().action_back()

    def _leave_editor(self) -> None:
        tables = self.query(RecordTable)
        (tables.first() if tables else self.query_one("#insights-since", Input)).focus()

    def action_edit(self) -> None:
        self.editor.focus()

    def action_time(self) -> None:
        self.query_one("#insights-since", Input).focus()

    def action_since(self, since: str) -> None:
        self.query_one("#insights-since", Input).value = since
        self.query_one("#insights-until", Input).value = "now"
        self.action_run()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_run()

    def action_queries(self) -> None:
        def chosen(query: SavedQuery | None) -> None:
            if query is not None:
                self.editor.text = query.query
                self.editor.move_cursor(self.editor.document.end)
                self.editor.focus()
                self._show_hint()

        self.app.push_screen(QueryPicker(all_queries(self.host.config.queries)), chosen)

    def selected_row(self) -> ResultRow | None:
        tables = self.query(RecordTable)
        record = tables.first().selected if tables else None
        return record.value if record is not None else None

    def copy_value(self) -> str | None:
        row = self.selected_row()
        return json.dumps(row.as_dict(), ensure_ascii=False) if row is not None else None

    def action_copy_row(self) -> None:
        value = self.copy_value()
        if value:
            self.app.copy_to_clipboard(value)
            self.notify("Copied the row as JSON", timeout=2)

    def on_record_table_chosen(self, event: RecordTable.Chosen) -> None:
        event.stop()
        row: ResultRow = event.record.value
        request_id = request_id_of(row)
        if not request_id:
            self.notify("This row carries no request id (add @requestId to its fields)", timeout=4)
            return
        group = log_group_of(row)
        groups = [group] if group else list(self.scope.groups if self.scope else ())
        moment = insights_time_ms(row.get("@timestamp"))
        self.host.open("request", request_id, groups=groups, functions=self.functions_by_group,
                       start_ms=moment if moment is not None else self.ran_start_ms)


def _outcome(run: QueryRun) -> QueryResults | MalformedQuery:
    """The run's results, or its MalformedQuery as a value (it carries the position, which a
    described failure would lose)."""
    try:
        return run.run()
    except MalformedQuery as exc:
        return exc
