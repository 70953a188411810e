"""Filter changes in merge mode (the log view): the buffer stays the window, in order.

Driven without threads against `FakeCloudWatch`; events go into a real `EventBuffer` the way
`Tail` puts them there (`add`, evictions reported back to the engine).
"""

from __future__ import annotations

import sys
from pathlib import Path

from stackview.logs.buffer import EventBuffer
from stackview.logs.gaps import is_gap
from stackview.logs.order import ORDER_KEY

sys.path.insert(0, str(Path(__file__).parent))
from test_tail_fakes import FakeClock, FakeCloudWatch, StandInMatcher, make_engine  # noqa: E402


class Term(StandInMatcher):
    def matches(self, message: str) -> bool:
        return self.term in message


def drive_into(engine, clock: FakeClock, until_s: float, buffer: EventBuffer) -> None:
    def deliver(batch) -> None:
        if batch:
            evicted = buffer.add(batch)
            if evicted:
                engine.buffer_evicted(unmatched_upto=evicted.unmatched_upto, dropped_upto=evicted.dropped_upto)

    while clock.time() < until_s:
        if not engine.step(clock.sleep):
            break
        deliver(engine.release())
        deliver(engine.release_merge())
    deliver(engine.release())
    deliver(engine.release_merge())


def visible(cw: FakeCloudWatch, group: str, start_ms: int, now_ms: int, term: str = "") -> list[str]:
    return [s.key[2] for s in cw.groups[group]
            if s.key[0] >= start_ms and s.visible_at <= now_ms and term in s.message]


def test_error_for_a_while_then_cleared_leaves_every_line_in_order() -> None:
    clock = FakeClock()
    t0 = clock.wall_ms()
    cw = FakeCloudWatch(clock.wall_ms)
    group = "/aws/lambda/orders"
    start = t0 - 600_000
    for n in range(2_000):
        cw.put(group, f"s{n % 3}", start + n * 290, ("ERROR boom " if n % 7 == 0 else "INFO ok ") + str(n), lag_ms=200)
    # Live traffic for the next 200 s, visible 0.2 to 3 s after its timestamp.
    for n in range(2_000):
        cw.put(group, f"s{n % 3}", t0 + n * 100, ("ERROR live " if n % 5 == 0 else "INFO live ") + str(n),
               lag_ms=200 + (n * 37) % 2_800)
    engine = make_engine(clock, cw, [group], follow=True, start_ms=start, merge=True)
    buffer: EventBuffer = EventBuffer(100_000)
    drive_into(engine, clock, clock.time() + 20, buffer)
    requests = engine.pollers[group].requests
    engine.set_pattern("ERROR", Term("ERROR"))
    buffer.set_keep(Term("ERROR"))
    assert engine.pollers[group].backfills == []  # everything so far was fetched unfiltered
    drive_into(engine, clock, clock.time() + 70, buffer)
    assert engine.pollers[group].requests > requests
    engine.set_pattern("", None)
    buffer.set_keep(None)
    assert engine.pollers[group].backfills  # the ERROR stretch is fetched again
    drive_into(engine, clock, clock.time() + 150, buffer)
    held = buffer.snapshot()
    assert {e.event_id for e in held} == set(visible(cw, group, start, clock.wall_ms()))
    keys = [ORDER_KEY(e) for e in held]
    assert keys == sorted(keys) and len(keys) == len(set(keys))


def test_a_narrow_filter_over_a_full_buffer_finds_the_matches_the_buffer_dropped() -> None:
    clock = FakeClock()
    t0 = clock.wall_ms()
    cw = FakeCloudWatch(clock.wall_ms)
    group = "/aws/lambda/busy"
    start = t0 - 3 * 3_600_000
    for n in range(30_000):
        cw.put(group, "s", start + n * 350, ("ERROR rare " if n % 60 == 0 else "INFO busy ") + str(n), lag_ms=100)
    engine = make_engine(clock, cw, [group], follow=True, start_ms=start, merge=True)
    buffer: EventBuffer = EventBuffer(5_000)
    drive_into(engine, clock, clock.time() + 30, buffer)
    assert len(buffer) == 5_000 and buffer.dropped == 25_000  # the last 29 minutes only
    engine.set_pattern("ERROR", Term("ERROR"))
    buffer.set_keep(Term("ERROR"))
    drive_into(engine, clock, clock.time() + 60, buffer)
    shown = [e.event_id for e in buffer.snapshot() if "ERROR" in e.message]
    assert shown == visible(cw, group, start, clock.wall_ms(), "ERROR")  # all 500, in order
    assert len(shown) == 500


def test_a_stretch_that_cannot_be_fetched_again_shows_as_a_gap_line() -> None:
    clock = FakeClock()
    t0 = clock.wall_ms()
    cw = FakeCloudWatch(clock.wall_ms)
    group = "/aws/lambda/orders"
    for n in range(600):
        cw.put(group, "s", t0 - 300_000 + n * 1_000, ("ERROR x " if n % 4 == 0 else "INFO y ") + str(n), lag_ms=100)
    engine = make_engine(clock, cw, [group], follow=True, start_ms=t0 - 300_000, merge=True,
                         pattern="ERROR", matcher=Term("ERROR"))
    buffer: EventBuffer = EventBuffer(10_000)
    drive_into(engine, clock, clock.time() + 60, buffer)
    cw.denied.add(group)  # the permission goes away before the filter is cleared
    engine.set_pattern("", None)
    drive_into(engine, clock, clock.time() + 60, buffer)
    gaps = [e for e in buffer.snapshot() if is_gap(e)]
    assert len(gaps) == 1 and engine.gaps == 1
    gap = gaps[0]
    assert gap.timestamp == t0 - 300_000 and gap.log_group == group
    assert "could not be fetched" in gap.message and "not authorized" in gap.message.lower()
    keys = [ORDER_KEY(e) for e in buffer.snapshot()]
    assert keys == sorted(keys)
