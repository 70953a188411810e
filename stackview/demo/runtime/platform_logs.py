"""The log lines Lambda itself writes (START, END, REPORT, timeouts) and where they go.

AWS writes them in one of two shapes chosen by the function's LoggingConfig.LogFormat: plain
tab-separated text lines (each event ending in a newline, as CloudWatch stores them), or JSON
"platform" records filtered by SystemLogLevel. A LogStream is one execution environment's stream
in moto's CloudWatch Logs backend; it also keeps the current invocation's text so that
`LogType=Tail` can return its last 4 KB.
"""

from __future__ import annotations

import hashlib
import json
import math
import sys
import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

#: The runtime version Lambda reports in INIT_START (the interpreter really running handlers).
RUNTIME_VERSION = "python:{0.major}.{0.minor}.v{0.micro}".format(sys.version_info)
RUNTIME_VERSION_ARN = ("arn:aws:lambda:{region}::runtime:"
                       + hashlib.sha256(RUNTIME_VERSION.encode()).hexdigest())
#: Tail returns at most this many bytes of the invocation's log.
TAIL_BYTES = 4096

_LEVELS = {"DEBUG": 10, "INFO": 20, "WARN": 30}
#: The system level at which each platform record is emitted (only with LogFormat JSON).
_RECORD_LEVEL = {
    "platform.initStart": "INFO",
    "platform.start": "INFO",
    "platform.runtimeDone": "DEBUG",
    "platform.report": "INFO",
    "platform.initReport": "INFO",
}

_write_lock = threading.Lock()


def iso_ms(ts_ms: int) -> str:
    moment = datetime.fromtimestamp(ts_ms / 1000, tz=timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ts_ms % 1000:03d}Z"


@dataclass(frozen=True)
class LogSettings:
    """The parts of a function's LoggingConfig that decide what the platform writes."""

    group: str
    json_format: bool = False
    system_level: str = "INFO"
    application_level: str = "INFO"

    @classmethod
    def of(cls, function_name: str, logging_config: dict[str, Any] | None) -> LogSettings:
        config = logging_config or {}
        return cls(
            group=config.get("LogGroup") or f"/aws/lambda/{function_name}",
            json_format=str(config.get("LogFormat", "Text")).upper() == "JSON",
            system_level=str(config.get("SystemLogLevel") or "INFO").upper(),
            application_level=str(config.get("ApplicationLogLevel") or "INFO").upper(),
        )


@dataclass(frozen=True)
class Report:
    """What the REPORT line says about one invocation."""

    request_id: str
    duration_ms: float
    memory_mb: int
    max_memory_mb: int
    init_ms: float | None = None
    status: str = "success"  # success | error | timeout
    error_type: str | None = None

    @property
    def billed_ms(self) -> int:
        # Since August 2025 AWS bills the INIT phase of on-demand functions too, so a cold
        # start's Billed Duration covers Init Duration + Duration.
        return max(1, math.ceil(self.duration_ms + (self.init_ms or 0.0)))


