"""Which request a log line belongs to when the log view's buffer cannot tell.

The view attributes a line without a request id from the START/END lines of its stream that the
buffer holds (`stackview.logs.attribution`). They may not be there: the filter kept them out
of the tail, or they are older than the window. Then Enter asks CloudWatch: the line's own
stream (one execution environment), from Lambda's longest timeout before the line up to it,
read in order through the same rule.
"""

from __future__ import annotations

from typing import Any

from stackview.aws.logs import logs_client, to_events
from stackview.aws.session import AwsSession
from stackview.logs.attribution import RequestTracker
from stackview.logs.parse import LogParser
from stackview.models import LogEvent

LOOK_BACK_MS = 15 * 60 * 1000  # a request cannot have started longer before one of its lines
MAX_EVENTS = 50_000  # a stream's quarter of an hour; past this the answer is "not found"


def request_of_line(session: AwsSession, event: LogEvent) -> tuple[str | None, list[LogEvent]]:
    """(the request `event` belongs to or None, that request's lines read from its stream)."""
    client: Any = logs_client(session)
    paginator = client.get_paginator("filter_log_events")
    pages = paginator.paginate(logGroupName=event.log_group, logStreamNames=[event.log_stream],
                               startTime=max(0, event.timestamp - LOOK_BACK_MS),
                               endTime=event.timestamp + 1, interleaved=True)
    events: list[LogEvent] = []
    for page in pages:
        events.extend(to_events(event.log_group, page.get("events", ())))
        if len(events) >= MAX_EVENTS:
            break
    events = [e for e in events if e.log_stream == event.log_stream]  # emulators may ignore the list
    events.sort(key=lambda e: e.timestamp)
    parser, tracker = LogParser(), RequestTracker()
    found: str | None = None
    lines: list[LogEvent] = []
    for candidate in events:
        request_id, _ = tracker.attribute(candidate, parser.parse(candidate))
        if request_id != found:
            found, lines = request_id, []
        if request_id:
            lines.append(candidate)
        if candidate.message == event.message and candidate.timestamp == event.timestamp:
            return found, lines
    return None, []
