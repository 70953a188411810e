"""The log view: one virtualized widget drawn through the Line API.

- It reads the tail engine's bounded `EventBuffer` and keeps only an index of the sequence numbers
  that pass the local filter (an `array`, not a widget or a Text per row).
- Only visible lines are rendered; rendered rows are kept in a small LRU of strips, cleared when
  the width, the modes, the filter, the search or the theme change.
- With wrap on, each row can take several lines; a prefix sum of row heights maps a screen line to
  (row, sub-line) with a bisect, so scrolling stays O(log n).
- Following: new events keep the cursor on the last row; moving up pauses; `G` resumes.
- Every line is tied to its request (`stackview.logs.attribution.RequestIndex`, fed every event
  of the buffer, shown or not): the request column, and Enter, which carries the request.
- Context (`context_lines` > 0, with a filter): lines of the same stream around each match are
  shown too, dimmer (`log_rows.ContextWindow`).

The rows' bookkeeping is `RowIndex` (log_rows.py); cursor, key actions and search live in
`LogViewKeys` (log_view_keys.py), mixed in here.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import Protocol

from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from stackview.logs.attribution import RequestIndex
from stackview.logs.buffer import EventBuffer
from stackview.logs.gaps import is_gap
from stackview.logs.parse import LogRecord
from stackview.models import LogEvent
from stackview.widgets.log_format import hard_wrap
from stackview.widgets.log_rows import ContextWindow, RowIndex
from stackview.widgets.log_view_keys import LogViewKeys

STRIP_CACHE_SIZE = 512  # a few screens of rendered rows; more only churns memory under a fast tail
#: The request column is drawn when the view is at least this wide (it costs 9 cells).
REQUEST_COLUMN_MIN_WIDTH = 110
_CONTEXT_STYLE = Style(dim=True)


class LineFormatter(Protocol):
    """Turns an event into display parts. Implemented in widgets/log_format.py."""

    show_request: bool  # draw the request column

    # fixed-width columns (time, function, level, request)
    def prefix(self, event: LogEvent, request: tuple[str | None, str | None] = (None, None)) -> Text: ...

    def record(self, event: LogEvent) -> LogRecord: ...

    def prefix_width(self) -> int: ...

    def body(self, event: LogEvent) -> Text: ...  # the message, literal, styled, may hold "\n"

    def rows(self, event: LogEvent, width: int) -> int: ...  # lines the body takes at `width`


class EventMatcher(Protocol):
    def matches(self, message: str) -> bool: ...

    def spans(self, message: str) -> list[tuple[int, int]]: ...

    def filter(self, messages) -> object: ...  # iterator of indexes


class LogView(LogViewKeys, ScrollView, can_focus=True):
    DEFAULT_CSS = """
    LogView { background: $surface; scrollbar-size-horizontal: 0; }
    LogView > .log-view--cursor { background: $primary 30%; }
    LogView:focus > .log-view--cursor { background: $primary 50%; }
    LogView > .log-view--highlight { background: $accent 60%; color: $text; }
    LogView > .log-view--search { background: $warning 70%; color: $text; }
    """
    COMPONENT_CLASSES = {"log-view--cursor", "log-view--highlight", "log-view--search"}
    # Declared here, not on the mixin: Textual collects BINDINGS from widget classes only.
    BINDINGS = [
        Binding("j,down", "cursor(1)", "Down", show=False, id="logs.down"),
        Binding("k,up", "cursor(-1)", "Up", show=False, id="logs.up"),
        Binding("pagedown,ctrl+f,space", "page(1)", "Page down", show=False, id="logs.pagedown"),
        Binding("pageup,ctrl+b", "page(-1)", "Page up", show=False, id="logs.pageup"),
        Binding("g,home", "top", "Top", show=False, id="logs.top"),
        Binding("G,end", "end", "End + follow", id="logs.end"),
        Binding("enter", "choose", "Request", id="logs.request"),
        Binding("n", "find(1)", "Next match", show=False, id="logs.next"),
        Binding("N", "find(-1)", "Previous match", show=False, id="logs.previous"),
    ]

    @dataclass
    class Chosen(Message):
        """Enter on a row: its event and its request (None when the line belongs to none)."""

        view: LogView
        event: LogEvent
        request_id: str | None = None
        request_from: str | None = None  # "line" or "stream" (stackview.logs.attribution)

    @dataclass
    class SearchMoved(Message):
        """n / N moved the cursor to another search hit."""

        view: LogView

    @dataclass
    class FollowChanged(Message):
        view: LogView
        following: bool

    def __init__(self, buffer: EventBuffer, formatter: LineFormatter, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.buffer = buffer
        self.formatter = formatter
        self.matcher: EventMatcher | None = None
        self.search = ""
        self.wrap = False
        self.following = True
        self.cursor = -1  # index into the visible rows (not a buffer index)
        self.context_lines = 0  # lines shown around each filter match (0: none)
        self.rows = RowIndex()
        self.requests = RequestIndex()
        self._requests_version = 0
        self._requests_until = 0  # next sequence number the request index has to see
        self._context_window: ContextWindow | None = None
        self._indexed_until = buffer.first_seq  # next sequence number to index
        self._revision = buffer.revision  # the buffer's rewrites seen
        self._cache: OrderedDict[int, list[Strip]] = OrderedDict()  # by sequence number
        self._cache_width = -1

    # -- rows ----------------------------------------------------------------------------------
    @property
    def row_count(self) -> int:
        return len(self.rows)

    def event_at(self, row: int) -> LogEvent | None:
        if not 0 <= row < self.row_count:
            return None
        return self.buffer.get_seq(self.rows.seq(row))

    @property
    def selected(self) -> LogEvent | None:
        return self.event_at(self.cursor)

    def is_context(self, row: int) -> bool:
        """The row is shown as context around a filter match, not as a match."""
        return 0 <= row < self.row_count and self.rows.is_context(row)

    def request_of(self, row: int) -> tuple[str | None, str | None]:
        """(request id, "line" | "stream") of a row: see stackview.logs.attribution."""
        event = self.event_at(row)
        if event is None:
            return None, None
        return self.requests.request_of(self.rows.seq(row), event, self.formatter.record(event))

    def request_lines(self, request_id: str) -> list[LogEvent]:
        """Every line of the buffer that belongs to `request_id`, shown or not."""
        with self.buffer.lock:
            first, events = self.buffer.first_seq, self.buffer.snapshot()
        return self.requests.lines_of(request_id, first, events)

    def visible_events(self) -> list[LogEvent]:
        """The events shown (matches and context), oldest first (for saving and copying)."""
        rows = self.rows
        events = (self.buffer.get_seq(rows.seqs[i]) for i in range(rows.start, len(rows.seqs)))
        return [event for event in events if event is not None]

    def refresh_rows(self) -> None:
        """Index what the engine appended since the last call, and forget what was dropped.
        Called on the UI thread after each delivered batch."""
        self._drop_rewritten()
        first, stop = self.buffer.first_seq, self.buffer.next_seq
        start = max(self._indexed_until, first)
        if start < stop:
            events = self.buffer.snapshot(start - first, stop - first)
            self._index(start, events)
            self._indexed_until = stop
        self._forget_dropped(first)
        self._update_size()
        if self.following:
            self._follow_end()
        self.refresh()

    def _drop_rewritten(self) -> None:
        """The buffer merged events in place (a late or back-filled event): forget the rows and
        request boundaries from the first rewritten sequence number on, and index them again."""
        revision = self.buffer.revision
        seq = self.buffer.rewritten_from(self._revision)
        self._revision = revision
        if seq is None or seq >= self._indexed_until:
            return
        self.requests.forget_from(seq)
        self._requests_until = min(self._requests_until, seq)
        self._cache.clear()
        if self._context_window is not None:
            self.rebuild()  # context follows streams across batches: index the buffer again
            return
        self.rows.truncate_from(seq)
        self._indexed_until = seq
        if self.cursor >= self.row_count:
            self.cursor = self.row_count - 1

    def _follow_end(self) -> None:
        self.cursor = self.row_count - 1
        # After the layout has taken the new virtual size into account.
        self.call_after_refresh(self.scroll_end, animate=False, immediate=True, x_axis=False)

    def rebuild(self) -> None:
        """Re-index the whole buffer (filter, context or wrap changed, width changed in wrap mode)."""
        keep = self.selected
        self.rows = RowIndex(self.wrap)
        self._context_window = ContextWindow(self.context_lines) if self.context_lines else None
        self._cache.clear()
        self._revision = self.buffer.revision
        first = self.buffer.first_seq
        events = self.buffer.snapshot()
        self._indexed_until = first + len(events)
        self._index(first, events)
        self._update_size()
        if self.following or keep is None:
            self._follow_end()
        else:
            self.cursor = self._row_of_event(keep)
            self._scroll_to_cursor()
        self.refresh()

    def set_buffer(self, buffer: EventBuffer) -> None:
        """Show another buffer (the screen restarts its tail into a fresh one when the "since"
        window changes, so that a stopped tail's late writes land where nobody reads)."""
        self.buffer = buffer
        self.requests.clear()
        self._requests_until = 0
        self.following = True
        self.cursor = -1
        self.scroll_to(x=0, y=0, animate=False, immediate=True)
        self.rebuild()

    def formatter_changed(self) -> None:
        """The formatter's columns changed (timestamp mode): widths and cached lines are stale."""
        if self.wrap:
            self.rebuild()
        else:
            self._cache.clear()
            self._update_size()
            self.refresh()

    def _row_of_event(self, event: LogEvent) -> int:
        for row in range(self.row_count - 1, -1, -1):
            if self.event_at(row) is event:
                return row
        return max(0, self.row_count - 1)

    def _index(self, first_seq: int, events: list[LogEvent]) -> None:
        """Note the request boundaries of every new event, and show those that pass the filter
        (with their context lines when asked for)."""
        # The request index follows the buffer, not the filter: a rebuild does not redo it.
        new = max(first_seq, self._requests_until)
        self.requests.add_all(new, events[new - first_seq:])
        self._requests_until = max(self._requests_until, first_seq + len(events))
        version = self.requests.version
        if version != self._requests_version:  # a START landed before lines already drawn
            self._requests_version = version
            self._cache.clear()
        context = None
        if self.matcher is None:
            seqs, shown = range(first_seq, first_seq + len(events)), events
        else:
            matched = list(self.matcher.filter([e.message for e in events]))
            gaps = [i for i, e in enumerate(events) if is_gap(e)]  # never hidden by a filter
            if gaps:
                matched = sorted(set(matched).union(gaps))
            if self._context_window is not None:
                rows = self._context_window.feed(first_seq, events, matched)
                seqs, context = [seq for seq, _ in rows], [c for _, c in rows]
                get = self.buffer.get_seq
                shown = [events[seq - first_seq] if seq >= first_seq else get(seq) for seq in seqs]
            else:
                seqs, shown = [first_seq + i for i in matched], [events[i] for i in matched]
        height = None
        if self.wrap:
            width = max(1, self._wrap_width())
            rows_of = self.formatter.rows

            def height(event: LogEvent) -> int:
                return rows_of(event, width)

        cursor_seq, cursor_line = None, 0
        if 0 <= self.cursor < self.row_count:
            cursor_seq, cursor_line = self.rows.seq(self.cursor), self.rows.first_line_of(self.cursor)
        inserted = self.rows.add(seqs, shown, context, height=height, is_hit=self._search_hit())
        if inserted and not self.following and cursor_seq is not None:
            # Context lines went in above rows already shown: keep the cursor on its line.
            row = self.rows.row_of_seq(cursor_seq)
            if row is not None and row != self.cursor:
                moved = self.rows.first_line_of(row) - cursor_line
                self.cursor = row
                self.scroll_to(y=self.scroll_y + moved, animate=False, immediate=True)

    def _search_hit(self):
        needle = self.search.lower()
        if not needle:
            return None
        return lambda event: needle in event.message.lower()

    def _forget_dropped(self, first_seq: int) -> None:
        dropped, lines = self.rows.forget_before(first_seq)
        self.requests.forget_before(first_seq)
        if self._context_window is not None:
            self._context_window.forget_before(first_seq)
        if dropped:
            if self.cursor >= 0:
                self.cursor = max(0, self.cursor - dropped)
            if not self.following:  # keep the same lines on screen
                self.scroll_to(y=max(0, self.scroll_y - lines), animate=False, immediate=True)

    # -- geometry ----------------------------------------------------------------------------
    def _wrap_width(self) -> int:
        return max(8, self.scrollable_content_region.width - self.formatter.prefix_width())

    @property
    def line_count(self) -> int:
        return self.rows.line_count

    def _update_size(self) -> None:
        width = 0 if self.wrap else self.formatter.prefix_width() + self.rows.max_width
        self.virtual_size = Size(width, self.line_count)

    def _row_line(self, y: int) -> tuple[int, int]:
        """(row, sub-line) of content line y."""
        return self.rows.row_line(y)

    def _first_line_of(self, row: int) -> int:
        return self.rows.first_line_of(row)

    def on_resize(self) -> None:
        show = self.scrollable_content_region.width >= REQUEST_COLUMN_MIN_WIDTH
        if show != self.formatter.show_request:
            self.formatter.show_request = show
            self._update_size()
        if self.wrap:
            self.rebuild()
        self._cache.clear()

    # -- rendering ---------------------------------------------------------------------------
    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.scrollable_content_region.width
        row, sub = self._row_line(scroll_y + y)
        event = self.event_at(row)
        base = self.rich_style
        if event is None:
            return Strip.blank(width, base)
        strips = self._strips(row, event, width)
        strip = strips[sub] if sub < len(strips) else Strip.blank(width, base)
        if self.rows.is_context(row):
            strip = strip.apply_style(_CONTEXT_STYLE)
        if row == self.cursor:
            strip = strip.apply_style(self.get_component_rich_style("log-view--cursor"))
        return strip.crop_extend(scroll_x, scroll_x + width, base).apply_offsets(scroll_x, y)

    def _strips(self, row: int, event: LogEvent, width: int) -> list[Strip]:
        if width != self._cache_width:
            self._cache.clear()
            self._cache_width = width
        key = self.rows.seq(row)
        strips = self._cache.get(key)
        if strips is not None:
            self._cache.move_to_end(key)
            return strips
        strips = self._render_event(event, width, self.request_of(row))
        self._cache[key] = strips
        if len(self._cache) > STRIP_CACHE_SIZE:
            self._cache.popitem(last=False)
        return strips

    def _render_event(self, event: LogEvent, width: int,
                      request: tuple[str | None, str | None] = (None, None)) -> list[Strip]:
        prefix = self.formatter.prefix(event, request)
        body = self.formatter.body(event)
        self._highlight(body, event)
        console = self.app.console
        if not self.wrap:
            first, _, rest = body.plain.partition("\n")
            if rest:
                body = body[: len(first)]
                body.append(f"  ⏎ +{rest.count(chr(10)) + 1} lines", style="dim")
            line = Text.assemble(prefix, body, no_wrap=True, end="")
            return [Strip(line.render(console), line.cell_len)]
        wrap_width = self._wrap_width()
        indent = Text(" " * self.formatter.prefix_width())
        strips: list[Strip] = []
        for piece in body.split("\n", allow_blank=True):
            for chunk in hard_wrap(piece, wrap_width):
                head = prefix if not strips else indent
                line = Text.assemble(head, chunk, no_wrap=True, end="")
                strips.append(Strip(line.render(console), line.cell_len))
        return strips or [Strip.blank(width)]

    def clear_render_cache(self) -> None:
        self._cache.clear()
        self.refresh()

    # -- modes -------------------------------------------------------------------------------
    def set_matcher(self, matcher: EventMatcher | None) -> None:
        self.matcher = matcher
        self.rebuild()

    def set_context(self, lines: int) -> None:
        """Show `lines` lines of the same stream around each filter match (0: matches only)."""
        lines = max(0, lines)
        if lines != self.context_lines:
            self.context_lines = lines
            if self.matcher is not None:
                self.rebuild()

    def set_wrap(self, wrap: bool) -> None:
        self.wrap = wrap
        self.scroll_x = 0
        self.rebuild()

    def set_following(self, following: bool) -> None:
        if following != self.following:
            self.following = following
            self.post_message(self.FollowChanged(self, following))
        if following:
            self._follow_end()
            self.refresh()

