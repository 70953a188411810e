"""The log view of a stack (all its functions, nested stacks included) or of some functions.

How data flows, and why:
- The log groups are resolved in a thread worker (a function's `LoggingConfig.LogGroup` is read,
  not guessed). Then a `Tail` follows them in its own threads and appends ordered, de-duplicated
  batches to an `EventBuffer`. The buffer *is* the hand-over: nothing is posted per batch. A
  10 Hz timer on the UI thread indexes what arrived (`LogView.refresh_rows`), so however fast
  events come, the UI does one bounded piece of work per tick and stays responsive.
- Changing the "since" window starts a new tail into a fresh buffer; the old tail is told to stop
  without waiting (its threads are daemons) and whatever it still writes lands in a buffer nobody
  reads. Every tail of this screen shares one `RequestBudget`, so restarts and the request
  drill-down never exceed the configured FilterLogEvents rate together.
- `/` changes the filter: the buffer is re-filtered at once (`LogView.set_matcher`) and the tail
  goes on with the new pattern (`Tail.set_filter`). The tail runs with `merge=True`: it knows
  which pattern each stretch of the window was fetched with (stackview/logs/coverage.py), so
  what the old pattern left out is fetched again and merged into the buffer in time order
  (clearing `ERROR` after a minute brings back that minute's other lines), while a narrower
  filter over an unfiltered stretch costs no request. After any sequence of filter changes the
  buffer holds the window's events in order; a stretch that cannot be fetched again shows as a
  gap line, and a full buffer drops lines the filter hides before lines it shows.

Keys (ids in `BINDINGS`): 0-6 since (tail, 1m, 5m, 15m, 30m, 1h, 3h), `f` follow/pause, `G` end
and follow, `w` wrap, `t` timestamps, `/` filter, `x` context around matches (`+` / `-` more or
fewer lines), `s` search (n / N), Enter request (of any line: see `stackview.logs.attribution`),
`c` copy line (as shown: control characters escaped), Ctrl+S save, `r` reload, `L` Logs Insights over the same groups, Esc back. Space
stays page-down, as in a pager.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer

from stackview.aws.errors import AwsError, UserError
from stackview.logs.buffer import EventBuffer
from stackview.logs.budget import RequestBudget
from stackview.logs.filter_pattern import FilterPatternError
from stackview.logs.parse import LogParser
from stackview.logs.since import SinceError, parse_since
from stackview.logs.tail import Tail, compile_filter
from stackview.models.config import TIMESTAMP_MODES
from stackview.screens.logs.drilldown import RequestDrillDown
from stackview.widgets.app_header import AppHeader
from stackview.widgets.app_screen import AppScreen, LogScope
from stackview.widgets.host import Host
from stackview.widgets.literal import neutralize
from stackview.widgets.log_format import MAX_FUNCTION_WIDTH, LambdaLineFormatter
from stackview.widgets.log_view import LogView
from stackview.widgets.logs_prompt import LogsPrompt
from stackview.widgets.logs_status import LogsErrors, LogsStatus, ViewState

SINCE_PRESETS = ("tail", "1m", "5m", "15m", "30m", "1h", "3h")  # keys 0..6
DEFAULT_SINCE = "15m"
DRAIN_INTERVAL = 0.1
STATUS_EVERY = 5  # drain ticks between status refreshes (twice a second)
DEFAULT_CONTEXT = 3  # lines of context `x` shows around each match
MAX_CONTEXT = 50
LIVE_NOTE_SECONDS = 10.0  # how long the errors line says why Live Tail is not used


def _check_pattern(text: str) -> tuple[str, int] | None:
    try:
        compile_filter(text)
    except FilterPatternError as exc:
        return exc.message, exc.position
    return None


class LogsScreen(RequestDrillDown, AppScreen):
    DEFAULT_CSS = """
    LogsScreen > LogView { height: 1fr; border: round $primary 40%; border-title-color: $text; }
    LogsScreen > LogView:focus { border: round $primary; }
    """
    BINDINGS = [
        Binding("escape", "back", "Back", id="logs.back"),
        Binding("f", "toggle_follow", "Follow", id="logs.follow"),
        Binding("w", "toggle_wrap", "Wrap", id="logs.wrap"),
        Binding("t", "cycle_timestamps", "Time", id="logs.timestamps"),
        Binding("slash", "edit_filter", "Filter", id="logs.filter"),
        Binding("s", "edit_search", "Search", id="logs.search"),
        Binding("x", "toggle_context", "Context", id="logs.context"),
        Binding("plus", "context(1)", "More context", show=False, id="logs.context.more"),
        Binding("minus", "context(-1)", "Less context", show=False, id="logs.context.less"),
        Binding("c", "copy_line", "Copy", id="logs.copy"),
        Binding("ctrl+s", "save", "Save", id="logs.save"),
        Binding("r", "reload", "Reload", id="logs.reload"),
        Binding("L", "insights", "Insights", show=False, id="logs.insights"),
        *(
            Binding(str(n), f"since('{since}')", f"Since {since}", show=n in (0, 3, 5),
                    id=f"logs.since.{since}")
            for n, since in enumerate(SINCE_PRESETS)
        ),
    ]
    AUTO_FOCUS = "LogView"

    def __init__(
        self,
        stack: str | None = None,
        functions: Sequence[str] = (),
        *,
        pattern: str = "",
        since: str | None = None,
    ) -> None:
        super().__init__()
        self.stack = stack
        self.functions = list(functions)
        self.pattern = pattern.strip()
        self.since = since or DEFAULT_SINCE
        scope = stack or ", ".join(self.functions) or "nothing"
        self.scope = scope
        self.crumb = f"logs {scope}"
        self.sources: list[Any] = []
        self.warnings: list[str] = []
        self.tail: Tail | None = None
        self.buffer: EventBuffer = EventBuffer(1)
        self.budget: RequestBudget | None = None
        self.phase = "resolving log groups ..."
        self.saved: Path | None = None  # the last file written by Ctrl+S
        self.start_ms: int | None = None  # where the current tail began (epoch ms)
        self._leaving = threading.Event()
        self._drained = (-1, -1, -1)
        self._ticks = 0
        self._live_note = ""
        self._live_note_until = 0.0
        self.context = DEFAULT_CONTEXT  # lines `x` shows around matches (when on)

    @classmethod
    def create(cls, host: Host, target: str = "", *, pattern: str = "",
               since: str | None = None) -> LogsScreen | None:
        """`target` names a stack or a function; "" asks the screen on top what it shows (its
        `log_scope()`), as `:logs` alone does."""
        if not target:
            screen = host.screen
            scope = screen.log_scope() if isinstance(screen, AppScreen) else None
            if scope is None:
                host.notify_error(":logs needs a stack or function here (:logs NAME)")
                return None
            return cls(stack=scope.stack, functions=scope.functions, pattern=pattern, since=since)
        if target in host.catalog["stacks"]:
            return cls(stack=target, pattern=pattern, since=since)
        return cls(functions=[target], pattern=pattern, since=since)

    # -- layout ----------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        config = self.host.config
        self.buffer = EventBuffer(config.logs.buffer_lines)
        self.budget = RequestBudget(config.logs.requests_per_second, sleep=self._leaving.wait)
        mode = config.timestamps if config.timestamps in TIMESTAMP_MODES else "local"
        self.formatter = LambdaLineFormatter(self.app, LogParser(), timestamp_mode=mode,
                                             show_function=len(self.functions) != 1 or bool(self.stack))
        yield AppHeader()
        yield LogView(self.buffer, self.formatter, id="log-view")
        yield LogsPrompt({"filter": _check_pattern}, id="logs-prompt")
        yield LogsErrors(id="logs-errors")
        yield LogsStatus(id="logs-status")
        yield Footer()

    @property
    def view(self) -> LogView:
        return self.query_one(LogView)

    def on_mount(self) -> None:
        error = _check_pattern(self.pattern)
        if error is not None:
            self.host.notify_error(f"invalid filter pattern: {error[0]} (at {error[1]})")
            bad, self.pattern = self.pattern, ""
            self.call_after_refresh(self.query_one(LogsPrompt).open, "filter", bad)
        self.view.matcher = compile_filter(self.pattern)
        self._update_title()
        self.set_interval(DRAIN_INTERVAL, self._drain)
        self._show_status()
        self._resolve()

    def on_unmount(self) -> None:
        self._leaving.set()
        if self.tail is not None:
            self.tail.stop(timeout=0)  # threads are daemons: never wait on the UI thread
            self.tail = None

    # -- resolving and tailing ---------------------------------------------------------------
    def _resolve(self) -> None:
        from stackview.aws.log_sources import resolve_sources

        session, stack, functions = self.host.session, self.stack, self.functions
        # A failure is shown on the screen: there is nothing else to tail.
        self.run_in_thread("resolve", lambda: resolve_sources(session, stack=stack, functions=functions),
                           self._resolved, failed=self._resolve_failed)

    def _resolve_failed(self, error: UserError) -> None:
        self.phase = "cannot resolve log groups"
        self.warnings = [error.one_line()]
        self._show_status()

    def _resolved(self, resolution: Any) -> None:
        self.sources = list(resolution.sources)
        self.warnings = list(resolution.warnings)
        if not self.sources:
            self.phase = "nothing to tail"
            self._show_status()
            return
        parser = LogParser(resolution.functions_by_group)
        self.formatter.parser = parser
        self.formatter.function_width = min(MAX_FUNCTION_WIDTH, max(len(parser.function_of(s.log_group)) for s in self.sources))
        self.formatter.show_function = len(self.sources) > 1 or bool(self.stack)
        self.view.formatter_changed()
        self.restart_tail()

    def restart_tail(self) -> None:
        """(Re)start the tail from the current "since" into a fresh buffer."""
        if not self.sources or self._leaving.is_set():
            return
        now_ms = int(time.time() * 1000)
        try:
            start_ms = parse_since("now" if self.since == "tail" else self.since, now_ms)
        except SinceError as exc:
            self.host.notify_error(f"since: {exc}; using {DEFAULT_SINCE}")
            self.since = DEFAULT_SINCE
            start_ms = parse_since(DEFAULT_SINCE, now_ms)
        self.start_ms = start_ms
        old, self.tail = self.tail, None
        if old is not None:
            old.stop(timeout=0)
        self.buffer = EventBuffer(self.host.config.logs.buffer_lines)
        self._drained = (-1, -1, -1)
        self.view.set_buffer(self.buffer)
        self.phase = "starting the tail ..."
        session, sources, budget, leaving = self.host.session, self.sources, self.budget, self._leaving
        buffer, pattern = self.buffer, self.pattern

        def open_tail() -> Tail:
            # Making the clients is blocking work: done here, not on the UI thread.
            tail = Tail(session, sources, start_ms=start_ms, pattern=pattern, follow=True,
                        budget=budget, buffer=buffer, on_batch=_ignore, live_tail=True, merge=True)
            tail.start()
            if leaving.is_set():  # the screen was left while it was starting
                tail.stop(timeout=0)
            return tail

        # A newer window drops this answer (and stops its tail); a failure is shown, the screen
        # stays usable.
        self.run_in_thread("tail", open_tail, self._tail_started, failed=self._resolve_failed,
                           discard=lambda tail: tail.stop(timeout=0))
        self._update_title()
        self._show_status()

    def _tail_started(self, tail: Tail) -> None:
        if self._leaving.is_set():
            tail.stop(timeout=0)
            return
        self.tail = tail
        self.phase = ""
        self._show_status()

    def _drain(self) -> None:
        """Index what the tail appended since the last tick (the only per-event UI work)."""
        buffer = self.buffer
        mark = (buffer.first_seq, buffer.next_seq, buffer.revision)
        changed = mark != self._drained
        if changed:
            self._drained = mark
            self.view.refresh_rows()
        self._ticks += 1
        if changed or self._ticks % STATUS_EVERY == 0:
            self._show_status()
            if self.formatter.timestamp_mode == "relative" and self._ticks % (STATUS_EVERY * 2) == 0:
                self.view.clear_render_cache()  # "12s ago" moves on

    # -- status ------------------------------------------------------------------------------
    def view_state(self) -> ViewState:
        view = self.view
        phase = self.phase
        if not phase and self.tail is not None and self.tail.stats().backfilling:
            phase = "fetching what the previous filter left out ..."
        return ViewState(
            since=self.since,
            pattern=self.pattern,
            buffered=len(self.buffer),
            shown=view.row_count,
            following=view.following,
            wrap=view.wrap,
            timestamps=self.formatter.timestamp_mode,
            search=view.search,
            search_position=view.search_position() if view.search else (0, 0),
            context=view.context_lines if self.pattern else 0,
            phase=phase,
        )

    def _show_status(self) -> None:
        stats = self.tail.stats() if self.tail is not None else None
        self.query_one(LogsStatus).show(stats, self.view_state())
        # Why Live Tail is not used (it ended, it sampled ...) is said in the errors line for a
        # while, never in a toast: a toast would sit on the status line.
        note = stats.live_note if stats is not None else ""
        now = time.monotonic()
        if note != self._live_note:
            self._live_note = note
            self._live_note_until = now + LIVE_NOTE_SECONDS if note not in ("", "off", "polling") else 0.0
        notes = [note] if now < self._live_note_until else []
        self.query_one(LogsErrors).show(stats, self.warnings, notes)

    def _update_title(self) -> None:
        title = Text(f"logs · {neutralize(self.scope)}")
        if self.pattern:
            title.append(f"  /{neutralize(self.pattern)}", style="bold")
        self.view.border_title = title
        self.view.border_subtitle = Text(f"since {neutralize(self.since)}")

    def on_log_view_follow_changed(self, _event: LogView.FollowChanged) -> None:
        self._show_status()

    def on_log_view_search_moved(self, _event: LogView.SearchMoved) -> None:
        self._show_status()

    # -- keys --------------------------------------------------------------------------------
    def action_since(self, since: str) -> None:
        self.since = since
        if not self.sources:
            self._update_title()
            self._show_status()
            return
        self.restart_tail()

    def action_reload(self) -> None:
        self.restart_tail()

    def log_scope(self) -> LogScope | None:
        """What this view follows, for `:insights` and `:logs` typed here (log groups given by
        name alone have no stack or function: `L` queries those)."""
        if self.stack or self.functions:
            return LogScope(stack=self.stack, functions=tuple(self.functions))
        return None

    def action_insights(self) -> None:
        """Logs Insights over what this view follows, from its "since" window."""
        self.host.open("insights", stack=self.stack, functions=tuple(self.functions),
                       groups=tuple(s.log_group for s in self.sources), since=self.since)

    def action_toggle_follow(self) -> None:
        self.view.set_following(not self.view.following)
        self._show_status()

    def action_toggle_wrap(self) -> None:
        self.view.set_wrap(not self.view.wrap)
        self._show_status()

    def action_cycle_timestamps(self) -> None:
        modes = TIMESTAMP_MODES
        current = self.formatter.timestamp_mode
        self.formatter.timestamp_mode = modes[(modes.index(current) + 1) % len(modes)] if current in modes else modes[0]
        self.view.formatter_changed()
        self._show_status()

    def action_toggle_context(self) -> None:
        view = self.view
        if not self.pattern:
            self.notify("Context shows lines around filter matches: set a filter with /", timeout=3)
            return
        view.set_context(0 if view.context_lines else self.context)
        self._show_status()

    def action_context(self, delta: int) -> None:
        if not self.pattern:
            self.notify("Context shows lines around filter matches: set a filter with /", timeout=3)
            return
        lines = max(0, min(MAX_CONTEXT, self.view.context_lines + delta))
        if lines:
            self.context = lines
        self.view.set_context(lines)
        self._show_status()

    def action_edit_filter(self) -> None:
        self.query_one(LogsPrompt).open("filter", self.pattern)

    def action_edit_search(self) -> None:
        self.query_one(LogsPrompt).open("search", self.view.search)

    def action_copy_line(self) -> None:
        event = self.view.selected
        if event is None:
            self.notify("No line selected", timeout=2)
            return
        # What the screen shows, never the raw bytes: a paste must not be able to drive a terminal.
        self.app.copy_to_clipboard(neutralize(event.message.rstrip("\n"), keep_newlines=True))
        self.notify("Copied the line", timeout=2)

    def action_save(self) -> None:
        events = self.view.visible_events()
        if not events:
            self.notify("Nothing to save", timeout=2)
            return
        from stackview.logs.save import SaveError, save_events

        scope, parser, width = self.scope, self.formatter.parser, self.formatter.function_width

        def save() -> Path:
            try:
                return save_events(events, scope, parser, function_width=width)
            except SaveError as exc:
                raise AwsError(UserError(f"could not save the log: {exc}")) from exc

        self.run_in_thread("save", save, lambda path: self._saved(path, len(events)))

    def _saved(self, path: Path, count: int) -> None:
        self.saved = path
        self.notify(f"Saved {count:,} lines to {path}", timeout=8, markup=False)

    # -- the prompt ----------------------------------------------------------------------------
    def on_logs_prompt_edited(self, event: LogsPrompt.Edited) -> None:
        if event.mode == "search":
            self.view.set_search(event.text)

    def on_logs_prompt_applied(self, event: LogsPrompt.Applied) -> None:
        self.view.focus()
        if event.mode == "filter":
            self.apply_filter(event.text)
        elif event.mode == "search":
            self.view.set_search(event.text)
            if event.text:
                self.view.action_find(1)
        self._show_status()

    def on_logs_prompt_cancelled(self, event: LogsPrompt.Cancelled) -> None:
        self.view.focus()
        if event.mode == "search":
            self.view.set_search(event.previous)

    def apply_filter(self, text: str) -> None:
        """Use a new filter pattern (already known to be valid)."""
        pattern = text.strip()
        if pattern == self.pattern:
            return
        self.pattern = pattern
        self.view.set_matcher(compile_filter(pattern))
        if self.tail is not None:
            self.tail.set_filter(pattern)  # fetches what the previous pattern left out, merged in
        self._update_title()

def _ignore(_batch: object) -> None:
    """The tail's `on_batch`: the batch is already in the buffer, which the drain timer reads."""
