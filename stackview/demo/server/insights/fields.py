"""The fields Logs Insights discovers in a log event, computed only when a query asks for them.

Every event has @timestamp, @message, @logStream, @log (`account:group`) and @ingestionTime.
Lambda's own lines add @type and @requestId (START, END, REPORT), and REPORT adds @duration,
@billedDuration, @memorySize and @maxMemoryUsed (in bytes, as Insights reports them: AWS's own
sample divides by 1000 twice to get MB), @initDuration on a cold start, @xrayTraceId and
@xraySegmentId when traced. The JSON log format's platform records give the same fields
(platform.start, platform.runtimeDone and platform.report as START, END and REPORT). The
request id of a Python or Node.js application line (`[ERROR]\\t<time>\\t<id>\\t...`) or of a JSON
application record is @requestId too. A JSON message (or a JSON text after Lambda's tab-separated
prefix) gives its fields by dotted path (`record.metrics.durationMs`, `items.0.sku`), at most 200
of them as on AWS, JSON booleans as 1 and 0.
"""

from __future__ import annotations

import json
import re
from typing import Any, NamedTuple

from stackview.demo.server.insights.values import Timestamp

#: Insights extracts at most this many fields from one JSON event.
MAX_JSON_FIELDS = 200
MB = 1000 * 1000

_REQUEST_ID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
_START = re.compile(rf"^START RequestId: ({_REQUEST_ID})")
_END = re.compile(rf"^END RequestId: ({_REQUEST_ID})")
_REPORT = re.compile(rf"^REPORT RequestId: ({_REQUEST_ID})")
_APPLICATION = re.compile(rf"^(?:\[[A-Z]+\]\t\S+\t({_REQUEST_ID})\t"
                          rf"|\d{{4}}-\d\d-\d\dT\S+\t({_REQUEST_ID})\t"
                          rf"|\d{{4}}-\d\d-\d\dT\S+ ({_REQUEST_ID}) Task timed out)")
_REPORT_FIELDS = {
    "Duration": ("@duration", float), "Billed Duration": ("@billedDuration", int),
    "Memory Size": ("@memorySize", int), "Max Memory Used": ("@maxMemoryUsed", int),
    "Init Duration": ("@initDuration", float), "XRAY TraceId": ("@xrayTraceId", str),
    "SegmentId": ("@xraySegmentId", str),
}
_PLATFORM_TYPES = {"platform.start": "START", "platform.runtimeDone": "END",
                   "platform.report": "REPORT"}
_PLATFORM_METRICS = {"durationMs": "@duration", "billedDurationMs": "@billedDuration",
                     "memorySizeMB": "@memorySize", "maxMemoryUsedMB": "@maxMemoryUsed",
                     "initDurationMs": "@initDuration"}


_UNREAD = object()


class Event(NamedTuple):
    """One stored log event, with where it is stored."""

    timestamp: int
    ingestion_time: int
    message: str
    stream: str
    group: str
    event_id: str
    account: str = "123456789012"


class Record:
    """An event's fields as one query sees them: discovered ones, and those the query set."""

    __slots__ = ("event", "_lambda", "_json", "_document", "_set")

    def __init__(self, event: Event) -> None:
        self.event = event
        self._lambda: dict[str, Any] | None = None
        self._json: dict[str, Any] | None = None
        self._document: Any = _UNREAD
        self._set: dict[str, Any] | None = None

    def get(self, name: str) -> Any:
        if self._set is not None and name in self._set:
            return self._set[name]
        if name.startswith("@"):
            system = self._system(name)
            if system is not None:
                return system
            if self._lambda is None:
                message = self.event.message
                document = self.document() if message.startswith("{") else None
                self._lambda = lambda_fields(message, document)
            return self._lambda.get(name)
        if self._json is None:
            self._json = json_fields(self.document())
        return self._json.get(name)

    def document(self) -> dict[str, Any] | None:
        """The JSON object the message holds (read once), or None."""
        if self._document is _UNREAD:
            self._document = parse_json(self.event.message)
        return self._document

    def set(self, name: str, value: Any) -> None:
        if self._set is None:
            self._set = {}
        self._set[name] = value

    def _system(self, name: str) -> Any:
        event = self.event
        if name == "@timestamp":
            return Timestamp(event.timestamp)
        if name == "@message":
            return event.message
        if name == "@logStream":
            return event.stream
        if name == "@log":
            return f"{event.account}:{event.group}"
        if name == "@ingestionTime":
            return Timestamp(event.ingestion_time)
        return None

    def discovered(self) -> dict[str, Any]:
        """Every field of the event (what GetLogRecord returns)."""
        fields: dict[str, Any] = {name: self._system(name) for name in
                                  ("@timestamp", "@message", "@logStream", "@log", "@ingestionTime")}
        fields.update(lambda_fields(self.event.message, self.document()))
        fields.update(json_fields(self.document()))
        return fields


