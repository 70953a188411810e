"""The buffer keeps time order whatever arrives, and a full one keeps what the filter shows."""

from __future__ import annotations

from stackview.logs.buffer import EventBuffer
from stackview.logs.gaps import gap_event
from stackview.models import LogEvent


def ev(ts: int, eid: str, message: str = "INFO x") -> LogEvent:
    return LogEvent(ts, ts, "/g", "s", eid, message)


class Term:
    def __init__(self, term: str) -> None:
        self.term = term

    def matches(self, message: str) -> bool:
        return self.term in message


def ids(buffer: EventBuffer) -> list[str]:
    return [e.event_id for e in buffer.snapshot()]


def test_in_order_batches_are_appended_and_older_ones_merged_in_place() -> None:
    buffer: EventBuffer = EventBuffer(100)
    assert not buffer.add([ev(10, "a"), ev(30, "c"), ev(50, "e")])
    revision = buffer.revision
    assert buffer.rewritten_from(revision) is None
    buffer.add([ev(60, "f")])  # after everything: appended, nothing rewritten
    assert buffer.rewritten_from(revision) is None
    buffer.add([ev(40, "d"), ev(20, "b")])  # unsorted and older: merged
    assert ids(buffer) == ["a", "b", "c", "d", "e", "f"]
    assert buffer.rewritten_from(revision) == 1  # from b's place on
    assert buffer.rewritten_from(buffer.revision) is None


def test_exact_repeats_are_dropped_in_a_batch_and_against_what_is_held() -> None:
    buffer: EventBuffer = EventBuffer(100)
    buffer.add([ev(10, "a"), ev(20, "b"), ev(20, "b")])
    revision = buffer.revision
    buffer.add([ev(20, "b"), ev(10, "a")])  # nothing new: nothing rewritten
    assert ids(buffer) == ["a", "b"] and buffer.rewritten_from(revision) is None
    buffer.add([ev(20, "b2"), ev(20, "b")])  # same millisecond, another event: kept
    assert ids(buffer) == ["a", "b", "b2"]


def test_a_full_buffer_drops_the_oldest_and_says_up_to_when() -> None:
    buffer: EventBuffer = EventBuffer(4)
    buffer.add([ev(n * 10, f"e{n}") for n in range(4)])
    evicted = buffer.add([ev(45, "x"), ev(5, "old")])
    # Merged in order (0, 5, 10, 20, 30, 45), then the two oldest pushed out.
    assert ids(buffer) == ["e1", "e2", "e3", "x"]
    assert evicted.unmatched_upto is None and evicted.dropped_upto == 5
    assert buffer.dropped == 2


def test_with_a_filter_the_lines_it_hides_go_first() -> None:
    buffer: EventBuffer = EventBuffer(10)
    buffer.set_keep(Term("ERROR"))
    buffer.add([ev(n, f"e{n}", "ERROR boom" if n % 3 == 0 else "INFO fine") for n in range(10)])
    # A back-fill of older ERROR lines: they must stay, INFO lines make room.
    evicted = buffer.add([ev(-5, "old1", "ERROR old"), ev(-4, "old2", "ERROR old")])
    kept = buffer.snapshot()
    assert [e.event_id for e in kept][:2] == ["old1", "old2"]
    assert all(f"e{n}" in ids(buffer) for n in (0, 3, 6, 9))
    assert evicted.unmatched_upto is not None and evicted.dropped_upto is None
    assert len(buffer) <= 10 and buffer.dropped == 12 - len(buffer)
    # The whole buffer was renumbered: a view must index it again from the start.
    assert buffer.rewritten_from(0) == buffer.first_seq


def test_gap_markers_sort_in_place_and_are_never_evicted_by_the_filter() -> None:
    buffer: EventBuffer = EventBuffer(5)
    buffer.set_keep(Term("ERROR"))
    buffer.add([ev(n * 10, f"e{n}") for n in range(4)])
    gap = gap_event("/g", 15, 25, "AccessDenied")
    buffer.add([gap])
    assert ids(buffer)[2] == gap.event_id
    buffer.add([ev(100, "n1"), ev(101, "n2")])
    assert gap.event_id in ids(buffer)
    assert "could not be fetched (AccessDenied)" in gap.message and "from " in gap.message
