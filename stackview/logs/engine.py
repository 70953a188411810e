"""The tail engine's core: which request to make next, what to keep, what to deliver and when.

No threads and no real clock in here: `TailEngine` is driven from outside (by `Tail`'s worker
threads, or by a test calling `step()` with a fake clock), which keeps the no-loss /
no-duplicate logic deterministic and testable. State changes happen under one lock; the network
request of a job runs outside it, so several workers can have requests in flight.

Flow: a request's page (poller: skip, local filter, repeats by eventId) or a Live Tail update
(events of groups not followed dropped, repeats across Live Tail and polling dropped by content)
-> `Reorderer` -> `release()`; back-fill pages after a filter change -> `release_merge()`.

What is asked next and how often each group is polled: schedule.py (the group all others wait
for first, active groups before idle ones, fetching ahead only while fewer than `max_held`
events wait): memory is bounded by that, by the pages in flight and by the time window of the
repeat memory, never by the number of events seen.

Two ways to deliver, chosen by the consumer:
- strict (`merge=False`, the CLI): events leave in timestamp order across groups, held until
  every group that is reading its history or is active has been read past them, minus a short
  window for late arrivals. An idle group does not hold the others; when it wakes up its events
  leave at once, counted in `late` if later ones already left.
- merge (`merge=True`, the log view): the consumer puts events in order itself (its buffer
  merges), so events leave as soon as they are fetched, nothing waits in the reorderer, and a
  filter change fetches again what the old pattern left out (see coverage.py).

Live Tail: once the history of a session's groups is in hand (at most 10 groups per session,
several sessions for more groups), `wanted_sessions()` says it may start. When it starts, each
of its groups polls one more full cycle (closing the gap up to the session) and then pauses;
while the session is healthy (not sampled) it advances those groups' cursors. When it ends,
they resume at once from their cursors, with a sweep that covers whatever the session missed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any

from stackview.aws.errors import UserError
from stackview.aws.logs import filter_pages
from stackview.logs.budget import RequestBudget
from stackview.logs.clock import ServerClock
from stackview.logs.dedupe import HandoffMatcher
from stackview.logs.gaps import gap_event
from stackview.logs.live_state import LiveSessions
from stackview.logs.order import Reorderer
from stackview.logs.poller import (
    DEFAULT_OVERLAP_MS,
    DEFAULT_POLL_INTERVAL,
    FAR_FUTURE_MS,
    GroupPoller,
    SWEEP_EVERY_MS,
    PageSource,
    PollResult,
)
from stackview.logs.scan import Scan
from stackview.logs.schedule import cycle_interval, next_job
from stackview.models import LogEvent

#: How long events wait for late arrivals before leaving in timestamp order (strict delivery).
#: It is the floor of the follow lag, so it is short; an event later than this is still
#: delivered, only out of order (counted in `late`), and the sweeps still find it.
DEFAULT_WINDOW_MS = 500
DEFAULT_MAX_HELD = 30_000  # events waiting in the reorderer before fetching ahead stops
MIN_HISTORY_PAGE = 2_000

Job = tuple[GroupPoller, Scan]


class TailEngine:
    """Polls many groups under one budget and releases their events in order."""

    def __init__(
        self,
        client: Any,
        groups: Sequence[str],
        *,
        start_ms: int,
        follow: bool,
        budget: RequestBudget,
        clock: Callable[[], float],
        wall_ms: Callable[[], int],
        pattern: str = "",
        matcher: Any = None,
        overlap_ms: int = DEFAULT_OVERLAP_MS,
        sweep_every_ms: int = SWEEP_EVERY_MS,
        window_ms: int = DEFAULT_WINDOW_MS,
        poll_interval: float = DEFAULT_POLL_INTERVAL,
        page_size: int = 10_000,
        live: bool = False,
        pages: PageSource = filter_pages,
        merge: bool = False,
        max_held: int = DEFAULT_MAX_HELD,
    ) -> None:
        if not groups:
            raise ValueError("nothing to tail: no log groups")
        self.client = client
        self.follow = follow
        self.budget = budget
        self.clock = clock
        self.wall_ms = wall_ms
        self.pattern = pattern
        self.matcher = matcher
        self.merge = merge
        self.max_held = max_held
        groups = list(dict.fromkeys(groups))
        # Reading histories in time order holds about a page of every group ahead of the one
        # furthest behind: with many groups, smaller history pages keep that within max_held.
        self.page_size = max(MIN_HISTORY_PAGE, min(page_size, max_held // len(groups)))
        self.poll_interval = poll_interval
        self.window_ms = window_ms if follow and not merge else 0
        self.server_clock = ServerClock()
        self.pollers: dict[str, GroupPoller] = {
            group: GroupPoller(
                group,
                start_ms=start_ms,
                follow=follow,
                server_clock=self.server_clock,
                pattern=pattern,
                overlap_ms=overlap_ms,
                sweep_every_ms=sweep_every_ms,
                window_ms=self.window_ms,
                poll_interval=poll_interval,
                page_size=page_size,
                history_page_size=self.page_size,
                pages=pages,
            )
            for group in groups
        }
        self.lock = threading.RLock()
        self.changed = threading.Condition(self.lock)  # notified when work or events appear
        self.reorder = Reorderer()
        self._merge_out: list[LogEvent] = []
        self.live = LiveSessions(self, list(self.pollers), enabled=live and follow)
        # Per group, so one group that never advances (missing, denied) pins only its own memory.
        self.handoff: dict[str, HandoffMatcher] | None = (
            {group: HandoffMatcher() for group in self.pollers} if self.live.possible else None
        )
        self.delivered = 0
        self.foreign = 0  # events of groups not followed, dropped (see `_own`)
        self.gaps = 0

    # -- scheduling -------------------------------------------------------------------------

    def next_job(self) -> tuple[Job | None, float]:
        """The request to make now (marked busy), or None and how long until one is due."""
        return next_job(self)

    def interval(self, poller: GroupPoller, now: float) -> float:
        """Seconds until the next cycle of `poller` (see schedule.py)."""
        return cycle_interval(self, poller, now)

    def run_job(self, job: Job) -> PollResult:
        """Take a budget slot, make the request, then fold the result in."""
        poller, scan = job
        self.budget.acquire()
        got = poller.fetch(scan, self.client, self.wall_ms)
        with self.lock:
            scan.busy = False
            if scan.cancelled:
                poller.requests += 1
                self.changed.notify_all()
                return PollResult([])
            now = self.clock()
            result = poller.fold(scan, got, self.budget, self.matcher, now)
            if result.delay:
                scan.not_before = now + result.delay
            if result.cycle_done and not poller.in_history:
                poller.next_cycle_at = now + self.interval(poller, now)
                self.live.cycle_done(poller, scan)
            if result.failed is not None:
                failed = result.failed
                reason = poller.error.one_line() if poller.error else "failed"
                self._merge_out.append(gap_event(poller.group, failed.start_ms, failed.end_ms, reason))
                self.gaps += 1
            self._admit(result.events, "poll")
            if result.merge:
                self._merge_out.extend(result.merge)
            self._forget_old()
            self.changed.notify_all()
        return result

    def step(self, sleep: Callable[[float], object]) -> bool:
        """One request if one is due, else sleep (with `sleep`) until one may be.
        False when nothing is left to poll (a one-shot tail has read everything)."""
        job, wait = self.next_job()
        if job is not None:
            self.run_job(job)
            return True
        if self.polling_done:
            return False
        sleep(wait)
        return True

    @property
    def polling_done(self) -> bool:
        """Every poller has finished for good (one-shot tails; following never finishes)."""
        with self.lock:
            return all(p.done and not p.backfills for p in self.pollers.values())

    @property
    def finished(self) -> bool:
        with self.lock:
            return self.polling_done and len(self.reorder) == 0 and not self._merge_out

    # -- events -------------------------------------------------------------------------------

    def _admit(self, events: list[LogEvent], source: str) -> None:
        events = self._own(events)
        if not events:
            return
        if self.handoff is not None:
            # Only what a live session may still stream is worth remembering: an event stamped
            # before its group's floor is history (the replay filter drops Live Tail's copies of
            # such events), and remembering every one of them is how memory grew with the
            # events seen (issue 9: 752 MB after a million).
            kept = []
            pollers = self.pollers
            for e in events:
                matcher = self.handoff.get(e.log_group)
                if matcher is None or e.timestamp < pollers[e.log_group].floor_ms or matcher.admit(
                        source, (e.log_group, e.log_stream, e.timestamp, e.message)):
                    kept.append(e)
            events = kept
        self.reorder.add(events)

    def _own(self, events: list[LogEvent]) -> list[LogEvent]:
        """Only events of the groups this engine follows; the others are counted in `foreign`.
        Whatever a source hands in (an emulator's Live Tail has answered with another group's
        events), the view of one function must never show another function's lines."""
        pollers = self.pollers
        if all(e.log_group in pollers for e in events):
            return events
        kept = [e for e in events if e.log_group in pollers]
        self.foreign += len(events) - len(kept)
        return kept

    def _forget_old(self) -> None:
        if self.handoff is not None:
            for group, matcher in self.handoff.items():
                matcher.forget_before(self.pollers[group].floor_ms)

    def threshold_ms(self) -> int:
        """Events at or before this time may leave: every source that holds order is
        complete up to it."""
        with self.lock:
            if self.merge:
                return FAR_FUTURE_MS  # the consumer puts events in their place: nothing waits
            now = self.clock()
            marks = []
            for poller in self.pollers.values():
                if not poller.holds_order or poller.paused:
                    continue
                if poller.in_history or poller.active(now):
                    marks.append(poller.watermark_ms)
            marks.extend(self.live.watermarks())
            threshold = min(marks) if marks else FAR_FUTURE_MS
            if self.follow:
                threshold = min(threshold, self.server_clock.ordering_time(self.wall_ms()) - self.window_ms)
            return threshold

    def release(self) -> list[LogEvent]:
        """The events that may be delivered now, in order."""
        with self.lock:
            if self.polling_done:
                out = self.reorder.flush()
            else:
                out = self.reorder.release(self.threshold_ms())
            self.delivered += len(out)
            return out

    def release_merge(self) -> list[LogEvent]:
        """Back-filled events (and gap markers) to merge into what was delivered, in order."""
        with self.lock:
            out, self._merge_out = self._merge_out, []
        if out:
            out.sort(key=lambda e: (e.timestamp, e.ingestion_time, e.event_id))
            self.delivered += len(out)
        return out

    # -- changing the query --------------------------------------------------------------------

    def set_pattern(self, pattern: str, matcher: Any) -> None:
        """New server pattern and local matcher. Every group's queries go on from where they
        are with it; with `merge`, what the old pattern left out is fetched again."""
        with self.lock:
            self.pattern = pattern
            self.matcher = matcher
            local = self.wall_ms()
            for poller in self.pollers.values():
                poller.set_pattern(pattern, local, backfill=self.merge)
            self.changed.notify_all()

    def buffer_evicted(self, *, unmatched_upto: int | None, dropped_upto: int | None) -> None:
        """The consumer's buffer pushed events out to make room (see coverage.py): a later
        filter change must not count on them, and a back-fill older than what it keeps is moot."""
        with self.lock:
            for poller in self.pollers.values():
                poller.coverage.evicted(unmatched_upto=unmatched_upto, pattern=self.pattern,
                                        dropped_upto=dropped_upto)
                if dropped_upto is not None:
                    for scan in [s for s in poller.backfills if s.end_ms is not None and s.end_ms <= dropped_upto]:
                        scan.cancelled = True
                        poller.backfills.remove(scan)

    # -- Live Tail (see live_state.py) -----------------------------------------------------------

    def live_wanted(self) -> bool:
        return bool(self.live.wanted())

    def wanted_sessions(self) -> list[int]:
        return self.live.wanted()

    def live_groups(self, session: int = 0) -> list[str]:
        return self.live.groups(session)

    def on_live_started(self, groups: Sequence[str], session: int | None = None) -> None:
        self.live.started(groups, session)

    def on_live_update(self, update: Any, session: int | None = None) -> None:
        self.live.update(update, session)

    def on_live_ended(self, *, give_up: bool, note: str = "", session: int | None = None) -> None:
        self.live.ended(give_up=give_up, note=note, session=session)

    @property
    def live_active(self) -> bool:
        return self.live.active

    @property
    def live_sampled(self) -> bool:
        return self.live.sampled

    @property
    def live_note(self) -> str:
        return self.live.note

    @property
    def live_possible(self) -> bool:
        return self.live.possible

    @property
    def live_replayed(self) -> int:
        return self.live.replayed

    # -- figures ---------------------------------------------------------------------------------

    def group_errors(self) -> dict[str, UserError]:
        with self.lock:
            return {g: p.error for g, p in self.pollers.items() if p.error is not None}

    def duplicates(self) -> int:
        with self.lock:
            return sum(p.duplicates for p in self.pollers.values())

    @property
    def filtered_out(self) -> int:
        with self.lock:
            return sum(p.filtered_out for p in self.pollers.values()) + self.live.filtered_out

    @property
    def backfilling(self) -> bool:
        with self.lock:
            return any(p.backfills for p in self.pollers.values())
