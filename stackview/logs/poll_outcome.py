"""What one FilterLogEvents request of a group gave, and what a failed one means.

Errors never end a following tail: throttling pushes back the shared budget and the same page is
asked again (the token is kept); a token that went stale starts the query again (repeats are
dropped by eventId); a missing group (a function that never ran has none yet) or a missing
permission is reported for the group and retried slowly; network and server failures are
retried with a growing, jittered pause. A one-shot read gives up on a group after a few
failures, reported. A back-fill (a filter change fetching again what the old pattern left out)
that cannot be done is given up and handed back, for a gap line in the view.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError, PaginationError

from stackview.aws.errors import THROTTLED, describe, error_code
from stackview.aws.logs import LogPage
from stackview.logs.budget import RequestBudget
from stackview.logs.scan import BACKFILL, Scan
from stackview.models import LogEvent

MISSING_RETRY = 15.0  # seconds between looks for a log group that does not exist (yet)
DENIED_RETRY = 60.0
MAX_TRANSIENT_BACKOFF = 8.0
ONCE_MAX_FAILURES = 5
FAR_FUTURE_MS = 2**62


@dataclass
class Fetched:
    """What one request gave, before it is folded in (made outside the engine's lock)."""

    page: LogPage | None
    error: BaseException | None
    before_ms: int  # local time just before the request
    after_ms: int  # local time once the answer was read


@dataclass
class PollResult:
    events: list[LogEvent]  # in timestamp order, new
    merge: list[LogEvent] = field(default_factory=list)  # back-fill: older than what went out
    delay: float = 0.0
    cycle_done: bool = False
    failed: Scan | None = None  # a back-fill scan given up (the engine marks the gap)


def failed(poller: Any, scan: Scan, exc: BaseException, budget: RequestBudget) -> PollResult:
    """Classify the failure of `scan`'s request for `poller` (a `GroupPoller`)."""
    code = error_code(exc)
    if code in THROTTLED:
        budget.on_throttle()
        return PollResult([])  # same token again; the budget holds everyone back
    error = describe(exc)
    if isinstance(exc, PaginationError) or (
        code == "InvalidParameterException" and "token" in error.message.lower()
    ):
        scan.restart()  # the token went stale: the scan starts again, repeats dropped
        return PollResult([])
    poller.error = error
    if scan.kind == BACKFILL:
        poller.failures += 1
        if error.kind in ("not-found", "access-denied", "credentials", "invalid") or poller.failures >= ONCE_MAX_FAILURES:
            scan.done = True
            poller.backfills.remove(scan)
            return PollResult([], failed=scan)
        return PollResult([], delay=_backoff(poller))
    if error.kind == "not-found":
        return _give_up_or_retry(poller, MISSING_RETRY)
    if error.kind in ("access-denied", "credentials"):
        return _give_up_or_retry(poller, DENIED_RETRY)
    if error.kind == "invalid" and isinstance(exc, ClientError):
        poller.finish()  # the service rejects the query itself: asking again cannot help
        return PollResult([])
    poller.failures += 1
    if not poller.follow and poller.failures >= ONCE_MAX_FAILURES:
        return _give_up_or_retry(poller, 0.0)
    return PollResult([], delay=_backoff(poller))


def _backoff(poller: Any) -> float:
    ceiling = min(MAX_TRANSIENT_BACKOFF, 0.5 * 2.0 ** (poller.failures - 1))
    return ceiling / 2 + poller.rng.random() * ceiling / 2


def _give_up_or_retry(poller: Any, delay: float) -> PollResult:
    if not poller.follow:
        poller.finish()
        return PollResult([])
    return PollResult([], delay=delay)
