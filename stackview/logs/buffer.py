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

`add(batch)` keeps the buffer in time order whatever comes: a batch that starts after the newest
event held is appended (the usual case, O(batch)); one that starts earlier (a late arrival, a
group read a moment after another, a back-fill after a filter change) is merged in place: only
the events from its first timestamp on are rewritten, exact repeats (same timestamp, ingestion
time and eventId) are dropped. Whatever is rewritten gets new sequence numbers, and
`rewritten_from(revision)` tells a view from which one it must index again.

When full, the oldest events go first, except with a `keep` predicate (the view's filter): then
the oldest events the filter hides go first, so that a narrow filter over hours of a busy stack
keeps its matches instead of losing them to a buffer full of lines nobody sees. `add` reports
what it pushed out (`Evicted`), for the tail engine's coverage map (coverage.py).
"""

from __future__ import annotations

import heapq
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from stackview.logs.gaps import is_gap
from stackview.logs.order import ORDER_KEY

T = TypeVar("T")

DEFAULT_CAPACITY = 100_000
REWRITES_KEPT = 256
EVICT_SLACK = 20  # a compaction frees capacity // EVICT_SLACK slots beyond what it must


@dataclass(frozen=True)
class Evicted:
    """What an `add` pushed out: events the keep predicate rejected up to `unmatched_upto`
    (timestamp, inclusive), and events at all up to `dropped_upto`."""

    unmatched_upto: int | None = None
    dropped_upto: int | None = None

    def __bool__(self) -> bool:
        return self.unmatched_upto is not None or self.dropped_upto is not None


NOTHING = Evicted()


class EventBuffer(Generic[T]):
    """The newest `capacity` items appended; the oldest are dropped first and counted."""

    def __init__(self, capacity: int = DEFAULT_CAPACITY, *, key: Callable[[Any], Any] = ORDER_KEY) -> None:
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self.capacity = capacity
        self.key = key
        self._slots: list[T | None] = [None] * capacity
        self._head = 0  # slot of the oldest item
        self._len = 0
        self._first_seq = 0
        self._dropped = 0
        self._keep: Any = None  # an object with `matches(message)`, or None
        self.revision = 0
        self._rewrites: list[tuple[int, int]] = []  # (revision, first sequence number rewritten)
        self.lock = threading.RLock()

    # -- ordered adds ------------------------------------------------------------------------

    def set_keep(self, matcher: Any) -> None:
        """Prefer evicting events `matcher.matches(message)` refuses (None: oldest first)."""
        with self.lock:
            self._keep = matcher

    def add(self, items: Iterable[T]) -> Evicted:
        """Add events in their time order (see the module docstring)."""
        key = self.key
        batch = _sorted_unique(list(items), key)
        if not batch:
            return NOTHING
        with self.lock:
            if self._len == 0 or key(batch[0]) > key(self._at(self._len - 1)):
                return self._append_evicting(batch)
            index = self._bisect(key(batch[0]))
            held = self.snapshot(index)
            merged = []
            last = None
            for item in heapq.merge(held, batch, key=key):
                k = key(item)
                if k != last:
                    merged.append(item)
                    last = k
            if len(merged) == len(held):
                return NOTHING  # nothing new
            capacity = self.capacity
            for offset in range(index, self._len):
                self._slots[(self._head + offset) % capacity] = None
            self._len = index
            self._rewritten(self._first_seq + index)
            return self._append_evicting(merged)

    def rewritten_from(self, revision: int) -> int | None:
        """The lowest sequence number rewritten since `revision` (None: nothing was)."""
        with self.lock:
            if revision >= self.revision:
                return None
            if not self._rewrites or self._rewrites[0][0] > revision + 1:
                return self._first_seq  # too far behind: everything
            return min(seq for rev, seq in self._rewrites if rev > revision)

    def _rewritten(self, seq: int) -> None:
        self.revision += 1
        self._rewrites.append((self.revision, seq))
        if len(self._rewrites) > REWRITES_KEPT:
            del self._rewrites[: len(self._rewrites) - REWRITES_KEPT]

    def _at(self, index: int) -> T:
        return self._slots[(self._head + index) % self.capacity]  # type: ignore[return-value]

    def _bisect(self, k: Any) -> int:
        """The first index whose key is >= k."""
        lo, hi = 0, self._len
        key = self.key
        while lo < hi:
            mid = (lo + hi) // 2
            if key(self._at(mid)) < k:
                lo = mid + 1
            else:
                hi = mid
        return lo

    def _append_evicting(self, batch: list[T]) -> Evicted:
        unmatched = None
        overflow = self._len + len(batch) - self.capacity
        if overflow > 0 and self._keep is not None:
            kept, unmatched = self._without_unmatched(self.snapshot() + batch,
                                                      overflow + self.capacity // EVICT_SLACK)
            if unmatched is not None:
                # Everything is renumbered: start from an empty ring (same first_seq).
                self._dropped += self._len + len(batch) - len(kept)
                self._slots = [None] * self.capacity
                self._head = 0
                self._len = 0
                self._rewritten(self._first_seq)
                batch = kept
        oldest_kept = self._len + len(batch) - self.capacity
        dropped_upto = None
        if oldest_kept > 0:
            last_dropped = self._at(oldest_kept - 1) if oldest_kept <= self._len else batch[oldest_kept - self._len - 1]
            dropped_upto = getattr(last_dropped, "timestamp", None)
        self.append_batch(batch)
        if unmatched is None and dropped_upto is None:
            return NOTHING
        return Evicted(unmatched, dropped_upto)

    def _without_unmatched(self, items: list[T], wanted: int) -> tuple[list[T], int | None]:
        """`items` minus up to `wanted` of the oldest the keep predicate refuses, and the
        timestamp of the newest removed (None if none could be)."""
        matches = self._keep.matches
        removed = 0
        newest = None
        kept: list[T] = []
        for n, item in enumerate(items):
            if removed >= wanted:
                kept.extend(items[n:])
                break
            if not is_gap(item) and not matches(item.message):  # type: ignore[attr-defined]
                removed += 1
                newest = item.timestamp  # type: ignore[attr-defined]
            else:
                kept.append(item)
        return kept, newest

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


def _sorted_unique(batch: list[T], key: Callable[[Any], Any]) -> list[T]:
    """`batch` in key order, without items whose key repeats the previous one."""
    keys = [key(item) for item in batch]
    if any(b < a for a, b in zip(keys, keys[1:])):
        order = sorted(range(len(batch)), key=keys.__getitem__)
        batch = [batch[i] for i in order]
        keys = [keys[i] for i in order]
    if any(a == b for a, b in zip(keys, keys[1:])):
        batch = [item for n, item in enumerate(batch) if n == 0 or keys[n] != keys[n - 1]]
    return batch
