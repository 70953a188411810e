"""The engine at scale: bounded memory, history pieces side by side, a stalled call, many groups.

Driven with a fake clock (nothing waits) except the one test of real threads in flight.
"""

from __future__ import annotations

import statistics
import sys
import threading
import time
from pathlib import Path

from stackview.logs.order import ORDER_KEY
from stackview.logs.tail import Tail

sys.path.insert(0, str(Path(__file__).parent))
from test_tail_fakes import (  # noqa: E402
    FakeClock,
    FakeCloudWatch,
    FakeSession,
    assert_exactly_once,
    drive,
    make_engine,
)


def test_repeat_memory_follows_the_overlap_not_the_events_seen() -> None:
    clock = FakeClock()
    t0 = clock.wall_ms()
    cw = FakeCloudWatch(clock.wall_ms)
    expected = [cw.put("/g", f"s{n % 4}", t0 - 60_000 + n * 10, f"m{n}", lag_ms=300 + n % 700)
                for n in range(66_000)]  # 100 events/s for eleven minutes
    engine = make_engine(clock, cw, ["/g"], follow=True, start_ms=t0 - 60_000)
    poller = engine.pollers["/g"]
    delivered, most_ids, most_held = [], 0, 0
    while clock.time() < 1_800_000_000 + 640:
        engine.step(clock.sleep)
        delivered.extend(engine.release())
        most_ids = max(most_ids, len(poller.ids))
        most_held = max(most_held, len(engine.reorder))
    delivered.extend(drive(engine, clock, clock.time() + 40))
    assert_exactly_once(delivered, expected)
    # Ids are kept for the overlap (30 s), the sweep period (30 s) and a little more: ~6,000
    # at 100 events/s, whatever the session's length (66,000 events were seen).
    assert most_ids <= 100 * 70
    assert most_held <= 2_000
    assert engine.duplicates() < 6 * len(expected)  # each event read about five times, not thirty


def test_a_one_shot_read_remembers_no_ids_and_holds_at_most_max_held() -> None:
    clock = FakeClock()
    t0 = clock.wall_ms()
    cw = FakeCloudWatch(clock.wall_ms, page_limit=10_000)
    groups = ["/a", "/b", "/c", "/d"]
    # Dense in /a, sparse elsewhere: /b..d race ahead in time and wait for /a.
    expected = [cw.put("/a", "s", t0 - 3_000_000 + n * 30, f"a{n}") for n in range(100_000)]
    for g in groups[1:]:
        expected += [cw.put(g, "s", t0 - 3_000_000 + n * 3_000, f"{g}{n}") for n in range(1_000)]
    engine = make_engine(clock, cw, groups, follow=False, start_ms=t0 - 3_000_000, max_held=5_000)
    delivered, most_held = [], 0
    while engine.step(clock.sleep):
        delivered.extend(engine.release())
        most_held = max(most_held, len(engine.reorder))
        assert all(len(p.ids) == 0 for p in engine.pollers.values())
    delivered.extend(engine.release())
    assert_exactly_once(delivered, expected)
    assert [ORDER_KEY(e) for e in delivered] == sorted(ORDER_KEY(e) for e in delivered)
    assert most_held <= 5_000 + 10_000  # the cap, plus the page that crossed it


def test_history_pieces_are_fetched_side_by_side_in_order_and_once() -> None:
    now = int(time.time() * 1000)
    cw = FakeCloudWatch(lambda: int(time.time() * 1000), page_limit=2_000)
    expected = [cw.put("/g", f"s{n % 3}", now - 3_000_000 + n * 60, f"m{n}") for n in range(50_000)]
    in_flight, most = [0], [0]
    lock = threading.Lock()
    original = cw.filter_log_events

    def slow(**kwargs):
        with lock:
            in_flight[0] += 1
            most[0] = max(most[0], in_flight[0])
        time.sleep(0.03)  # latency: what parallel fetching hides
        try:
            return original(**kwargs)
        finally:
            with lock:
                in_flight[0] -= 1

    cw.filter_log_events = slow
    tail = Tail(FakeSession(cw), ["/g"], start_ms=now - 3_000_000, rate=500.0, page_size=2_000,
                workers=4, live_tail=False).start()
    delivered = [e for batch in tail.batches() for e in batch]
    assert tail.wait(60)
    assert_exactly_once(delivered, expected)
    assert [ORDER_KEY(e) for e in delivered] == sorted(ORDER_KEY(e) for e in delivered)
    assert most[0] >= 3  # pieces of the history were in flight together


