"""The queries of the demo world's Logs Insights: their lifecycle, their workers and their quota.

A started query is Scheduled until one of a few worker threads takes it, Running while it
scans (GetQueryResults then shows the statistics so far), and Complete, Failed or Cancelled
(StopQuery) at the end. An account may have at most MAX_CONCURRENT queries Scheduled or Running
at once, beyond which StartQuery is refused with LimitExceededException, as on AWS; finished
queries are kept (the last KEPT per account) for GetQueryResults and DescribeQueries.

Pure: the events come from `source(account, region, groups, start_ms, end_ms)`, newest first,
which the server reads from moto's backend and tests from a list.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, Callable

from stackview.demo.server.insights import engine
from stackview.demo.server.insights.fields import Event
from stackview.demo.server.insights.nodes import Query
from stackview.demo.server.insights.parser import parse_query

#: AWS's quota of concurrent Logs Insights queries per account has been 30 for years (the
#: service now documents 100 for its own query language); the demo keeps the stricter figure.
MAX_CONCURRENT = 30
KEPT = 1000
WORKERS = 2
RUNNING = ("Scheduled", "Running")

Source = Callable[[str, str, tuple[str, ...], int, int], list[Event]]
log = logging.getLogger(__name__)


class TooManyQueries(Exception):
    """The account already has MAX_CONCURRENT queries scheduled or running."""


@dataclass
class QueryRun:
    """One query: what was asked, where it stands, what it found."""

    query_id: str
    account: str
    region: str
    text: str
    parsed: Query
    groups: tuple[str, ...]
    start_ms: int
    end_ms: int
    limit: int
    created_ms: int
    status: str = "Scheduled"
    progress: engine.Progress = field(default_factory=engine.Progress)
    rows: list[list[tuple[str, str]]] = field(default_factory=list)
    finished_ms: int | None = None
    scanning: bool = False


class QueryService:
    """Starts, runs, stops and remembers the queries of every account of the demo world."""

    def __init__(self, source: Source, *, rate: float = 0.0, workers: int = WORKERS,
                 max_concurrent: int = MAX_CONCURRENT, clock: Callable[[], float] = time.time) -> None:
        self.source = source
        self.rate = rate
        self.max_concurrent = max_concurrent
        self.clock = clock
        self._lock = threading.Lock()
        self._queries: OrderedDict[str, QueryRun] = OrderedDict()
        self._pending: queue.Queue[QueryRun | None] = queue.Queue()
        self._workers = [threading.Thread(target=self._work, daemon=True, name=f"insights-{n}")
                         for n in range(workers)]
        for worker in self._workers:
            worker.start()

    def close(self) -> None:
        for _ in self._workers:
            self._pending.put(None)

    def start(self, account: str, region: str, text: str, groups: tuple[str, ...], start_ms: int,
              end_ms: int, limit: int = engine.DEFAULT_LIMIT) -> str:
        """Schedule a query; raises parser.QueryError (malformed) or TooManyQueries."""
        parsed = parse_query(text)
        with self._lock:
            active = sum(1 for run in self._queries.values()
                         if run.account == account and run.status in RUNNING)
            if active >= self.max_concurrent:
                raise TooManyQueries(
                    f"Account maximum query concurrency limit of [{self.max_concurrent}] reached. "
                    "Try again when a query is complete or use StopQuery.")
            run = QueryRun(str(uuid.uuid4()), account, region, text, parsed, groups, start_ms,
                           end_ms, limit, int(self.clock() * 1000))
            self._queries[run.query_id] = run
            self._forget_old(account)
        self._pending.put(run)
        return run.query_id

    def get(self, account: str, query_id: str) -> QueryRun | None:
        with self._lock:
            run = self._queries.get(query_id)
        return run if run is not None and run.account == account else None

    def stop(self, run: QueryRun) -> bool:
        """Cancel a scheduled or running query; False when it had already ended."""
        with self._lock:
            if run.status not in RUNNING:
                return False
            run.status = "Cancelled"
            run.finished_ms = int(self.clock() * 1000)
        run.progress.stop.set()
        return True

    def listed(self, account: str, region: str) -> list[QueryRun]:
        """The account's queries in a region, newest first."""
        with self._lock:
            runs = [run for run in self._queries.values()
                    if run.account == account and run.region == region]
        return runs[::-1]

    def statistics(self, run: QueryRun) -> dict[str, float]:
        progress = run.progress
        scanned = len(run.groups) if run.scanning or run.status not in RUNNING else 0
        figures = {"recordsMatched": progress.records_matched,
                   "recordsScanned": progress.records_scanned,
                   "estimatedRecordsSkipped": 0, "bytesScanned": progress.bytes_scanned,
                   "estimatedBytesSkipped": 0, "logGroupsScanned": scanned}
        if run.status == "Complete":
            figures["resultCount"] = len(run.rows)
        return {name: float(value) for name, value in figures.items()}

    # -- the workers ----------------------------------------------------------------------

    def _work(self) -> None:
        while True:
            run = self._pending.get()
            if run is None:
                return
            with self._lock:
                if run.status != "Scheduled":  # stopped before it started
                    continue
                run.status = "Running"
            try:
                run.scanning = True
                events = self.source(run.account, run.region, run.groups, run.start_ms, run.end_ms)
                rows = engine.run(run.parsed, events, limit=run.limit, progress=run.progress,
                                  rate=self.rate)
                outcome = "Complete"
            except engine.Cancelled:
                rows, outcome = [], "Cancelled"
            except Exception:  # noqa: BLE001 - a query fails, the server goes on
                log.exception("Logs Insights query %s failed", run.query_id)
                rows, outcome = [], "Failed"
            with self._lock:
                if run.status == "Running":
                    run.rows, run.status = rows, outcome
                    run.finished_ms = int(self.clock() * 1000)

    def _forget_old(self, account: str) -> None:
        """Keep the last KEPT finished queries of the account (called with the lock held)."""
        finished = [key for key, run in self._queries.items()
                    if run.account == account and run.status not in RUNNING]
        for key in finished[:max(0, len(finished) - KEPT)]:
            del self._queries[key]


def info(run: QueryRun) -> dict[str, Any]:
    """The QueryInfo of DescribeQueries."""
    described: dict[str, Any] = {"queryLanguage": "CWLI", "queryId": run.query_id,
                                 "queryString": run.text, "status": run.status,
                                 "createTime": run.created_ms, "logGroupName": run.groups[0]}
    if run.finished_ms is not None:
        described["queryDuration"] = run.finished_ms - run.created_ms
        described["bytesScanned"] = float(run.progress.bytes_scanned)
    return described
