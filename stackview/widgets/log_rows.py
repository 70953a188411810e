"""The log view's rows: which buffer events are shown, in order, and where each one is drawn.

Kept apart from the widget (log_view.py) because it is plain bookkeeping, tested without a
screen, and the widget is about drawing. No Textual here.

- `RowIndex`: the sequence numbers of the shown events (an `array`, sorted), a flag per row
  telling context lines from matches, the cumulative line count per row when wrapping (a prefix
  sum: screen line -> row is a bisect), and the rows that hold the search text (`hits`), so that
  "3/17" and n / N cost a bisect, not a scan. Rows are appended at the end, or merged in a
  little before it when context lines of an earlier batch come with a new match; rows of events
  the buffer dropped are forgotten from the front, amortized O(1).
- `ContextWindow`: grep -C for a live tail. Fed the buffer's events in order with which ones
  match the filter, it says which lines to show around the matches: up to N lines before and
  after each match *in the same log stream* (one execution environment: the lines around a
  traceback are those of its request, not of other functions printing meanwhile).
"""

from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right
from collections import deque
from collections.abc import Callable, Iterable, Sequence

from stackview.models import LogEvent

COMPACT_AFTER = 4096


class RowIndex:
    """Shown rows, by buffer sequence number (see the module docstring)."""

    def __init__(self, wrap: bool = False) -> None:
        self.wrap = wrap
        self.seqs = array("q")
        self.context = bytearray()  # 1: a context line, 0: a match (or no filter)
        self.ends = array("q")  # wrap: cumulative line count through each row
        self.start = 0  # rows before this index were dropped from the buffer
        self.hits = array("q")  # sequence numbers of the shown rows holding the search text
        self.hits_start = 0
        self.max_width = 0

    # -- reading -----------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.seqs) - self.start

    def seq(self, row: int) -> int:
        return self.seqs[self.start + row]

    def is_context(self, row: int) -> bool:
        return bool(self.context[self.start + row])

    def row_of_seq(self, seq: int) -> int | None:
        index = bisect_left(self.seqs, seq, self.start)
        if index < len(self.seqs) and self.seqs[index] == seq:
            return index - self.start
        return None

    @property
    def line_count(self) -> int:
        if not self.wrap:
            return len(self)
        if self.start >= len(self.ends):
            return 0
        return self.ends[-1] - self._base()

    def _base(self) -> int:
        return self.ends[self.start - 1] if self.start else 0

    def row_line(self, y: int) -> tuple[int, int]:
        """(row, sub-line) of content line y."""
        if not self.wrap:
            return y, 0
        base = self._base()
        index = bisect_right(self.ends, base + y, lo=self.start)
        before = self.ends[index - 1] if index > self.start else base
        return index - self.start, base + y - before

    def first_line_of(self, row: int) -> int:
        if not self.wrap:
            return row
        index = self.start + row
        return (self.ends[index - 1] if index > 0 else 0) - self._base()

    # -- search hits -------------------------------------------------------------------------
    @property
    def hit_count(self) -> int:
        return len(self.hits) - self.hits_start

    def hit_position(self, row: int) -> int:
        """1-based position of `row` among the hits, 0 when the row is not one."""
        if not 0 <= row < len(self):
            return 0
        seq = self.seq(row)
        index = bisect_left(self.hits, seq, self.hits_start)
        if index < len(self.hits) and self.hits[index] == seq:
            return index - self.hits_start + 1
        return 0

    def next_hit(self, row: int, direction: int) -> int | None:
        """The row of the next hit after `row` (before it when `direction` < 0), wrapping."""
        count = self.hit_count
        if not count:
            return None
        seq = self.seq(row) if 0 <= row < len(self) else -1
        if direction > 0:
            index = bisect_right(self.hits, seq, self.hits_start)
            if index >= len(self.hits):
                index = self.hits_start
        else:
            index = bisect_left(self.hits, seq, self.hits_start) - 1
            if index < self.hits_start:
                index = len(self.hits) - 1
        return self.row_of_seq(self.hits[index])

    def set_hits(self, is_hit: Callable[[int], bool]) -> None:
        """Recompute the hits over every shown row (`is_hit(seq)`): the search changed."""
        self.hits = array("q", (seq for seq in self.seqs[self.start:] if is_hit(seq)))
        self.hits_start = 0

    # -- writing -----------------------------------------------------------------------------
    def add(
        self,
        seqs: Sequence[int],
        events: Sequence[LogEvent | None],
        context: Sequence[bool] | None = None,
        *,
        height: Callable[[LogEvent], int] | None = None,
        is_hit: Callable[[LogEvent], bool] | None = None,
    ) -> int:
        """Add rows: sequence numbers `seqs` (sorted), their `events` (None for one the buffer
        no longer holds: skipped) and whether each is a context line (`context`, None: none).
        Returns how many were placed before rows already shown (0 for a plain append)."""
        if context is None:
            context = bytes(len(seqs))
        if any(event is None for event in events):
            kept = [(s, c, e) for s, c, e in zip(seqs, context, events) if e is not None]
            seqs, context, events = [k[0] for k in kept], [k[1] for k in kept], [k[2] for k in kept]
        if not seqs:
            return 0
        widest = max(len(event.message) for event in events)  # type: ignore[union-attr]
        if widest > self.max_width:
            self.max_width = widest
        hits = [s for s, e in zip(seqs, events) if is_hit(e)] if is_hit is not None else []  # type: ignore[arg-type]
        if len(self.seqs) == self.start or seqs[0] > self.seqs[-1]:
            self.seqs.extend(seqs)
            self.context.extend(bytes(1 if c else 0 for c in context))
            if self.wrap and height is not None:
                total = self.ends[-1] if self.ends else 0
                ends = []
                for event in events:
                    total += height(event)  # type: ignore[arg-type]
                    ends.append(total)
                self.ends.extend(ends)
            self.hits.extend(hits)
            return 0
        return self._merge(list(zip(seqs, context, events)), height, hits)

    def _merge(self, kept, height, hits: list[int]) -> int:
        at = bisect_left(self.seqs, kept[0][0], self.start)
        old = [(self.seqs[i], bool(self.context[i])) for i in range(at, len(self.seqs))]
        old_heights = ([self.ends[i] - (self.ends[i - 1] if i else 0) for i in range(at, len(self.seqs))]
                       if self.wrap else [])
        have = {seq for seq, _ in old}
        new = [(seq, context, event) for seq, context, event in kept if seq not in have]
        last = old[-1][0] if old else -1
        inserted = sum(1 for seq, _, _ in new if seq < last)
        merged: list[tuple[int, bool, int]] = []  # (seq, context, height)
        i = j = 0
        while i < len(old) or j < len(new):
            if j >= len(new) or (i < len(old) and old[i][0] < new[j][0]):
                merged.append((old[i][0], old[i][1], old_heights[i] if self.wrap else 1))
                i += 1
            else:
                seq, context, event = new[j]
                merged.append((seq, context, height(event) if self.wrap and height is not None else 1))
                j += 1
        del self.seqs[at:]
        del self.context[at:]
        self.seqs.extend(seq for seq, _, _ in merged)
        self.context.extend(1 if context else 0 for _, context, _ in merged)
        if self.wrap:
            total = self.ends[at - 1] if at else 0
            del self.ends[at:]
            for _, _, lines in merged:
                total += lines
                self.ends.append(total)
        if hits:
            merged_hits = sorted(set(self.hits[self.hits_start:]) | set(hits))
            self.hits = array("q", merged_hits)
            self.hits_start = 0
        return inserted

    def truncate_from(self, seq: int) -> None:
        """Forget the rows of events at or after `seq` (the buffer rewrote them: they are
        indexed again)."""
        cut = bisect_left(self.seqs, seq, self.start)
        del self.seqs[cut:]
        del self.context[cut:]
        if self.wrap:
            del self.ends[cut:]
        del self.hits[max(bisect_left(self.hits, seq, self.hits_start), self.hits_start):]

    def forget_before(self, first_seq: int) -> tuple[int, int]:
        """Forget rows of events below `first_seq`: (rows dropped, lines they took)."""
        seqs, old_start = self.seqs, self.start
        start = old_start
        while start < len(seqs) and seqs[start] < first_seq:
            start += 1
        while self.hits_start < len(self.hits) and self.hits[self.hits_start] < first_seq:
            self.hits_start += 1
        dropped = start - old_start
        lines = dropped
        if dropped and self.wrap:
            lines = self.ends[start - 1] - (self.ends[old_start - 1] if old_start else 0)
        self.start = start
        if start > COMPACT_AFTER and start > len(seqs) // 2:  # now and then: amortized O(1)
            base = self.ends[start - 1] if self.wrap and start else 0
            self.seqs = seqs[start:]
            self.context = self.context[start:]
            if self.wrap:
                self.ends = array("q", (end - base for end in self.ends[start:]))
            self.start = 0
        if self.hits_start > COMPACT_AFTER and self.hits_start > len(self.hits) // 2:
            self.hits = self.hits[self.hits_start:]
            self.hits_start = 0
        return dropped, lines


