"""What the Insights screen says about a query, as text (pure: tested without a screen).

The status line while a query is queued or runs (records matched and scanned, bytes scanned,
rows so far), the line once it has ended, and the reading of the time range typed in the
"since" and "until" fields (durations or ISO times, as the log view reads "since").
"""

from __future__ import annotations

from stackview.aws.insights_run import QUEUED, QueryProgress
from stackview.logs.since import SinceError, parse_since
from stackview.models.insights import QueryResults


def size_text(count: float) -> str:
    """`812 B`, `12.3 KB`, `4.1 MB` (1000-based, as Insights counts bytes scanned)."""
    for unit in ("B", "KB", "MB", "GB"):
        if count < 1000 or unit == "GB":
            return f"{count:,.0f} {unit}" if unit == "B" else f"{count:,.1f} {unit}"
        count /= 1000
    return f"{count:,.1f} GB"  # pragma: no cover - the loop returns at GB


def progress_text(progress: QueryProgress) -> str:
    """The status line while a query waits or runs."""
    stats = progress.statistics
    if progress.state == QUEUED:
        return f"queued {progress.elapsed_s:.0f}s: {progress.note or 'waiting for a free query slot'}"
    return (f"{progress.state.lower()} {progress.elapsed_s:.1f}s · {stats.records_matched:,.0f} matched of "
            f"{stats.records_scanned:,.0f} records scanned · {size_text(stats.bytes_scanned)} · "
            f"{progress.rows:,} rows so far")


def ended_text(results: QueryResults, elapsed_s: float, missing: list[str]) -> str:
    """The status line once the query has ended (complete, cancelled, failed, timed out)."""
    stats = results.statistics
    state = "complete" if results.status == "Complete" else results.status.lower()
    left_out = f" · no log group yet, left out: {', '.join(missing)}" if missing else ""
    rows = len(results.rows)
    return (f"{state} in {elapsed_s:.1f}s · {rows:,} row{'s' if rows != 1 else ''} · "
            f"{stats.records_matched:,.0f} matched of {stats.records_scanned:,.0f} records scanned · "
            f"{size_text(stats.bytes_scanned)}{left_out}")


def time_range(since: str, until: str, now_ms: int) -> tuple[int, int] | tuple[str, str]:
    """(start, end) in epoch ms, or (the field that is wrong, why) for the user."""
    values: list[int] = []
    for field, text in (("since", since), ("until", until or "now")):
        try:
            values.append(parse_since(text, now_ms))
        except SinceError as exc:
            return field, f"{field}: {exc}"
    start, end = values
    if end <= start:
        return "until", "until must come after since"
    return start, end
