"""Enter on a log line: everything one request printed, across streams, JSON pretty-printed.

Where the lines come from:
- the log view's buffer, at once (`stackview.logs.request.request_lines`: lines carrying the
  request id, and lines of the same stream between its START and its END/REPORT);
- CloudWatch, in a worker: a one-shot FilterLogEvents for `"<request id>"` over the same groups,
  from 15 minutes before the first line known (Lambda's longest timeout) to now. That finds lines
  the buffer does not hold (older than the window, dropped, or hidden by the active filter) and
  Lambda's retries of the same request. It shares the log screen's request budget.
Both are merged in time order, each line once.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timezone
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Footer, Static

from stackview.logs.parse import LogParser
from stackview.logs.request import merge, pretty_message
from stackview.models import LogEvent
from stackview.widgets.app_header import AppHeader
from stackview.widgets.app_screen import AppScreen
from stackview.widgets.host import Host
from stackview.widgets.literal import literal_text, neutralize
from stackview.widgets.styles import style_for

LOOK_BACK_MS = 15 * 60 * 1000  # Lambda's maximum timeout: a request cannot have started earlier
MAX_LINES = 5_000


class RequestScreen(AppScreen):
    """Every line of one request; Esc goes back to the tail (which kept running)."""

    DEFAULT_CSS = """
    RequestScreen > #request-note { height: 1; padding: 0 1; background: $panel; }
    RequestScreen > VerticalScroll { padding: 0 1; }
    """
    BINDINGS = [
        Binding("escape", "back", "Back", id="logs.request.back"),
        Binding("c", "copy", "Copy all", id="logs.request.copy"),
    ]
    AUTO_FOCUS = "VerticalScroll"

    def __init__(self, request_id: str, lines: Sequence[LogEvent], parser: LogParser, *,
                 groups: Sequence[str] = (), budget: Any = None, start_ms: int | None = None) -> None:
        super().__init__()
        self.request_id = request_id
        self.lines: list[LogEvent] = list(lines)
        self.parser = parser
        self.groups = list(groups)
        self.budget = budget
        #: When the request is known to have run (epoch ms) if no line is held: the search
        #: looks back from there rather than from now.
        self.start_ms = start_ms
        self.crumb = f"request {request_id[:8]}"
        self.searched = False  # the CloudWatch query has answered
        self._tail: Any = None

    @classmethod
    def create(cls, host: Host, target: str = "", *, lines: Sequence[LogEvent] = (), groups: Sequence[str] = (),
               start_ms: int | None = None, functions: dict[str, str] | None = None) -> RequestScreen:
        """From another screen (Insights results, the Invocations tab): the request `target`,
        the lines already at hand, the groups to search and when it ran."""
        return cls(target, lines, LogParser(functions), groups=groups, start_ms=start_ms)

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Static(id="request-note")
        with VerticalScroll(id="request-lines"):
            yield Static(id="request-text")
        yield Footer()

    def on_mount(self) -> None:
        self._render_lines()
        if self.groups:
            self._note(f"{len(self.lines)} lines from the buffer; searching CloudWatch for the request id ...")
            # The buffer's lines stay whatever happens; a problem is shown in the note.
            self.run_in_thread("search", self._search, lambda found: self._searched(*found),
                               failed=lambda error: self._searched([], [error.one_line()]))
        else:
            self._note(f"{len(self.lines)} lines")

    def on_unmount(self) -> None:
        tail = self._tail
        if tail is not None:
            tail.stop(timeout=0)

    def _note(self, message: str) -> None:
        self.query_one("#request-note", Static).update(Text(neutralize(message)))

    def _search(self) -> tuple[list[LogEvent], list[str]]:
        """(lines found, groups that could not be searched): runs in a thread."""
        from stackview.logs.tail import Tail

        first = min((e.timestamp for e in self.lines), default=None)
        if first is None:
            first = self.start_ms if self.start_ms is not None else int(datetime.now(timezone.utc).timestamp() * 1000)
        start = first - LOOK_BACK_MS
        found: list[LogEvent] = []
        self._tail = tail = Tail(self.host.session, self.groups, start_ms=start,
                                 pattern=f'"{self.request_id}"', follow=False, live_tail=False,
                                 budget=self.budget)
        tail.start()
        for batch in tail.batches():
            found.extend(batch)
            if len(found) >= MAX_LINES:
                break
        tail.stop(timeout=0)
        return found, [f"{g}: {m}" for g, m in tail.stats().group_errors.items()]

    def _searched(self, found: list[LogEvent], errors: list[str]) -> None:
        before = len(self.lines)
        # Emulators may ignore the pattern: only lines that name the id are taken.
        self.lines = merge(self.lines, [e for e in found if self.request_id in e.message])
        self.searched = True
        added = len(self.lines) - before
        note = f"{len(self.lines)} lines ({added} more from CloudWatch)"
        if errors:
            note += "; not searched: " + "; ".join(errors)
        self._note(note)
        if added:
            self._render_lines()

    def _render_lines(self) -> None:
        # One Static for all lines: a request is small, and one widget per line would not be.
        if not self.lines:
            self.query_one("#request-text", Static).update(Text("no line of this request is held", style="dim"))
            return
        text = Text(end="")
        for index, event in enumerate(self.lines[:MAX_LINES]):
            if index:
                text.append("\n\n")
            text.append_text(self.line_text(event))
        self.query_one("#request-text", Static).update(text)

    def line_text(self, event: LogEvent) -> Text:
        record = self.parser.parse(event)
        moment = datetime.fromtimestamp(event.timestamp / 1000, tz=timezone.utc)
        text = Text(end="")
        text.append(moment.strftime("%Y-%m-%d %H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z",
                    style_for(self.app, "sv-log-time"))
        text.append("  ")
        text.append(neutralize(record.function), style_for(self.app, "sv-log-function"))
        text.append("  ")
        text.append(neutralize(event.log_stream), style_for(self.app, "sv-muted"))
        if record.level:
            text.append("  ")
            error = record.is_error
            text.append(record.level, style_for(self.app, "sv-level-error" if error else "sv-level-info", bold=error))
        text.append("\n")
        text.append_text(literal_text(pretty_message(event.message), keep_newlines=True))
        return text

    def plain_text(self) -> str:
        return "\n".join(self.line_text(event).plain for event in self.lines)

    def action_copy(self) -> None:
        self.app.copy_to_clipboard(self.plain_text())
        self.notify(f"Copied {len(self.lines)} lines", timeout=2)
