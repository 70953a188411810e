"""A bounded, thread-safe ring buffer of log events, shaped for a virtualized view.

Why a ring over a `deque(maxlen)`: a view draws lines by index (`buffer[i]` for the rows on
screen), and a deque's middle index walks its blocks, while a list-backed ring answers in O(1).
Trimming the front is O(1) per event too: the slot is simply overwritten.

Every event gets a sequence number that only grows (`first_seq` .. `next_seq - 1` are held).
A view remembers the sequence number of its top line, not an index, so it keeps its place when
old events fall off the front: `index_of(seq)` gives the current index (or None once dropped).

One writer (the tail engine's delivery thread) appends batches while the UI thread reads: every
method takes the lock, and `snapshot(start, stop)` copies a range in one locked step so a
render pass sees a consistent slice.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Sequence
from typing import Generic, TypeVar

T = TypeVar("T")

DEFAULT_CAPACITY = 100_000


class EventBuffer(Generic[T]):
    """The newest `capacity` items appended; the oldest are dropped first and counted."""

    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self.capacity = capacity
        self._slots: list[T | None] = [None] * capacity
        self._head = 0  # slot of the oldest item
        self._len = 0
        self._first_seq = 0
        self._dropped = 0
        self.lock = threading.RLock()

    # -- writing ---------------------------------------------------------------------------

    def append_batch(self, items: Iterable[T]) -> int:
        """Append items in order; returns how many old items this batch pushed out."""
        batch = items if isinstance(items, Sequence) else list(items)
        with self.lock:
            capacity = self.capacity
            dropped = 0
            if len(batch) >= capacity:
                # Only the tail of the batch survives: everything held now, plus the head of
                # the batch, is dropped at once.
                dropped = self._len + len(batch) - capacity
                self._first_seq += dropped
                self._slots = list(batch[len(batch) - capacity :])
                self._head = 0
                self._len = capacity
                self._dropped += dropped
                return dropped
            slots = self._slots
            for item in batch:
                if self._len < capacity:
                    slots[(self._head + self._len) % capacity] = item
                    self._len += 1
                else:
                    slots[self._head] = item
                    self._head = (self._head + 1) % capacity
                    self._first_seq += 1
                    dropped += 1
            self._dropped += dropped
            return dropped

    def clear(self) -> None:
        """Forget every item (sequence numbers keep growing, so old positions stay invalid)."""
        with self.lock:
            self._first_seq += self._len
            self._slots = [None] * self.capacity
            self._head = 0
            self._len = 0

    # -- reading ---------------------------------------------------------------------------

    def __len__(self) -> int:
        return self._len

    def __getitem__(self, index: int) -> T:
        with self.lock:
            if index < 0:
                index += self._len
            if not 0 <= index < self._len:
                raise IndexError("buffer index out of range")
            return self._slots[(self._head + index) % self.capacity]  # type: ignore[return-value]

    def __iter__(self) -> Iterator[T]:
        return iter(self.snapshot())

    def snapshot(self, start: int = 0, stop: int | None = None) -> list[T]:
        """A copy of items [start, stop) taken under the lock (negative indexes allowed)."""
        with self.lock:
            begin, end, _ = slice(start, stop).indices(self._len)
            if end <= begin:
                return []
            capacity = self.capacity
            a = (self._head + begin) % capacity
            b = a + (end - begin)
            if b <= capacity:
                return self._slots[a:b]  # type: ignore[return-value]
            return self._slots[a:] + self._slots[: b - capacity]  # type: ignore[operator]

    @property
    def first_seq(self) -> int:
        """Sequence number of the oldest item held (== next_seq when empty)."""
        return self._first_seq

    @property
    def next_seq(self) -> int:
        """Sequence number the next appended item will get."""
        with self.lock:
            return self._first_seq + self._len

    @property
    def dropped(self) -> int:
        """How many items were pushed out since the buffer was made."""
        return self._dropped

    def seq_at(self, index: int) -> int:
        """The sequence number of the item at `index`."""
        with self.lock:
            if index < 0:
                index += self._len
            if not 0 <= index < self._len:
                raise IndexError("buffer index out of range")
            return self._first_seq + index

    def index_of(self, seq: int) -> int | None:
        """Where the item with sequence number `seq` is now, or None if it was dropped
        (or not appended yet)."""
        with self.lock:
            index = seq - self._first_seq
            return index if 0 <= index < self._len else None

    def get_seq(self, seq: int) -> T | None:
        """The item with sequence number `seq`, or None if it is no longer held."""
        with self.lock:
            index = seq - self._first_seq
            if not 0 <= index < self._len:
                return None
            return self._slots[(self._head + index) % self.capacity]  # type: ignore[return-value]
