"""Printing log events for `stackview logs`: text for people, JSON lines for programs.

Text: `time  function  message`, one line per event; the continuation lines of a multi-line
message (a stack trace) are indented under the message column. Times are UTC with a `Z`, so
lines from machines and people in different zones compare as they are. Control characters,
escape sequences and bidirectional overrides in messages are shown as `\\x1b` / `\\u202e` text
(`stackview.models.controls`, the screen's rule too), never sent to the terminal: a log line must
not be able to move the cursor, retitle the window or read differently from what it holds.
Colours only on a terminal (and never with NO_COLOR set).

JSON: one object per line with the CloudWatch field names (`timestamp`, `ingestionTime`,
`logGroup`, `logStream`, `eventId`, `message`) plus what the Lambda parser found (`function`,
`kind`, `level`) when it found it, and the request the line belongs to: `requestId` with
`requestIdFrom` = `"line"` (the line names it) or `"stream"` (a print or a traceback between
that request's START and END in its log stream: `stackview.logs.attribution`). The message is
JSON-escaped, never rewritten.

A whole batch is formatted into one string and written at once: printing is the CLI's hot loop.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import TextIO

from stackview.logs.attribution import RequestTracker
from stackview.logs.parse import OTHER, LogParser
from stackview.models import LogEvent
from stackview.models.controls import BIDI, C1, CONTROL_RE, escape_controls

_RESET = "\x1b[0m"
_DIM = "\x1b[2m"
_LEVEL_COLOURS = {"ERROR": "\x1b[31m", "FATAL": "\x1b[1;31m", "WARN": "\x1b[33m", "DEBUG": _DIM, "TRACE": _DIM}
_FUNCTION_COLOUR = "\x1b[36m"
# json.dumps(ensure_ascii=False) escapes C0 controls but leaves C1 and bidirectional overrides
# raw: written as \uNNNN escapes they decode to the same string and never reach a terminal.
_JSON_ESCAPES = {code: f"\\u{code:04x}" for code in C1 + BIDI}
MAX_FUNCTION_WIDTH = 28


def neutralize(text: str) -> str:
    """Control characters (ESC, BEL, CR, ...) and bidirectional overrides as visible `\\xNN` /
    `\\uNNNN` text; tabs and newlines kept."""
    return escape_controls(text)


class EventWriter:
    """Formats batches of events onto a text stream."""

    def __init__(
        self,
        stream: TextIO,
        *,
        output: str = "text",
        color: bool = False,
        parser: LogParser | None = None,
        function_width: int = 0,
    ) -> None:
        if output not in ("text", "json"):
            raise ValueError(f"unknown output format {output!r}")
        self.stream = stream
        self.output = output
        self.color = color
        self.parser = parser or LogParser()
        self.function_width = min(function_width, MAX_FUNCTION_WIDTH)
        self._last_second = -1
        self._second_text = ""
        self.written = 0
        self.requests = RequestTracker()

    def write(self, events: list[LogEvent]) -> None:
        if not events:
            return
        if self.output == "json":
            text = "".join(self._json_line(e) for e in events)
        else:
            text = "".join(self._text_line(e) for e in events)
        self.stream.write(text)
        self.written += len(events)

    def flush(self) -> None:
        self.stream.flush()

    def _time(self, ms: int) -> str:
        second = ms // 1000
        if second != self._last_second:  # most consecutive events share their second
            self._last_second = second
            self._second_text = datetime.fromtimestamp(second, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.")
        return f"{self._second_text}{ms % 1000:03d}Z"

    def _text_line(self, event: LogEvent) -> str:
        function = self.parser.function_of(event.log_group)
        if len(function) > MAX_FUNCTION_WIDTH:
            function = function[: MAX_FUNCTION_WIDTH - 1] + "…"
        function = function.ljust(self.function_width)
        message = event.message.rstrip("\n")
        if CONTROL_RE.search(message):
            message = escape_controls(message)
        stamp = self._time(event.timestamp)
        if "\n" in message:
            indent = "\n" + " " * (len(stamp) + len(function) + 2)
            message = message.replace("\n", indent)
        if not self.color:
            return f"{stamp} {function} {message}\n"
        level = self.parser.parse(event).level
        colour = _LEVEL_COLOURS.get(level or "", "")
        body = f"{colour}{message}{_RESET}" if colour else message
        return f"{_DIM}{stamp}{_RESET} {_FUNCTION_COLOUR}{function}{_RESET} {body}\n"

    def _json_line(self, event: LogEvent) -> str:
        record = self.parser.parse(event)
        data: dict[str, object] = {
            "timestamp": event.timestamp,
            "ingestionTime": event.ingestion_time,
            "logGroup": event.log_group,
            "logStream": event.log_stream,
            "eventId": event.event_id,
            "message": event.message,
            "function": record.function,
        }
        if record.kind != OTHER:
            data["kind"] = record.kind
        if record.level:
            data["level"] = record.level
        request_id, source = self.requests.attribute(event, record)
        if request_id:
            data["requestId"] = request_id
            data["requestIdFrom"] = source
        return json.dumps(data, ensure_ascii=False).translate(_JSON_ESCAPES) + "\n"
