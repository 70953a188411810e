"""FilterLogEvents for one log group: the history in pieces, follow cycles, back-fills, errors.

The history (from the window's start to now) is one open-ended `Scan` at first. When its pages
show there is much more to come, the rest is cut into time pieces that the engine fetches side by
side (`scan.split`); the pieces are disjoint, so nothing needs remembering to avoid repeats
between them, and the engine holds later pieces' events until the earlier ones are in.

Following, a *cycle* is one query paged to its end. When a cycle that started at server time S is
complete, every event visible at S has been seen (`ServerClock` gives a lower bound of S, taken
before the request: a cycle that stalls cannot move the cursor past what it saw). Events become
visible late (seconds, up to ~30 s), so a later query must start before S. Re-reading the whole
30 s at every poll fetched each event dozens of times; instead:
- a *short* cycle starts `short_overlap` before the last cycle's start: events that show up
  within about a second (the usual case) arrive at the next poll. `short_overlap` grows to cover
  the lateness actually seen lately (ingestion time - timestamp), up to the full overlap;
- a *sweep* every `SWEEP_EVERY_MS` starts `overlap` before the last sweep's start: whatever
  arrived later than that is found by it, so nothing up to `overlap` late is lost (such an event
  shows up to `SWEEP_EVERY_MS` after it became visible: the price of reading each event about
  five times instead of thirty). A sweep runs beside the short cycles, never in their way.
Repeats are dropped by eventId (`RecentIds`), remembered only for timestamps a later cycle can
still return (at or after the next sweep's start): memory follows the event rate, not the
session's length, and a one-shot read (which never re-reads) remembers nothing.

A group that has had no new event for `IDLE_AFTER` seconds is *idle*: the engine polls it less
often than active ones and lets it not hold the others' events back.

What a failed request means (retry, back off, give up): poll_outcome.py.
"""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Callable, Iterator
from typing import Any

from stackview.aws.errors import UserError
from stackview.aws.logs import LogPage, filter_pages
from stackview.logs.budget import RequestBudget
from stackview.logs.clock import ServerClock
from stackview.logs.coverage import Coverage
from stackview.logs.dedupe import RecentIds
from stackview.logs.poll_outcome import FAR_FUTURE_MS, Fetched, PollResult, failed
from stackview.logs.scan import BACKFILL, HISTORY, SHORT, SWEEP, Scan
from stackview.models import LogEvent

__all__ = ["FAR_FUTURE_MS", "Fetched", "GroupPoller", "PollResult"]

DEFAULT_OVERLAP_MS = 30_000
SHORT_OVERLAP_MS = 1_000
SHORT_OVERLAP_MAX_MS = 5_000  # lateness beyond this is left to the sweeps
SWEEP_EVERY_MS = 30_000
DEFAULT_POLL_INTERVAL = 0.5  # seconds between cycles of an active group (when the budget allows)
IDLE_AFTER = 30.0  # seconds without a new event: idle
LATENESS_MEMORY_MS = 120_000

PageSource = Callable[..., Iterator[LogPage]]


