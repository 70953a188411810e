from datetime import datetime, timedelta, timezone

from stackview.widgets.format import relative_time, short_time

NOW = datetime(2026, 11, 23, 12, 0, 0, tzinfo=timezone.utc)


def test_relative_time_units() -> None:
    assert relative_time(None, NOW) == "-"
    assert relative_time(NOW - timedelta(seconds=42), NOW) == "42s ago"
    assert relative_time(NOW - timedelta(minutes=5, seconds=59), NOW) == "5m ago"
    assert relative_time(NOW - timedelta(hours=3), NOW) == "3h ago"
    assert relative_time(NOW - timedelta(days=12), NOW) == "12d ago"
    assert relative_time(NOW - timedelta(days=800), NOW) == "2y ago"
    assert relative_time(NOW + timedelta(minutes=2), NOW) == "in 2m"


def test_naive_times_are_utc() -> None:
    naive = datetime(2026, 11, 23, 11, 0, 0)
    assert relative_time(naive, NOW) == "1h ago"
    assert short_time(naive) == "2026-11-23 11:00:00Z"
