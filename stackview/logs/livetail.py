"""Reading one StartLiveTail session, and telling a real live stream from an imitation.

Live Tail pushes new events about once a second (up to 500 per update, *sampled* above that:
`sessionMetadata.sampled`), ends every session after 3 hours with `SessionTimeoutException`,
and its events carry no eventId. This module turns a session into `LiveUpdate`s of LogEvents
with stable synthetic ids, and says how the session ended so the engine can decide: reconnect
(timeout, our own deadline, a dropped connection) or give Live Tail up for polling (the call is
missing, refused, or the stream simply ended, which a real session never does: moto answers with
one snapshot of old events and closes the stream).

The session is ended before AWS's limit (`max_duration`), by a check after each update and by a
timer for a silent stream; `close()` ends it from another thread (filter change, stop).
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import (
    ConnectionClosedError,
    EndpointConnectionError,
    ReadTimeoutError,
    ResponseStreamingError,
)

from stackview.aws.errors import UserError, describe, error_code
from stackview.aws.logs import start_live_tail
from stackview.models import LogEvent

MAX_SESSION_S = 3 * 3600 - 5 * 60  # reconnect five minutes before AWS ends the session
MAX_LIVE_GROUPS = 10
_TRANSIENT_CODES = {"SessionStreamingException", "ServiceUnavailableException", "InternalFailure"}
_TRANSIENT_ERRORS = (ConnectionClosedError, EndpointConnectionError, ReadTimeoutError, ResponseStreamingError)

# How a session ended.
TIMEOUT = "timeout"  # AWS's 3-hour limit: reconnect
DEADLINE = "deadline"  # we ended it just before the limit: reconnect
STOPPED = "stopped"  # close() was called: do nothing
FAILED = "failed"  # a transient failure: poll for a while, then try again
ENDED = "ended"  # the stream ended on its own: not a real live stream, poll instead
UNSUPPORTED = "unsupported"  # the call is missing or refused: poll instead


@dataclass(frozen=True)
class LiveUpdate:
    events: list[LogEvent]
    sampled: bool
    foreign: int = 0  # results of groups the session did not ask for, left out of `events`


@dataclass(frozen=True)
class SessionEnd:
    reason: str
    error: UserError | None = None


def synthetic_id(group: str, stream: str, timestamp: int, message: str, occurrence: int) -> str:
    """A stable id for a Live Tail event: the same event (and the same repeat of an identical
    message in the same millisecond) always gets the same id."""
    digest = hashlib.blake2b(digest_size=12)
    for part in (group, stream, str(timestamp), str(occurrence)):
        digest.update(part.encode())
        digest.update(b"\x00")
    digest.update(message.encode("utf-8", "surrogatepass"))
    return "lt-" + digest.hexdigest()


class _Occurrences:
    """Counts identical (group, stream, timestamp, message) events, forgetting old timestamps."""

    LIMIT = 50_000

    def __init__(self) -> None:
        self._counts: dict[tuple[str, str, int, str], int] = {}
        self._newest = 0

    def next(self, key: tuple[str, str, int, str]) -> int:
        count = self._counts.get(key, 0)
        self._counts[key] = count + 1
        if key[2] > self._newest:
            self._newest = key[2]
        if len(self._counts) > self.LIMIT:
            floor = self._newest - 120_000
            self._counts = {k: v for k, v in self._counts.items() if k[2] >= floor}
        return count


class LiveTailSession:
    """One StartLiveTail session over `arns` (group name -> ARN, at most 10)."""

    def __init__(
        self,
        client: Any,
        arns: dict[str, str],
        pattern: str = "",
        *,
        max_duration: float = MAX_SESSION_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not 1 <= len(arns) <= MAX_LIVE_GROUPS:
            raise ValueError(f"Live Tail follows 1 to {MAX_LIVE_GROUPS} log groups")
        self._client = client
        self._groups = {arn: name for name, arn in arns.items()}
        self._groups.update({name: name for name in arns})
        self._names = frozenset(arns)
        self._arns = list(arns.values())
        self._pattern = pattern
        self._max_duration = max_duration
        self._clock = clock
        self._occurrences = _Occurrences()
        self._stream: Any = None
        self._closing = threading.Event()
        self._deadline_hit = False
        self._lock = threading.Lock()

    def close(self) -> None:
        """End the session from any thread; `run` returns STOPPED."""
        self._closing.set()
        self._close_stream()

    def _close_stream(self) -> None:
        with self._lock:
            stream = self._stream
        if stream is not None:
            try:
                stream.close()
            except Exception:  # noqa: BLE001 - closing a broken stream may fail; it is closed
                pass

    def _deadline(self) -> None:
        self._deadline_hit = True
        self._close_stream()

    def run(
        self, on_start: Callable[[], None], on_update: Callable[[LiveUpdate], None]
    ) -> SessionEnd:
        """Open the session and read it until it ends; callbacks run on this thread."""
        if self._closing.is_set():
            return SessionEnd(STOPPED)
        try:
            stream = start_live_tail(self._client, self._arns, self._pattern)
        except Exception as exc:  # noqa: BLE001 - classified below
            return self._ended_by(exc)
        with self._lock:
            self._stream = stream
        if self._closing.is_set():
            self._close_stream()
            return SessionEnd(STOPPED)
        started = self._clock()
        timer = threading.Timer(self._max_duration + 30, self._deadline)
        timer.daemon = True
        timer.start()
        try:
            for item in stream:
                if "sessionStart" in item:
                    on_start()
                elif "sessionUpdate" in item:
                    on_update(self._update(item["sessionUpdate"]))
                if self._closing.is_set():
                    return SessionEnd(STOPPED)
                if self._clock() - started >= self._max_duration:
                    self._deadline_hit = True
                    self._close_stream()
                    return SessionEnd(DEADLINE)
        except Exception as exc:  # noqa: BLE001 - classified below
            return self._ended_by(exc)
        finally:
            timer.cancel()
        if self._closing.is_set():
            return SessionEnd(STOPPED)
        if self._deadline_hit:
            return SessionEnd(DEADLINE)
        return SessionEnd(ENDED)

    def _ended_by(self, exc: BaseException) -> SessionEnd:
        if self._closing.is_set():
            return SessionEnd(STOPPED)
        if self._deadline_hit:
            return SessionEnd(DEADLINE)
        code = error_code(exc)
        if code == "SessionTimeoutException":
            return SessionEnd(TIMEOUT)
        error = describe(exc)
        if code in _TRANSIENT_CODES or isinstance(exc, _TRANSIENT_ERRORS) or error.kind in ("network", "throttled"):
            return SessionEnd(FAILED, error)
        return SessionEnd(UNSUPPORTED, error)

    def _update(self, update: dict[str, Any]) -> LiveUpdate:
        sampled = bool((update.get("sessionMetadata") or {}).get("sampled", False))
        events: list[LogEvent] = []
        foreign = 0
        for raw in update.get("sessionResults") or ():
            group = self.group_of(raw.get("logGroupIdentifier", ""))
            if group is None:
                foreign += 1
                continue
            stream = raw.get("logStreamName", "")
            timestamp = int(raw.get("timestamp", 0))
            message = raw.get("message", "")
            occurrence = self._occurrences.next((group, stream, timestamp, message))
            events.append(
                LogEvent(
                    timestamp,
                    int(raw.get("ingestionTime", 0)),
                    group,
                    stream,
                    synthetic_id(group, stream, timestamp, message, occurrence),
                    message,
                )
            )
        return LiveUpdate(events, sampled, foreign)

    def group_of(self, identifier: str) -> str | None:
        """The followed group an update's `logGroupIdentifier` names, or None when it names a
        group this session did not ask for. That happens: moto 5.2 answers every StartLiveTail
        with the events of the last log group it holds, whatever the identifiers, so an event
        is only ever attributed to a group of ours, never to whatever the ARN spells."""
        bare = identifier.removesuffix(":*")
        group = self._groups.get(identifier) or self._groups.get(bare)
        if group is None:
            name = bare.rsplit(":log-group:", 1)[-1]
            group = name if name in self._names else None
        return group
