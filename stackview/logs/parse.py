"""Lambda-aware reading of log events: which function, what kind of line, level, request id.

This runs on every event the tail delivers, so it is built for speed: one look at the first
characters decides the shape (`START`, `END`, `REPORT`, `[LEVEL]`, `{`, a timestamp), a text line
is split once, and only messages that are JSON objects are decoded eagerly (their level and
request id live inside). REPORT metrics and JSON bodies embedded in text lines are read lazily,
when the view or the drill-down asks for them.

Shapes handled (see aws-facts.md, "Lambda log line shapes"):
- text platform lines: `START RequestId: <id> Version: <v>`, `END RequestId: <id>`,
  `REPORT RequestId: <id>\\tDuration: ... ms\\t...` (with `Init Duration` on a cold start),
  `INIT_START ...`, `EXTENSION ...`, and `Task timed out after N seconds` (maybe after a
  timestamp and request id);
- Python text app lines `[LEVEL]\\t<time>\\t<request id>\\t<message>`, Node-style
  `<time>\\t<request id>\\t<LEVEL>\\t<message>`;
- JSON format: `{"type": "platform.start"|"platform.report"|..., "record": {...}}` and app records
  `{"level", "requestId", "message", ...}`, Powertools fields (`function_request_id`, `cold_start`,
  `function_name`, `service`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from stackview.models import LogEvent

START, END, REPORT, APP, TIMEOUT, PLATFORM, OTHER = (
    "start",
    "end",
    "report",
    "app",
    "timeout",
    "platform",
    "other",
)

_LEVEL_ALIASES = {"WARNING": "WARN", "CRITICAL": "FATAL", "ERR": "ERROR", "INFORMATION": "INFO"}
_KNOWN_LEVELS = {"TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"}
_PLATFORM_PREFIXES = ("INIT_START", "INIT_REPORT", "INIT_RUNTIME_DONE", "EXTENSION", "TELEMETRY", "RESTORE_")
_TIMED_OUT = "Task timed out after "
_LAMBDA_PREFIX = "/aws/lambda/"


def normalize_level(raw: object) -> str | None:
    """`warning` -> `WARN`; anything that is not a known level name -> None."""
    if not isinstance(raw, str) or not raw:
        return None
    level = raw.strip().upper()
    level = _LEVEL_ALIASES.get(level, level)
    return level if level in _KNOWN_LEVELS else None


@dataclass(frozen=True, slots=True)
class ReportMetrics:
    """The figures of a REPORT line (text) or a `platform.report` record (JSON)."""

    duration_ms: float | None = None
    billed_ms: float | None = None
    memory_size_mb: int | None = None
    max_memory_mb: int | None = None
    init_duration_ms: float | None = None
    status: str | None = None  # "success", "timeout", "error" ... when the runtime says

    @property
    def cold_start(self) -> bool:
        return self.init_duration_ms is not None

    @property
    def timed_out(self) -> bool:
        return self.status == "timeout"


_TEXT_REPORT_FIELDS = {
    "Duration": "duration_ms",
    "Billed Duration": "billed_ms",
    "Memory Size": "memory_size_mb",
    "Max Memory Used": "max_memory_mb",
    "Init Duration": "init_duration_ms",
    "Status": "status",
}


def parse_text_report(message: str) -> ReportMetrics:
    """Read `REPORT RequestId: ...\\tDuration: 12.34 ms\\t...` fields, tolerating extras."""
    values: dict[str, Any] = {}
    for part in message.split("\t"):
        key, sep, value = part.strip().partition(": ")
        field = _TEXT_REPORT_FIELDS.get(key) if sep else None
        if field is None:
            continue
        token = value.split(" ", 1)[0]
        if field == "status":
            values[field] = token.lower()
            continue
        try:
            number = float(token)
        except ValueError:
            continue
        values[field] = int(number) if field.endswith("_mb") else number
    return ReportMetrics(**values)


def parse_json_report(record: dict[str, Any]) -> ReportMetrics:
    metrics = record.get("metrics") if isinstance(record.get("metrics"), dict) else {}
    status = record.get("status")

    def number(key: str) -> float | None:
        value = metrics.get(key)
        return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None

    memory = number("memorySizeMB")
    max_memory = number("maxMemoryUsedMB")
    return ReportMetrics(
        duration_ms=number("durationMs"),
        billed_ms=number("billedDurationMs"),
        memory_size_mb=int(memory) if memory is not None else None,
        max_memory_mb=int(max_memory) if max_memory is not None else None,
        init_duration_ms=number("initDurationMs"),
        status=status.lower() if isinstance(status, str) else None,
    )


def _parse_timeout_seconds(message: str) -> float | None:
    at = message.find(_TIMED_OUT)
    if at < 0:
        return None
    token = message[at + len(_TIMED_OUT) :].split(" ", 1)[0]
    try:
        return float(token)
    except ValueError:
        return None


def _load_object(text: str) -> dict[str, Any] | None:
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


_UNSET: Any = object()


class LogRecord:
    """What a Lambda log line says, derived from one LogEvent.

    `function`, `kind`, `level`, `request_id` and `body` (the message without the Lambda
    prefix) are set at construction; `report`, `json`, `timeout_seconds` are computed on first
    use. `json` is the decoded object when the message (or its body) is a JSON object.
    """

    __slots__ = ("event", "function", "kind", "level", "request_id", "body", "_json", "_report")

    def __init__(self, event: LogEvent, function: str) -> None:
        self.event = event
        self.function = function
        self.kind = OTHER
        self.level: str | None = None
        self.request_id: str | None = None
        self.body = event.message
        self._json: Any = _UNSET
        self._report: Any = _UNSET

    @property
    def json(self) -> dict[str, Any] | None:
        if self._json is _UNSET:
            body = self.body.lstrip()
            self._json = _load_object(body) if body.startswith("{") else None
        return self._json

    @property
    def is_json(self) -> bool:
        return self.json is not None

    @property
    def report(self) -> ReportMetrics | None:
        if self._report is _UNSET:
            report = None
            if self.kind == REPORT:
                data = self.json if self.event.message.lstrip().startswith("{") else None
                if data is not None and isinstance(data.get("record"), dict):
                    report = parse_json_report(data["record"])
                else:
                    report = parse_text_report(self.event.message)
            self._report = report
        return self._report

    @property
    def timeout_seconds(self) -> float | None:
        if self.kind != TIMEOUT:
            return None
        return _parse_timeout_seconds(self.event.message)

    @property
    def timed_out(self) -> bool:
        if self.kind == TIMEOUT:
            return True
        report = self.report
        return report is not None and report.timed_out

    @property
    def cold_start(self) -> bool:
        """A REPORT with an Init Duration, or a Powertools record with `cold_start: true`."""
        report = self.report
        if report is not None:
            return report.cold_start
        data = self.json if self.kind == APP else None
        return bool(data is not None and data.get("cold_start") is True)

    @property
    def is_error(self) -> bool:
        return self.level in ("ERROR", "FATAL") or self.timed_out

    def __repr__(self) -> str:
        return f"LogRecord({self.function!r}, {self.kind}, {self.level}, {self.request_id!r})"


class LogParser:
    """Parses events into LogRecords; knows which function writes to which log group.

    `functions_by_group` covers functions whose LoggingConfig names a custom group; groups
    named `/aws/lambda/<name>` need no entry. A group shared by several functions maps to
    the name it is given (the CLI passes a joined label).
    """

    def __init__(self, functions_by_group: dict[str, str] | None = None) -> None:
        self._functions = dict(functions_by_group or {})
        self._cache: dict[str, str] = {}

    def function_of(self, log_group: str) -> str:
        name = self._cache.get(log_group)
        if name is None:
            name = self._functions.get(log_group)
            if name is None:
                if log_group.startswith(_LAMBDA_PREFIX):
                    name = log_group[len(_LAMBDA_PREFIX) :]
                else:
                    name = log_group.rstrip("/").rsplit("/", 1)[-1] or log_group
            self._cache[log_group] = name
        return name

    def parse(self, event: LogEvent) -> LogRecord:
        record = LogRecord(event, self.function_of(event.log_group))
        message = event.message
        first = message[:1]
        if first == "S" and message.startswith("START RequestId: "):
            record.kind = START
            record.request_id = message[17:].split(" ", 1)[0].strip()
        elif first == "E" and message.startswith("END RequestId: "):
            record.kind = END
            record.request_id = message[15:].split(None, 1)[0] if len(message) > 15 else None
        elif first == "R" and message.startswith("REPORT RequestId: "):
            record.kind = REPORT
            record.request_id = message[18:].split(None, 1)[0] if len(message) > 18 else None
        elif first == "[":
            self._parse_bracketed(record, message)
        elif first == "{":
            self._parse_json(record, message)
        elif first.isdigit():
            self._parse_timestamped(record, message)
        elif message.startswith(_PLATFORM_PREFIXES):
            record.kind = PLATFORM
        elif message.startswith(_TIMED_OUT):
            record.kind = TIMEOUT
            record.level = "ERROR"
        elif message[:1].isspace() and message.lstrip().startswith("{"):
            self._parse_json(record, message.lstrip())
        return record

    @staticmethod
    def _parse_bracketed(record: LogRecord, message: str) -> None:
        # Python runtime: "[LEVEL]\t<time>\t<request id>\t<message>"; an uncaught exception
        # is "[ERROR] Runtime.Error: text\nTraceback ..." (a space, no tab fields).
        close = message.find("]", 1, 16)
        if close < 0:
            return
        level = normalize_level(message[1:close])
        if level is None:
            return
        record.level = level
        record.kind = APP
        rest = message[close + 1 :]
        if rest.startswith("\t"):
            parts = rest[1:].split("\t", 2)
            if len(parts) == 3:
                record.request_id = parts[1] or None
                record.body = parts[2]
            else:
                record.body = rest[1:]
        else:
            record.body = rest.lstrip()

    @staticmethod
    def _parse_timestamped(record: LogRecord, message: str) -> None:
        # "<time>\t<request id>\t<LEVEL>\t<message>" (Node and others), or
        # "<time> <request id> Task timed out after 3.00 seconds".
        if _TIMED_OUT in message:
            record.kind = TIMEOUT
            record.level = "ERROR"
            parts = message.split(None, 2)
            if len(parts) == 3 and parts[2].startswith(_TIMED_OUT):
                record.request_id = parts[1]
            return
        parts = message.split("\t", 3)
        if len(parts) == 4:
            level = normalize_level(parts[2])
            if level is not None:
                record.kind = APP
                record.level = level
                record.request_id = parts[1] or None
                record.body = parts[3]

    @staticmethod
    def _parse_json(record: LogRecord, message: str) -> None:
        data = _load_object(message)
        record._json = data
        if data is None:
            return
        kind = data.get("type")
        inner = data.get("record")
        if isinstance(kind, str) and kind.startswith("platform."):
            if kind == "platform.start":
                record.kind = START
            elif kind == "platform.report":
                record.kind = REPORT
            else:
                record.kind = PLATFORM
            if isinstance(inner, dict) and isinstance(inner.get("requestId"), str):
                record.request_id = inner["requestId"]
            if isinstance(inner, dict) and inner.get("status") == "timeout":
                record.level = "ERROR"
            return
        record.kind = APP
        record.level = normalize_level(data.get("level") or data.get("levelname"))
        for key in ("requestId", "function_request_id", "request_id", "requestID"):
            value = data.get(key)
            if isinstance(value, str) and value:
                record.request_id = value
                break
        text = data.get("message")
        if isinstance(text, str):
            record.body = text
        name = data.get("function_name")
        if isinstance(name, str) and name and record.function == record.event.log_group:
            record.function = name
