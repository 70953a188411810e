"""Running one Logs Insights query to its end: queued, started, polled, cancellable.

Only a few queries may run at once in an account (StartQuery answers LimitExceededException
beyond that), and every other tool of the account shares the allowance. So a query first waits
for one of this process's slots (`QueryQueue`: at most a few at once, however many screens ask),
then starts; a LimitExceededException puts it back to waiting, with a growing pause, instead of
failing. Once started it is polled (GetQueryResults) until it is finished; each answer updates
`progress`, which another thread may read at any time (the UI draws it from a timer: records
matched and scanned, bytes scanned, rows so far). `cancel()` from any thread, or Ctrl+C in the
thread running it, stops the query with StopQuery so that it stops costing money and a slot.

Blocking by design: the UI calls `run()` through `run_in_thread`, the CLI in its main thread.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from stackview.aws.errors import AwsError, UserError, error_code
from stackview.aws.insights import describe_queries, is_limit_exceeded, query_results, start_query, stop_query
from stackview.aws.logs import log_group_arns
from stackview.aws.session import AwsSession
from stackview.models.insights import CANCELLED, QueryResults, QueryStatistics

#: Queries this process runs at once (the account allows more, shared with everyone else).
DEFAULT_SLOTS = 4
POLL_SECONDS = 1.0
FIRST_POLL_SECONDS = 0.2  # small queries are done at once: do not make them wait a full second
RETRY_SECONDS = (1.0, 2.0, 4.0, 8.0, 15.0)  # pauses after LimitExceededException, then the last

QUEUED, STARTING = "Queued", "Starting"


class QueryQueue:
    """At most `slots` queries of this process at once; the others wait their turn."""

    def __init__(self, slots: int = DEFAULT_SLOTS) -> None:
        self.slots = slots
        self._free = threading.BoundedSemaphore(slots)

    def acquire(self, cancelled: threading.Event, wait_s: float = 0.2) -> bool:
        """Wait for a slot; False if `cancelled` was set first."""
        while not cancelled.is_set():
            if self._free.acquire(timeout=wait_s):
                return True
        return False

    def release(self) -> None:
        self._free.release()


#: The queue every query of this process goes through unless it is given its own.
SHARED_QUEUE = QueryQueue()


@dataclass(frozen=True)
class QueryProgress:
    """Where a query stands, for a status line: its state (Queued, Starting, then the statuses
    GetQueryResults answers), what it has scanned, how many rows it has so far."""

    state: str = QUEUED
    query_id: str | None = None
    statistics: QueryStatistics = field(default_factory=QueryStatistics)
    rows: int = 0
    elapsed_s: float = 0.0
    note: str = ""


class QueryRun:
    """One query, run by `run()` in one thread; `progress` and `cancel()` from any thread."""

    def __init__(self, session: AwsSession, groups: Sequence[str], start_s: int, end_s: int, query: str, *,
                 limit: int | None = None, queue: QueryQueue | None = None, poll_s: float = POLL_SECONDS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.session = session
        self.groups = list(groups)
        self.start_s, self.end_s = start_s, end_s
        self.query = query
        self.limit = limit
        self.queue = queue or SHARED_QUEUE
        self.poll_s = poll_s
        self._clock = clock
        self._cancelled = threading.Event()
        self._lock = threading.Lock()
        self._progress = QueryProgress()
        self._began = clock()
        #: Groups left out because they do not exist (a function never invoked has none yet).
        self.missing: list[str] = []
        self._groups_checked = False

    @property
    def progress(self) -> QueryProgress:
        with self._lock:
            return self._progress

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def cancel(self) -> None:
        """Stop the query (StopQuery is sent by the thread running it, at its next step)."""
        self._cancelled.set()

    def _update(self, **changes: object) -> None:
        with self._lock:
            self._progress = replace(self._progress, elapsed_s=self._clock() - self._began, **changes)

    def run(self) -> QueryResults:
        """Queue, start, poll to the end. Returns the final results (status Cancelled after
        `cancel()`, with whatever rows AWS kept). Raises MalformedQuery, and botocore errors."""
        if not self.queue.acquire(self._cancelled):
            return self._ended_before_start()
        try:
            query_id = self._start()
            if query_id is None:
                return self._ended_before_start()
            return self._poll(query_id)
        finally:
            self.queue.release()

    def _ended_before_start(self) -> QueryResults:
        self._update(state=CANCELLED, note="cancelled before it started")
        return QueryResults(CANCELLED)

    def _start(self) -> str | None:
        attempt = 0
        while not self._cancelled.is_set():
            self._update(state=STARTING)
            try:
                query_id = start_query(self.session, self.groups, self.start_s, self.end_s, self.query,
                                       limit=self.limit)
            except Exception as exc:
                if error_code(exc) == "ResourceNotFoundException" and not self._groups_checked:
                    self._leave_out_missing_groups()
                    continue
                if not is_limit_exceeded(exc):
                    raise
                pause = RETRY_SECONDS[min(attempt, len(RETRY_SECONDS) - 1)]
                attempt += 1
                self._update(state=QUEUED, note=self._queued_note())
                self._cancelled.wait(pause)
                continue
            self._update(state="Scheduled", query_id=query_id, note="")
            return query_id
        return None

    def _queued_note(self) -> str:
        """Why the query waits, with how many queries run in the account (DescribeQueries) when
        that can be read."""
        try:
            running = len(describe_queries(self.session, status="Running"))
        except Exception:  # noqa: BLE001 - the count is a courtesy; the wait goes on without it
            running = 0
        if running:
            return f"the account runs {running} queries, as many as it may: waiting for one to end"
        return "the account runs as many queries as it may: waiting for one to end"

    def _leave_out_missing_groups(self) -> None:
        """StartQuery refuses the whole query when one group does not exist: query the others,
        and say which were left out (raises when none exists)."""
        self._groups_checked = True
        existing = log_group_arns(self.session, self.groups)
        self.missing = [group for group in self.groups if group not in existing]
        self.groups = [group for group in self.groups if group in existing]
        if not self.groups:
            raise AwsError(UserError("none of the log groups exists yet (a function that never ran has none)",
                                     kind="not-found"))

    def _poll(self, query_id: str) -> QueryResults:
        wait = FIRST_POLL_SECONDS
        try:
            while True:
                if self._cancelled.wait(wait):
                    return self._stop(query_id)
                wait = self.poll_s
                results = query_results(self.session, query_id)
                self._update(state=results.status, statistics=results.statistics, rows=len(results.rows))
                if results.finished:
                    return results
        except BaseException:
            # Ctrl+C (KeyboardInterrupt in this thread) or a failed poll: do not leave the query
            # running in the account.
            self._stop_quietly(query_id)
            raise

    def _stop(self, query_id: str) -> QueryResults:
        stop_query(self.session, query_id)
        results = query_results(self.session, query_id)
        status = results.status if results.finished else CANCELLED
        self._update(state=status, statistics=results.statistics, rows=len(results.rows))
        return replace(results, status=status)

    def _stop_quietly(self, query_id: str) -> None:
        try:
            stop_query(self.session, query_id)
        except Exception:  # noqa: BLE001 - already failing: the first error is the one to report
            pass
