"""Event JSON checks: positions a person can find, strict JSON, pretty-printing."""

from __future__ import annotations

import pytest

from stackview.events import validate


def test_valid_json_gives_the_value() -> None:
    checked = validate.check('{"a": [1, 2, {"b": null}]}')
    assert checked.ok and checked.value == {"a": [1, 2, {"b": None}]}


@pytest.mark.parametrize(
    ("text", "line", "column", "fragment"),
    [
        ('{\n  "a": 1,\n  "b": 2,\n}', 4, 1, "double quotes"),  # trailing comma
        ('{\n  "a": 1\n  "b": 2\n}', 3, 3, "Expecting ','"),  # missing comma
        ("{'a': 1}", 1, 2, "double quotes"),
        ('{"a": tru}', 1, 7, "Expecting value"),
        ('{"a": 1} x', 1, 10, "Extra data"),
        ('[1,\n 2,\n "unterminated]', 3, 2, "Unterminated string"),
    ],
)
def test_syntax_errors_report_line_and_column(text: str, line: int, column: int, fragment: str) -> None:
    problem = validate.check(text).problem
    assert problem is not None
    assert (problem.line, problem.column) == (line, column)
    assert fragment in problem.message
    assert problem.describe().startswith(f"line {line}, column {column}: ")


def test_nan_and_infinity_are_not_json() -> None:
    problem = validate.check('{\n  "note": "NaN is fine in a string",\n  "x": NaN\n}').problem
    assert problem is not None and problem.message == "NaN is not valid JSON"
    assert (problem.line, problem.column) == (3, 8)
    problem = validate.check("[1, -Infinity]").problem
    assert problem is not None and (problem.line, problem.column, problem.message) == (
        1, 5, "-Infinity is not valid JSON")


def test_empty_text_is_refused_with_a_hint() -> None:
    problem = validate.check("  \n ").problem
    assert problem is not None and "{}" in problem.message


def test_pretty_keeps_order_and_unicode() -> None:
    assert validate.pretty('{"z":1,"a":{"é":"ü"}}') == '{\n  "z": 1,\n  "a": {\n    "é": "ü"\n  }\n}\n'


def test_pretty_refuses_invalid_text_with_its_position() -> None:
    with pytest.raises(ValueError, match=r"line 1, column 6: Expecting .:. delimiter"):
        validate.pretty('{"a" 1}')
