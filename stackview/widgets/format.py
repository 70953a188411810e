"""Formatting of times, sizes and durations for display (pure functions, no Textual)."""

from __future__ import annotations

from datetime import datetime, timezone


def as_utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment


def relative_time(moment: datetime | None, now: datetime) -> str:
    """`42s ago`, `5m ago`, `3h ago`, `12d ago`; `-` when unknown; `in 2m` for the future."""
    if moment is None:
        return "-"
    seconds = int((as_utc(now) - as_utc(moment)).total_seconds())
    future = seconds < 0
    seconds = abs(seconds)
    for size, unit in ((86400 * 365, "y"), (86400, "d"), (3600, "h"), (60, "m")):
        if seconds >= size:
            amount = f"{seconds // size}{unit}"
            break
    else:
        amount = f"{seconds}s"
    return f"in {amount}" if future else f"{amount} ago"


def short_time(moment: datetime | None) -> str:
    """`2026-11-23 10:04:05Z` (UTC)."""
    if moment is None:
        return "-"
    return as_utc(moment).astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%SZ")
