"""`--since` text to epoch milliseconds."""

from __future__ import annotations

from datetime import datetime

import pytest

from stackview.logs.since import SinceError, parse_duration_ms, parse_since

NOW = 1_800_000_000_000


@pytest.mark.parametrize(
    "text, ms",
    [("30s", 30_000), ("5m", 300_000), ("2h", 7_200_000), ("1d", 86_400_000), ("1w", 604_800_000),
     ("1h30m", 5_400_000), ("1.5h", 5_400_000), ("250ms", 250), (" 10M ", 600_000)],
)
def test_durations(text: str, ms: int) -> None:
    assert parse_duration_ms(text) == ms
    assert parse_since(text, NOW) == NOW - ms


def test_absolute_times() -> None:
    assert parse_since("2027-01-15T08:00:00Z", NOW) == int(datetime.fromisoformat("2027-01-15T08:00:00+00:00").timestamp() * 1000)
    assert parse_since("2027-01-15T09:00:00+01:00", NOW) == parse_since("2027-01-15T08:00:00Z", NOW)
    naive = parse_since("2027-01-15 08:00", NOW)
    assert naive == int(datetime(2027, 1, 15, 8, 0).timestamp() * 1000)  # local time
    assert parse_since("2027-01-15", NOW) == int(datetime(2027, 1, 15).timestamp() * 1000)
    assert parse_since("now", NOW) == NOW
    assert parse_since("1799999000000", NOW) == 1_799_999_000_000  # epoch ms, as AWS prints
    assert parse_since("1799999000", NOW) == 1_799_999_000_000  # epoch seconds


@pytest.mark.parametrize("text", ["", "yesterday", "5", "5 minutes", "m5", "1h-", "2027-13-45"])
def test_nonsense_is_refused_with_the_accepted_forms(text: str) -> None:
    with pytest.raises(SinceError) as info:
        parse_since(text, NOW)
    assert "expected" in str(info.value)
