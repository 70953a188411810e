"""One Lambda invocation as its REPORT line (and the lines around it) tell it."""

from __future__ import annotations

from dataclasses import dataclass

OK, ERROR, TIMEOUT = "ok", "error", "timeout"


@dataclass(frozen=True)
class Invocation:
    """What the function screen's Invocations tab shows for one request."""

    request_id: str
    #: When the REPORT line was written (the invocation's end), epoch ms.
    timestamp_ms: int
    log_group: str
    log_stream: str
    #: The version that ran: START's `Version:`, else the stream name's `[N]`.
    version: str | None = None
    duration_ms: float | None = None
    billed_ms: float | None = None
    memory_size_mb: int | None = None
    max_memory_mb: int | None = None
    #: Set on a cold start only.
    init_duration_ms: float | None = None
    outcome: str = OK
    #: Why it failed, in a few words (the error type and message, or the timeout line).
    error: str = ""

    @property
    def cold_start(self) -> bool:
        return self.init_duration_ms is not None