def lambda_fields(message: str, document: dict[str, Any] | None = None) -> dict[str, Any]:
    """@type, @requestId and the REPORT figures of one of Lambda's lines (empty for others);
    `document` is the message's JSON object, if any (parse_json)."""
    if message.startswith("REPORT RequestId:"):
        return _report(message)
    for kind, pattern in (("START", _START), ("END", _END)):
        found = pattern.match(message)
        if found:
            return {"@type": kind, "@requestId": found.group(1)}
    found = _APPLICATION.match(message)
    if found:
        return {"@requestId": next(group for group in found.groups() if group)}
    if document is not None and message.startswith("{"):
        return _platform(document)
    return {}


def _report(message: str) -> dict[str, Any]:
    found = _REPORT.match(message)
    if not found:
        return {}
    fields: dict[str, Any] = {"@type": "REPORT", "@requestId": found.group(1)}
    for part in message.split("\t")[1:]:
        key, _, raw = part.partition(": ")
        target = _REPORT_FIELDS.get(key.strip())
        if target is None or not raw:
            continue
        name, kind = target
        text = raw.strip().removesuffix(" ms").removesuffix(" MB")
        try:
            value: Any = kind(text) if kind is not str else text
        except ValueError:
            continue
        fields[name] = value * MB if name in ("@memorySize", "@maxMemoryUsed") else value
    return fields


def _platform(document: dict[str, Any]) -> dict[str, Any]:
    record = document.get("record")
    kind = _PLATFORM_TYPES.get(str(document.get("type")))
    if kind and isinstance(record, dict):
        fields: dict[str, Any] = {"@type": kind}
        if isinstance(record.get("requestId"), str):
            fields["@requestId"] = record["requestId"]
        metrics = record.get("metrics") if kind == "REPORT" else None
        for key, name in _PLATFORM_METRICS.items():
            value = (metrics or {}).get(key)
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                fields[name] = value * MB if key.startswith(("memory", "maxMemory")) else value
        tracing = record.get("tracing")
        if isinstance(tracing, dict) and isinstance(tracing.get("value"), str):
            root = re.search(r"Root=([^;]+)", tracing["value"])
            if root:
                fields["@xrayTraceId"] = root.group(1)
        return fields
    if isinstance(document.get("requestId"), str):
        return {"@requestId": document["requestId"]}
    return {}


def parse_json(message: str) -> dict[str, Any] | None:
    """The JSON object of a message, also after Lambda's tab-separated prefix; else None."""
    text = message.strip()
    if not text.startswith("{"):
        parts = message.split("\t", 3)
        if len(parts) < 4 or not parts[3].lstrip().startswith("{"):
            return None
        text = parts[3].strip()
    try:
        document = json.loads(text)
    except ValueError:
        return None
    return document if isinstance(document, dict) else None


def json_fields(document: dict[str, Any] | None) -> dict[str, Any]:
    """The fields of a JSON object by dotted path."""
    if document is None:
        return {}
    fields: dict[str, Any] = {}
    _flatten(document, "", fields)
    return fields


def _flatten(value: Any, prefix: str, out: dict[str, Any]) -> None:
    if len(out) >= MAX_JSON_FIELDS:
        return
    if isinstance(value, dict):
        for key, item in value.items():
            _flatten(item, f"{prefix}{key}.", out)
            if len(out) >= MAX_JSON_FIELDS:
                return
        return
    if isinstance(value, list):
        for index, item in enumerate(value):
            _flatten(item, f"{prefix}{index}.", out)
        return
    if value is None:
        return
    name = prefix[:-1]
    out[name] = int(value) if isinstance(value, bool) else value
