"""FilterLogEvents polling for one log group: cycles, overlap, repeats, errors.

A *cycle* is one query from `max(start, cursor - overlap)` paged through `nextToken` until the
service gives no token (a page may be short or empty while a token still follows). When a
cycle that started at server time S is complete, every event visible at S has been seen; an event
that becomes visible later is at most `overlap` older than S (CloudWatch makes events visible up to
~30 s late), so the next cycle can start at `S - overlap` and lose nothing. Repeats of the overlap
are dropped by eventId (`RecentIds`), remembered exactly as long as a query can return them.

S is read off the local clock corrected by `ServerClock`: the largest `ingestionTime - local now`
seen is a lower bound of the server clock's lead, so the cursor never runs ahead of AWS's time
even when the local clock does (a cursor behind is only a little more overlap). Until an event has
shown the offset, the cursor trails the local clock by `CLOCK_ALLOWANCE_MS`.

Errors never end a following tail: throttling pushes back the shared budget and the same page is
asked again (the token is kept); a missing group (a function that has never run has none yet) or
a missing permission is reported for this group and retried slowly; network and server failures
are retried with backoff. A one-shot tail gives up on a group after a few failures, reported.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

from botocore.exceptions import ClientError, PaginationError

from stackview.aws.errors import THROTTLED, UserError, describe, error_code
from stackview.aws.logs import LogPage, filter_pages
from stackview.logs.budget import RequestBudget
from stackview.logs.dedupe import RecentIds
from stackview.models import LogEvent

DEFAULT_OVERLAP_MS = 30_000
DEFAULT_POLL_INTERVAL = 1.0
CLOCK_ALLOWANCE_MS = 300_000  # how far the local clock may run ahead of AWS's, unknown offset
MISSING_RETRY = 15.0  # seconds between looks for a log group that does not exist (yet)
DENIED_RETRY = 60.0
MAX_TRANSIENT_BACKOFF = 30.0
ONCE_MAX_FAILURES = 5
FAR_FUTURE_MS = 2**62

_ingestion = attrgetter("ingestion_time")


class ServerClock:
    """A lower bound of (AWS clock - local clock), learnt from ingestion times. Thread-safe
    enough: one int assignment at a time, and a stale read only means a little more overlap."""

    def __init__(self) -> None:
        self.offset_ms: int | None = None

    def observe(self, events: list[LogEvent], local_ms: int) -> None:
        if events:
            lead = max(map(_ingestion, events)) - local_ms
            if self.offset_ms is None or lead > self.offset_ms:
                self.offset_ms = lead

    def cursor_time(self, local_ms: int) -> int:
        """A time certainly not ahead of AWS's clock at local time `local_ms`."""
        floor = local_ms - CLOCK_ALLOWANCE_MS
        if self.offset_ms is None:
            return floor
        return max(floor, local_ms + self.offset_ms)

    def ordering_time(self, local_ms: int) -> int:
        """Best guess of AWS's clock for holding events in order (corrects a slow local clock)."""
        return local_ms + max(0, self.offset_ms or 0)


@dataclass(frozen=True)
class PollResult:
    """What one request gave: new events (repeats removed) and when to ask again (seconds)."""

    events: list[LogEvent]
    delay: float
    cycle_done: bool = False


PageSource = Callable[..., Iterator[LogPage]]