class GroupPoller:
    """The polling state of one log group. Driven by the engine, one request at a time per
    scan (history pieces of one group can be in flight together)."""

    def __init__(
        self,
        group: str,
        *,
        start_ms: int,
        follow: bool,
        server_clock: ServerClock,
        pattern: str = "",
        overlap_ms: int = DEFAULT_OVERLAP_MS,
        sweep_every_ms: int = SWEEP_EVERY_MS,
        window_ms: int = 0,
        poll_interval: float = DEFAULT_POLL_INTERVAL,
        page_size: int = 10_000,
        history_page_size: int | None = None,
        pages: PageSource = filter_pages,
        rng: random.Random | None = None,
    ) -> None:
        self.group = group
        self.start_ms = start_ms
        self.follow = follow
        self.clock = server_clock
        self.pattern = pattern
        self.overlap_ms = overlap_ms
        self.sweep_every_ms = sweep_every_ms
        self.window_ms = window_ms
        self.poll_interval = poll_interval
        self.page_size = page_size
        self.history_page_size = history_page_size or page_size
        self._page_source = pages
        self.rng = rng or random.Random()
        self.history: list[Scan] = [Scan(group, start_ms, None, pattern, HISTORY)]
        self.in_history = True
        self._history_local_ms: int | None = None  # local time of the history's first request
        self._open_local_ms: int | None = None  # ... and of its open-ended last piece
        self._newest_ms = -FAR_FUTURE_MS  # the newest timestamp the history returned
        self.cycle: Scan | None = None  # the short cycle under way
        self.sweep: Scan | None = None  # the sweep under way
        self.backfills: list[Scan] = []
        self.next_cycle_at = 0.0  # engine clock (seconds)
        self.sweep_next = False  # sweep at once (a Live Tail session ended, a new pattern)
        self.cursor_ms = start_ms
        self.sweep_cursor_ms = start_ms
        self.ids = RecentIds()
        self.rejected = RecentIds()  # refused by the local filter: counted once each
        self.ids_floor = FAR_FUTURE_MS if not follow else start_ms
        self.coverage = Coverage(start_ms, pattern)
        self.watermark_ms = start_ms - 1
        self.cycles = 0
        self.error: UserError | None = None
        self.done = False
        self.paused = False  # covered by Live Tail; the engine does not schedule its cycles
        self.requests = 0
        self.duplicates = 0
        self.filtered_out = 0
        self.last_new = -1e18  # engine clock of the last cycle that found a new event
        self.failures = 0
        self._lateness: deque[tuple[int, int]] = deque()  # (local ms, lateness ms), max in front

    # -- what to ask next -------------------------------------------------------------------

    def history_pending(self) -> list[Scan]:
        return [s for s in self.history if not s.done]

    def history_head(self) -> Scan | None:
        for scan in self.history:
            if not scan.done:
                return scan
        return None

    @property
    def floor_ms(self) -> int:
        """No live query of this group starts before this time any more."""
        return self.ids_floor if self.follow else FAR_FUTURE_MS

    def short_overlap(self, local_ms: int) -> int:
        lateness = self._lateness
        horizon = local_ms - LATENESS_MEMORY_MS
        while len(lateness) > 1 and lateness[0][0] < horizon:
            lateness.popleft()
        seen = lateness[0][1] if lateness else 0
        return max(SHORT_OVERLAP_MS, min(self.overlap_ms, SHORT_OVERLAP_MAX_MS, seen * 3 // 2 + SHORT_OVERLAP_MS))

    def start_cycle(self, local_ms: int, *, active: bool = True) -> Scan:
        """A new follow cycle: short, or for an idle group a sweep when one is due (an idle
        group has no sweeps beside its cycles: they would cost more than its polls)."""
        if not active and self.sweep_due(local_ms):
            self.sweep_next = False
            start, kind = self.sweep_cursor_ms - self.overlap_ms, SWEEP
        else:
            start, kind = self.cursor_ms - self.short_overlap(local_ms), SHORT
        self.cycle = Scan(self.group, max(self.start_ms, start), None, self.pattern, kind)
        return self.cycle

    def sweep_due(self, local_ms: int) -> bool:
        """Whether a sweep should start (one at a time, beside the short cycles: a sweep that
        takes several pages never delays the short cycles that keep the lag low)."""
        if self.sweep is not None or self.in_history or self.paused or self.done:
            return False
        return self.sweep_next or self.clock.cursor_time(local_ms) - self.sweep_cursor_ms >= self.sweep_every_ms

    def start_sweep(self) -> Scan:
        self.sweep_next = False
        start = self.sweep_cursor_ms - self.overlap_ms
        self.sweep = Scan(self.group, max(self.start_ms, start), None, self.pattern, SWEEP)
        return self.sweep

    def advance_cursor(self, server_ms: int) -> None:
        """Something else (Live Tail) saw everything up to `server_ms`."""
        if server_ms > self.cursor_ms:
            self.cursor_ms = server_ms
        if server_ms > self.sweep_cursor_ms:
            self.sweep_cursor_ms = server_ms
        self._raise_floor()

    def active(self, now: float) -> bool:
        return now - self.last_new < IDLE_AFTER

    # -- one request ---------------------------------------------------------------------------

    def fetch(self, scan: Scan, client: Any, wall_ms: Callable[[], int]) -> Fetched:
        """Make the request (no lock held; the caller took a budget slot)."""
        limit = self.history_page_size if scan.kind == HISTORY else self.page_size
        pages = scan.open_pages(client, self._page_source, limit)
        before = wall_ms()
        if scan.started_local_ms is None:
            scan.started_local_ms = before
        try:
            page = next(pages)
        except StopIteration:
            page = LogPage([], None)
        except Exception as exc:  # noqa: BLE001 - every failure is classified, none ends the tail
            scan.pages = None
            return Fetched(None, exc, before, wall_ms())
        return Fetched(page, None, before, wall_ms())

    def fold(self, scan: Scan, got: Fetched, budget: RequestBudget, matcher: Any, now: float) -> PollResult:
        """Fold an answer in (under the engine's lock)."""
        self.requests += 1
        if got.error is not None:
            return failed(self, scan, got.error, budget)
        page = got.page
        assert page is not None
        budget.on_success()
        self.error = None
        self.failures = 0
        self.clock.observe_date(page.date_ms, got.after_ms)
        self.clock.observe(page.events, got.after_ms)
        if scan.kind == HISTORY and self._history_local_ms is None:
            self._history_local_ms = scan.started_local_ms
            if self.follow:
                self._raise_floor(self.clock.cursor_time(scan.started_local_ms) - self.overlap_ms)
        events = scan.took(page)
        self._note_lateness(events, got.after_ms)
        if matcher is not None and events:
            keep = set(matcher.filter([e.message for e in events]))
            if len(keep) < len(events):
                floor, note = self.ids_floor, self.rejected.add
                self.filtered_out += sum(1 for i, e in enumerate(events) if i not in keep
                                         and (e.timestamp < floor or note(e.event_id, e.timestamp)))
                events = [e for i, e in enumerate(events) if i in keep]
        fresh = self._remember(events)
        if scan.kind == HISTORY:
            return self._history_page(scan, fresh, page, got, now)
        if scan.kind == BACKFILL:
            if scan.done:
                self.coverage.mark(scan.start_ms, scan.end_ms or FAR_FUTURE_MS, scan.pattern)
                self.backfills.remove(scan)
            return PollResult([], fresh)
        return self._cycle_page(scan, fresh, page, got, now)

    def _remember(self, events: list[LogEvent]) -> list[LogEvent]:
        floor = self.ids_floor
        if not events or events[-1].timestamp < floor:
            return events
        add = self.ids.add
        fresh = [e for e in events if e.timestamp < floor or add(e.event_id, e.timestamp)]
        self.duplicates += len(events) - len(fresh)
        return fresh

    def _note_lateness(self, events: list[LogEvent], local_ms: int) -> None:
        if not events:
            return
        late = max(e.ingestion_time - e.timestamp for e in events)
        if late <= 0:
            return
        window = self._lateness
        while window and window[-1][1] <= late:
            window.pop()
        window.append((local_ms, late))

    def _history_page(self, scan: Scan, fresh: list[LogEvent], page: LogPage, got: Fetched, now: float) -> PollResult:
        if not scan.done and scan.token:
            pieces = scan.pieces_for(len(page.events), self.history_page_size, self.clock.cursor_time(got.after_ms))
            if pieces > 1:
                index = self.history.index(scan)
                self.history[index : index + 1] = scan.split(pieces, self.clock.cursor_time(got.after_ms))
        if scan.done and scan.end_ms is None:
            self._open_local_ms = scan.started_local_ms
        if page.events:
            self._newest_ms = max(self._newest_ms, page.events[-1].timestamp)
        head = self.history_head()
        if head is not None:
            self.watermark_ms = max(self.watermark_ms, head.progress_ms - 1)
            return PollResult(fresh)
        # The whole history is in.
        self.in_history = False
        self.history = []
        self.cycles += 1
        if not self.follow:
            self.done = True
            self.watermark_ms = FAR_FUTURE_MS
            return PollResult(fresh, cycle_done=True)
        # Everything visible when the history began is in hand (the sweeps start from there),
        # and everything visible when its last, open-ended piece began from that piece on.
        first = self._history_local_ms if self._history_local_ms is not None else got.before_ms
        last = self._open_local_ms if self._open_local_ms is not None else first
        self._cycle_done(first, SWEEP)
        self._cycle_done(last, SHORT)
        if self._newest_ms >= self.cursor_ms - IDLE_AFTER * 1000:
            self.last_new = now  # events lately: active until its cycles say otherwise
        return PollResult(fresh, cycle_done=True)

    def _cycle_page(self, scan: Scan, fresh: list[LogEvent], page: LogPage, got: Fetched, now: float) -> PollResult:
        if fresh:
            self.last_new = now
        if page.events:
            progress = min(page.events[-1].timestamp, self.clock.ordering_time(got.after_ms) - self.window_ms)
            self.watermark_ms = max(self.watermark_ms, progress)
        if not scan.done:
            return PollResult(fresh)
        lane = scan is self.sweep
        if lane:
            self.sweep = None
        else:
            self.cycle = None
            self.cycles += 1
        assert scan.started_local_ms is not None
        self._cycle_done(scan.started_local_ms, scan.kind)
        return PollResult(fresh, cycle_done=not lane)

    def _cycle_done(self, started_local_ms: int, kind: str) -> None:
        server = self.clock.cursor_time(started_local_ms)
        self.cursor_ms = max(self.cursor_ms, server)
        if kind == SWEEP:
            self.sweep_cursor_ms = max(self.sweep_cursor_ms, server)
        self.watermark_ms = max(self.watermark_ms, self.clock.ordering_time(started_local_ms) - self.window_ms)
        self._raise_floor()

    def _raise_floor(self, floor: int | None = None) -> None:
        if not self.follow:
            return
        if floor is None:
            floor = max(self.start_ms, self.sweep_cursor_ms - self.overlap_ms)
        if self.in_history and self._history_local_ms is None:
            return  # the history's end is not known yet: nothing can be forgotten
        if floor > self.ids_floor:
            self.ids_floor = floor
            self.ids.forget_before(floor)
            self.rejected.forget_before(floor)

    # -- errors ----------------------------------------------------------------------------------

    def finish(self) -> None:
        self.done = True
        self.watermark_ms = FAR_FUTURE_MS
        for scan in self.history:
            scan.done = True
        self.history = []
        self.in_history = False

    # -- a new pattern ---------------------------------------------------------------------------

    def set_pattern(self, pattern: str, local_ms: int, *, backfill: bool) -> tuple[int, list[Scan]]:
        """Queries from now on use `pattern`. Returns the time from which the new queries take
        over (events of this group at or after it that are held for ordering are stale) and the
        scans cancelled. With `backfill`, the stretches before it that are not complete for the
        new pattern are queued to be fetched again (newest first)."""
        cancelled: list[Scan] = []
        self.pattern = pattern
        self.rejected = RecentIds()
        if self.done and not self.follow:
            self.done = False
            self.error = None
        if self.in_history:
            head = self.history_head()
            resume = head.progress_ms if head is not None else self.start_ms
            skip = frozenset(head.ids_at_progress) if head is not None else frozenset()
            cancelled = [s for s in self.history if not s.done]
            self.history = [Scan(self.group, resume, None, pattern, HISTORY, skip=skip)]
            # When following, the sweep after the history reads from `ids_floor` on with the
            # new pattern: from there on (late arrivals included) it is the new pattern's.
            boundary = min(resume, self.ids_floor) if self.follow else resume
        else:
            cancelled.extend(s for s in (self.cycle, self.sweep) if s is not None)
            self.cycle = self.sweep = None
            # Late arrivals of the last `overlap` were only looked at with the old pattern: the
            # new one takes over from the sweep's start, and sweeps at once.
            boundary = max(self.start_ms, self.sweep_cursor_ms - self.overlap_ms)
            self.sweep_next = True
            if not self.follow:  # a one-shot read that had finished: read the window again
                boundary = self.start_ms
                self.in_history = True
                self.history = [Scan(self.group, boundary, None, pattern, HISTORY)]
                self.watermark_ms = boundary - 1
            self.next_cycle_at = 0.0
        cancelled.extend(self.backfills)
        self.backfills = []
        if backfill:
            for a, b in reversed(self.coverage.missing(pattern, self.start_ms, boundary)):
                self.backfills.append(Scan(self.group, a, b, pattern, BACKFILL))
        self.coverage.mark(boundary, FAR_FUTURE_MS, pattern)
        for scan in cancelled:
            scan.cancelled = True
        return boundary, cancelled

    @property
    def holds_order(self) -> bool:
        """Whether this group's watermark may hold other groups' events back: a group that is
        failing (missing, denied, erroring) must not stall everyone else."""
        return not self.done and self.error is None

