"""Putting events of many groups and streams back in one timestamp order.

Each source says how far it is complete (a *watermark*: no more events at or before it are
expected, save late ones). Events wait here until the lowest watermark of the sources passes
them, then leave sorted by (timestamp, ingestion time, eventId). An event that turns up after
later ones have left (a late arrival beyond the window) is not dropped: it leaves with the next
release, out of order, and is counted in `late`.

Arriving batches are already sorted runs, so keeping the pending list sorted costs Timsort a
merge, not a full sort.
"""

from __future__ import annotations

import bisect
from operator import attrgetter

from stackview.models import LogEvent

ORDER_KEY = attrgetter("timestamp", "ingestion_time", "event_id")
_timestamp = attrgetter("timestamp")


class Reorderer:
    """Holds events until a watermark passes them; not thread-safe (the engine locks)."""

    def __init__(self) -> None:
        self._pending: list[LogEvent] = []
        self._sorted = True
        self._last_key: tuple[int, int, str] | None = None
        self.late = 0

    def add(self, events: list[LogEvent]) -> None:
        if events:
            self._pending.extend(events)
            self._sorted = False

    def __len__(self) -> int:
        return len(self._pending)

    def release(self, threshold_ms: int) -> list[LogEvent]:
        """Every held event with timestamp <= threshold_ms, in order."""
        pending = self._pending
        if not pending:
            return []
        if not self._sorted:
            pending.sort(key=ORDER_KEY)
            self._sorted = True
        cut = bisect.bisect_right(pending, threshold_ms, key=_timestamp)
        if cut == 0:
            return []
        out = pending[:cut]
        del pending[:cut]
        self._count_late(out)
        return out

    def flush(self) -> list[LogEvent]:
        """Everything held, in order (the end of a one-shot tail)."""
        return self.release(2**63)

    def _count_late(self, out: list[LogEvent]) -> None:
        last = self._last_key
        if last is not None and ORDER_KEY(out[0]) < last:
            self.late += sum(1 for event in out if ORDER_KEY(event) < last)
        tail = ORDER_KEY(out[-1])
        if last is None or tail > last:
            self._last_key = tail
