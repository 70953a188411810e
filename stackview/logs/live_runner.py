"""The Live Tail threads of a `Tail`: one per session, each reconnecting or giving up.

A mixin of `Tail` (tail.py), kept apart because it is its own state machine: a session that ends
by AWS's 3-hour limit, our deadline or a filter change is reopened; a dropped one is retried
after a growing pause while polling covers; a sampled one, one the endpoint does not really
stream (moto answers with a snapshot) or one refused is given up for polling. Sessions and
their ARNs are looked up once (one DescribeLogGroups listing for all groups).
"""

from __future__ import annotations

import threading
from typing import Any

from stackview.aws.errors import describe
from stackview.aws.logs import live_tail_client, log_group_arns
from stackview.logs.livetail import DEADLINE, ENDED, FAILED, STOPPED, TIMEOUT, LiveTailSession, LiveUpdate


class LiveRunner:
    """Needs from its host: `engine`, `session`, `_stop`, `_live_client`, `_live_sessions`,
    `_live_close_reason`, `_live_arns`, `_arns_lock` (set by `Tail.__init__`)."""

    engine: Any
    session: Any
    _stop: threading.Event
    _live_client: Any
    _live_sessions: dict[int, LiveTailSession]
    _live_close_reason: dict[int, str]
    _live_arns: dict[str, str] | None
    _arns_lock: threading.Lock

    def _close_live(self, reason: str) -> None:
        for index, session in list(self._live_sessions.items()):
            self._live_close_reason[index] = reason
            session.close()

    def _arns(self) -> dict[str, str]:
        """Every followed group's ARN, read once (DescribeLogGroups) for all sessions."""
        with self._arns_lock:
            if self._live_arns is None:
                self._live_arns = log_group_arns(self.session, list(self.engine.pollers))
            return self._live_arns

    def _live_loop(self, index: int) -> None:
        engine = self.engine
        try:
            known = self._arns()
            client = self._live_client or live_tail_client(self.session)
        except Exception as exc:  # noqa: BLE001 - no Live Tail then; polling goes on
            engine.on_live_ended(give_up=True, note=describe(exc).one_line(), session=index)
            return
        groups = engine.live_groups(index)
        arns = {g: known[g] for g in groups if g in known}
        if not arns:
            engine.on_live_ended(give_up=True, note="no log group to live-tail yet", session=index)
            return
        failures = 0
        while not self._stop.is_set() and engine.live.sessions[index].possible:
            self._live_close_reason[index] = ""
            session = LiveTailSession(client, arns, engine.pattern)
            self._live_sessions[index] = session
            end = session.run(
                on_start=lambda: engine.on_live_started(list(arns), session=index),
                on_update=lambda update: self._on_live_update(session, update, index),
            )
            self._live_sessions.pop(index, None)
            closed = self._live_close_reason.get(index, "")
            reason = closed if end.reason == STOPPED else end.reason
            if reason == "stop" or self._stop.is_set():
                engine.on_live_ended(give_up=False, session=index)
                return
            if reason in ("filter", TIMEOUT, DEADLINE):
                engine.on_live_ended(give_up=False, session=index)
                failures = 0
                continue
            if reason == "sampled":
                note = "Live Tail was sampling; polling instead so that nothing is missed"
                engine.on_live_ended(give_up=True, note=note, session=index)
                return
            if reason == FAILED:
                failures += 1
                note = f"Live Tail interrupted ({end.error.one_line() if end.error else 'network'}); polling"
                engine.on_live_ended(give_up=False, note=note, session=index)
                if self._stop.wait(min(60.0, 5.0 * 2 ** (failures - 1))):
                    return
                continue
            note = (
                "the endpoint's Live Tail is not a live stream; polling"
                if reason == ENDED
                else f"Live Tail unavailable ({end.error.one_line() if end.error else reason}); polling"
            )
            engine.on_live_ended(give_up=True, note=note, session=index)
            return

    def _on_live_update(self, session: LiveTailSession, update: LiveUpdate, index: int) -> None:
        self.engine.on_live_update(update, session=index)
        if update.sampled:
            self._live_close_reason[index] = "sampled"
            session.close()
