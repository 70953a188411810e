"""CloudWatch Logs calls used by the tail engine: FilterLogEvents pages, Live Tail, group ARNs.

The tail engine paces its own requests (one budget shared by every followed group, backoff on
throttling), so its clients are made with `max_attempts=1`: botocore's retries would spend the
account's ~5 requests/s quota behind the budget's back.

Pages come from botocore's paginator, one request per `next()`, so the caller can take a budget
slot before each page and resume from the last token after an error (`resume_token()` turns a
raw `nextToken` into the form the paginator's `StartingToken` expects).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any

from botocore.paginate import TokenEncoder

from stackview.aws.session import AwsSession
from stackview.models import LogEvent

MAX_PAGE_EVENTS = 10_000  # FilterLogEvents' own ceiling (also bounded by 1 MB per page)
LIVE_TAIL_READ_TIMEOUT = 60  # Live Tail sends an update every second while the session lives
LAMBDA_PREFIX = "/aws/lambda/"
MANY_GROUPS = 20  # more groups than this are looked up in one listing, whatever their prefix


def logs_client(session: AwsSession) -> Any:
    """The client for FilterLogEvents and DescribeLogGroups: no botocore retries."""
    return session.client("logs", max_attempts=1)


def live_tail_client(session: AwsSession) -> Any:
    """The client for StartLiveTail. boto3 puts a `streaming-` host prefix on this call, which
    a local endpoint (the demo world, moto) cannot answer: turn it off when an endpoint is set."""
    return session.client(
        "logs",
        max_attempts=1,
        read_timeout=LIVE_TAIL_READ_TIMEOUT,
        inject_host_prefix=session.endpoint_url is None,
    )


@dataclass(frozen=True, slots=True)
class LogPage:
    """One FilterLogEvents answer: its events (maybe none) and the token of the next page."""

    events: list[LogEvent]
    next_token: str | None
    date_ms: int | None = None  # the answer's HTTP Date (AWS's clock, whole seconds), if any


def response_date_ms(page: dict[str, Any]) -> int | None:
    """The HTTP `Date` of an answer in epoch ms (None when absent or unreadable)."""
    date = ((page.get("ResponseMetadata") or {}).get("HTTPHeaders") or {}).get("date")
    if not date:
        return None
    try:
        return int(parsedate_to_datetime(date).timestamp() * 1000)
    except (TypeError, ValueError, IndexError):
        return None


def resume_token(next_token: str) -> str:
    """A service `nextToken` in the encoding the paginator's `StartingToken` reads."""
    return TokenEncoder().encode({"nextToken": next_token})


def to_events(log_group: str, raw_events: Iterable[dict[str, Any]]) -> list[LogEvent]:
    """FilterLogEvents dictionaries -> LogEvents (a hot loop: up to 10,000 per page). Stream
    names are interned: a stream's thousands of events then share one string."""
    make = LogEvent
    stream = sys.intern
    return [
        make(
            raw.get("timestamp", 0),
            raw.get("ingestionTime", 0),
            log_group,
            stream(raw.get("logStreamName", "")),
            raw.get("eventId", ""),
            raw.get("message", ""),
        )
        for raw in raw_events
    ]


def filter_pages(
    client: Any,
    log_group: str,
    *,
    start_ms: int,
    end_ms: int | None = None,
    pattern: str = "",
    next_token: str | None = None,
    limit: int = MAX_PAGE_EVENTS,
) -> Iterator[LogPage]:
    """FilterLogEvents pages from `start_ms`, each `next()` being one request.

    Each request is a fresh paginator resumed from the last token, taken one page and dropped:
    a paginator suspended between pages keeps its last parsed answer alive (10,000 events as
    dictionaries), and a tail pauses many queries between pages (one per history piece, per
    group), which is where memory went. Nothing but the token is held between requests.

    `interleaved=True` is ignored by AWS (its results are always in timestamp order) but makes
    emulators that concatenate streams (moto) sort them the same way.
    """
    token = next_token
    while True:
        kwargs: dict[str, Any] = {
            "logGroupName": log_group,
            "startTime": max(0, start_ms),
            "interleaved": True,
            "PaginationConfig": {"PageSize": limit, "MaxItems": None},
        }
        if end_ms is not None:
            kwargs["endTime"] = end_ms
        if pattern:
            kwargs["filterPattern"] = pattern
        if token:
            kwargs["PaginationConfig"]["StartingToken"] = resume_token(token)
        pages = iter(client.get_paginator("filter_log_events").paginate(**kwargs))
        page = next(pages, None)
        pages.close()  # type: ignore[attr-defined]
        if page is None:
            return
        token = page.get("nextToken") or None
        # Held in a list and popped into the yield, so that this frame, suspended until the
        # next request, keeps no reference to the page it handed out.
        box = [LogPage(to_events(log_group, page.get("events", ())), token, response_date_ms(page))]
        del page, pages
        yield box.pop()
        if token is None:
            return


def start_live_tail(client: Any, group_arns: list[str], pattern: str = "") -> Any:
    """Open a Live Tail session; returns the event stream (iterate it, `close()` to end it)."""
    kwargs: dict[str, Any] = {"logGroupIdentifiers": list(group_arns)}
    if pattern:
        kwargs["logEventFilterPattern"] = pattern
    return client.start_live_tail(**kwargs)["responseStream"]


def log_group_arns(session: AwsSession, names: Iterable[str]) -> dict[str, str]:
    """ARNs (without the trailing `:*`) of the named groups that exist; missing ones are left out.

    Live Tail wants ARNs, FilterLogEvents names. DescribeLogGroups by prefix, exact match kept:
    one listing under the names' common prefix when they share a long one (a stack's functions:
    `/aws/lambda/orders-prod-`) or are many, otherwise one call per name.
    """
    wanted = list(dict.fromkeys(names))
    paginator = logs_client(session).get_paginator("describe_log_groups")
    found: dict[str, str] = {}
    prefix = os.path.commonprefix(wanted) if wanted else ""
    shared = len(wanted) > 1 and (len(prefix) > len(LAMBDA_PREFIX) or len(wanted) > MANY_GROUPS)
    for query in [prefix] if shared else wanted:
        for page in paginator.paginate(**({"logGroupNamePrefix": query} if query else {})):
            for group in page.get("logGroups", []):
                name = group.get("logGroupName")
                if name not in wanted:
                    continue
                arn = group.get("logGroupArn") or str(group.get("arn", "")).removesuffix(":*")
                if arn:
                    found[name] = arn
            if shared and len(found) == len(wanted):
                break
    return found
