"""Evaluation side of JSON patterns: decoding events, walking selectors, comparing values.

Decoding keeps the text of every JSON float (`JFloat.text`) because AWS compares a JSON number
with a string value by its text: `1.50` equals `"1.50"` but not `"1.5"`. Integers need no
hook: their Python `str()` is their JSON text (JSON forbids leading zeros), and leaving `parse_int`
alone keeps `json`'s C scanner on its fast path.

Types are tested with `type(v) is ...` rather than `isinstance`, because `bool` is an `int`
subclass in Python and JSON booleans must never compare as numbers.
"""

from __future__ import annotations

import json
import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from stackview.logs.filter_pattern.values import Value

Doc = dict[str, Any]
Predicate = Callable[[Any], bool]
Condition = Callable[[Doc], bool]


class JFloat(float):
    """A JSON float that remembers how it was written."""

    __slots__ = ("text",)
    text: str


def _parse_float(text: str) -> JFloat:
    number = JFloat(text)
    number.text = text
    return number


def _reject_constant(name: str) -> None:
    # NaN / Infinity are not JSON; an event that contains them is not a JSON event for AWS.
    raise ValueError(f"not JSON: {name}")


_decode = json.JSONDecoder(parse_float=_parse_float, parse_constant=_reject_constant).decode


def load_object(message: str) -> Doc | None:
    """The event as a JSON object, or None if it is anything else (text, broken JSON, an array).

    Cheap rejection first: most non-JSON lines are refused by their first character, without
    running the decoder. Duplicate keys: the last one wins (what `json` does, and what AWS does)."""
    if message[:1] != "{" and not message.lstrip().startswith("{"):
        return None
    try:
        doc = _decode(message)
    except (ValueError, RecursionError):
        return None
    return doc if type(doc) is dict else None


class _Missing:
    """Marks an absent path; distinct from JSON null (None)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()

KEY, INDEX, WILD = "key", "index", "wild"
Step = tuple[str, Any]


@dataclass(frozen=True, slots=True)
class Selector:
    """A parsed `$...` selector: `steps` of (KEY, name), (INDEX, n) or (WILD, None)."""

    text: str
    position: int
    steps: tuple[Step, ...]

    @property
    def has_wildcard(self) -> bool:
        return any(kind == WILD for kind, _ in self.steps)


def resolver(selector: Selector) -> Callable[[Doc], Any]:
    """For a selector without wildcard: the value it lands on, or MISSING.

    A key step only reads objects and an index step only reads arrays; landing anywhere else
    (a null or scalar parent, an out-of-range index) is MISSING, which is what NOT EXISTS tests."""
    steps = selector.steps
    if len(steps) == 1 and steps[0][0] == KEY:
        key = steps[0][1]
        return lambda doc: doc.get(key, MISSING)

    def resolve(doc: Doc) -> Any:
        node: Any = doc
        for kind, arg in steps:
            if kind == KEY:
                if type(node) is not dict:
                    return MISSING
                node = node.get(arg, MISSING)
                if node is MISSING:
                    return MISSING
            elif type(node) is list and arg < len(node):
                node = node[arg]
            else:
                return MISSING
        return node

    return resolve


def collector(selector: Selector) -> Callable[[Doc], list[Any]]:
    """For a selector with a wildcard: every value it lands on. A wildcard iterates an array's
    elements or an object's values, one level only (nested arrays are not flattened)."""
    steps = selector.steps

    def collect(doc: Doc) -> list[Any]:
        nodes: list[Any] = [doc]
        for kind, arg in steps:
            found: list[Any] = []
            for node in nodes:
                if kind == WILD:
                    if type(node) is dict:
                        found.extend(node.values())
                    elif type(node) is list:
                        found.extend(node)
                elif kind == KEY:
                    if type(node) is dict and arg in node:
                        found.append(node[arg])
                elif type(node) is list and arg < len(node):
                    found.append(node[arg])
            if not found:
                return found
            nodes = found
        return nodes

    return collect


def _number_text(value: Any) -> str:
    return value.text if type(value) is JFloat else str(value)


def equality(value: Value) -> Predicate:
    """`SEL = value` on one landed value. Arrays, objects, null, booleans and MISSING never equal."""
    if value.kind == "number":
        number, text = value.number, value.text

        def equals_number(v: Any) -> bool:
            t = type(v)
            if t is int or t is JFloat:
                return bool(v == number)
            return t is str and v == text  # a JSON string equals a number only by its exact text

        return equals_number
    if value.kind == "any":
        return lambda v: type(v) in (str, int, JFloat)
    test = value.string_test()
    if value.kind == "regex":
        return lambda v: type(v) is str and test(v)

    def equals_string(v: Any) -> bool:
        t = type(v)
        if t is str:
            return test(v)
        if t is int or t is JFloat:
            return test(_number_text(v))
        return False

    return equals_string


def inequality(value: Value) -> Predicate:
    """`SEL != value`: the field must exist with a string or number value that is not equal."""
    equals = equality(value)
    return lambda v: type(v) in (str, int, JFloat) and not equals(v)


_ORDER = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}


def ordering(op: str, value: Value) -> Predicate:
    """`< <= > >=`: numeric JSON values only; the string "10" never satisfies `> 1`."""
    compare, number = _ORDER[op], value.number
    return lambda v: (type(v) is int or type(v) is JFloat) and compare(v, number)


def is_null(v: Any) -> bool:
    """AWS quirk kept: an array that contains null also IS NULL."""
    return v is None or (type(v) is list and any(item is None for item in v))


def is_true(v: Any) -> bool:
    return v is True


def is_false(v: Any) -> bool:
    return v is False


def condition(selector: Selector, predicate: Predicate) -> Condition:
    """Apply `predicate` where `selector` lands; a wildcard selector needs one element to pass.

    Each wildcard condition is evaluated on its own, so `$.a[*].x = 1 && $.a[*].y = 2` may be
    satisfied by two different elements, as on AWS."""
    if selector.has_wildcard:
        collect = collector(selector)
        return lambda doc: any(predicate(v) for v in collect(doc))
    resolve = resolver(selector)
    return lambda doc: predicate(resolve(doc))


def not_exists(selector: Selector) -> Condition:
    """NOT EXISTS: nothing at the path (absent key, null or non-object parent, short array)."""
    if selector.has_wildcard:
        collect = collector(selector)
        return lambda doc: not collect(doc)
    resolve = resolver(selector)
    return lambda doc: resolve(doc) is MISSING


def all_of(parts: list[Condition]) -> Condition:
    if len(parts) == 1:
        return parts[0]
    if len(parts) == 2:
        first, second = parts
        return lambda doc: first(doc) and second(doc)
    return lambda doc: all(part(doc) for part in parts)


def any_of(parts: list[Condition]) -> Condition:
    if len(parts) == 1:
        return parts[0]
    if len(parts) == 2:
        first, second = parts
        return lambda doc: first(doc) or second(doc)
    return lambda doc: any(part(doc) for part in parts)