class GroupPoller:
    """The polling state of one log group. Driven by the engine, one request per `poll()`."""

    def __init__(
        self,
        group: str,
        *,
        start_ms: int,
        follow: bool,
        server_clock: ServerClock,
        overlap_ms: int = DEFAULT_OVERLAP_MS,
        window_ms: int = 0,
        poll_interval: float = DEFAULT_POLL_INTERVAL,
        page_size: int = 10_000,
        pages: PageSource = filter_pages,
        rng: random.Random | None = None,
    ) -> None:
        self.group = group
        self.start_ms = start_ms
        self.follow = follow
        self.clock = server_clock
        self.overlap_ms = overlap_ms
        self.window_ms = window_ms
        self.poll_interval = poll_interval
        self.page_size = page_size
        self._page_source = pages
        self._rng = rng or random.Random()
        self.cursor_ms = start_ms
        self.ids = RecentIds()
        # Fetched but refused by the local filter: still repeats for the overlap, but a new
        # pattern may want them, so `forget_rejected()` lets the next query bring them back.
        self.rejected = RecentIds()
        self.watermark_ms = start_ms
        self.cycles = 0
        self.error: UserError | None = None
        self.done = False
        self.paused = False  # covered by Live Tail; the engine does not schedule it
        self.requests = 0
        self.duplicates = 0
        self._failures = 0
        self._pages: Iterator[LogPage] | None = None
        self._token: str | None = None
        self._query_start = start_ms
        self.cycle_started_ms = 0

    @property
    def floor_ms(self) -> int:
        """No query of this group starts before this time any more."""
        return self._query_start if self.in_cycle else self._next_query_start()

    @property
    def in_cycle(self) -> bool:
        """A query is under way (pages left, or a token to resume from after an error)."""
        return self._pages is not None or self._token is not None

    def _next_query_start(self) -> int:
        if not self.follow:
            return self.start_ms
        return max(self.start_ms, self.cursor_ms - self.overlap_ms)

    def restart(self) -> None:
        """Drop the cycle in progress (a new filter): the next poll queries from the cursor."""
        self._pages = None
        self._token = None
        if self.done and not self.follow:
            self.done = False

    def forget_rejected(self) -> None:
        for event_id, timestamp in self.rejected.items():
            self.ids.discard(event_id, timestamp)
        self.rejected = RecentIds()

    def advance_cursor(self, server_ms: int) -> None:
        """Something else (Live Tail) saw everything up to `server_ms`."""
        if server_ms > self.cursor_ms:
            self.cursor_ms = server_ms

    def poll(self, client: Any, pattern: str, budget: RequestBudget, local_ms: int) -> PollResult:
        """One FilterLogEvents request (the caller has already taken a budget slot)."""
        if self._pages is None:
            if self._token is None:  # a new cycle; otherwise resuming after an error
                self.cycle_started_ms = local_ms
                self._query_start = self._next_query_start()
                self.ids.forget_before(self._query_start)
                self.rejected.forget_before(self._query_start)
            self._pages = self._page_source(
                client,
                self.group,
                start_ms=self._query_start,
                pattern=pattern,
                next_token=self._token,
                limit=self.page_size,
            )
        self.requests += 1
        try:
            page = next(self._pages)
        except StopIteration:
            page = LogPage([], None)
        except Exception as exc:  # noqa: BLE001 - every failure is classified, none ends the tail
            self._pages = None
            return self._failed(exc, budget)
        budget.on_success()
        self.error = None
        self._failures = 0
        return self._took(page, local_ms)

    def _took(self, page: LogPage, local_ms: int) -> PollResult:
        fresh: list[LogEvent] = []
        add = self.ids.add
        for event in page.events:
            if add(event.event_id, event.timestamp):
                fresh.append(event)
        self.duplicates += len(page.events) - len(fresh)
        self.clock.observe(page.events, local_ms)
        if page.events:
            # Pages come in timestamp order: everything up to the last one is in hand (when
            # following, except what is still inside the visibility window).
            progress = page.events[-1].timestamp
            if self.follow:
                progress = min(progress, self.clock.ordering_time(local_ms) - self.window_ms)
            self.watermark_ms = max(self.watermark_ms, progress)
        if page.next_token:
            self._token = page.next_token
            return PollResult(fresh, 0.0)
        self._token = None
        self._pages = None
        self.cycles += 1
        if not self.follow:
            self.done = True
            self.watermark_ms = FAR_FUTURE_MS
            return PollResult(fresh, 0.0, cycle_done=True)
        self.cursor_ms = max(self.cursor_ms, self.clock.cursor_time(self.cycle_started_ms))
        self.watermark_ms = max(
            self.watermark_ms, self.clock.ordering_time(self.cycle_started_ms) - self.window_ms
        )
        return PollResult(fresh, self.poll_interval, cycle_done=True)

    def _failed(self, exc: BaseException, budget: RequestBudget) -> PollResult:
        code = error_code(exc)
        if code in THROTTLED:
            budget.on_throttle()
            return PollResult([], 0.0)  # same token again; the budget holds everyone back
        error = describe(exc)
        if isinstance(exc, PaginationError) or (
            code == "InvalidParameterException" and "token" in error.message.lower()
        ):
            self._token = None  # the token went stale: start the cycle again, repeats dropped
            return PollResult([], 0.0)
        self.error = error
        if error.kind == "not-found":
            return self._give_up_or_retry(MISSING_RETRY)
        if error.kind in ("access-denied", "credentials"):
            return self._give_up_or_retry(DENIED_RETRY)
        if error.kind == "invalid" and isinstance(exc, ClientError):
            self.done = True  # the service rejects the query itself: asking again cannot help
            self.watermark_ms = FAR_FUTURE_MS
            return PollResult([], 0.0)
        self._failures += 1
        if not self.follow and self._failures >= ONCE_MAX_FAILURES:
            return self._give_up_or_retry(0.0)
        ceiling = min(MAX_TRANSIENT_BACKOFF, 2.0 ** (self._failures - 1))
        return PollResult([], ceiling / 2 + self._rng.random() * ceiling / 2)

    def _give_up_or_retry(self, delay: float) -> PollResult:
        if not self.follow:
            self.done = True
            self.watermark_ms = FAR_FUTURE_MS
            return PollResult([], 0.0)
        return PollResult([], delay)

    @property
    def holds_order(self) -> bool:
        """Whether this group's watermark should hold other groups' events back: a group
        that is failing (missing, denied, erroring) must not stall everyone else."""
        return not self.done and self.error is None
