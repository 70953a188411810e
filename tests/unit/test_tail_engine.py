"""The tail engine's promise: no event lost, none delivered twice, in order where possible.

Driven without threads against `FakeCloudWatch`, an in-memory FilterLogEvents with what makes
tailing hard on AWS: events that become visible up to 30 s after their timestamp, tokens that
resume after the last key scanned (so events appearing behind the token are missed by that
query), pages cut at 10,000 events / 1 MB and short or empty pages while a token follows,
and injected ThrottlingExceptions. Time is a `FakeClock`: sleeping advances it, nothing waits.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

from stackview.logs.order import ORDER_KEY
from stackview.logs.engine import DEFAULT_WINDOW_MS

sys.path.insert(0, str(Path(__file__).parent))
from test_tail_fakes import (  # noqa: E402
    FakeClock,
    FakeCloudWatch,
    StandInMatcher,
    assert_exactly_once,
    drive,
    make_engine,
)


def test_following_with_late_events_bursts_full_pages_and_throttling() -> None:
    clock = FakeClock()
    t0 = clock.wall_ms()
    cw = FakeCloudWatch(clock.wall_ms, slice_ms=600_000, throttle=lambda call: call % 7 == 0 or 40 <= call <= 44)
    rng = random.Random(42)
    groups = ["/aws/lambda/orders", "/aws/lambda/worker", "/custom/shared"]
    expected = []
    # History: 36,000 events in six minutes of the last hour (full 10,000-event pages).
    for n in range(36_000):
        ts = t0 - 3_600_000 + n * 10
        expected.append(cw.put(groups[n % 3], f"s{n % 4}", ts, f"history {n}", lag_ms=rng.randint(0, 2_000)))
    # Live: three minutes of traffic, many events visible up to 30 s after their timestamp.
    for n in range(6_000):
        ts = t0 + rng.randint(0, 180_000)
        lag = rng.choice([200, 800, 1_500, 5_000, 29_000, 30_000])
        expected.append(cw.put(groups[n % 3], f"s{n % 5}", ts, f"live {n}", lag_ms=lag))
    # Thousands of events in the same millisecond, arriving late together.
    burst_ts = t0 + 90_000
    for n in range(3_000):
        expected.append(cw.put(groups[0], "burst", burst_ts, "same millisecond", lag_ms=12_000))
    engine = make_engine(clock, cw, groups, follow=True, start_ms=t0 - 3_600_000)

    delivered = drive(engine, clock, clock.time() + 260)

    assert_exactly_once(delivered, expected)
    assert max(cw.page_sizes) == 10_000  # full pages were met ...
    assert engine.budget.throttled >= 10  # ... and throttling too
    assert engine.duplicates() > 0  # the overlap re-read events, and they were dropped
    # Out-of-order deliveries are only events that became visible after the reorder window.
    delivered_keys = [ORDER_KEY(e) for e in delivered]
    running_max = delivered_keys[0]
    late = []
    for event, key in zip(delivered, delivered_keys):
        if key < running_max:
            late.append(event)
        else:
            running_max = key
    assert len(late) == engine.reorder.late
    assert all(e.ingestion_time - e.timestamp > DEFAULT_WINDOW_MS for e in late)


def test_once_reads_history_in_order_across_groups_and_ends() -> None:
    clock = FakeClock()
    t0 = clock.wall_ms()
    cw = FakeCloudWatch(clock.wall_ms, page_limit=10_000, slice_ms=600_000)
    groups = ["/aws/lambda/a", "/aws/lambda/b"]
    expected = [
        cw.put(groups[n % 2], "s", t0 - 3_000_000 + n * 37, f"m{n}", lag_ms=100) for n in range(30_000)
    ]
    engine = make_engine(clock, cw, groups, follow=False, start_ms=t0 - 3_600_000)
    delivered = drive(engine, clock, clock.time() + 10_000)
    assert engine.finished
    assert_exactly_once(delivered, expected)
    assert [ORDER_KEY(e) for e in delivered] == sorted(ORDER_KEY(e) for e in delivered)
    assert engine.reorder.late == 0


def test_same_millisecond_flood_across_page_boundaries() -> None:
    """12,000 events share one millisecond: a cursor of 'newest + 1 ms' would lose some, a
    token-less restart would repeat them; neither happens."""
    clock = FakeClock()
    t0 = clock.wall_ms()
    cw = FakeCloudWatch(clock.wall_ms, page_bytes=200_000)
    expected = [cw.put("/g", f"s{n % 3}", t0 + 5_000, f"tick {n % 10}", lag_ms=500) for n in range(12_000)]
    engine = make_engine(clock, cw, ["/g"], follow=True, start_ms=t0 - 60_000)
    delivered = drive(engine, clock, clock.time() + 60)
    assert_exactly_once(delivered, expected)
    assert max(cw.page_sizes) < 10_000  # pages were cut by size, inside the millisecond


def test_a_denied_and_a_missing_group_are_reported_while_others_go_on() -> None:
    clock = FakeClock()
    t0 = clock.wall_ms()
    cw = FakeCloudWatch(clock.wall_ms, denied=("/aws/lambda/secret",))
    cw.create_group("/aws/lambda/secret")
    expected = [cw.put("/aws/lambda/ok", "s", t0 + n * 1000, f"m{n}", lag_ms=300) for n in range(30)]
    engine = make_engine(
        clock, cw, ["/aws/lambda/ok", "/aws/lambda/secret", "/aws/lambda/never-ran"], follow=True, start_ms=t0
    )
    delivered = drive(engine, clock, clock.time() + 60)
    assert_exactly_once(delivered, expected)
    errors = engine.group_errors()
    assert errors["/aws/lambda/secret"].kind == "access-denied"
    assert errors["/aws/lambda/never-ran"].kind == "not-found"
    assert "/aws/lambda/ok" not in errors
    # The missing group appears later (the function ran for the first time): it is picked up.
    late_id = cw.put("/aws/lambda/never-ran", "s", clock.wall_ms(), "first run", lag_ms=100)
    more = drive(engine, clock, clock.time() + 40)
    assert [e.event_id for e in more] == [late_id]
    assert "/aws/lambda/never-ran" not in engine.group_errors()


def test_throttling_backs_off_then_recovers() -> None:
    clock = FakeClock()
    t0 = clock.wall_ms()
    call_times: list[float] = []

    def throttle(call: int) -> bool:
        call_times.append(clock.time())
        return 5 <= call <= 12

    cw = FakeCloudWatch(clock.wall_ms, throttle=throttle)
    expected = [cw.put("/g", "s", t0 + n * 500, f"m{n}", lag_ms=100) for n in range(50)]
    engine = make_engine(clock, cw, ["/g"], follow=True, start_ms=t0)
    peak = 0.0
    delivered = []
    while clock.time() < call_times[0] + 120 if call_times else True:
        engine.step(clock.sleep)
        delivered.extend(engine.release())
        peak = max(peak, engine.budget.backoff)
    delivered.extend(drive(engine, clock, clock.time() + 40))
    assert engine.budget.throttled == 8
    gaps = [b - a for a, b in zip(call_times, call_times[1:])]
    throttled_gaps = gaps[4:12]
    assert throttled_gaps[-1] > 4 * throttled_gaps[0]  # the pause grew while throttled ...
    assert peak >= 8.0
    assert engine.budget.backoff == 0.0  # ... and came back down after successes
    assert engine.budget.current_rate == engine.budget.rate
    # Polling at its normal interval again (the events have stopped: that of an idle group).
    assert max(gaps[-10:]) <= engine.interval(engine.pollers["/g"], clock.time()) + 0.3
    assert_exactly_once(delivered, expected)


def test_local_filter_applies_and_changing_it_keeps_what_was_delivered() -> None:
    clock = FakeClock()
    t0 = clock.wall_ms()
    cw = FakeCloudWatch(clock.wall_ms)
    for n in range(20):
        cw.put("/g", "s", t0 + n * 100, ("ERROR " if n % 2 else "INFO ") + str(n), lag_ms=100)
    engine = make_engine(clock, cw, ["/g"], follow=True, start_ms=t0, matcher=StandInMatcher("ERROR"))
    first = drive(engine, clock, clock.time() + 20)
    assert [e.message for e in first] == [f"ERROR {n}" for n in range(1, 20, 2)]
    assert engine.filtered_out == 10
    engine.set_pattern("INFO", StandInMatcher("INFO"))
    now = clock.wall_ms()
    new = [cw.put("/g", "s", now + n * 100, f"INFO new {n}", lag_ms=100) for n in range(3)]
    second = drive(engine, clock, clock.time() + 20)
    # From the restart point on, the new pattern applies; older INFO lines inside the overlap
    # (never delivered before) arrive too, and nothing delivered before comes again.
    assert set(new) <= {e.event_id for e in second}
    assert not {e.event_id for e in first} & {e.event_id for e in second}


@pytest.mark.parametrize("seed", [3, 11, 29])
def test_random_schedules_lose_nothing(seed: int) -> None:
    clock = FakeClock()
    t0 = clock.wall_ms()
    rng = random.Random(seed)
    cw = FakeCloudWatch(
        clock.wall_ms,
        page_limit=rng.choice([500, 10_000]),
        slice_ms=rng.choice([None, 10_000]),
        throttle=lambda call: rng.random() < 0.15,
    )
    groups = [f"/aws/lambda/f{n}" for n in range(4)]
    expected = []
    for n in range(4_000):
        ts = t0 + rng.randint(-20_000, 120_000)
        expected.append(cw.put(rng.choice(groups), f"s{rng.randint(0, 3)}", ts, f"e{n % 50}", lag_ms=rng.randint(0, 30_000)))
    engine = make_engine(clock, cw, groups, follow=True, start_ms=t0 - 60_000, page_size=rng.choice([1_000, 10_000]))
    # Long enough after the last event becomes visible (t0 + 150 s) for any schedule to catch up.
    delivered = drive(engine, clock, clock.time() + 300)
    assert_exactly_once(delivered, expected)
