"""The engine's parts on their own: request budget, id memory, hand-over pairing, ordering."""

from __future__ import annotations

import random

import pytest

from stackview.logs.budget import RequestBudget
from stackview.logs.dedupe import HandoffMatcher, RecentIds
from stackview.logs.order import Reorderer
from stackview.models import LogEvent


class Clock:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def time(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_budget_paces_requests_in_order() -> None:
    clock = Clock()
    budget = RequestBudget(4.0, clock=clock.time, sleep=clock.sleep)
    for _ in range(9):
        budget.acquire()
    assert clock.now == pytest.approx(102.0)  # 9 requests at 4/s: the first is immediate
    assert budget.requests == 9
    waits = [budget.reserve() for _ in range(3)]  # reservations queue up, first come first served
    assert waits == pytest.approx([0.25, 0.5, 0.75])


def test_budget_backs_off_with_jitter_and_recovers() -> None:
    clock = Clock()
    budget = RequestBudget(4.0, clock=clock.time, sleep=clock.sleep, rng=random.Random(5), base_backoff=0.5, max_backoff=8.0)
    delays = [budget.on_throttle() for _ in range(6)]
    ceilings = [0.5, 1, 2, 4, 8, 8]
    assert all(c / 2 <= d <= c for d, c in zip(delays, ceilings))
    assert budget.current_rate == pytest.approx(0.25)  # halved each time, floor rate/16
    assert budget.reserve() > 3.0  # everyone waits out the pause
    for _ in range(6):
        budget.on_success()
    assert budget.backoff == 0.0
    for _ in range(8):
        budget.on_success()
    assert budget.current_rate == 4.0
    with pytest.raises(ValueError):
        RequestBudget(0)


def test_recent_ids_remember_exactly_until_the_floor_passes() -> None:
    ids = RecentIds()
    assert ids.add("a", 10_500) and ids.add("b", 10_999) and ids.add("c", 12_000)
    assert not ids.add("a", 10_500)
    assert ("a", 10_500) in ids and len(ids) == 3
    ids.forget_before(10_700)  # the second holding 10,700 is kept whole
    assert ("a", 10_500) in ids
    ids.forget_before(11_000)
    assert ("a", 10_500) not in ids and ("c", 12_000) in ids and len(ids) == 1
    ids.forget_before(5_000)  # the floor never moves back
    assert ids.add("a", 10_500)  # (an id below the floor would be new again: never queried)
    ids.discard("c", 12_000)
    assert ("c", 12_000) not in ids


def test_handoff_pairs_by_content_and_count() -> None:
    m = HandoffMatcher()
    key = ("/g", "s", 1_000, "same")
    assert m.admit("poll", key) and m.admit("poll", key)  # two identical events, both new
    assert not m.admit("live", key)  # live's copy of the first: paired
    assert not m.admit("live", key)  # and of the second
    assert m.admit("live", key)  # a third identical event, only live saw it (yet)
    assert not m.admit("poll", key)  # ... polling finds it later: paired
    assert m.admit("live", ("/g", "s", 1_000, "other"))
    m.forget_before(5_000)
    assert len(m) == 0 and m.admit("poll", ("/g", "s", 1_000, "other"))


def event(ts: int, eid: str, ingestion: int = 0) -> LogEvent:
    return LogEvent(ts, ingestion or ts, "/g", "s", eid, eid)


def test_reorderer_releases_up_to_the_watermark_in_order_and_counts_late() -> None:
    r = Reorderer()
    r.add([event(5, "e"), event(9, "i")])
    r.add([event(3, "c"), event(5, "d", ingestion=4)])
    assert [e.event_id for e in r.release(5)] == ["c", "d", "e"]
    assert len(r) == 1 and r.late == 0
    r.add([event(4, "late")])
    assert [e.event_id for e in r.release(6)] == ["late"]
    assert r.late == 1
    assert [e.event_id for e in r.flush()] == ["i"] and r.release(100) == []
