"""`Tail`: follow log groups in background threads and hand out ordered, de-duplicated batches.

This is the engine API the UI and `stackview logs` use. It owns the threads; the logic lives in
`TailEngine` (engine.py), which tests drive without threads.

Threads (all daemons, all stopped by `stop()`):
- `workers` fetch threads (default: one per group, at most 3): each takes the group that is due
  soonest, waits for a slot of the shared `RequestBudget`, makes one FilterLogEvents request.
- one delivery thread: releases ordered events every 100 ms (or as soon as some arrive), appends
  them to `buffer` if one was given, then hands the batch out, and starts Live Tail when due.
- one Live Tail thread while a session runs (reconnects, falls back to polling).

Handing out, pick one:
- `on_batch(events)`: called on the delivery thread, in order, one batch at a time. The UI passes
  a function that posts a message (never touch widgets there). If it raises, the tail stops and
  the exception is kept in `Tail.error`.
- no `on_batch`: batches wait in a bounded queue, read with `for batch in tail.batches():`
  (ends when a one-shot tail is complete or the tail is stopped). A slow reader holds the
  fetchers back instead of growing memory.
"""

from __future__ import annotations

import queue
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from stackview.aws.errors import describe
from stackview.aws.log_sources import LogSource
from stackview.aws.logs import MAX_PAGE_EVENTS, live_tail_client, log_group_arns, logs_client
from stackview.logs.budget import DEFAULT_RATE, RequestBudget
from stackview.logs.buffer import EventBuffer
from stackview.logs.engine import DEFAULT_WINDOW_MS, TailEngine
from stackview.logs.livetail import DEADLINE, ENDED, FAILED, STOPPED, TIMEOUT, LiveTailSession, LiveUpdate
from stackview.logs.poller import DEFAULT_OVERLAP_MS, DEFAULT_POLL_INTERVAL
from stackview.models import LogEvent

RATE_WINDOW_S = 5.0
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


class Tail:
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
        window_ms: int = DEFAULT_WINDOW_MS,
        poll_interval: float = DEFAULT_POLL_INTERVAL,
        page_size: int = MAX_PAGE_EVENTS,
        workers: int | None = None,
        client: Any = None,
        live_client: Any = None,
        queue_size: int = 64,
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
            window_ms=window_ms,
            poll_interval=poll_interval,
            page_size=page_size,
            live=live_tail,
        )
        self._live_client = live_client
        self.buffer = buffer
        self.on_batch = on_batch
        self.error: BaseException | None = None
        self._queue: queue.Queue[list[LogEvent] | None] = queue.Queue(maxsize=queue_size)
        self._workers = workers or min(len(self.engine.pollers), 3)
        self._threads: list[threading.Thread] = []
        self._live_thread: threading.Thread | None = None
        self._live_session: LiveTailSession | None = None
        self._live_close_reason = ""
        self._rate: deque[tuple[float, int]] = deque()
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
        try:
            self._queue.put_nowait(_END)
        except queue.Full:
            pass
        deadline = time.monotonic() + timeout
        for thread in self._threads + ([self._live_thread] if self._live_thread else []):
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
        a Live Tail session is reopened with the new pattern, and nothing delivered before is
        delivered again. The buffer is kept: the view re-filters it locally."""
        matcher = compile_filter(pattern)
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
            poller, wait = engine.next_job()
            if poller is None:
                if engine.polling_done:
                    return
                with engine.changed:
                    engine.changed.wait(min(wait, 0.5))
                continue
            engine.run_job(poller)

    def _delivery_loop(self) -> None:
        engine = self.engine
        try:
            while not self._stop.is_set():
                with engine.changed:
                    engine.changed.wait(0.1)
                batch = engine.release()
                if batch:
                    self._deliver(batch)
                if engine.finished:
                    break
                if self._live_thread is None and engine.live_wanted():
                    self._live_thread = threading.Thread(
                        target=self._live_loop, name="tail-live", daemon=True
                    )
                    self._live_thread.start()
        except BaseException as exc:  # noqa: BLE001 - the consumer's failure stops the tail
            self.error = exc
            self._stop.set()
        finally:
            self._done.set()
            self._put(_END)

    def _deliver(self, batch: list[LogEvent]) -> None:
        if self.buffer is not None:
            self.buffer.append_batch(batch)
        self._rate.append((time.monotonic(), len(batch)))
        while self._rate and time.monotonic() - self._rate[0][0] > RATE_WINDOW_S:
            self._rate.popleft()
        if self.on_batch is not None:
            self.on_batch(batch)
        else:
            self._put(batch)

    def _put(self, item: list[LogEvent] | None) -> None:
        while not self._stop.is_set() or item is _END:
            try:
                self._queue.put(item, timeout=0.25)
                return
            except queue.Full:
                if item is _END and self._stop.is_set():
                    return

    # -- Live Tail --------------------------------------------------------------------------

    def _close_live(self, reason: str) -> None:
        session = self._live_session
        if session is not None:
            self._live_close_reason = reason
            session.close()

    def _live_loop(self) -> None:
        engine = self.engine
        try:
            arns = log_group_arns(self.session, engine.live_groups())
            client = self._live_client or live_tail_client(self.session)
        except Exception as exc:  # noqa: BLE001 - no Live Tail then; polling goes on
            engine.on_live_ended(give_up=True, note=describe(exc).one_line())
            return
        if not arns:
            engine.on_live_ended(give_up=True, note="no log group to live-tail yet")
            return
        failures = 0
        while not self._stop.is_set() and engine.live_possible:
            self._live_close_reason = ""
            session = LiveTailSession(client, arns, engine.pattern)
            self._live_session = session
            end = session.run(
                on_start=lambda: engine.on_live_started(list(arns)),
                on_update=lambda update: self._on_live_update(session, update),
            )
            self._live_session = None
            reason = self._live_close_reason if end.reason == STOPPED else end.reason
            if reason == "stop" or self._stop.is_set():
                engine.on_live_ended(give_up=False)
                return
            if reason in ("filter", TIMEOUT, DEADLINE):
                engine.on_live_ended(give_up=False)
                failures = 0
                continue
            if reason == "sampled":
                note = "Live Tail was sampling; polling instead so that nothing is missed"
                engine.on_live_ended(give_up=True, note=note)
                return
            if reason == FAILED:
                failures += 1
                note = f"Live Tail interrupted ({end.error.one_line() if end.error else 'network'}); polling"
                engine.on_live_ended(give_up=False, note=note)
                if self._stop.wait(min(60.0, 5.0 * 2 ** (failures - 1))):
                    return
                continue
            note = (
                "the endpoint's Live Tail is not a live stream; polling"
                if reason == ENDED
                else f"Live Tail unavailable ({end.error.one_line() if end.error else reason}); polling"
            )
            engine.on_live_ended(give_up=True, note=note)
            return

    def _on_live_update(self, session: LiveTailSession, update: LiveUpdate) -> None:
        self.engine.on_live_update(update)
        if update.sampled:
            self._live_close_reason = "sampled"
            session.close()
