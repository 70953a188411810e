"""One request's lines among many: what the log view's Enter shows, without the UI.

A line belongs to the request when it carries the request id, or when it was printed in the same
stream between that request's START and its END/REPORT: a bare `print()` carries no id, but an
execution environment runs one request at a time. START, END and REPORT are recognised by
`stackview.logs.parse` (text lines and the JSON log format's `platform.start`, `platform.report`
and `platform.runtimeDone` records), so there is one reading of Lambda's line shapes.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from stackview.logs.parse import END, PLATFORM, REPORT, START, LogParser
from stackview.models import LogEvent

#: JSON-format platform records that end a request besides `platform.report` (kind REPORT).
_CLOSING_PLATFORM_TYPES = ("platform.runtimeDone",)
_OPENS, _CLOSES = "opens", "closes"


def _boundary(parser: LogParser, event: LogEvent) -> str | None:
    """_OPENS for a request's first line, _CLOSES for one of its last, else None."""
    record = parser.parse(event)
    if record.kind == START:
        return _OPENS
    if record.kind in (END, REPORT):
        return _CLOSES
    if record.kind == PLATFORM and (record.json or {}).get("type") in _CLOSING_PLATFORM_TYPES:
        return _CLOSES
    return None


def request_lines(events: Iterable[LogEvent], request_id: str) -> list[LogEvent]:
    """The events of `request_id` among `events` (in their order): lines naming the id, and
    lines of the same stream between its START and its END/REPORT."""
    parser = LogParser()  # only the line kinds are read: no function names needed
    open_in: dict[tuple[str, str], str] = {}  # (group, stream) -> request id running there
    out: list[LogEvent] = []
    for event in events:
        where = (event.log_group, event.log_stream)
        if request_id in event.message:
            out.append(event)
            boundary = _boundary(parser, event)
            if boundary == _OPENS:
                open_in[where] = request_id
            elif boundary == _CLOSES:
                open_in.pop(where, None)
        elif open_in.get(where) == request_id:
            if _boundary(parser, event) == _OPENS:  # another request started: ours ended without its END
                open_in.pop(where, None)
            else:
                out.append(event)
    return out


def merge(first: Sequence[LogEvent], second: Sequence[LogEvent]) -> list[LogEvent]:
    """Both lists in time order, each event once (Live Tail ids differ from FilterLogEvents
    ids, so identity is the group, stream, timestamp and message)."""
    seen: set[tuple[str, str, int, str]] = set()
    out: list[LogEvent] = []
    for event in sorted([*first, *second], key=lambda e: (e.timestamp, e.ingestion_time)):
        key = (event.log_group, event.log_stream, event.timestamp, event.message)
        if key not in seen:
            seen.add(key)
            out.append(event)
    return out


def pretty_message(message: str) -> str:
    """A JSON object message indented; anything else as it is (without the trailing newline)."""
    stripped = message.strip()
    if stripped.startswith("{") and stripped.endswith("}"):
        try:
            return json.dumps(json.loads(stripped), indent=2, ensure_ascii=False)
        except ValueError:
            pass
    return message.rstrip("\n")
