"""CloudWatch Logs events."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class LogEvent:
    """One CloudWatch Logs event, as FilterLogEvents returns it (times in epoch milliseconds).

    Live Tail events carry no eventId; the tail engine gives them a stable synthetic one.
    Slotted: the log buffer holds up to hundreds of thousands of these.
    """

    timestamp: int
    ingestion_time: int
    log_group: str
    log_stream: str
    event_id: str
    message: str
