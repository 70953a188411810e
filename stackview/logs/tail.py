"""`Tail`: follow log groups in background threads and hand out ordered, de-duplicated batches.

This is the engine API the UI and `stackview logs` use. It owns the threads; the logic lives in
`TailEngine` (engine.py), which tests drive without threads.

Threads (all daemons, all stopped by `stop()`):
- `workers` fetch threads (default 4: pieces of a long history are fetched side by side): each
  takes the most urgent request (see engine.py), waits for a slot of the shared
  `RequestBudget`, makes one FilterLogEvents request.
- one delivery thread: releases ordered events as soon as some may leave (at least every
  100 ms), adds them to `buffer` if one was given, then hands the batch out, and starts Live Tail
  sessions when due.
- one Live Tail thread per session while it runs (reconnects, falls back to polling).

Handing out, pick one:
- `on_batch(events)`: called on the delivery thread, one batch at a time. The UI passes a
  function that posts a message (never touch widgets there). If it raises, the tail stops and
  the exception is kept in `Tail.error`.
- no `on_batch`: batches wait in a queue bounded by a number of *events* (not batches: a page
  holds up to 10,000), read with `for batch in tail.batches():` (ends when a one-shot tail is
  complete or the tail is stopped). A slow reader holds the fetchers back instead of growing
  memory: with the engine's `max_held`, memory is bounded whatever the window's size.

With `merge=True` (a consumer that keeps events in order itself, such as `buffer`), events leave
as soon as their group has them and a filter change back-fills what the old pattern left out:
those batches can be older than batches already handed out, and `EventBuffer.add` puts them in
place. Back-fill batches are merged at most every `MERGE_EVERY` seconds, so a view re-indexes a
few times a second at most however many pages a back-fill takes.
"""

from __future__ import annotations

import queue
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from stackview.aws.log_sources import LogSource
from stackview.aws.logs import MAX_PAGE_EVENTS, logs_client
from stackview.logs.batch_queue import EventQueue
from stackview.logs.budget import DEFAULT_RATE, RequestBudget
from stackview.logs.buffer import EventBuffer
from stackview.logs.engine import DEFAULT_MAX_HELD, DEFAULT_WINDOW_MS, TailEngine
from stackview.logs.live_runner import LiveRunner
from stackview.logs.livetail import LiveTailSession
from stackview.logs.order import ORDER_KEY
from stackview.logs.poller import DEFAULT_OVERLAP_MS, DEFAULT_POLL_INTERVAL, SWEEP_EVERY_MS
from stackview.models import LogEvent

RATE_WINDOW_S = 5.0
DEFAULT_WORKERS = 4
DEFAULT_QUEUE_EVENTS = 10_000
QUEUE_CHUNK = 2_000  # events per batch handed to a reader (a release can hold a whole page or more)
MERGE_EVERY = 0.5
_END = None


def compile_filter(pattern: str) -> Any:
    """The local matcher for `pattern` (None for an empty pattern). Raises FilterPatternError."""
    if not pattern.strip():
        return None
    from stackview.logs.filter_pattern import compile_pattern

    return compile_pattern(pattern)


@dataclass(frozen=True)
class TailStats:
    """A snapshot of what the tail is doing, for a status line."""

    mode: str  # "polling" or "live tail"
    sampled: bool  # Live Tail reported sampling (some events were not streamed)
    events_per_s: float
    delivered: int
    dropped: int  # pushed out of the buffer (0 without a buffer)
    duplicates: int  # repeats removed (overlap re-reads)
    late: int  # delivered after later events had already gone out
    filtered_out: int  # fetched but not matching the local filter
    requests: int
    throttled: int
    backoff: float  # seconds the shared budget is currently backing off
    group_errors: dict[str, str] = field(default_factory=dict)
    live_note: str = ""  # why Live Tail is not used, when it is not
    finished: bool = False
    foreign: int = 0  # events of groups not followed that a source handed in, dropped
    backfilling: bool = False  # a filter change's back-fill is under way
    gaps: int = 0  # stretches that could not be fetched (each shown as a gap line)


