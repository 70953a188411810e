"""`Tail`, the threaded front of the engine, as the UI and the CLI use it (real time, short).

Timings are kept loose: these tests wait for outcomes (with generous deadlines), never assert
on durations.
"""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path

import pytest

from stackview.logs.buffer import EventBuffer
from stackview.logs.filter_pattern import FilterPatternError
from stackview.logs.tail import Tail

sys.path.insert(0, str(Path(__file__).parent))
from test_tail_fakes import (  # noqa: E402
    FakeCloudWatch,
    FakeLiveClient,
    FakeLiveStream,
    FakeSession,
    assert_exactly_once,
    live_result,
)


def now_ms() -> int:
    return int(time.time() * 1000)


def wait_until(predicate, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return predicate()


def fast_tail(session, groups, **kwargs) -> Tail:
    kwargs.setdefault("rate", 200.0)
    kwargs.setdefault("poll_interval", 0.02)
    kwargs.setdefault("window_ms", 0)
    kwargs.setdefault("sweep_every_ms", 500)  # late arrivals found within a second
    return Tail(session, groups, **kwargs)


def test_once_through_the_queue_delivers_everything_in_order_then_ends() -> None:
    cw = FakeCloudWatch(now_ms)
    t0 = now_ms()
    groups = ["/aws/lambda/a", "/aws/lambda/b", "/aws/lambda/c"]
    expected = [cw.put(groups[n % 3], "s", t0 - 50_000 + n, f"m{n}") for n in range(12_000)]
    buffer: EventBuffer = EventBuffer(capacity=5_000)
    tail = fast_tail(FakeSession(cw), groups, start_ms=t0 - 60_000, buffer=buffer, page_size=1_000).start()
    delivered = [event for batch in tail.batches() for event in batch]
    assert tail.wait(30)  # generous: only a heavily loaded machine needs more than a moment
    assert_exactly_once(delivered, expected)
    assert [e.timestamp for e in delivered] == sorted(e.timestamp for e in delivered)
    assert len(buffer) == 5_000 and buffer.dropped == 7_000
    assert buffer[-1].event_id == delivered[-1].event_id
    stats = tail.stats()
    assert stats.finished and stats.delivered == 12_000 and stats.dropped == 7_000


def test_follow_with_a_callback_sees_new_events_and_stops_cleanly() -> None:
    cw = FakeCloudWatch(now_ms)
    cw.create_group("/g")
    got: list = []
    seen = threading.Event()

    def on_batch(batch):
        got.extend(batch)
        seen.set()

    tail = fast_tail(FakeSession(cw), ["/g"], start_ms=now_ms() - 60_000, follow=True, on_batch=on_batch, live_tail=False)
    tail.start()
    ids = [cw.put("/g", "s", now_ms(), f"new {n}", lag_ms=0) for n in range(5)]
    assert wait_until(lambda: len(got) >= 5)
    more = cw.put("/g", "s", now_ms() - 20_000, "late by twenty seconds", lag_ms=20_000)
    assert wait_until(lambda: len(got) >= 6)
    tail.stop()
    assert not any(t.is_alive() for t in tail._threads)
    assert [e.event_id for e in got] == ids + [more]
    stats = tail.stats()
    assert stats.mode == "polling" and stats.duplicates > 0 and stats.late == 1


def test_invalid_filter_is_refused_before_any_request_and_set_filter_keeps_going() -> None:
    cw = FakeCloudWatch(now_ms)
    cw.create_group("/g")
    with pytest.raises(FilterPatternError) as info:
        fast_tail(FakeSession(cw), ["/g"], start_ms=0, pattern='"unclosed')
    assert info.value.position == 0
    assert cw.calls == 0
    got: list = []
    tail = fast_tail(
        FakeSession(cw), ["/g"], start_ms=now_ms() - 1_000, follow=True, pattern="ERROR",
        on_batch=got.extend, live_tail=False,
    ).start()
    try:
        cw.put("/g", "s", now_ms(), "INFO fine")
        cw.put("/g", "s", now_ms(), "ERROR boom")
        assert wait_until(lambda: len(got) == 1)
        with pytest.raises(FilterPatternError):
            tail.set_filter("{ $.level = ")
        tail.set_filter("INFO")
        cw.put("/g", "s", now_ms() + 1, "INFO after")
        assert wait_until(lambda: any(e.message == "INFO after" for e in got))
        time.sleep(0.2)
    finally:
        tail.stop()
    messages = [e.message for e in got]
    assert messages[0] == "ERROR boom"
    assert sorted(messages[1:]) == ["INFO after", "INFO fine"]  # each once


def test_an_imitation_of_live_tail_falls_back_to_polling() -> None:
    cw = FakeCloudWatch(now_ms)
    t0 = now_ms()
    old = [cw.put("/g", "s", t0 - 5_000 + n, f"old {n}") for n in range(20)]
    snapshot = {"sessionUpdate": {"sessionMetadata": {"sampled": False}, "sessionResults": [
        live_result(cw.arn("/g"), "s", t0 - 5_000 + n, f"old {n}", t0 - 5_000 + n) for n in range(20)]}}
    live = FakeLiveClient(FakeLiveStream([{"sessionStart": {}}, snapshot]))
    got: list = []
    tail = fast_tail(FakeSession(cw, live), ["/g"], start_ms=t0 - 10_000, follow=True, on_batch=got.extend).start()
    try:
        assert wait_until(lambda: "not a live stream" in tail.stats().live_note)
        new = cw.put("/g", "s", now_ms(), "after the fallback")
        assert wait_until(lambda: any(e.event_id == new for e in got))
    finally:
        tail.stop()
    assert live.calls and live.calls[0]["logGroupIdentifiers"] == [cw.arn("/g")]
    assert_exactly_once(got, old + [new])
    assert tail.stats().mode == "polling"


def test_a_real_looking_live_session_is_used_then_sampling_sends_it_back_to_polling() -> None:
    cw = FakeCloudWatch(now_ms)
    cw.create_group("/g")
    put: list[str] = []

    def live_events(sampled):
        def make():
            ts = now_ms()
            put.append(cw.put("/g", "s", ts, f"live {len(put)}"))
            return {"sessionUpdate": {"sessionMetadata": {"sampled": sampled},
                                      "sessionResults": [live_result(cw.arn("/g"), "s", ts, f"live {len(put) - 1}", ts)]}}
        return make

    def pause():
        time.sleep(0.3)
        return {"sessionUpdate": {"sessionMetadata": {"sampled": False}, "sessionResults": []}}

    stream = FakeLiveStream([{"sessionStart": {}}, pause, live_events(False), pause, live_events(True)], hold=True)
    got: list = []
    modes: list[str] = []
    tail = fast_tail(FakeSession(cw, FakeLiveClient(stream)), ["/g"], start_ms=now_ms() - 1_000, follow=True,
                     on_batch=lambda b: (got.extend(b), modes.append(tail.stats().mode))).start()
    try:
        assert wait_until(lambda: "sampling" in tail.stats().live_note)
        assert wait_until(lambda: len(got) >= 2)
        time.sleep(0.2)
    finally:
        tail.stop()
    stats = tail.stats()
    assert stats.sampled and stats.mode == "polling"
    assert "live tail" in modes
    assert sorted(e.message for e in got) == ["live 0", "live 1"]  # each once, from either side


def test_a_failing_consumer_stops_the_tail_and_is_reported() -> None:
    cw = FakeCloudWatch(now_ms)
    cw.put("/g", "s", now_ms(), "x")

    def broken(batch):
        raise BrokenPipeError("reader went away")

    tail = fast_tail(FakeSession(cw), ["/g"], start_ms=now_ms() - 1_000, follow=True, on_batch=broken, live_tail=False)
    tail.start()
    assert tail.wait(10)
    assert isinstance(tail.error, BrokenPipeError)
    tail.stop()


def test_more_than_ten_groups_open_one_live_tail_session_per_ten() -> None:
    cw = FakeCloudWatch(now_ms)
    groups = [f"/aws/lambda/stack-fn-{n:02}" for n in range(12)]
    for group in groups:
        cw.create_group(group)
    live = FakeLiveClient(FakeLiveStream([{"sessionStart": {}}], hold=True),
                          FakeLiveStream([{"sessionStart": {}}], hold=True))
    tail = fast_tail(FakeSession(cw, live), groups, start_ms=now_ms() - 1_000, follow=True,
                     on_batch=lambda batch: None).start()
    try:
        assert wait_until(lambda: len(live.calls) == 2 and tail.stats().mode == "live tail")
        assert wait_until(lambda: all(p.paused for p in tail.engine.pollers.values()))
    finally:
        tail.stop()
    asked = sorted(len(call["logGroupIdentifiers"]) for call in live.calls)
    assert asked == [2, 10]
    assert {arn for call in live.calls for arn in call["logGroupIdentifiers"]} == {cw.arn(g) for g in groups}
