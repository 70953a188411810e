"""The Live Tail side of one tail: which groups each session covers and what each has seen.

StartLiveTail takes at most 10 log groups, so a tail of more groups opens several sessions, each
over its own 10 (a 200-function stack: 20 sessions, each group's events streamed within about a
second instead of waiting for a poll of 200 groups under a 4-requests-per-second budget). How
many sessions an account may hold open at once is a service quota; a session the service refuses
leaves its groups to polling, and the others go on.

Per session: when it starts, each of its groups polls one more cycle begun from then on (closing
the gap between its last poll and the session), then pauses. While the session is healthy (not
sampled) it advances those groups' cursors; a sampled update does not, so the polling that
resumes after it recovers what was left out. The engine's lock is held by every method here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from stackview.logs.livetail import MAX_LIVE_GROUPS, LiveUpdate
from stackview.logs.poller import GroupPoller
from stackview.logs.scan import Scan

LIVE_SLACK_MS = 5_000  # how far behind a live update the pollers' cursors are put
LIVE_STALE_MS = 10_000  # events ingested this long before the session began are a replay
MAX_LIVE_SESSIONS = 20  # sessions one tail opens at most (200 groups); the rest is polled


@dataclass
class Session:
    groups: list[str]
    active: bool = False
    possible: bool = True
    sampled: bool = False
    started_ms: int = 0  # server time (lower bound) when it began
    watermark_ms: int = 0
    pause_after: dict[str, int] = field(default_factory=dict)  # group -> local ms


class LiveSessions:
    def __init__(self, engine: Any, groups: list[str], *, enabled: bool) -> None:
        """`engine` is the `TailEngine` this belongs to (its lock, pollers, clock, `_admit`)."""
        self.engine = engine
        chunks = [groups[i : i + MAX_LIVE_GROUPS] for i in range(0, len(groups), MAX_LIVE_GROUPS)]
        self.sessions = [Session(chunk) for chunk in chunks[:MAX_LIVE_SESSIONS]] if enabled else []
        self.note = "" if enabled else "off"
        self.replayed = 0
        self.filtered_out = 0

    # -- state -------------------------------------------------------------------------------
    @property
    def possible(self) -> bool:
        return any(s.possible for s in self.sessions)

    @property
    def active(self) -> bool:
        return any(s.active for s in self.sessions)

    @property
    def sampled(self) -> bool:
        return any(s.sampled for s in self.sessions)

    def groups(self, index: int = 0) -> list[str]:
        return list(self.sessions[index].groups) if index < len(self.sessions) else []

    def wanted(self) -> list[int]:
        """Sessions that should be opened now (their groups' history is in hand)."""
        pollers = self.engine.pollers
        with self.engine.lock:
            return [
                index for index, s in enumerate(self.sessions)
                if s.possible and not s.active
                and all(pollers[g].cycles > 0 or pollers[g].error is not None for g in s.groups)
            ]

    def _session(self, groups: Sequence[str] = (), index: int | None = None) -> Session | None:
        if index is not None:
            return self.sessions[index] if index < len(self.sessions) else None
        for session in self.sessions:
            if not groups or groups[0] in session.groups:
                return session
        return None

    def watermarks(self) -> list[int]:
        """What active sessions vouch for, for groups they paused (strict delivery)."""
        pollers = self.engine.pollers
        return [s.watermark_ms for s in self.sessions
                if s.active and any(pollers[g].paused for g in s.groups)]

    # -- events from the session thread --------------------------------------------------------
    def started(self, groups: Sequence[str], index: int | None = None) -> None:
        engine = self.engine
        with engine.lock:
            session = self._session(groups, index)
            if session is None:
                return
            local = engine.wall_ms()
            session.active = True
            self.note = ""
            session.started_ms = engine.server_clock.cursor_time(local)
            session.watermark_ms = engine.server_clock.ordering_time(local) - engine.window_ms
            for group in groups:
                poller = engine.pollers.get(group)
                if poller is not None and group in session.groups:
                    session.pause_after[group] = local
                    if poller.cycle is None:
                        poller.next_cycle_at = 0.0
            engine.changed.notify_all()

    def cycle_done(self, poller: GroupPoller, scan: Scan) -> None:
        """A poll cycle ended: pause its group if it began after its session started."""
        for session in self.sessions:
            begun = session.pause_after.get(poller.group)
            if begun is not None and scan.started_local_ms is not None and scan.started_local_ms >= begun:
                poller.paused = True
                del session.pause_after[poller.group]

    def update(self, update: LiveUpdate, index: int | None = None) -> None:
        engine = self.engine
        with engine.lock:
            own = engine._own(update.events)
            session = self._session([e.log_group for e in own][:1], index)
            engine.foreign += update.foreign
            if session is None:
                return
            local = engine.wall_ms()
            stale = session.started_ms - LIVE_STALE_MS
            pollers = engine.pollers
            # A replay (moto answers with a snapshot of stored events) of an event ingested
            # just before the session began, stamped before the oldest time polling still
            # queries, cannot be paired with its polled copy any more (that memory is gone):
            # it is an old event, and AWS never streams what was ingested before the session.
            fresh = [
                e for e in own
                if e.ingestion_time >= stale
                and not (e.ingestion_time < session.started_ms and e.timestamp < pollers[e.log_group].floor_ms)
            ]
            self.replayed += len(own) - len(fresh)
            engine.server_clock.observe(fresh, local)
            matcher = engine.matcher
            if matcher is not None and fresh:
                keep = set(matcher.filter([e.message for e in fresh]))
                self.filtered_out += len(fresh) - len(keep)
                fresh = [e for i, e in enumerate(fresh) if i in keep]
            engine._admit(fresh, "live")
            if update.sampled:
                session.sampled = True
            else:
                session.watermark_ms = max(session.watermark_ms,
                                           engine.server_clock.ordering_time(local) - engine.window_ms)
                covered = engine.server_clock.cursor_time(local) - LIVE_SLACK_MS
                for group in session.groups:
                    if pollers[group].paused:
                        pollers[group].advance_cursor(covered)
            engine.changed.notify_all()

    def ended(self, *, give_up: bool, note: str = "", session: int | None = None) -> None:
        """The session is over: its groups poll again at once from their cursors."""
        engine = self.engine
        with engine.lock:
            chosen = [self.sessions[session]] if session is not None else list(self.sessions)
            for s in chosen:
                s.active = False
                if give_up:
                    s.possible = False
                s.pause_after.clear()
                for group in s.groups:
                    poller = engine.pollers[group]
                    poller.paused = False
                    poller.sweep_next = True  # whatever the session missed
                    if poller.cycle is None:
                        poller.next_cycle_at = 0.0
            self.note = note
            engine.changed.notify_all()

