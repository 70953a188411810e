"""The parsed form of a Logs Insights query: expressions and the commands of the pipeline.

Every node keeps `text`, its spelling in the query: Insights names an unnamed result column by
what was written (`count(*)`, `bin(5m)`, `strlen(@message)`), so the engine does too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Union


@dataclass(frozen=True)
class Literal:
    value: object
    text: str


@dataclass(frozen=True)
class FieldRef:
    name: str
    text: str


@dataclass(frozen=True)
class Pattern:
    """A regular expression literal `/.../` (Java syntax, compiled for Python)."""

    regex: re.Pattern[str]
    text: str


@dataclass(frozen=True)
class Duration:
    amount: int
    unit: str  # a key of syntax.DURATION_UNITS
    text: str


@dataclass(frozen=True)
class Unary:
    op: str  # "-" or "not"
    operand: Expr
    text: str


@dataclass(frozen=True)
class Binary:
    op: str  # + - * / % ^ = != < <= > >= and or
    left: Expr
    right: Expr
    text: str


@dataclass(frozen=True)
class Like:
    operand: Expr
    pattern: Expr  # a Pattern, or an expression giving a substring
    negated: bool
    text: str


@dataclass(frozen=True)
class In:
    operand: Expr
    items: tuple[Expr, ...]
    negated: bool
    text: str


@dataclass(frozen=True)
class Call:
    """A function call; `aggregate` when it is one of the stats functions."""

    name: str  # lower case
    args: tuple[Expr, ...]
    text: str
    aggregate: bool = False
    star: bool = False  # count(*)


Expr = Union[Literal, FieldRef, Pattern, Duration, Unary, Binary, Like, In, Call]


@dataclass(frozen=True)
class Named:
    """An expression with the name its value takes (an `as` alias, or as written)."""

    expr: Expr
    name: str


@dataclass(frozen=True)
class Fields:
    items: tuple[Named, ...]


@dataclass(frozen=True)
class Display:
    names: tuple[str, ...]


@dataclass(frozen=True)
class Filter:
    condition: Expr


@dataclass(frozen=True)
class Parse:
    source: str  # the field parsed
    regex: re.Pattern[str]
    names: tuple[str, ...]  # the fields set: the glob's * in order, or the regex's named groups
    glob: bool = False


@dataclass(frozen=True)
class Stats:
    items: tuple[Named, ...]
    by: tuple[Named, ...] = ()
    aggregates: tuple[Call, ...] = field(default=())  # every aggregate call inside items


@dataclass(frozen=True)
class SortKey:
    expr: Expr
    descending: bool


@dataclass(frozen=True)
class Sort:
    keys: tuple[SortKey, ...]


@dataclass(frozen=True)
class Limit:
    count: int


@dataclass(frozen=True)
class Dedup:
    names: tuple[str, ...]


Command = Union[Fields, Display, Filter, Parse, Stats, Sort, Limit, Dedup]


@dataclass(frozen=True)
class Query:
    commands: tuple[Command, ...]
    text: str
