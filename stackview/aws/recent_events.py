"""The newest events of a log group that match a pattern, read backwards from now.

FilterLogEvents reads a time window oldest first; there is no "newest first". To find the last
few dozen invocations of a function without reading its whole history, the window grows
backwards from now: the last minute, then the two before it, then four, ... each slice read in
full (botocore's paginator), until the caller says it has enough or the look-back limit is
reached. A busy function is answered from its last minute; an idle one costs one cheap empty
request per slice. The events are capped, so a pathological slice cannot fill the memory.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from stackview.aws.logs import filter_pages
from stackview.aws.session import AwsSession
from stackview.models import LogEvent

FIRST_SLICE_MS = 60_000
MAX_LOOK_BACK_MS = 24 * 3_600_000
MAX_EVENTS = 50_000


@dataclass(frozen=True)
class RecentEvents:
    """The events found (time order), from when, and whether the read stopped at the cap."""

    events: list[LogEvent]
    start_ms: int
    end_ms: int
    capped: bool = False
    requests: int = 0


def read_back(session: AwsSession, log_group: str, *, now_ms: int, pattern: str = "",
              enough: Callable[[list[LogEvent]], bool] = lambda events: False,
              first_slice_ms: int = FIRST_SLICE_MS, max_look_back_ms: int = MAX_LOOK_BACK_MS,
              max_events: int = MAX_EVENTS) -> RecentEvents:
    """Events of `log_group` matching `pattern`, from `now_ms` backwards in doubling slices
    until `enough(events)` or `max_look_back_ms`. Lets botocore errors rise (the client retries
    throttling with botocore's standard mode)."""
    client = session.client("logs")
    slices: list[list[LogEvent]] = []
    end, width, requests, total = now_ms, first_slice_ms, 0, 0
    earliest = now_ms - max_look_back_ms
    capped = False
    while end > earliest:
        start = max(earliest, end - width)
        found: list[LogEvent] = []
        for page in filter_pages(client, log_group, start_ms=start, end_ms=end - 1 if slices else end,
                                 pattern=pattern):
            requests += 1
            found.extend(page.events)
            if total + len(found) >= max_events:
                capped = True
                break
        slices.append(found)
        total += len(found)
        end, width = start, width * 2
        events = [event for chunk in reversed(slices) for event in chunk]
        if capped or enough(events):
            return RecentEvents(events, start, now_ms, capped, requests)
    events = [event for chunk in reversed(slices) for event in chunk]
    return RecentEvents(events, max(earliest, end), now_ms, capped, requests)
