"""The Insights screen's status texts and time range (pure)."""

from __future__ import annotations

from stackview.aws.insights_run import QUEUED, QueryProgress
from stackview.models.insights import QueryResults, QueryStatistics, ResultRow
from stackview.screens.insights.status import ended_text, progress_text, size_text, time_range

NOW = 1_795_428_000_000


def test_time_range_reads_durations_iso_times_and_now() -> None:
    assert time_range("1h", "now", NOW) == (NOW - 3_600_000, NOW)
    assert time_range("2026-11-23T09:00:00Z", "", NOW) == (NOW - 3_600_000, NOW)
    assert time_range("3h", "1h", NOW) == (NOW - 3 * 3_600_000, NOW - 3_600_000)


def test_time_range_names_the_field_that_is_wrong() -> None:
    field, message = time_range("yesterday", "now", NOW)
    assert field == "since" and message.startswith("since: cannot read 'yesterday'")
    assert time_range("1h", "later", NOW)[0] == "until"
    assert time_range("1h", "2h", NOW) == ("until", "until must come after since")


def test_progress_and_ended_lines() -> None:
    running = QueryProgress("Running", "q", QueryStatistics(12, 34_567, 2_500_000), rows=7, elapsed_s=3.25)
    assert progress_text(running) == "running 3.2s · 12 matched of 34,567 records scanned · 2.5 MB · 7 rows so far"
    assert progress_text(QueryProgress(QUEUED, elapsed_s=4.0, note="the account runs 30 queries")) == (
        "queued 4s: the account runs 30 queries")
    results = QueryResults("Complete", (ResultRow((("a", "1"),)),), QueryStatistics(1, 10, 999))
    assert ended_text(results, 0.5, []) == "complete in 0.5s · 1 row · 1 matched of 10 records scanned · 999 B"
    assert ended_text(QueryResults("Cancelled"), 1.0, ["/g"]).startswith("cancelled in 1.0s")
    assert ended_text(QueryResults("Cancelled"), 1.0, ["/g"]).endswith("no log group yet, left out: /g")
    assert size_text(1_234_567_890_000) == "1,234.6 GB"
