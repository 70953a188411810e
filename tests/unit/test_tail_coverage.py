"""The engine's small parts: the coverage map of a filter change and the server clock."""

from __future__ import annotations

from stackview.logs.clock import CLOCK_ALLOWANCE_MS, ServerClock
from stackview.logs.coverage import ALL, Coverage
from stackview.models import LogEvent

FAR = 2**62


def test_a_narrower_filter_over_an_unfiltered_stretch_needs_nothing() -> None:
    cov = Coverage(1_000, ALL)
    assert cov.missing("ERROR", 1_000, 5_000) == []
    cov.mark(4_000, FAR, "ERROR")  # from 4,000 on the tail asks for ERROR only
    assert cov.missing("ERROR", 1_000, 9_000) == []
    # Clearing the filter: only the ERROR stretch must be fetched again.
    assert cov.missing(ALL, 1_000, 9_000) == [(4_000, 9_000)]
    # Another pattern: the same stretch.
    assert cov.missing("WARN", 1_000, 6_000) == [(4_000, 6_000)]
    cov.mark(4_000, 6_000, "WARN")
    assert cov.segments == [(1_000, 4_000, ALL), (4_000, 6_000, "WARN"), (6_000, FAR, "ERROR")]


def test_evictions_narrow_or_void_what_a_stretch_vouches_for() -> None:
    cov = Coverage(0, ALL)
    cov.mark(500, FAR, "ERROR")
    # The buffer pushed out lines ERROR hides up to 700: [0, 701) now holds only ERROR lines.
    cov.evicted(unmatched_upto=700, pattern="ERROR", dropped_upto=None)
    assert cov.missing("ERROR", 0, 1_000) == []
    assert cov.missing(ALL, 0, 1_000) == [(0, 1_000)]
    # Then it pushed out everything up to 300.
    cov.evicted(unmatched_upto=None, pattern="ERROR", dropped_upto=300)
    assert cov.missing("ERROR", 0, 1_000) == [(0, 301)]
    # An eviction under another pattern voids a stretch that vouched for neither.
    cov2 = Coverage(0, "WARN")
    cov2.evicted(unmatched_upto=100, pattern="ERROR", dropped_upto=None)
    assert cov2.missing("WARN", 0, 200) == [(0, 101)]


def ev(ingestion: int) -> LogEvent:
    return LogEvent(ingestion - 5, ingestion, "/g", "s", str(ingestion), "m")


def test_the_clock_is_read_after_the_answer_and_comes_back_down() -> None:
    clock = ServerClock(memory_ms=60_000)
    assert clock.cursor_time(1_000_000) == 1_000_000 - CLOCK_ALLOWANCE_MS
    # A call that stalled 20 s: its events were ingested during the stall. Compared with the
    # time the answer was read (not when the call started), they say AWS is not ahead.
    clock.observe([ev(1_019_900)], local_ms=1_020_000)
    assert clock.offset_ms == -100
    assert clock.cursor_time(1_020_000) == 1_019_900
    # A local clock step back makes one observation say AWS is 19 s ahead ...
    clock.observe([ev(1_040_000)], local_ms=1_021_000)
    assert clock.offset_ms == 19_000
    # ... which is forgotten once older than the memory, as newer answers come in.
    for local in range(1_030_000, 1_100_000, 10_000):
        clock.observe_date((local // 1000) * 1000 - 1000, local_ms=local)
    assert clock.offset_ms is not None and clock.offset_ms <= 0
    # An empty answer's Date still tells the offset (to the second).
    fresh = ServerClock()
    fresh.observe_date(5_000_000, local_ms=5_000_400)
    assert fresh.cursor_time(5_000_400) == 5_000_000
