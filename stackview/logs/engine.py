"""The tail engine's core: which group to ask next, what to keep, what to deliver and when.

No threads and no real clock in here: `TailEngine` is driven from outside (by `Tail`'s worker
threads, or by a test calling `step()` with a fake clock), which keeps the no-loss /
no-duplicate logic deterministic and testable. State changes happen under one lock; the network
request of a step runs outside it, so several workers can have requests in flight.

Flow: a poller's step or a Live Tail update -> events of groups not followed dropped (counted in
`foreign`) -> repeats dropped by eventId (poller) -> repeats across Live Tail and
polling dropped by content (`HandoffMatcher`, only when Live Tail may be used) -> the local
filter (emulators ignore most of the pattern syntax) -> `Reorderer` -> `release()`.

Live Tail: once every group has finished its first cycle (the history), `live_wanted()` says a
session may start. When it starts, every poller runs one more full cycle (to close the gap
between the history and the session) and then pauses; while the session is healthy (not
sampled) it advances the pollers' cursors. When it ends, the pollers resume at once from
`cursor - overlap`, which covers whatever the session missed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any

from stackview.aws.errors import UserError
from stackview.aws.logs import filter_pages
from stackview.logs.budget import RequestBudget
from stackview.logs.dedupe import HandoffMatcher
from stackview.logs.livetail import MAX_LIVE_GROUPS, LiveUpdate
from stackview.logs.order import Reorderer
from stackview.logs.poller import (
    DEFAULT_OVERLAP_MS,
    DEFAULT_POLL_INTERVAL,
    FAR_FUTURE_MS,
    GroupPoller,
    PageSource,
    PollResult,
    ServerClock,
)
from stackview.models import LogEvent

#: How long events wait for late arrivals before leaving in timestamp order. Ordering across
#: groups does not depend on it (each group's watermark holds the others back); it is the floor
#: of the follow lag, so it is short: 0.5 s keeps PutLogEvents-to-screen under 2 s for one and
#: for five groups (bench/bench_follow.py). An event later than this is still delivered, only
#: out of order (counted in `late`); the overlap window of the queries still finds it.
DEFAULT_WINDOW_MS = 500
LIVE_SLACK_MS = 5_000  # how far behind a live update the pollers' cursors are put
LIVE_STALE_MS = 10_000  # events ingested this long before the session began are a replay


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
        window_ms: int = DEFAULT_WINDOW_MS,
        poll_interval: float = DEFAULT_POLL_INTERVAL,
        page_size: int = 10_000,
        live: bool = False,
        pages: PageSource = filter_pages,
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
        self.window_ms = window_ms if follow else 0
        self.server_clock = ServerClock()
        self.pollers: dict[str, GroupPoller] = {
            group: GroupPoller(
                group,
                start_ms=start_ms,
                follow=follow,
                server_clock=self.server_clock,
                overlap_ms=overlap_ms,
                window_ms=self.window_ms,
                poll_interval=poll_interval,
                page_size=page_size,
                pages=pages,
            )
            for group in dict.fromkeys(groups)
        }
        self.lock = threading.RLock()
        self.changed = threading.Condition(self.lock)  # notified when work or events appear
        self._due = {group: 0.0 for group in self.pollers}
        self._busy: set[str] = set()
        self._restart: set[str] = set()
        self._pause_after: dict[str, int] = {}  # group -> pause after a cycle begun at/after
        self.reorder = Reorderer()
        self.live_possible = live and follow and len(self.pollers) <= MAX_LIVE_GROUPS
        # Per group, so one group that never advances (missing, denied) pins only its own memory.
        self.handoff: dict[str, HandoffMatcher] | None = (
            {group: HandoffMatcher() for group in self.pollers} if self.live_possible else None
        )
        self.live_active = False
        self.live_sampled = False
        self.live_note = "" if self.live_possible else ("off" if not live else "polling")
        self._live_started_ms = 0
        self._live_watermark = 0
        self.delivered = 0
        self.filtered_out = 0
        self.live_replayed = 0
        self.foreign = 0  # events of groups not followed, dropped (see `_own`)

    # -- scheduling -------------------------------------------------------------------------

    def next_job(self) -> tuple[GroupPoller | None, float]:
        """The poller to ask now (marked busy), or None and how long until one is due."""
        with self.lock:
            now = self.clock()
            best: str | None = None
            for group, poller in self.pollers.items():
                if group in self._busy or poller.done or poller.paused:
                    continue
                if best is None or self._due[group] < self._due[best]:
                    best = group
            if best is None:
                return None, 0.25
            wait = self._due[best] - now
            if wait > 0:
                return None, wait
            self._busy.add(best)
            return self.pollers[best], 0.0

    def run_job(self, poller: GroupPoller) -> PollResult:
        """Take a budget slot, make the request, then fold the result in."""
        self.budget.acquire()
        with self.lock:
            pattern = self.pattern
        result = poller.poll(self.client, pattern, self.budget, self.wall_ms())
        with self.lock:
            self._busy.discard(poller.group)
            if poller.group in self._restart:
                self._restart.discard(poller.group)
                poller.forget_rejected()
                poller.restart()
            self._due[poller.group] = self.clock() + result.delay
            pause_from = self._pause_after.get(poller.group)
            if result.cycle_done and pause_from is not None and poller.cycle_started_ms >= pause_from:
                poller.paused = True
                del self._pause_after[poller.group]
            self._admit(result.events, "poll")
            self._forget_old()
            self.changed.notify_all()
        return result

    def step(self, sleep: Callable[[float], object]) -> bool:
        """One request if one is due, else sleep (with `sleep`) until one may be.
        False when nothing is left to poll (a one-shot tail has read everything)."""
        poller, wait = self.next_job()
        if poller is not None:
            self.run_job(poller)
            return True
        if self.polling_done:
            return False
        sleep(wait)
        return True

    @property
    def polling_done(self) -> bool:
        """Every poller has finished for good (one-shot tails; following never finishes)."""
        with self.lock:
            return all(p.done for p in self.pollers.values())

    @property
    def finished(self) -> bool:
        with self.lock:
            return self.polling_done and len(self.reorder) == 0

    # -- events -------------------------------------------------------------------------------

    def _admit(self, events: list[LogEvent], source: str) -> None:
        events = self._own(events)
        if not events:
            return
        if self.handoff is not None:
            kept = []
            for e in events:
                matcher = self.handoff.get(e.log_group)
                if matcher is None or matcher.admit(source, (e.log_group, e.log_stream, e.timestamp, e.message)):
                    kept.append(e)
            events = kept
        matcher = self.matcher
        if matcher is not None and events:
            keep = set(matcher.filter([e.message for e in events]))
            if len(keep) < len(events):
                rejected = [e for i, e in enumerate(events) if i not in keep]
                events = [e for i, e in enumerate(events) if i in keep]
                self.filtered_out += len(rejected)
                if source == "poll":
                    for event in rejected:
                        self.pollers[event.log_group].rejected.add(event.event_id, event.timestamp)
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
        """Events at or before this time may leave: every source is complete up to it."""
        with self.lock:
            marks = [p.watermark_ms for p in self.pollers.values() if p.holds_order and not p.paused]
            if self.live_active and any(p.paused for p in self.pollers.values()):
                marks.append(self._live_watermark)
            threshold = min(marks) if marks else FAR_FUTURE_MS
            if self.follow:
                threshold = min(
                    threshold, self.server_clock.ordering_time(self.wall_ms()) - self.window_ms
                )
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

    # -- changing the query --------------------------------------------------------------------

    def set_pattern(self, pattern: str, matcher: Any) -> None:
        """New server pattern and local matcher; every group's query restarts from its cursor."""
        with self.lock:
            self.pattern = pattern
            self.matcher = matcher
            for group, poller in self.pollers.items():
                if group in self._busy:
                    self._restart.add(group)  # done when its request returns
                else:
                    poller.forget_rejected()
                    poller.restart()
                self._due[group] = 0.0
            self.changed.notify_all()

    # -- Live Tail ------------------------------------------------------------------------------

    def live_wanted(self) -> bool:
        """Whether a Live Tail session should be opened now (history is in hand)."""
        with self.lock:
            return (
                self.live_possible
                and not self.live_active
                and all(p.cycles > 0 or p.error is not None for p in self.pollers.values())
            )

    def live_groups(self) -> list[str]:
        return list(self.pollers)

    def on_live_started(self, groups: Sequence[str]) -> None:
        """A session covering `groups` has begun: each of them polls one more cycle begun
        from now on (closing the gap up to the session), then pauses."""
        with self.lock:
            local = self.wall_ms()
            self.live_active = True
            self.live_note = ""
            self._live_started_ms = self.server_clock.cursor_time(local)
            self._live_watermark = self.server_clock.ordering_time(local) - self.window_ms
            for group in groups:
                if group in self.pollers:
                    self._pause_after[group] = local
                    if group not in self._busy:
                        self._due[group] = 0.0
            self.changed.notify_all()

    def on_live_update(self, update: LiveUpdate) -> None:
        with self.lock:
            local = self.wall_ms()
            stale = self._live_started_ms - LIVE_STALE_MS
            started = self._live_started_ms
            pollers = self.pollers
            self.foreign += update.foreign
            # A replay (moto answers with a snapshot of stored events) of an event ingested
            # just before the session began, stamped before the oldest time polling still
            # queries, cannot be paired with its polled copy any more (that memory is gone):
            # it is an old event, and AWS never streams what was ingested before the session.
            own = self._own(update.events)
            fresh = [
                e for e in own
                if e.ingestion_time >= stale
                and not (
                    e.ingestion_time < started
                    and e.log_group in pollers
                    and e.timestamp < pollers[e.log_group].floor_ms
                )
            ]
            self.live_replayed += len(own) - len(fresh)
            self.server_clock.observe(fresh, local)
            self._admit(fresh, "live")
            if update.sampled:
                self.live_sampled = True
            else:
                self._live_watermark = max(
                    self._live_watermark, self.server_clock.ordering_time(local) - self.window_ms
                )
                covered = self.server_clock.cursor_time(local) - LIVE_SLACK_MS
                for poller in self.pollers.values():
                    if poller.paused:
                        poller.advance_cursor(covered)
            self.changed.notify_all()

    def on_live_ended(self, *, give_up: bool, note: str = "") -> None:
        """The session is over: every group polls again from `cursor - overlap` at once."""
        with self.lock:
            self.live_active = False
            if give_up:
                self.live_possible = False
            self.live_note = note
            self._pause_after.clear()
            for group, poller in self.pollers.items():
                poller.paused = False
                self._due[group] = 0.0
            self.changed.notify_all()

    # -- figures ---------------------------------------------------------------------------------

    def group_errors(self) -> dict[str, UserError]:
        with self.lock:
            return {g: p.error for g, p in self.pollers.items() if p.error is not None}

    def duplicates(self) -> int:
        with self.lock:
            return sum(p.duplicates for p in self.pollers.values())
