"""Remembering which events were delivered, for exactly as long as they can come back.

The poller asks CloudWatch for everything from `cursor - overlap`, so every answer repeats the
events of the overlap window. An event returned by a query always has a timestamp at or after the
query's start time; once the query start has moved past a timestamp, no future answer can repeat
events at that timestamp and their ids can be forgotten. Memory therefore follows the event rate
times the overlap, not the length of the session, and correctness does not depend on a count cap.

Ids are kept in per-second buckets keyed by the event's own timestamp: a lookup touches one set
(the event says which), and forgetting is dropping whole buckets below the floor.

Live Tail events carry no eventId, and the same event can reach us from both Live Tail and a
catch-up poll (around a session start, a reconnect or a fall-back to polling). `HandoffMatcher`
pairs them by content (group, stream, timestamp, message) with counts on each side, so two
identical messages logged in the same millisecond stay two events.
"""

from __future__ import annotations

from collections import Counter

BUCKET_MS = 1_000


class RecentIds:
    """Event ids seen at or after a moving floor (epoch ms)."""

    __slots__ = ("_buckets", "_floor_bucket", "_count")

    def __init__(self) -> None:
        self._buckets: dict[int, set[str]] = {}
        self._floor_bucket = -(2**62)
        self._count = 0

    def add(self, event_id: str, timestamp: int) -> bool:
        """Record an id; returns False when it was already recorded (a repeat)."""
        key = timestamp // BUCKET_MS
        bucket = self._buckets.get(key)
        if bucket is None:
            self._buckets[key] = {event_id}
            self._count += 1
            return True
        if event_id in bucket:
            return False
        bucket.add(event_id)
        self._count += 1
        return True

    def discard(self, event_id: str, timestamp: int) -> None:
        bucket = self._buckets.get(timestamp // BUCKET_MS)
        if bucket is not None and event_id in bucket:
            bucket.discard(event_id)
            self._count -= 1

    def items(self) -> list[tuple[str, int]]:
        """(id, any timestamp of its second) pairs: enough to `discard` them elsewhere."""
        return [(i, key * BUCKET_MS) for key, ids in self._buckets.items() for i in ids]

    def __contains__(self, item: tuple[str, int]) -> bool:
        event_id, timestamp = item
        bucket = self._buckets.get(timestamp // BUCKET_MS)
        return bucket is not None and event_id in bucket

    def forget_before(self, floor_ms: int) -> None:
        """Drop ids whose timestamp is in a second wholly before `floor_ms`.

        The bucket holding `floor_ms` itself is kept, so ids are remembered slightly longer
        than strictly needed, never shorter.
        """
        floor_bucket = floor_ms // BUCKET_MS
        if floor_bucket <= self._floor_bucket:
            return
        self._floor_bucket = floor_bucket
        stale = [key for key in self._buckets if key < floor_bucket]
        for key in stale:
            self._count -= len(self._buckets.pop(key))

    def __len__(self) -> int:
        return self._count


ContentKey = tuple[str, str, int, str]  # log group, stream, timestamp, message


class HandoffMatcher:
    """Pairs the same event seen by the poller and by Live Tail, by content and count.

    `admit(source, key)` returns True when the event is new (deliver it) and False when the
    other source already delivered an identical event that has not been paired yet.
    """

    def __init__(self) -> None:
        self._unpaired: dict[str, dict[int, Counter[ContentKey]]] = {"poll": {}, "live": {}}
        self._floor_bucket = -(2**62)

    def admit(self, source: str, key: ContentKey) -> bool:
        other = "live" if source == "poll" else "poll"
        bucket_key = key[2] // BUCKET_MS
        other_bucket = self._unpaired[other].get(bucket_key)
        if other_bucket:
            count = other_bucket.get(key, 0)
            if count:
                if count == 1:
                    del other_bucket[key]
                else:
                    other_bucket[key] = count - 1
                return False
        mine = self._unpaired[source].setdefault(bucket_key, Counter())
        mine[key] += 1
        return True

    def forget_before(self, floor_ms: int) -> None:
        floor_bucket = floor_ms // BUCKET_MS
        if floor_bucket <= self._floor_bucket:
            return
        self._floor_bucket = floor_bucket
        for side in self._unpaired.values():
            for key in [k for k in side if k < floor_bucket]:
                del side[key]

    def __len__(self) -> int:
        return sum(sum(c.values()) for side in self._unpaired.values() for c in side.values())