class _Stream:
    __slots__ = ("recent", "after", "last")

    def __init__(self, lines: int) -> None:
        self.recent: deque[int] = deque(maxlen=lines)  # sequence numbers of unshown lines
        self.after = 0  # lines still to show after the last match
        self.last = -1  # sequence number of the stream's newest line seen


class ContextWindow:
    """Lines to show around filter matches, per log stream (grep -C `lines`)."""

    def __init__(self, lines: int) -> None:
        self.lines = lines
        self._streams: dict[tuple[str, str], _Stream] = {}

    def feed(self, first_seq: int, events: Iterable[LogEvent], matched: Iterable[int]) -> list[tuple[int, bool]]:
        """Rows to show for `events` (sequence numbers from `first_seq`), given the indexes of
        those that match: the matches, and context lines, some maybe from earlier batches.
        Sorted by sequence number."""
        match = set(matched)
        out: list[tuple[int, bool]] = []
        lines = self.lines
        streams = self._streams
        for index, event in enumerate(events):
            seq = first_seq + index
            key = (event.log_group, event.log_stream)
            stream = streams.get(key)
            if stream is None:
                stream = streams[key] = _Stream(lines)
            stream.last = seq
            if index in match:
                out.extend((before, True) for before in stream.recent)
                stream.recent.clear()
                out.append((seq, False))
                stream.after = lines
            elif stream.after > 0:
                out.append((seq, True))
                stream.after -= 1
            else:
                stream.recent.append(seq)
        out.sort()
        return out

    def forget_before(self, first_seq: int) -> None:
        """Forget streams none of whose lines the buffer holds any more."""
        if len(self._streams) > 64:
            for key in [k for k, s in self._streams.items() if s.last < first_seq]:
                del self._streams[key]
