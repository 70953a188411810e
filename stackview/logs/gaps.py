"""A line that says "events are missing here", so that the log view never has a silent hole.

When a stretch of time could not be fetched (a back-fill after a filter change failed for good:
access denied, the group gone, the endpoint failing again and again), the engine hands the
buffer a `GapEvent` at the start of that stretch. It sorts like any event, shows the time range
and the reason, and the view keeps it whatever the filter (a hole hidden by a filter would be
silent again).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from stackview.models import LogEvent


@dataclass(frozen=True, slots=True)
class GapEvent(LogEvent):
    """A marker for [timestamp, end_ms) of `log_group`, whose events could not be fetched."""

    end_ms: int = 0


def _utc(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, timezone.utc).strftime("%Y-%m-%d %H:%M:%S")


def gap_event(group: str, start_ms: int, end_ms: int | None, reason: str) -> GapEvent:
    end = "now" if end_ms is None else _utc(end_ms) + " UTC"
    message = (f"[gap] events of {group} from {_utc(start_ms)} UTC to {end} could not be fetched"
               f" ({reason}); r reloads the window")
    event_id = f"gap-{group}-{start_ms}-{end_ms}"
    return GapEvent(start_ms, start_ms, group, "", event_id, message, end_ms or 0)


def is_gap(event: object) -> bool:
    return isinstance(event, GapEvent)
