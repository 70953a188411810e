"""Which FilterLogEvents request a tail makes next, and how often each group is polled.

Most urgent first: the history piece of the group all others wait for (the one furthest behind),
cycles of active groups, back-fills after a filter change, cycles of idle groups and sweeps,
then later history pieces fetched ahead. Fetching ahead stops while `max_held` events wait in
the reorderer or may come back from requests in flight; past that cap only the group furthest
behind reads, one page at a time, so memory is bounded whatever the window holds.

Poll intervals share the request budget so that the lag of an active group does not depend on
how many idle groups are followed: idle groups get a quarter of the budget (or what active ones
leave over), at least `IDLE_SLOWER` times slower than an active one, and active groups share the
rest, never faster than `poll_interval`. The budget's *current* rate is used: while throttled,
fewer polls mean fewer throttled calls.

Functions of a `TailEngine` (engine.py), called under its lock.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from stackview.logs.poller import GroupPoller
from stackview.logs.scan import Scan

IDLE_SHARE = 0.25  # share of the request budget idle groups may use
IDLE_SLOWER = 4  # an idle group is polled at least this many times less often than an active one

# Job ranks, most urgent first.
HEAD, ACTIVE, BACKFILL, IDLE, AHEAD = range(5)
_CYCLE = object()  # "start a new follow cycle" (the scan is made when the job is taken)
_SWEEP = object()  # "start a sweep"


def next_job(engine: Any) -> tuple[tuple[GroupPoller, Scan] | None, float]:
    """The request to make now (its scan marked busy), or None and how long until one is due."""
    with engine.lock:
        now = engine.clock()
        # Events held for ordering, and those the history requests in flight may bring.
        in_flight = sum(1 for p in engine.pollers.values() if p.in_history for s in p.history if s.busy)
        held = len(engine.reorder) + in_flight * engine.page_size
        history = [p for p in engine.pollers.values() if p.in_history and p.holds_order]
        behind = min(history, key=lambda p: (p.watermark_ms, p.group)) if history else None
        best: tuple[tuple[int, float], GroupPoller, Any] | None = None
        wait = 0.5
        for poller in engine.pollers.values():
            if poller.done:
                continue
            for rank, order, due, scan in _jobs(engine, poller, now):
                if rank == AHEAD and held >= engine.max_held:
                    continue
                # Past the cap, only the group all others wait for reads on, one page at a time.
                if rank == HEAD and held >= engine.max_held and (
                        poller is not behind or any(s.busy for s in poller.history)):
                    continue
                if due > now:
                    wait = min(wait, due - now)
                    continue
                key = (rank, order)
                if best is None or key < best[0]:
                    best = (key, poller, scan)
        if best is None:
            return None, max(0.01, wait)
        _, poller, scan = best
        if scan is _CYCLE:
            scan = poller.start_cycle(engine.wall_ms(), active=poller.active(now))
        elif scan is _SWEEP:
            scan = poller.start_sweep()
        scan.busy = True
        return (poller, scan), 0.0


def _jobs(engine: Any, poller: GroupPoller, now: float) -> Iterator[tuple[int, float, float, Any]]:
    """(rank, order within the rank, due time, scan or a sentinel) of what `poller` could ask."""
    if poller.in_history:
        head = True
        for scan in poller.history:
            if scan.done:
                continue
            if not scan.busy:
                yield (HEAD if head else AHEAD), scan.progress_ms, scan.not_before, scan
            head = False
    else:
        if poller.cycle is not None:
            if not poller.cycle.busy:
                yield ACTIVE, 0, poller.cycle.not_before, poller.cycle
        elif not poller.paused:
            yield (ACTIVE if poller.active(now) else IDLE), poller.next_cycle_at, poller.next_cycle_at, _CYCLE
        if poller.sweep is not None:
            if not poller.sweep.busy:
                yield IDLE, 0, poller.sweep.not_before, poller.sweep
        elif poller.active(now) and poller.sweep_due(engine.wall_ms()):
            yield IDLE, -1, 0.0, _SWEEP
    for scan in poller.backfills:
        if not scan.busy:
            yield BACKFILL, -scan.start_ms, scan.not_before, scan


def cycle_interval(engine: Any, poller: GroupPoller, now: float) -> float:
    """Seconds until the next cycle of `poller`."""
    rate = engine.budget.current_rate
    polled = [p for p in engine.pollers.values() if not p.done and not p.paused and not p.in_history]
    idle = sum(1 for p in polled if not p.active(now))
    active = len(polled) - idle
    spare = max(rate * IDLE_SHARE, (rate - active / engine.poll_interval) * 0.9)
    idle_interval = max(engine.poll_interval * IDLE_SLOWER, idle / spare)
    if not poller.active(now):
        return idle_interval
    left = rate - (idle / idle_interval if idle else 0.0)
    return max(engine.poll_interval, active / max(left * 0.95, rate * 0.1))
