"""Turn what a user types for "since" (`5m`, `2h`, `1d`, `1h30m`, an ISO time) into epoch ms.

CloudWatch speaks epoch milliseconds; people speak durations and wall-clock times. Durations are
counted back from `now_ms` (passed in, so callers and tests control the clock). An ISO time
without a zone is the user's local time, as it would be read off their own clock; `Z` or an
offset makes it absolute. Errors are `SinceError` (a `ValueError`) with a message naming the
accepted forms, so the CLI and the UI can show it as it is.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone

UNITS_MS = {
    "ms": 1,
    "s": 1_000,
    "m": 60_000,
    "h": 3_600_000,
    "d": 86_400_000,
    "w": 604_800_000,
}

_DURATION = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h|d|w)")

ACCEPTED = "a duration such as 30s, 5m, 2h, 1d, 1h30m, or an ISO time such as 2026-11-23T10:00:00Z"


class SinceError(ValueError):
    """The text is neither a duration nor a time."""


def parse_duration_ms(text: str) -> int:
    """`5m` -> 300000; `1h30m` -> 5400000. Raises SinceError."""
    compact = text.strip().lower().replace(" ", "")
    if not compact:
        raise SinceError(f"empty duration: expected {ACCEPTED}")
    total = 0.0
    position = 0
    for match in _DURATION.finditer(compact):
        if match.start() != position:
            break
        total += float(match.group(1)) * UNITS_MS[match.group(2)]
        position = match.end()
    if position != len(compact):
        raise SinceError(f"cannot read '{text}': expected {ACCEPTED}")
    return int(total)


def parse_time_ms(text: str) -> int:
    """An ISO 8601 date or time (naive means local time) -> epoch ms. Raises SinceError."""
    value = text.strip()
    if value.endswith(("Z", "z")):
        value = value[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise SinceError(f"cannot read '{text}': expected {ACCEPTED}") from None
    if moment.tzinfo is None:
        moment = moment.astimezone()  # local time, as read off the user's clock
    return int(moment.astimezone(timezone.utc).timestamp() * 1000)


def parse_since(text: str, now_ms: int) -> int:
    """The start time in epoch ms for `--since` text, relative to `now_ms` for durations.

    Also accepts `now` and a bare number of epoch milliseconds (what the AWS CLI prints).
    """
    value = text.strip()
    if not value:
        raise SinceError(f"empty start time: expected {ACCEPTED}")
    if value.lower() == "now":
        return now_ms
    if value.isdigit() and len(value) >= 10:
        number = int(value)
        # Ten digits are epoch seconds (until 2286), thirteen are milliseconds.
        return number * 1000 if len(value) <= 10 else number
    if value[0].isdigit() and _DURATION.match(value.lower()) and not _looks_like_date(value):
        return now_ms - parse_duration_ms(value)
    return parse_time_ms(value)


def _looks_like_date(value: str) -> bool:
    return len(value) >= 8 and value[4:5] == "-"
