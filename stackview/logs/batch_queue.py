"""The hand-off between a tail's delivery thread and a reader that pulls batches.

Bounded by the number of *events* it holds, not of batches: one batch can hold a whole page
(10,000 events), so a queue of 64 batches could hold 640,000 events behind a slow reader (how
`stackview logs -o json` reached 269 MB). A reader that falls behind holds the delivery thread
back, which holds the fetchers back (the engine's `max_held`): memory stays bounded.
"""

from __future__ import annotations

import queue
import threading
from collections import deque

from stackview.models import LogEvent


class EventQueue:
    """Batches handed from the delivery thread to a reader, bounded by the events they hold
    (a batch larger than the bound still goes through, alone)."""

    def __init__(self, max_events: int) -> None:
        self.max_events = max_events
        self._items: deque[list[LogEvent] | None] = deque()
        self._events = 0
        self._cond = threading.Condition()

    def put(self, item: list[LogEvent] | None, timeout: float) -> bool:
        size = len(item) if item else 0
        with self._cond:
            if self._events and self._events + size > self.max_events:
                self._cond.wait(timeout)
                if self._events and self._events + size > self.max_events:
                    return False
            self._items.append(item)
            self._events += size
            self._cond.notify_all()
            return True

    def get(self, timeout: float) -> list[LogEvent] | None:
        with self._cond:
            if not self._items:
                self._cond.wait(timeout)
                if not self._items:
                    raise queue.Empty
            item = self._items.popleft()
            self._events -= len(item) if item else 0
            self._cond.notify_all()
            return item

    def empty(self) -> bool:
        with self._cond:
            return not self._items
