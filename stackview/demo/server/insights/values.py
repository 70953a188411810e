"""The values of Logs Insights fields: typing, printing, ordering and time buckets.

Insights fields are dynamically typed: text, numbers (from JSON, from Lambda's REPORT lines,
from arithmetic) and timestamps. None means "no value" (the field is absent, and a result row
leaves it out). Every value reaches the client as a string, printed as Insights prints it:
timestamps `YYYY-MM-DD HH:MM:SS.mmm` (UTC), whole numbers without a decimal point, other numbers
in their shortest exact form. `sort` orders as AWS documents: values that are not numbers
before numbers, in "natural" order (runs of digits compared by length, then value).
"""

from __future__ import annotations

import math
import re
from datetime import datetime, timezone
from typing import Any

from stackview.demo.server.insights.syntax import DURATION_UNITS

_NUMERIC_TEXT = re.compile(r"\s*-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\s*")
_CHUNKS = re.compile(r"\d+|\D+")


class Timestamp(int):
    """Milliseconds since the epoch that print as a date (@timestamp, bin(), min/max of them)."""

    def __repr__(self) -> str:
        return f"Timestamp({render(self)})"


def number(value: Any) -> int | float | None:
    """The value as a number when it is one, or text that reads as one; else None."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str) and _NUMERIC_TEXT.fullmatch(value):
        parsed = float(value)
        return int(parsed) if parsed.is_integer() and "." not in value and "e" not in value.lower() else parsed
    return None


def truthy(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, (int, float)):
        return value != 0
    return value != ""


def render(value: Any) -> str:
    """The value as Insights prints it in results."""
    if isinstance(value, Timestamp):
        moment = datetime.fromtimestamp(int(value) / 1000, tz=timezone.utc)
        return moment.strftime("%Y-%m-%d %H:%M:%S.") + f"{int(value) % 1000:03d}"
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer() and abs(value) < 1e21:
            return str(int(value))
        return repr(value)
    return "" if value is None else str(value)


def sort_key(value: Any) -> tuple[Any, ...]:
    """Insights' order: text before numbers; text in natural order."""
    text = render(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return (2, float(value), text)
    if re.fullmatch(r"-?\d+(\.\d+)?", text):
        return (2, float(text), text)  # equal numbers in text order: 01 before 1
    chunks = tuple((48, len(chunk), int(chunk)) if chunk[0].isdigit()
                   else (ord(chunk[0]), chunk) for chunk in _CHUNKS.findall(text))
    return (1, chunks)


def compare_equal(left: Any, right: Any) -> bool:
    """`=`: numerically when one side is a number and the other reads as one, else as text."""
    if left is None or right is None:
        return False
    if _is_number(left) or _is_number(right):
        a, b = number(left), number(right)
        if a is not None and b is not None:
            return a == b
    return render(left) == render(right)


def compare_order(left: Any, right: Any) -> int | None:
    """-1, 0 or 1 for `<`, `>`, ...: as numbers when both read as numbers, else as text;
    None when a side has no value."""
    if left is None or right is None:
        return None
    a, b = number(left), number(right)
    if a is not None and b is not None:
        return (a > b) - (a < b)
    x, y = render(left), render(right)
    return (x > y) - (x < y)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def period_ms(amount: int, unit: str) -> int:
    """A duration in milliseconds; negative for calendar units (a number of months)."""
    size = DURATION_UNITS[unit]
    return amount * size


def floor_time(ms: int, period: int) -> Timestamp:
    """The start of the bucket of `period` (from period_ms) that `ms` falls in (UTC)."""
    if period > 0:
        return Timestamp(ms - ms % period)
    months = -period
    moment = datetime.fromtimestamp(ms / 1000, tz=timezone.utc)
    index = moment.year * 12 + moment.month - 1
    index -= index % months
    start = datetime(index // 12, index % 12 + 1, 1, tzinfo=timezone.utc)
    return Timestamp(int(start.timestamp() * 1000))


def ceil_time(ms: int, period: int) -> Timestamp:
    floor = floor_time(ms, period)
    if floor == ms:
        return floor
    if period > 0:
        return Timestamp(floor + period)
    moment = datetime.fromtimestamp(floor / 1000, tz=timezone.utc)
    index = moment.year * 12 + moment.month - 1 - period
    start = datetime(index // 12, index % 12 + 1, 1, tzinfo=timezone.utc)
    return Timestamp(int(start.timestamp() * 1000))