def test_a_call_stalled_twenty_seconds_loses_no_late_event() -> None:
    """Issue 9: a call that hung 20 s made the old engine believe AWS's clock 19 s ahead, and
    events written 20 s late during the stall were never read."""
    clock = FakeClock()
    t0 = clock.wall_ms()
    cw = FakeCloudWatch(clock.wall_ms)
    cw.create_group("/g")
    expected = []
    for second in range(150):
        for n in range(30):  # on time, in bursts of the same millisecond
            expected.append(cw.put("/g", "s", t0 + second * 1_000, f"on time {second}.{n}", lag_ms=100))
        for n in range(7):  # stamped 20 s before they are written
            expected.append(cw.put("/g", "late", t0 + (second - 20) * 1_000 + n, f"late {second}.{n}",
                                   lag_ms=20_000))
    calls = [0]

    def pages(client, group, **kwargs):
        from stackview.aws.logs import filter_pages

        calls[0] += 1
        if calls[0] == 40:
            clock.sleep(20)  # the call hangs; the service answers as of the end of the stall
        yield from filter_pages(client, group, **kwargs)

    engine = make_engine(clock, cw, ["/g"], follow=True, start_ms=t0 - 30_000, pages=pages)
    delivered = drive(engine, clock, clock.time() + 240)
    assert calls[0] > 40
    assert_exactly_once(delivered, expected)
    assert engine.server_clock.offset_ms is not None and engine.server_clock.offset_ms <= 1_000


def test_many_idle_groups_do_not_slow_down_the_active_one() -> None:
    clock = FakeClock()
    t0 = clock.wall_ms()
    cw = FakeCloudWatch(clock.wall_ms)
    groups = [f"/aws/lambda/fn-{n:03}" for n in range(200)]
    for g in groups:
        cw.create_group(g)
    busy = [cw.put(groups[7], "s", t0 - 60_000 + n * 300, f"busy {n}", lag_ms=50) for n in range(1_400)]
    wakes = cw.put(groups[150], "s", t0 + 150_000, "an idle group wakes up", lag_ms=50)
    engine = make_engine(clock, cw, groups, follow=True, start_ms=t0 - 60_000, merge=True)
    delivered_at = {}
    while clock.time() < 1_800_000_000 + 400:
        engine.step(clock.sleep)
        for e in engine.release():
            delivered_at[e.event_id] = clock.wall_ms()
    assert all(i in delivered_at for i in busy) and wakes in delivered_at
    # Once the 200 histories are in (50 s at 4 requests/s), the active group is polled every
    # half second or so: 200 groups in turn would take 50 s each time.
    lags = [delivered_at[i] - (t0 - 60_000 + n * 300 + 50) for n, i in enumerate(busy) if n * 300 > 180_000]
    assert statistics.median(lags) <= 1_500
    assert engine.budget.requests <= 4 * 400 + 5
    idle = engine.pollers[groups[0]]
    assert idle.requests >= 3 and idle.requests < engine.pollers[groups[7]].requests / 10


def test_more_than_ten_groups_get_several_live_tail_sessions() -> None:
    clock = FakeClock()
    t0 = clock.wall_ms()
    cw = FakeCloudWatch(clock.wall_ms)
    groups = [f"/g{n:02}" for n in range(25)]
    for g in groups:
        cw.create_group(g)
    engine = make_engine(clock, cw, groups, follow=True, start_ms=t0 - 10_000, live=True)
    assert [len(engine.live_groups(i)) for i in range(3)] == [10, 10, 5]
    drive(engine, clock, clock.time() + 60)
    assert engine.wanted_sessions() == [0, 1, 2]
    engine.on_live_started(engine.live_groups(1), session=1)
    drive(engine, clock, clock.time() + 20)
    paused = {g for g, p in engine.pollers.items() if p.paused}
    assert paused == set(groups[10:20])
    assert engine.wanted_sessions() == [0, 2] and engine.live_active
    engine.on_live_ended(give_up=True, note="refused", session=1)
    assert not any(p.paused for p in engine.pollers.values())
    assert engine.wanted_sessions() == [0, 2]
