"""What the grammar alone does not say about a Logs Insights query, checked once it is parsed:
how many arguments a function takes, what a `stats` item may refer to (aggregates, earlier
aliases, `by` names), and where aggregate functions may not appear."""

from __future__ import annotations

from stackview.demo.server.insights import nodes
from stackview.demo.server.insights.functions import AGGREGATES, SCALARS
from stackview.demo.server.insights.syntax import QueryError, Token


def check_arity(call: nodes.Call, text: str, token: Token) -> None:
    low, high = (AGGREGATES if call.aggregate else SCALARS)[call.name]
    count = len(call.args)
    if call.star or low <= count <= high:
        return
    wanted = f"{low}" if low == high else f"{low} to {high if high < 99 else 'any number of'}"
    plural = "" if wanted == "1" else "s"
    raise QueryError(f"{token.text}() takes {wanted} argument{plural}, not {count}", text,
                     token.start, token.end)


def check_stats_item(expr: nodes.Expr, known: set[str], found: list[nodes.Call], text: str) -> None:
    """A stats item combines aggregates, earlier aliases, `by` names and literals."""
    if isinstance(expr, nodes.Call) and expr.aggregate:
        for arg in expr.args:
            reject_aggregates(arg, text)
        found.append(expr)
        return
    if isinstance(expr, nodes.FieldRef):
        if expr.name not in known:
            position = text.find(expr.text)
            raise QueryError(f"{expr.text} in stats is neither an aggregate function nor an "
                             "earlier alias", text, max(position, 0))
        return
    for child in children(expr):
        check_stats_item(child, known, found, text)


def reject_aggregates(expr: nodes.Expr, text: str) -> None:
    if isinstance(expr, nodes.Call) and expr.aggregate:
        position = text.find(expr.text)
        raise QueryError(f"the aggregate function {expr.name} cannot be used here", text,
                         max(position, 0))
    for child in children(expr):
        reject_aggregates(child, text)


def children(expr: nodes.Expr) -> tuple[nodes.Expr, ...]:
    if isinstance(expr, nodes.Unary):
        return (expr.operand,)
    if isinstance(expr, nodes.Binary):
        return (expr.left, expr.right)
    if isinstance(expr, nodes.Like):
        return (expr.operand, expr.pattern)
    if isinstance(expr, nodes.In):
        return (expr.operand, *expr.items)
    if isinstance(expr, nodes.Call):
        return expr.args
    return ()
