"""Invoking a Lambda function: what was asked, what came back, and the events to send.

Plain frozen data, safe to hand from a worker thread to the UI and to keep in a session history
(re-run, compare). The AWS layer (`stackview.aws.invoke`) fills these from the Invoke response;
nothing here knows botocore.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

# Re-exported for stackview/screens/invoke.py until it imports it from stackview.models.arns.

REQUEST_RESPONSE = "RequestResponse"
EVENT = "Event"
DRY_RUN = "DryRun"
INVOCATION_TYPES = (REQUEST_RESPONSE, EVENT, DRY_RUN)

#: Where a test event came from (the picker groups by this).
SAVED, PROJECT, SHARED, GENERATED = "saved", "project", "shared", "generated"
EVENT_SOURCES = (SAVED, PROJECT, SHARED, GENERATED)


@dataclass(frozen=True)
class InvokeRequest:
    """One invocation to make. `payload` is the exact bytes sent (the event JSON, UTF-8)."""

    function: str  # name, ARN, or partial ARN
    payload: bytes = b"{}"
    qualifier: str | None = None  # $LATEST, a version number or an alias name
    invocation_type: str = REQUEST_RESPONSE
    event_name: str = ""  # what the user picked ("order-created", "generated: sqs"), for history

    def __post_init__(self) -> None:
        if self.invocation_type not in INVOCATION_TYPES:
            raise ValueError(f"invocation type must be one of {', '.join(INVOCATION_TYPES)}")

    @property
    def label(self) -> str:
        """`orders-worker:live`, or the bare name when no qualifier was given."""
        return f"{self.function}:{self.qualifier}" if self.qualifier else self.function


@dataclass(frozen=True)
class FunctionError:
    """The error a function returned: `X-Amz-Function-Error` plus the payload's fields.

    `kind` is "Unhandled" (uncaught exception, timeout, runtime failure) or "Handled".
    `stack_trace` keeps one entry per frame, as the runtime listed them.
    """

    kind: str
    error_type: str = ""
    error_message: str = ""
    stack_trace: tuple[str, ...] = ()

    @property
    def timed_out(self) -> bool:
        return self.error_type == "Sandbox.Timedout" or "Task timed out after" in self.error_message

    def headline(self) -> str:
        """`ValueError: boom` (or the kind alone when the payload said nothing)."""
        if self.error_type and self.error_message:
            return f"{self.error_type}: {self.error_message}"
        return self.error_type or self.error_message or f"{self.kind} function error"


@dataclass(frozen=True)
class InvokeReport:
    """The REPORT line of this invocation (text or JSON log format), read from the log tail."""

    duration_ms: float | None = None
    billed_ms: float | None = None
    memory_size_mb: int | None = None
    max_memory_mb: int | None = None
    init_duration_ms: float | None = None
    status: str | None = None

    @property
    def cold_start(self) -> bool:
        return self.init_duration_ms is not None

    def summary(self) -> str:
        """`12.34 ms (billed 13 ms) · 70/128 MB · cold start 250.12 ms`, with what is known."""
        parts: list[str] = []
        if self.duration_ms is not None:
            billed = f" (billed {self.billed_ms:g} ms)" if self.billed_ms is not None else ""
            parts.append(f"{self.duration_ms:.2f} ms{billed}")
        if self.memory_size_mb is not None or self.max_memory_mb is not None:
            used = "?" if self.max_memory_mb is None else str(self.max_memory_mb)
            size = "?" if self.memory_size_mb is None else str(self.memory_size_mb)
            parts.append(f"{used}/{size} MB")
        if self.init_duration_ms is not None:
            parts.append(f"cold start {self.init_duration_ms:.2f} ms")
        if self.status and self.status != "success":
            parts.append(self.status)
        return " · ".join(parts)


@dataclass(frozen=True)
class Throttle:
    """Why Lambda refused to run the function (HTTP 429 TooManyRequestsException)."""

    reason: str  # e.g. ReservedFunctionConcurrentInvocationLimitExceeded
    message: str  # what to tell the user, including how to unthrottle when that applies
    retry_after_seconds: int | None = None
    reserved_concurrency: int | None = None  # when it could be read: 0 means "throttled on purpose"


_NOT_JSON: Any = object()


@dataclass(frozen=True)
class InvokeResult:
    """What one invocation gave back. `status_code` 200/202/204 on success, 429 when throttled."""

    request: InvokeRequest
    status_code: int
    request_id: str = ""
    function_arn: str = ""
    executed_version: str | None = None
    duration_ms: float = 0.0  # measured by the client, round trip
    payload: bytes = b""
    function_error: FunctionError | None = None
    log_tail: str | None = None  # decoded LogResult (synchronous invokes only)
    log_truncated: bool = False  # the tail is the last 4 KB: its first line is likely cut
    report: InvokeReport | None = None
    throttled: Throttle | None = None
    audit_error: str | None = None  # the invoke happened but could not be written to the audit log
    started_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))

    @property
    def ok(self) -> bool:
        return self.function_error is None and self.throttled is None

    @property
    def outcome(self) -> str:
        """"ok", "function-error" or "throttled" (what history and exit codes key on)."""
        if self.throttled is not None:
            return "throttled"
        if self.function_error is not None:
            return "function-error"
        return "ok"

    @property
    def timed_out(self) -> bool:
        if self.function_error is not None and self.function_error.timed_out:
            return True
        return self.report is not None and self.report.status == "timeout"

    @property
    def payload_text(self) -> str:
        return self.payload.decode("utf-8", errors="replace")

    @property
    def payload_json(self) -> Any:
        """The payload decoded as JSON, or None when it is empty or not JSON (see `is_json`)."""
        value = self._decoded()
        return None if value is _NOT_JSON else value

    @property
    def is_json(self) -> bool:
        return self._decoded() is not _NOT_JSON

    def _decoded(self) -> Any:
        if "_json_cache" not in self.__dict__:  # frozen: parse once, keep it beside the fields
            try:
                value = json.loads(self.payload) if self.payload.strip() else _NOT_JSON
            except ValueError:
                value = _NOT_JSON
            object.__setattr__(self, "_json_cache", value)
        return self.__dict__["_json_cache"]

    def pretty_payload(self) -> str:
        """The payload as indented JSON when it is JSON, else the raw text."""
        if self.is_json:
            return json.dumps(self.payload_json, indent=2, ensure_ascii=False)
        return self.payload_text


@dataclass(frozen=True)
class TestEvent:
    """A test event ready to load into the editor: its name, where it came from, its JSON text."""

    __test__ = False  # not a pytest test class, despite the name

    name: str
    source: str  # saved | project | shared | generated
    text: str
    description: str = ""

    def __post_init__(self) -> None:
        if self.source not in EVENT_SOURCES:
            raise ValueError(f"event source must be one of {', '.join(EVENT_SOURCES)}")


#: The two API Gateway flavours a route belongs to (which generated event fits it).
REST_API, HTTP_API = "rest", "http"


@dataclass(frozen=True)
class HttpRoute:
    """A route a function serves behind API Gateway, as its stack's template declares it.

    `api` is REST_API (payload format 1.0, the `apigw-rest` event) or HTTP_API (2.0,
    `apigw-http`); `method` is upper case (`ANY` for any method); `path` keeps its
    `{parameters}` (`/orders/{orderId}`, `/files/{proxy+}`)."""

    api: str
    method: str
    path: str

    @property
    def label(self) -> str:
        return f"{self.method} {self.path}"
