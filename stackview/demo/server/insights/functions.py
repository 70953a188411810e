"""Logs Insights functions: the scalar ones (strlen, concat, ispresent, ...) and the aggregates
of `stats` (count, count_distinct, sum, avg, min, max, pct, stddev, earliest, latest).

Scalars take evaluated values (None for "no value") and return one. `bin`, `datefloor` and
`dateceil` need the record's time or a duration, so the evaluator answers them itself; they are
listed here so the parser knows them. Aggregates are accumulators fed one record at a time.
Where AWS approximates (count_distinct, pct), the demo answers exactly: pct(f, p) is the
nearest-rank percentile (the smallest value with at least p% of the values at or below it).
"""

from __future__ import annotations

import math
from typing import Any, Callable

from stackview.demo.server.insights.values import Timestamp, number, render, sort_key, truthy


def _text(value: Any) -> str | None:
    return None if value is None else render(value)


def _numeric(function: Callable[[float], float]) -> Callable[..., Any]:
    def apply(value: Any) -> Any:
        amount = number(value)
        if amount is None:
            return None
        try:
            result = function(amount)
        except (ValueError, OverflowError):
            return None
        return int(result) if isinstance(result, float) and result.is_integer() and abs(result) < 2**53 else result
    return apply


def _substr(value: Any, start: Any, length: Any = None) -> Any:
    text, begin = _text(value), number(start)
    if text is None or begin is None:
        return None
    begin = max(0, int(begin))
    if length is None:
        return text[begin:]
    size = number(length)
    return None if size is None else text[begin:begin + max(0, int(size))]


def _trim(kind: str) -> Callable[..., Any]:
    def apply(value: Any, chars: Any = None) -> Any:
        text = _text(value)
        if text is None:
            return None
        strip = {"both": str.strip, "left": str.lstrip, "right": str.rstrip}[kind]
        return strip(text, None if chars is None else render(chars))
    return apply


def _extreme(pick: Callable[..., Any]) -> Callable[..., Any]:
    def apply(*values: Any) -> Any:
        numbers = [n for n in (number(v) for v in values) if n is not None]
        return pick(numbers) if numbers else None
    return apply


def _replace(value: Any, find: Any, replacement: Any) -> Any:
    text = _text(value)
    if text is None or find is None:
        return None
    return text.replace(render(find), "" if replacement is None else render(replacement))


def _from_millis(value: Any) -> Any:
    amount = number(value)
    return None if amount is None else Timestamp(int(amount))


def _to_millis(value: Any) -> Any:
    amount = number(value)
    return None if amount is None else int(amount)


#: name -> (fewest arguments, most arguments, implementation or None when the evaluator does it)
SCALAR_FUNCTIONS: dict[str, tuple[int, int, Callable[..., Any] | None]] = {
    "ispresent": (1, 1, lambda v: int(v is not None)),
    "isempty": (1, 1, lambda v: int(v is None or render(v) == "")),
    "isblank": (1, 1, lambda v: int(v is None or render(v).strip() == "")),
    "coalesce": (1, 99, lambda *vs: next((v for v in vs if v is not None), None)),
    "concat": (1, 99, lambda *vs: "".join(render(v) for v in vs if v is not None)),
    "strlen": (1, 1, lambda v: None if v is None else len(render(v))),
    "toupper": (1, 1, lambda v: None if v is None else render(v).upper()),
    "tolower": (1, 1, lambda v: None if v is None else render(v).lower()),
    "trim": (1, 2, _trim("both")),
    "ltrim": (1, 2, _trim("left")),
    "rtrim": (1, 2, _trim("right")),
    "substr": (2, 3, _substr),
    "replace": (3, 3, _replace),
    "strcontains": (2, 2, lambda v, s: None if v is None or s is None else int(render(s) in render(v))),
    "abs": (1, 1, _numeric(abs)),
    "ceil": (1, 1, _numeric(math.ceil)),
    "floor": (1, 1, _numeric(math.floor)),
    "sqrt": (1, 1, _numeric(math.sqrt)),
    "log": (1, 1, _numeric(math.log)),
    "greatest": (1, 99, _extreme(max)),
    "least": (1, 99, _extreme(min)),
    "frommillis": (1, 1, _from_millis),
    "tomillis": (1, 1, _to_millis),
    "bin": (1, 1, None),
    "datefloor": (2, 2, None),
    "dateceil": (2, 2, None),
}
SCALARS = {name: (low, high) for name, (low, high, _) in SCALAR_FUNCTIONS.items()}


class Aggregate:
    """One aggregate call's state for one group of records."""

    def add(self, value: Any, timestamp: int) -> None:
        raise NotImplementedError

    def result(self) -> Any:
        raise NotImplementedError


class Count(Aggregate):
    def __init__(self, star: bool) -> None:
        self.star, self.count = star, 0

    def add(self, value: Any, timestamp: int) -> None:
        if self.star or value is not None:
            self.count += 1

    def result(self) -> Any:
        return self.count


class CountDistinct(Aggregate):
    def __init__(self) -> None:
        self.seen: set[str] = set()

    def add(self, value: Any, timestamp: int) -> None:
        if value is not None:
            self.seen.add(render(value))

    def result(self) -> Any:
        return len(self.seen)


class Numbers(Aggregate):
    """sum, avg, pct and stddev: over the values that are numbers (others are skipped)."""

    def __init__(self, kind: str, rank: float | None = None) -> None:
        self.kind, self.rank = kind, rank
        self.values: list[float] = []
        self.total: float = 0
        self.count = 0

    def add(self, value: Any, timestamp: int) -> None:
        amount = number(value)
        if amount is None:
            return
        self.count += 1
        self.total += amount
        if self.kind in ("pct", "stddev"):
            self.values.append(amount)

    def result(self) -> Any:
        if not self.count:
            return None
        if self.kind == "sum":
            return self.total
        if self.kind == "avg":
            return self.total / self.count
        if self.kind == "stddev":
            if self.count < 2:
                return 0
            mean = self.total / self.count
            return math.sqrt(sum((v - mean) ** 2 for v in self.values) / (self.count - 1))
        ordered = sorted(self.values)
        rank = max(1, math.ceil((self.rank or 0) / 100 * len(ordered)))
        return ordered[min(rank, len(ordered)) - 1]


class Extreme(Aggregate):
    """min and max (numbers as numbers, timestamps stay timestamps); earliest and latest (the
    value at the smallest or largest @timestamp)."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.best: Any = None
        self.key: Any = None

    def add(self, value: Any, timestamp: int) -> None:
        if value is None:
            return
        key = sort_key(value) if self.kind in ("min", "max") else timestamp
        if self.key is None or (key < self.key if self.kind in ("min", "earliest") else key > self.key):
            self.best, self.key = value, key

    def result(self) -> Any:
        return self.best


#: name -> (fewest arguments, most arguments)
AGGREGATES = {"count": (0, 1), "count_distinct": (1, 1), "sum": (1, 1), "avg": (1, 1),
              "min": (1, 1), "max": (1, 1), "pct": (2, 2), "percentile": (2, 2),
              "stddev": (1, 1), "earliest": (1, 1), "latest": (1, 1)}


def new_aggregate(name: str, star: bool, rank: Any = None) -> Aggregate:
    if name == "count":
        return Count(star)
    if name == "count_distinct":
        return CountDistinct()
    if name in ("sum", "avg", "stddev"):
        return Numbers(name)
    if name in ("pct", "percentile"):
        return Numbers("pct", number(rank))
    return Extreme(name)


__all__ = ["AGGREGATES", "SCALARS", "SCALAR_FUNCTIONS", "new_aggregate", "truthy"]
