"""A Live Tail "snapshot" (moto) replaying events ingested just before the session began.

Seen in the log screen against the demo endpoint: events put a moment before the tail opened,
stamped a minute earlier, were delivered by the poller and again by the snapshot, because their
timestamps lay below the polling floor where the hand-over no longer remembers polled events.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

from stackview.logs import livetail
from stackview.logs.livetail import LiveTailSession

sys.path.insert(0, str(Path(__file__).parent))
from test_tail_fakes import (  # noqa: E402
    FakeClock,
    FakeCloudWatch,
    FakeLiveClient,
    FakeLiveStream,
    drive,
    live_result,
    make_engine,
)

START = {"sessionStart": {"sessionId": "s-1"}}


def test_snapshot_of_events_ingested_just_before_the_session_is_not_delivered_twice() -> None:
    clock = FakeClock()
    t0 = clock.wall_ms()
    cw = FakeCloudWatch(clock.wall_ms)
    results = []
    for n in range(20):
        ts = t0 - 60_000 + n  # a minute old, below the 30 s overlap floor
        ingested = t0 - 1_000  # but put one second before the tail starts
        cw.put("/g", "s", ts, f"m{n}", lag_ms=ingested - ts)
        results.append(live_result(cw.arn("/g"), "s", ts, f"m{n}", ingested))
    clock.sleep(2.0)
    engine = make_engine(clock, cw, ["/g"], follow=True, start_ms=t0 - 900_000, live=True)
    delivered = drive(engine, clock, clock.time() + 3)
    assert len(delivered) == 20
    snapshot = {"sessionUpdate": {"sessionMetadata": {"sampled": False}, "sessionResults": results}}
    session = LiveTailSession(FakeLiveClient(FakeLiveStream([START, snapshot])), {"/g": cw.arn("/g")},
                              clock=clock.time)
    end = session.run(lambda: engine.on_live_started(["/g"]), engine.on_live_update)
    assert end.reason == livetail.ENDED
    engine.on_live_ended(give_up=True, note="not live")
    delivered.extend(drive(engine, clock, clock.time() + 40))
    counts = Counter(e.message for e in delivered)
    assert counts == Counter({f"m{n}": 1 for n in range(20)})


def test_a_late_event_ingested_during_the_session_is_still_streamed() -> None:
    """Only what was ingested before the session is treated as a replay: a late event (old
    timestamp) that arrives while the session runs is delivered, once."""
    clock = FakeClock()
    t0 = clock.wall_ms()
    cw = FakeCloudWatch(clock.wall_ms)
    engine = make_engine(clock, cw, ["/g"], follow=True, start_ms=t0 - 60_000, live=True)
    drive(engine, clock, clock.time() + 3)
    now = clock.wall_ms()
    late = live_result(cw.arn("/g"), "s", now - 120_000, "late", now + 5_000)
    update = {"sessionUpdate": {"sessionMetadata": {"sampled": False}, "sessionResults": [late]}}
    engine.on_live_started(["/g"])
    session_updates = LiveTailSession(FakeLiveClient(FakeLiveStream([START, update])), {"/g": cw.arn("/g")},
                                      clock=clock.time)
    session_updates.run(lambda: None, engine.on_live_update)
    engine.on_live_ended(give_up=True)
    delivered = drive(engine, clock, clock.time() + 10)
    assert [e.message for e in delivered] == ["late"]
