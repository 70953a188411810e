"""The log view: one virtualized widget drawn through the Line API.

- It reads the tail engine's bounded `EventBuffer` and keeps only an index of the sequence numbers
  that pass the local filter (an `array`, not a widget or a Text per row).
- Only visible lines are rendered; rendered rows are kept in a small LRU of strips, cleared when
  the width, the modes, the filter, the search or the theme change.
- With wrap on, each row can take several lines; a prefix sum of row heights maps a screen line to
  (row, sub-line) with a bisect, so scrolling stays O(log n).
- Following: new events keep the cursor on the last row; moving up pauses; `G` resumes.

Cursor, key actions and search live in `LogViewKeys` (log_view_keys.py), mixed in here.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right
from collections import OrderedDict
from dataclasses import dataclass
from typing import Protocol

from rich.cells import cell_len
from rich.text import Text
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from stackview.logs.buffer import EventBuffer
from stackview.logs.gaps import is_gap
from stackview.models import LogEvent
from stackview.widgets.log_view_keys import LogViewKeys

STRIP_CACHE_SIZE = 512  # a few screens of rendered rows; more only churns memory under a fast tail


class LineFormatter(Protocol):
    """Turns an event into display parts. Implemented in widgets/log_format.py."""

    def prefix(self, event: LogEvent) -> Text: ...  # fixed-width columns (time, function, level)

    def prefix_width(self) -> int: ...

    def body(self, event: LogEvent) -> Text: ...  # the message, literal, styled, may hold "\n"

    def rows(self, event: LogEvent, width: int) -> int: ...  # lines the body takes at `width`


class EventMatcher(Protocol):
    def matches(self, message: str) -> bool: ...

    def spans(self, message: str) -> list[tuple[int, int]]: ...

    def filter(self, messages) -> object: ...  # iterator of indexes


class LogView(LogViewKeys, ScrollView, can_focus=True):
    DEFAULT_CSS = """
    LogView { background: $surface; }
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
        """Enter on a row."""

        view: LogView
        event: LogEvent

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
        self._seqs = array("q")
        self._start = 0  # rows before this index were dropped from the buffer
        self._ends = array("q")  # wrap mode: cumulative line count through each row
        self._indexed_until = buffer.first_seq  # next sequence number to index
        self._revision = buffer.revision  # the buffer's rewrites seen
        self._max_width = 0
        self._cache: OrderedDict[int, list[Strip]] = OrderedDict()  # by sequence number
        self._cache_width = -1

    # -- rows --------------------------------------------------------------------------------
    @property
    def row_count(self) -> int:
        return len(self._seqs) - self._start

    def event_at(self, row: int) -> LogEvent | None:
        if not 0 <= row < self.row_count:
            return None
        return self.buffer.get_seq(self._seqs[self._start + row])

    @property
    def selected(self) -> LogEvent | None:
        return self.event_at(self.cursor)

    def visible_events(self) -> list[LogEvent]:
        """The events passing the filter, oldest first (for saving and copying)."""
        events = (self.buffer.get_seq(seq) for seq in self._seqs[self._start :])
        return [event for event in events if event is not None]

    def refresh_rows(self) -> None:
        """Index what the engine appended since the last call, and forget what was dropped.
        Called on the UI thread after each delivered batch."""
        self._drop_rewritten()
        first, stop = self.buffer.first_seq, self.buffer.next_seq
        start = max(self._indexed_until, first)
        if start < stop:
            events = self.buffer.snapshot(start - first, stop - first)
            self._append_rows(start, events)
            self._indexed_until = stop
        self._forget_dropped(first)
        self._update_size()
        if self.following:
            self._follow_end()
        self.refresh()

    def _drop_rewritten(self) -> None:
        """The buffer merged events in place (a late or back-filled event): forget the rows
        from the first rewritten sequence number on, so that they are indexed again."""
        revision = self.buffer.revision
        seq = self.buffer.rewritten_from(self._revision)
        self._revision = revision
        if seq is None or seq >= self._indexed_until:
            return
        cut = bisect_left(self._seqs, seq, lo=self._start)
        del self._seqs[cut:]
        if self.wrap:
            del self._ends[cut:]
        self._indexed_until = seq
        self._cache.clear()
        if self.cursor >= self.row_count:
            self.cursor = self.row_count - 1

    def _follow_end(self) -> None:
        self.cursor = self.row_count - 1
        # After the layout has taken the new virtual size into account.
        self.call_after_refresh(self.scroll_end, animate=False, immediate=True, x_axis=False)

    def rebuild(self) -> None:
        """Re-index the whole buffer (filter changed, wrap toggled, width changed in wrap mode)."""
        keep = self.selected
        self._seqs = array("q")
        self._ends = array("q")
        self._start = 0
        self._max_width = 0
        self._cache.clear()
        self._revision = self.buffer.revision
        first = self.buffer.first_seq
        events = self.buffer.snapshot()
        self._indexed_until = first + len(events)
        self._append_rows(first, events)
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

    def _append_rows(self, first_seq: int, events: list[LogEvent]) -> None:
        if self.matcher is None:
            indexes = range(len(events))
        else:
            indexes = list(self.matcher.filter([e.message for e in events]))
            gaps = [i for i, e in enumerate(events) if is_gap(e)]  # never hidden by a filter
            if gaps:
                indexes = sorted(set(indexes).union(gaps))
        self._seqs.extend(first_seq + i for i in indexes)
        widest = self._max_width
        for i in indexes:
            length = len(events[i].message)
            if length > widest:
                widest = length
        self._max_width = widest
        if self.wrap:
            width = max(1, self._wrap_width())
            rows = self.formatter.rows
            total = self._ends[-1] if self._ends else 0
            ends = []
            for i in indexes:
                total += rows(events[i], width)
                ends.append(total)
            self._ends.extend(ends)

    def _forget_dropped(self, first_seq: int) -> None:
        seqs, old_start = self._seqs, self._start
        start = old_start
        while start < len(seqs) and seqs[start] < first_seq:
            start += 1
        dropped = start - old_start
        if dropped:
            lines = dropped
            if self.wrap:
                lines = self._ends[start - 1] - (self._ends[old_start - 1] if old_start else 0)
            self._start = start
            if self.cursor >= 0:
                self.cursor = max(0, self.cursor - dropped)
            if not self.following:  # keep the same lines on screen
                self.scroll_to(y=max(0, self.scroll_y - lines), animate=False, immediate=True)
        if start > 4096 and start > len(seqs) // 2:  # compact now and then: amortized O(1)
            base = self._ends[start - 1] if self.wrap and start else 0
            self._seqs = seqs[start:]
            if self.wrap:
                self._ends = array("q", (end - base for end in self._ends[start:]))
            self._start = 0

    # -- geometry ----------------------------------------------------------------------------
    def _wrap_width(self) -> int:
        return max(8, self.scrollable_content_region.width - self.formatter.prefix_width())

    @property
    def line_count(self) -> int:
        if not self.wrap:
            return self.row_count
        if not self._ends or self._start >= len(self._ends):
            return 0
        base = self._ends[self._start - 1] if self._start else 0
        return self._ends[-1] - base

    def _update_size(self) -> None:
        width = 0 if self.wrap else self.formatter.prefix_width() + self._max_width
        self.virtual_size = Size(width, self.line_count)

    def _row_line(self, y: int) -> tuple[int, int]:
        """(row, sub-line) of content line y."""
        if not self.wrap:
            return y, 0
        base = self._ends[self._start - 1] if self._start else 0
        index = bisect_right(self._ends, base + y, lo=self._start)
        before = self._ends[index - 1] if index > self._start else base
        return index - self._start, base + y - before

    def _first_line_of(self, row: int) -> int:
        if not self.wrap:
            return row
        base = self._ends[self._start - 1] if self._start else 0
        index = self._start + row
        return (self._ends[index - 1] if index > 0 else 0) - base

    def on_resize(self) -> None:
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
        if row == self.cursor:
            strip = strip.apply_style(self.get_component_rich_style("log-view--cursor"))
        return strip.crop_extend(scroll_x, scroll_x + width, base).apply_offsets(scroll_x, y)

    def _strips(self, row: int, event: LogEvent, width: int) -> list[Strip]:
        if width != self._cache_width:
            self._cache.clear()
            self._cache_width = width
        key = self._seqs[self._start + row]
        strips = self._cache.get(key)
        if strips is not None:
            self._cache.move_to_end(key)
            return strips
        strips = self._render_event(event, width)
        self._cache[key] = strips
        if len(self._cache) > STRIP_CACHE_SIZE:
            self._cache.popitem(last=False)
        return strips

    def _render_event(self, event: LogEvent, width: int) -> list[Strip]:
        prefix = self.formatter.prefix(event)
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
            for chunk in _hard_wrap(piece, wrap_width):
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


def _hard_wrap(text: Text, width: int) -> list[Text]:
    """Cut `text` into pieces of at most `width` cells (no word wrapping: sizes stay exact)."""
    plain = text.plain
    if not plain:
        return [text]
    if plain.isascii():
        return [text[i : i + width] for i in range(0, len(plain), width)]
    pieces, start, cells = [], 0, 0
    for index, char in enumerate(plain):
        size = cell_len(char)
        if cells + size > width:
            pieces.append(text[start:index])
            start, cells = index, 0
        cells += size
    pieces.append(text[start:])
    return pieces
