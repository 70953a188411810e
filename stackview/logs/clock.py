"""What time it is at AWS, as far as the tail engine can tell, and why it must err low.

A follow cycle that starts at server time S and completes has seen every event visible at S;
the next cycle may then start at `S - overlap`. S is read off the local clock corrected by
`ServerClock`: an estimate of (AWS clock - local clock) that must never be too high, or the next
query would start too late and miss events (the loss measured in issue 9: a request that stalled
20 s, its events' ingestion times compared with the moment the request *started*, made AWS look
19 s ahead, and the estimate never came back down).

So every observation is a lower bound taken when the answer is in hand:
- an event's `ingestionTime` is AWS's clock at some moment before the response was read, so
  `ingestionTime - local time after the response` is at most the true lead;
- the HTTP `Date` header is AWS's clock truncated to the second when it answered: the same holds,
  and it works for empty answers too (no waiting five minutes for a first event).
The estimate is the largest observation of the last `memory_ms` (a monotonic deque), so one
observation made wrong by a local clock step is forgotten, and the estimate comes back down.
Until anything has been observed, the cursor trails the local clock by `CLOCK_ALLOWANCE_MS`.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from operator import attrgetter

CLOCK_ALLOWANCE_MS = 300_000  # how far the local clock may run ahead of AWS's, unknown offset
CLOCK_MEMORY_MS = 600_000  # observations older than this (local time) are forgotten

_ingestion = attrgetter("ingestion_time")


class ServerClock:
    """A lower bound of (AWS clock - local clock) in ms. Thread-safe enough for the engine,
    which calls it under its lock (a stale read only means a little more overlap)."""

    def __init__(self, memory_ms: int = CLOCK_MEMORY_MS) -> None:
        self.memory_ms = memory_ms
        # (local ms, lead ms), leads strictly decreasing from left to right: the front is the max.
        self._window: deque[tuple[int, int]] = deque()

    def observe_lead(self, lead_ms: int, local_ms: int) -> None:
        """Record that AWS's clock was at least `local_ms + lead_ms` at local time `local_ms`."""
        window = self._window
        while window and window[-1][1] <= lead_ms:
            window.pop()
        window.append((local_ms, lead_ms))
        self._expire(local_ms)

    def observe(self, events: Iterable[object], local_ms: int) -> None:
        """Events read in an answer that was complete at local time `local_ms` (taken *after*
        the response: never the time the request started)."""
        newest = max(map(_ingestion, events), default=None)  # type: ignore[arg-type]
        if newest:
            self.observe_lead(newest - local_ms, local_ms)

    def observe_date(self, date_ms: int | None, local_ms: int) -> None:
        """An HTTP `Date` (AWS's clock, whole seconds) of an answer complete at `local_ms`."""
        if date_ms:
            self.observe_lead(date_ms - local_ms, local_ms)

    def _expire(self, local_ms: int) -> None:
        window = self._window
        horizon = local_ms - self.memory_ms
        while len(window) > 1 and window[0][0] < horizon:
            window.popleft()

    @property
    def offset_ms(self) -> int | None:
        """The current estimate (None until something was observed)."""
        return self._window[0][1] if self._window else None

    def cursor_time(self, local_ms: int) -> int:
        """A time certainly not ahead of AWS's clock at local time `local_ms`."""
        self._expire(local_ms)
        offset = self.offset_ms
        floor = local_ms - CLOCK_ALLOWANCE_MS
        if offset is None:
            return floor
        return max(floor, local_ms + offset)

    def ordering_time(self, local_ms: int) -> int:
        """Best guess of AWS's clock for holding events in order (corrects a slow local clock;
        a fast one is taken as it is, which only holds events a little longer)."""
        return local_ms + max(0, self.offset_ms or 0)