class PlatformFormat:
    """Renders platform records for one function's LogSettings; None means "not emitted"."""

    def __init__(self, settings: LogSettings) -> None:
        self.settings = settings

    def _record(self, kind: str, ts_ms: int, record: dict[str, Any]) -> str | None:
        wanted = _LEVELS.get(self.settings.system_level, 20)
        if _LEVELS[_RECORD_LEVEL[kind]] < wanted:
            return None
        return json.dumps({"time": iso_ms(ts_ms), "type": kind, "record": record})

    def init_start(self, ts_ms: int, function_name: str, version: str, region: str,
                   initialization: str = "on-demand") -> str | None:
        arn = RUNTIME_VERSION_ARN.format(region=region)
        if not self.settings.json_format:
            return f"INIT_START Runtime Version: {RUNTIME_VERSION}\tRuntime Version ARN: {arn}\n"
        return self._record(
            "platform.initStart",
            ts_ms,
            {
                "initializationType": initialization,
                "phase": "init",
                "runtimeVersion": RUNTIME_VERSION,
                "runtimeVersionArn": arn,
                "functionName": function_name,
                "functionVersion": version,
            },
        )

    def start(self, ts_ms: int, request_id: str, version: str) -> str | None:
        if not self.settings.json_format:
            return f"START RequestId: {request_id} Version: {version}\n"
        return self._record("platform.start", ts_ms, {"requestId": request_id, "version": version})

    def timed_out(self, ts_ms: int, request_id: str, seconds: float) -> str | None:
        if self.settings.json_format:
            return None  # the JSON report record carries status "timeout" instead
        return f"{iso_ms(ts_ms)} {request_id} Task timed out after {seconds:.2f} seconds\n"

    def end(self, ts_ms: int, report: Report) -> str | None:
        if not self.settings.json_format:
            return f"END RequestId: {report.request_id}\n"
        record: dict[str, Any] = {
            "requestId": report.request_id,
            "status": report.status,
            "metrics": {"durationMs": round(report.duration_ms, 3)},
        }
        if report.error_type:
            record["errorType"] = report.error_type
        return self._record("platform.runtimeDone", ts_ms, record)

    def report(self, ts_ms: int, report: Report) -> str | None:
        if not self.settings.json_format:
            parts = [
                f"REPORT RequestId: {report.request_id}",
                f"Duration: {report.duration_ms:.2f} ms",
                f"Billed Duration: {report.billed_ms} ms",
                f"Memory Size: {report.memory_mb} MB",
                f"Max Memory Used: {report.max_memory_mb} MB",
            ]
            if report.init_ms is not None:
                parts.append(f"Init Duration: {report.init_ms:.2f} ms")
            if report.status == "timeout":
                parts.append("Status: timeout")
            elif report.error_type and report.error_type.startswith("Runtime."):
                # Platform failures (crash, init error) are spelled out; handler exceptions not.
                parts.append(f"Status: error\tError Type: {report.error_type}")
            return "\t".join(parts) + "\t\n"
        metrics: dict[str, Any] = {
            "durationMs": round(report.duration_ms, 3),
            "billedDurationMs": report.billed_ms,
            "memorySizeMB": report.memory_mb,
            "maxMemoryUsedMB": report.max_memory_mb,
        }
        if report.init_ms is not None:
            metrics["initDurationMs"] = round(report.init_ms, 3)
        record: dict[str, Any] = {
            "requestId": report.request_id,
            "metrics": metrics,
            "status": report.status,
        }
        if report.error_type:
            record["errorType"] = report.error_type
        return self._record("platform.report", ts_ms, record)


class LogStream:
    """One execution environment's log stream in moto's CloudWatch Logs backend.

    Writes go straight into the backend (the runner lives in the server process), one event
    at a time so a live tail sees lines while a slow invocation is still running. A global
    lock serialises our writers, because moto's stores are plain lists without locking.
    """

    def __init__(self, logs_backend: Any, group: str, name: str) -> None:
        self._backend = logs_backend
        self.group = group
        self.name = name
        self._created = False
        self._capture: list[str] | None = None

    def _ensure(self) -> None:
        if not self._created:
            self._backend.ensure_log_group(self.group)
            self._backend.ensure_log_stream(self.group, self.name)
            self._created = True

    def write(self, ts_ms: int, message: str | None) -> None:
        if message is None:
            return
        with _write_lock:
            self._ensure()
            event = {"timestamp": ts_ms, "message": message}
            self._backend.put_log_events(self.group, self.name, [event])
            if self._capture is not None:
                self._capture.append(message if message.endswith("\n") else message + "\n")

    def begin_capture(self) -> None:
        """Start keeping this invocation's lines (for LogType=Tail)."""
        with _write_lock:
            self._capture = []

    def end_capture(self) -> str:
        """The invocation's log as one text, last TAIL_BYTES bytes (may cut the first line)."""
        with _write_lock:
            text = "".join(self._capture or [])
            self._capture = None
        data = text.encode("utf-8")[-TAIL_BYTES:]
        return data.decode("utf-8", errors="ignore")
