"""Evaluating a Logs Insights expression against one record (an event, or a row of stats).

A missing field is None and spreads through arithmetic and functions (None in, None out);
comparisons with it are false, except the negated ones (`!=`, `not like`, `not in`), which
are true, so `not (a = b)` and `a != b` agree. Conditions give 1 or 0, as Insights prints them.
"""

from __future__ import annotations

import math
from typing import Any, Protocol

from stackview.demo.server.insights import nodes
from stackview.demo.server.insights.functions import SCALAR_FUNCTIONS
from stackview.demo.server.insights.values import (
    ceil_time,
    compare_equal,
    compare_order,
    floor_time,
    number,
    period_ms,
    render,
    truthy,
)


class Fields(Protocol):
    def get(self, name: str) -> Any: ...


def evaluate(expr: nodes.Expr, record: Fields, aggregates: dict[nodes.Call, Any] | None = None) -> Any:
    kind = type(expr)
    if kind is nodes.FieldRef:
        return record.get(expr.name)  # type: ignore[union-attr]
    if kind is nodes.Literal:
        return expr.value  # type: ignore[union-attr]
    if kind is nodes.Binary:
        return _binary(expr, record, aggregates)  # type: ignore[arg-type]
    if kind is nodes.Like:
        return _like(expr, record, aggregates)  # type: ignore[arg-type]
    if kind is nodes.Call:
        return _call(expr, record, aggregates)  # type: ignore[arg-type]
    if kind is nodes.Unary:
        value = evaluate(expr.operand, record, aggregates)  # type: ignore[union-attr]
        if expr.op == "not":  # type: ignore[union-attr]
            return int(not truthy(value))
        amount = number(value)
        return None if amount is None else -amount
    if kind is nodes.In:
        value = evaluate(expr.operand, record, aggregates)  # type: ignore[union-attr]
        found = any(compare_equal(value, evaluate(item, record, aggregates))
                    for item in expr.items)  # type: ignore[union-attr]
        return int(found != expr.negated)  # type: ignore[union-attr]
    return None  # a regular expression or a duration on its own has no value


def _binary(expr: nodes.Binary, record: Fields, aggregates: dict[nodes.Call, Any] | None) -> Any:
    op = expr.op
    if op == "and":
        return int(truthy(evaluate(expr.left, record, aggregates))
                   and truthy(evaluate(expr.right, record, aggregates)))
    if op == "or":
        return int(truthy(evaluate(expr.left, record, aggregates))
                   or truthy(evaluate(expr.right, record, aggregates)))
    left = evaluate(expr.left, record, aggregates)
    right = evaluate(expr.right, record, aggregates)
    if op == "=":
        return int(compare_equal(left, right))
    if op == "!=":
        return int(not compare_equal(left, right))
    if op in ("<", "<=", ">", ">="):
        order = compare_order(left, right)
        if order is None:
            return 0
        return int({"<": order < 0, "<=": order <= 0, ">": order > 0, ">=": order >= 0}[op])
    a, b = number(left), number(right)
    if a is None or b is None:
        return None
    try:
        if op == "+":
            return a + b
        if op == "-":
            return a - b
        if op == "*":
            return a * b
        if op == "/":
            return a / b
        if op == "%":
            return math.fmod(a, b)
        result = a ** b
        return result if isinstance(result, (int, float)) else None
    except (ZeroDivisionError, OverflowError, ValueError):
        return None


def _like(expr: nodes.Like, record: Fields, aggregates: dict[nodes.Call, Any] | None) -> Any:
    value = evaluate(expr.operand, record, aggregates)
    if value is None:
        return int(expr.negated)
    text = render(value)
    if isinstance(expr.pattern, nodes.Pattern):
        found = expr.pattern.regex.search(text) is not None
    else:
        needle = evaluate(expr.pattern, record, aggregates)
        found = needle is not None and render(needle) in text
    return int(found != expr.negated)


def _call(expr: nodes.Call, record: Fields, aggregates: dict[nodes.Call, Any] | None) -> Any:
    if expr.aggregate:
        return (aggregates or {}).get(expr)
    name = expr.name
    if name == "bin":
        period = _period(expr.args[0])
        stamp = number(record.get("@timestamp"))
        return None if period is None or stamp is None else floor_time(int(stamp), period)
    if name in ("datefloor", "dateceil"):
        period = _period(expr.args[1])
        stamp = number(evaluate(expr.args[0], record, aggregates))
        if period is None or stamp is None:
            return None
        return (floor_time if name == "datefloor" else ceil_time)(int(stamp), period)
    function = SCALAR_FUNCTIONS[name][2]
    assert function is not None
    return function(*(evaluate(arg, record, aggregates) for arg in expr.args))


def _period(arg: nodes.Expr) -> int | None:
    if isinstance(arg, nodes.Duration) and arg.amount > 0:
        return period_ms(arg.amount, arg.unit)
    return None
