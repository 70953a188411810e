"""Live Tail: sessions, synthetic ids, the hand-over with polling, and imitations detected.

The same promise as polling: every event once. Events seen both by a Live Tail session and by
the catch-up poll around it are paired by content; a moto-style snapshot (old events, then the
stream ends) is recognised and polling simply goes on.
"""

from __future__ import annotations

import sys
import threading
from collections import Counter
from pathlib import Path

from botocore.exceptions import ClientError, ConnectionClosedError, EventStreamError

from stackview.logs import livetail
from stackview.logs.livetail import LiveTailSession, LiveUpdate, synthetic_id

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


def content(events) -> Counter:
    return Counter((e.log_group, e.log_stream, e.timestamp, e.message) for e in events)


def put_both(cw: FakeCloudWatch, clock: FakeClock, group: str, messages: list[str], *, lag_ms=300):
    """Events that Live Tail streams and that polling will also find; returns live results."""
    now = clock.wall_ms()
    results = []
    for n, message in enumerate(messages):
        ts = now - lag_ms + n % 3
        cw.put(group, "stream-a", ts, message, lag_ms=lag_ms)
        results.append(live_result(cw.arn(group), "stream-a", ts, message, ts + lag_ms))
    return results


def test_synthetic_ids_are_stable_and_tell_identical_events_apart() -> None:
    a = synthetic_id("/g", "s", 5, "same", 0)
    assert a == synthetic_id("/g", "s", 5, "same", 0)
    assert a != synthetic_id("/g", "s", 5, "same", 1)
    assert a != synthetic_id("/g", "s", 6, "same", 0)
    clock = FakeClock()
    update = {"sessionUpdate": {"sessionMetadata": {"sampled": False}, "sessionResults": [
        live_result("arn:g", "s", 5, "same", 6), live_result("arn:g", "s", 5, "same", 6)]}}
    got: list[LiveUpdate] = []
    client = FakeLiveClient(FakeLiveStream([START, update]), FakeLiveStream([START, update]))
    for _ in range(2):
        session = LiveTailSession(client, {"/g": "arn:g"}, clock=clock.time)
        assert session.run(lambda: None, got.append).reason == livetail.ENDED
    first, second = ([e.event_id for e in u.events] for u in got)
    assert len(set(first)) == 2 and first == second
    assert {e.log_group for u in got for e in u.events} == {"/g"}


def test_session_end_reasons() -> None:
    clock = FakeClock()

    def run(stream_or_error, **kwargs):
        session = LiveTailSession(FakeLiveClient(stream_or_error), {"/g": "arn:g"}, clock=clock.time, **kwargs)
        return session.run(lambda: None, lambda update: None)

    timeout = EventStreamError({"Error": {"Code": "SessionTimeoutException", "Message": "3 hours"}}, "StartLiveTail")
    assert run(FakeLiveStream([START, timeout])).reason == livetail.TIMEOUT
    denied = ClientError({"Error": {"Code": "AccessDeniedException", "Message": "no"}}, "StartLiveTail")
    end = run(denied)
    assert end.reason == livetail.UNSUPPORTED and end.error.kind == "access-denied"
    dropped = ConnectionClosedError(endpoint_url="http://x")
    assert run(FakeLiveStream([START, dropped])).reason == livetail.FAILED
    tick = {"sessionUpdate": {"sessionMetadata": {"sampled": False}, "sessionResults": []}}

    def later():
        clock.sleep(100)
        return tick

    assert run(FakeLiveStream([START, tick, later, tick]), max_duration=50).reason == livetail.DEADLINE


def test_close_from_another_thread_stops_a_waiting_session() -> None:
    stream = FakeLiveStream([START], hold=True)
    session = LiveTailSession(FakeLiveClient(stream), {"/g": "arn:g"})
    started = threading.Event()
    result = []
    thread = threading.Thread(target=lambda: result.append(session.run(started.set, lambda u: None)))
    thread.start()
    assert started.wait(5)
    session.close()
    thread.join(5)
    assert result[0].reason == livetail.STOPPED