class Tail(LiveRunner):
    """Follow (or read once) a set of log groups. See the module docstring for threading."""

    def __init__(
        self,
        session: Any,
        sources: Sequence[LogSource | str],
        *,
        start_ms: int,
        pattern: str = "",
        follow: bool = False,
        rate: float = DEFAULT_RATE,
        budget: RequestBudget | None = None,
        on_batch: Callable[[list[LogEvent]], object] | None = None,
        buffer: EventBuffer | None = None,
        live_tail: bool = True,
        overlap_ms: int = DEFAULT_OVERLAP_MS,
        sweep_every_ms: int = SWEEP_EVERY_MS,
        window_ms: int = DEFAULT_WINDOW_MS,
        poll_interval: float = DEFAULT_POLL_INTERVAL,
        page_size: int = MAX_PAGE_EVENTS,
        workers: int | None = None,
        client: Any = None,
        live_client: Any = None,
        queue_events: int = DEFAULT_QUEUE_EVENTS,
        merge: bool = False,
        max_held: int = DEFAULT_MAX_HELD,
    ) -> None:
        groups = [s.log_group if isinstance(s, LogSource) else s for s in sources]
        matcher = compile_filter(pattern)  # an invalid pattern fails here, before any request
        self._stop = threading.Event()
        self.session = session
        self.budget = budget or RequestBudget(rate, sleep=self._stop.wait)
        self.engine = TailEngine(
            client if client is not None else logs_client(session),
            groups,
            start_ms=start_ms,
            follow=follow,
            budget=self.budget,
            clock=time.monotonic,
            wall_ms=lambda: int(time.time() * 1000),
            pattern=pattern.strip(),
            matcher=matcher,
            overlap_ms=overlap_ms,
            sweep_every_ms=sweep_every_ms,
            window_ms=window_ms,
            poll_interval=poll_interval,
            page_size=page_size,
            live=live_tail,
            merge=merge,
            max_held=max_held,
        )
        self._live_client = live_client
        self.buffer = buffer
        if buffer is not None:
            buffer.set_keep(matcher)
        self.on_batch = on_batch
        self.error: BaseException | None = None
        self._queue = EventQueue(queue_events)
        self._workers = workers or DEFAULT_WORKERS
        self._threads: list[threading.Thread] = []
        self._live_threads: dict[int, threading.Thread] = {}
        self._live_sessions: dict[int, LiveTailSession] = {}
        self._live_close_reason: dict[int, str] = {}
        self._live_arns: dict[str, str] | None = None
        self._arns_lock = threading.Lock()
        self._rate: deque[tuple[float, int]] = deque()
        self._merge_pending: list[LogEvent] = []
        self._merged_at = 0.0
        self._done = threading.Event()

    # -- life cycle -------------------------------------------------------------------------

    def start(self) -> Tail:
        for n in range(self._workers):
            self._spawn(self._fetch_loop, f"tail-fetch-{n}")
        self._spawn(self._delivery_loop, "tail-deliver")
        return self

    def stop(self, timeout: float = 2.0) -> None:
        """Stop every thread (a request in flight is abandoned; its thread is a daemon)."""
        self._stop.set()
        self._close_live("stop")
        with self.engine.changed:
            self.engine.changed.notify_all()
        self._queue.put(_END, timeout=0)
        deadline = time.monotonic() + timeout
        for thread in self._threads + list(self._live_threads.values()):
            if thread is not threading.current_thread():
                thread.join(max(0.0, deadline - time.monotonic()))

    def wait(self, timeout: float | None = None) -> bool:
        """Block until a one-shot tail has delivered everything (or stopped)."""
        return self._done.wait(timeout)

    @property
    def running(self) -> bool:
        return not self._done.is_set()

    def set_filter(self, pattern: str) -> None:
        """Change the pattern: raises FilterPatternError and changes nothing if it is invalid;
        otherwise every group's server-side query restarts from its cursor (minus the overlap),
        Live Tail sessions are reopened with the new pattern, and nothing delivered before is
        delivered again. The buffer is kept: the view re-filters it locally, and with `merge`
        what the old pattern left out is fetched again and merged in (see coverage.py)."""
        matcher = compile_filter(pattern)
        if self.buffer is not None:
            self.buffer.set_keep(matcher)
        self.engine.set_pattern(pattern.strip(), matcher)
        self._close_live("filter")

    def batches(self, heartbeat: float | None = None) -> Iterator[list[LogEvent]]:
        """Batches in order, when no `on_batch` was given. Ends at the end of a one-shot tail
        (or when stopped). With `heartbeat`, an empty batch comes after that many idle seconds,
        so the reader can look at `stats()` while nothing arrives."""
        idle_since = time.monotonic()
        while True:
            try:
                batch = self._queue.get(timeout=0.25)
            except queue.Empty:
                if self._stop.is_set() and self._queue.empty():
                    return
                if heartbeat is not None and time.monotonic() - idle_since >= heartbeat:
                    idle_since = time.monotonic()
                    yield []
                continue
            idle_since = time.monotonic()
            if batch is _END:
                return
            yield batch

    def stats(self) -> TailStats:
        engine = self.engine
        now = time.monotonic()
        recent = [(t, n) for t, n in list(self._rate) if now - t <= RATE_WINDOW_S]
        span = max(1.0, now - recent[0][0]) if recent else 1.0
        with engine.lock:
            return TailStats(
                mode="live tail" if engine.live_active else "polling",
                sampled=engine.live_sampled,
                events_per_s=sum(n for _, n in recent) / span if recent else 0.0,
                delivered=engine.delivered,
                dropped=self.buffer.dropped if self.buffer is not None else 0,
                duplicates=engine.duplicates(),
                late=engine.reorder.late,
                filtered_out=engine.filtered_out,
                requests=sum(p.requests for p in engine.pollers.values()),
                throttled=self.budget.throttled,
                backoff=self.budget.backoff,
                group_errors={g: e.one_line() for g, e in engine.group_errors().items()},
                live_note=engine.live_note,
                finished=engine.finished,
                foreign=engine.foreign,
                backfilling=engine.backfilling or bool(self._merge_pending),
                gaps=engine.gaps,
            )

    # -- threads ----------------------------------------------------------------------------

    def _spawn(self, target: Callable[[], None], name: str) -> threading.Thread:
        thread = threading.Thread(target=target, name=name, daemon=True)
        self._threads.append(thread)
        thread.start()
        return thread

    def _fetch_loop(self) -> None:
        engine = self.engine
        while not self._stop.is_set():
            job, wait = engine.next_job()
            if job is None:
                if engine.polling_done:
                    return
                with engine.changed:
                    engine.changed.wait(min(wait, 0.5))
                continue
            engine.run_job(job)

    def _delivery_loop(self) -> None:
        engine = self.engine
        try:
            while not self._stop.is_set():
                with engine.changed:
                    engine.changed.wait(0.1)
                batch = engine.release()
                if batch:
                    self._deliver(batch)
                self._deliver_merges(engine)
                if engine.finished and not self._merge_pending:
                    break
                for index in engine.wanted_sessions():
                    thread = self._live_threads.get(index)
                    if thread is None:
                        thread = threading.Thread(target=self._live_loop, args=(index,),
                                                  name=f"tail-live-{index}", daemon=True)
                        self._live_threads[index] = thread
                        thread.start()
        except BaseException as exc:  # noqa: BLE001 - the consumer's failure stops the tail
            self.error = exc
            self._stop.set()
        finally:
            self._done.set()
            self._put(_END)

    def _deliver_merges(self, engine: TailEngine) -> None:
        self._merge_pending.extend(engine.release_merge())
        if not self._merge_pending:
            return
        now = time.monotonic()
        if now - self._merged_at < MERGE_EVERY and engine.backfilling and len(self._merge_pending) < 50_000:
            return
        batch, self._merge_pending = self._merge_pending, []
        self._merged_at = now
        batch.sort(key=ORDER_KEY)
        self._deliver(batch)

    def _deliver(self, batch: list[LogEvent]) -> None:
        if self.buffer is not None:
            evicted = self.buffer.add(batch)
            if evicted:
                self.engine.buffer_evicted(unmatched_upto=evicted.unmatched_upto,
                                           dropped_upto=evicted.dropped_upto)
        self._rate.append((time.monotonic(), len(batch)))
        while self._rate and time.monotonic() - self._rate[0][0] > RATE_WINDOW_S:
            self._rate.popleft()
        if self.on_batch is not None:
            self.on_batch(batch)
        else:
            for start in range(0, len(batch), QUEUE_CHUNK):
                self._put(batch[start : start + QUEUE_CHUNK])

    def _put(self, item: list[LogEvent] | None) -> None:
        while not self._stop.is_set() or item is _END:
            if self._queue.put(item, timeout=0.25):
                return
            if item is _END and self._stop.is_set():
                return