def test_hand_over_between_polling_and_live_tail_delivers_each_event_once() -> None:
    clock = FakeClock()
    t0 = clock.wall_ms()
    cw = FakeCloudWatch(clock.wall_ms)
    groups = ["/aws/lambda/a", "/aws/lambda/b"]
    expected = Counter()
    for n in range(200):
        group = groups[n % 2]
        cw.put(group, "old", t0 - 100_000 + n * 10, f"history {n}", lag_ms=50)
        expected[(group, "old", t0 - 100_000 + n * 10, f"history {n}")] += 1
    engine = make_engine(clock, cw, groups, follow=True, start_ms=t0 - 120_000, live=True)
    delivered = drive(engine, clock, clock.time() + 5)
    assert engine.live_wanted()

    updates = []

    def update(results, sampled=False):
        return {"sessionUpdate": {"sessionMetadata": {"sampled": sampled}, "sessionResults": results}}

    def during_session():
        # New events reach both Live Tail and (through the catch-up cycle) polling; two of them
        # are identical (same stream, millisecond and text) and must both arrive.
        results = put_both(cw, clock, groups[0], ["x 1", "x 2", "dup", "dup"])
        results += put_both(cw, clock, groups[1], ["y 1"])
        delivered.extend(drive(engine, clock, clock.time() + 3))  # catch-up poll sees them first
        return update(results)

    def later():
        clock.sleep(1)
        results = put_both(cw, clock, groups[1], ["y 2", "y 3"])
        return update(results)

    timeout = EventStreamError({"Error": {"Code": "SessionTimeoutException", "Message": ""}}, "StartLiveTail")
    client = FakeLiveClient(FakeLiveStream([START, during_session, later, timeout]))
    session = LiveTailSession(client, {g: cw.arn(g) for g in groups}, clock=clock.time)

    def on_update(u: LiveUpdate) -> None:
        updates.append(u)
        engine.on_live_update(u)
        delivered.extend(engine.release())

    end = session.run(lambda: engine.on_live_started(groups), on_update)
    assert end.reason == livetail.TIMEOUT
    assert all(p.paused for p in engine.pollers.values())  # polling rested during the session
    engine.on_live_ended(give_up=False)
    # Between sessions: events only polling can see, then everything settles.
    gap = put_both(cw, clock, groups[0], ["gap 1", "gap 2"])
    delivered.extend(drive(engine, clock, clock.time() + 60))

    for u in updates:
        expected.update((e.log_group, e.log_stream, e.timestamp, e.message) for e in u.events)
    expected.update((groups[0], r["logStreamName"], r["timestamp"], r["message"]) for r in gap)
    assert content(delivered) == expected
    assert sum(expected.values()) == 200 + 7 + 2


def test_a_snapshot_that_ends_is_not_live_tail_and_polling_goes_on() -> None:
    """moto answers StartLiveTail with every old event at once, then ends the stream."""
    clock = FakeClock()
    t0 = clock.wall_ms()
    cw = FakeCloudWatch(clock.wall_ms)
    results = []
    for n in range(50):
        ts = t0 - 600_000 + n * 1000
        cw.put("/g", "s", ts, f"m{n}", lag_ms=20)
        results.append(live_result(cw.arn("/g"), "s", ts, f"m{n}", ts + 20))
    engine = make_engine(clock, cw, ["/g"], follow=True, start_ms=t0 - 900_000, live=True)
    delivered = drive(engine, clock, clock.time() + 3)
    snapshot = {"sessionUpdate": {"sessionMetadata": {"sampled": False}, "sessionResults": results}}
    session = LiveTailSession(FakeLiveClient(FakeLiveStream([START, snapshot])), {"/g": cw.arn("/g")}, clock=clock.time)
    end = session.run(lambda: engine.on_live_started(["/g"]), engine.on_live_update)
    assert end.reason == livetail.ENDED
    engine.on_live_ended(give_up=True, note="not live")
    assert engine.live_replayed == 50  # every event of the snapshot was recognised as old
    new = cw.put("/g", "s", clock.wall_ms(), "after", lag_ms=100)
    delivered.extend(drive(engine, clock, clock.time() + 40))
    assert not engine.live_wanted() and not engine.pollers["/g"].paused
    assert [e.event_id for e in delivered].count(new) == 1
    assert len(delivered) == 51


def test_sampled_updates_do_not_advance_the_cursor_so_polling_recovers_the_rest() -> None:
    clock = FakeClock()
    t0 = clock.wall_ms()
    cw = FakeCloudWatch(clock.wall_ms)
    engine = make_engine(clock, cw, ["/g"], follow=True, start_ms=t0 - 10_000, live=True)
    cw.create_group("/g")
    drive(engine, clock, clock.time() + 3)
    engine.on_live_started(["/g"])
    delivered = drive(engine, clock, clock.time() + 3)  # the catch-up cycle, then a pause
    assert engine.pollers["/g"].paused
    cursor = engine.pollers["/g"].cursor_ms
    results = put_both(cw, clock, "/g", [f"burst {n}" for n in range(900)])
    clock.sleep(1)
    reader = LiveTailSession(FakeLiveClient(), {"/g": cw.arn("/g")})
    streamed = reader._update({"sessionResults": results[:500]}).events  # 500 of 900: sampled
    engine.on_live_update(LiveUpdate(streamed, sampled=True))
    assert engine.live_sampled and engine.pollers["/g"].cursor_ms == cursor
    delivered.extend(engine.release())
    engine.on_live_ended(give_up=True)
    delivered.extend(drive(engine, clock, clock.time() + 40))
    assert content(delivered) == Counter(("/g", "stream-a", r["timestamp"], r["message"]) for r in results)
