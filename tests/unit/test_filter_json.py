"""JSON patterns `{ ... }` (filter-patterns.md: "JSON patterns"): one test per rule."""

from __future__ import annotations

import json

import pytest

from stackview.logs.filter_pattern import FilterPatternError, compile_pattern


def matches(pattern: str, message: str | dict | list) -> bool:
    if not isinstance(message, str):
        message = json.dumps(message)
    return compile_pattern(pattern).matches(message)


def rejects(pattern: str) -> FilterPatternError:
    with pytest.raises(FilterPatternError) as info:
        compile_pattern(pattern)
    return info.value


# --- structure ---------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("doc", "expected"),
    [
        ({"a": 1, "b": 1, "c": 0}, True),   # a && b
        ({"a": 0, "b": 0, "c": 1}, True),   # c
        ({"a": 1, "b": 0, "c": 0}, False),
    ],
)
def test_and_binds_tighter_than_or(doc: dict, expected: bool) -> None:
    assert matches("{ $.a = 1 && $.b = 1 || $.c = 1 }", doc) is expected


def test_parentheses_group() -> None:
    pattern = "{ $.a = 1 && ($.b = 1 || $.c = 1) }"
    assert matches(pattern, {"a": 1, "b": 0, "c": 1})
    assert not matches(pattern, {"a": 0, "b": 1, "c": 1})
    assert matches("{ (($.a = 1)) }", {"a": 1})


def test_no_spaces_needed() -> None:
    assert matches('{$.a="x"&&$.b>=2}', {"a": "x", "b": 2})


@pytest.mark.parametrize(
    ("pattern", "doc", "expected"),
    [
        ('{ $.s = "x" }', {"s": "x"}, True),
        ('{ $.s != "x" }', {"s": "y"}, True),
        ("{ $.n < 5 }", {"n": 4}, True),
        ("{ $.n <= 5 }", {"n": 5}, True),
        ("{ $.n > 5 }", {"n": 5}, False),
        ("{ $.n >= 5 }", {"n": 5}, True),
        ("{ $.v IS NULL }", {"v": None}, True),
        ("{ $.v IS TRUE }", {"v": True}, True),
        ("{ $.v IS FALSE }", {"v": False}, True),
        ("{ $.v IS TRUE }", {"v": "true"}, False),
        ("{ $.v NOT EXISTS }", {"w": 1}, True),
        ("{ $.v NOT EXISTS }", {"v": None}, False),
        ("{ $.v is null }", {"v": None}, True),
    ],
)
def test_conditions(pattern: str, doc: dict, expected: bool) -> None:
    assert matches(pattern, doc) is expected


# --- selectors ---------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("pattern", "doc", "expected"),
    [
        ("{ $.a.b.c = 1 }", {"a": {"b": {"c": 1}}}, True),
        ("{ $.a[0] = 1 }", {"a": [1, 2]}, True),
        ("{ $.a[1] = 1 }", {"a": [1, 2]}, False),
        ("{ $.a[2] = 1 }", {"a": [1, 2]}, False),
        ("{ $.a[1].b = 2 }", {"a": [{}, {"b": 2}]}, True),
        ("{ $.a[*] = 2 }", {"a": [1, 2]}, True),
        ("{ $.* = 2 }", {"x": 1, "y": 2}, True),
        ("{ $.['k.x'] = 1 }", {"k.x": 1}, True),
        ("{ $.a.['k.x'] = 1 }", {"a": {"k.x": 1}}, True),
        ("{ $.@timestamp = 1 }", {"@timestamp": 1}, True),
        ("{ $.user-agent = 1 }", {"user-agent": 1}, True),
    ],
)
def test_selectors(pattern: str, doc: dict, expected: bool) -> None:
    assert matches(pattern, doc) is expected


def test_dotted_selector_walks_objects_and_never_reads_a_flat_dotted_key() -> None:
    assert not matches("{ $.a.b = 1 }", {"a.b": 1})
    assert matches("{ $.a.b = 1 }", {"a.b": 0, "a": {"b": 1}})


# --- values --------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("pattern", "doc", "expected"),
    [
        ('{ $.v = "ok" }', {"v": "ok"}, True),
        ("{ $.v = ok }", {"v": "ok"}, True),
        ("{ $.v = 3 }", {"v": 3}, True),
        ("{ $.v = * }", {"v": "ok"}, True),
        ("{ $.v = %^o% }", {"v": "ok"}, True),
    ],
)
def test_value_forms(pattern: str, doc: dict, expected: bool) -> None:
    assert matches(pattern, doc) is expected


# --- which events --------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "message",
    [
        "plain text a=1",
        '{"a": 1',                       # broken JSON
        '[{"a": 1}]',                     # top-level array
        '"a"',
        "1",
        "null",
        '[INFO]\t2024-05-01\tid\t{"a": 1}',  # JSON after a prefix is not a JSON event
        '{"a": 1} trailing',
        '{"a": NaN}',
        "",
    ],
)
@pytest.mark.parametrize(
    "pattern", ["{ $.a = 1 }", "{ $.a != 2 }", "{ $.zz NOT EXISTS }", "{ $.a = * }"]
)
def test_events_that_are_not_a_json_object_never_match(pattern: str, message: str) -> None:
    assert not matches(pattern, message)


def test_json_object_with_surrounding_whitespace_is_an_object() -> None:
    assert matches("{ $.a = 1 }", '  {"a": 1}\n')


def test_duplicate_keys_last_wins() -> None:
    assert matches("{ $.a = 2 }", '{"a": 1, "a": 2}')
    assert not matches("{ $.a = 1 }", '{"a": 1, "a": 2}')


# --- wildcards -----------------------------------------------------------------------------------

def test_bracket_wildcard_iterates_array_elements_and_object_values() -> None:
    assert matches("{ $.a[*].b = 1 }", {"a": [{"b": 0}, {"b": 1}]})
    assert matches("{ $.a[*].b = 1 }", {"a": {"x": {"b": 0}, "y": {"b": 1}}})
    assert not matches("{ $.a[*].b = 1 }", {"a": [{"b": 0}]})


def test_dollar_star_iterates_top_level_values() -> None:
    assert matches('{ $.*.code = "E1" }', {"first": {"code": "E0"}, "second": {"code": "E1"}})
    assert not matches('{ $.*.code = "E1" }', {"code": "E1"})


def test_nested_arrays_are_not_flattened() -> None:
    assert not matches("{ $.a[*] = 1 }", {"a": [[1], [2]]})
    assert matches("{ $.a[*][0] = 1 }", {"a": [[1], [2]]})


def test_each_wildcard_condition_is_evaluated_on_its_own() -> None:
    doc = {"items": [{"sku": "A", "qty": 1}, {"sku": "B", "qty": 5}]}
    assert matches('{ $.items[*].sku = "A" && $.items[*].qty = 5 }', doc)


def test_at_most_one_wildcard_per_selector() -> None:
    error = rejects("{ $.a[*].b[*] = 1 }")
    assert error.message.startswith("Too many wildcards in selector '$.a[*].b[*]'")
    assert error.position == 2
    assert rejects("{ $.*[*] = 1 }").message.startswith("Too many wildcards in selector")


def test_at_most_three_wildcards_per_pattern() -> None:
    three = "{ $.a[*] = 1 && $.b[*] = 1 && $.* = 1 }"
    assert matches(three, {"a": [1], "b": [1], "c": 1})
    assert not matches(three, {"a": [1], "b": [1]})
    error = rejects("{ $.a[*] = 1 && $.b[*] = 1 && $.* = 1 || $.c[*] = 1 }")
    assert error.message.startswith("Too many wildcards: at most 3")
    assert error.position == 41


# --- comparison rules ----------------------------------------------------------------------------

@pytest.mark.parametrize("op", ["=", "!="])
@pytest.mark.parametrize("landing", [[1], {"x": 1}, [], {}])
def test_selector_landing_on_array_or_object_makes_eq_and_ne_false(op: str, landing: object) -> None:
    assert not matches(f"{{ $.a {op} 1 }}", {"a": landing})
    assert not matches(f'{{ $.a {op} "x" }}', {"a": landing})
    assert not matches(f"{{ $.a {op} * }}", {"a": landing})


@pytest.mark.parametrize(
    ("pattern", "raw", "expected"),
    [
        ("{ $.v = 1 }", '{"v": 1}', True),
        ("{ $.v = 1 }", '{"v": 1.0}', True),
        ("{ $.v = 1 }", '{"v": 1e0}', True),
        ("{ $.v = 1.0 }", '{"v": 1}', True),
        ("{ $.v = 1e0 }", '{"v": 1}', True),
        ("{ $.v = 1 }", '{"v": 2}', False),
        ("{ $.v = 1 }", '{"v": "1"}', True),
        ("{ $.v = 1 }", '{"v": "1.0"}', False),
        ("{ $.v = 1.0 }", '{"v": "1.0"}', True),
        ("{ $.v = 1.0 }", '{"v": "1"}', False),
        ("{ $.v = -2.5 }", '{"v": -2.5}', True),
        ("{ $.v = 1 }", '{"v": true}', False),
        ("{ $.v = 0 }", '{"v": false}', False),
        ("{ $.v = 12345678901234567890 }", '{"v": 12345678901234567890}', True),
        ("{ $.v = 12345678901234567890 }", '{"v": 12345678901234567891}', False),
    ],
)
def test_equals_number_is_numeric_and_strings_match_only_by_exact_text(
    pattern: str, raw: str, expected: bool
) -> None:
    assert matches(pattern, raw) is expected


@pytest.mark.parametrize(
    ("pattern", "value", "expected"),
    [
        ('{ $.v = "Alpha" }', "Alpha", True),
        ('{ $.v = "Alpha" }', "alpha", False),
        ('{ $.v = "Alpha" }', "Alpha ", False),
        ("{ $.v = Alpha }", "Alpha", True),
        ('{ $.v = "Alpha*" }', "AlphaBeta", True),
        ('{ $.v = "Alpha*" }', "Alph", False),
        ('{ $.v = "*Alpha" }', "BetaAlpha", True),
        ('{ $.v = "*Alpha" }', "AlphaBeta", False),
        ("{ $.v = *Alpha }", "BetaAlpha", True),
        ("{ $.v = 123.123.* }", "123.123.4.5", True),
        ("{ $.v = 123.123.* }", "123.124.4.5", False),
        ('{ $.v = "Al*ha" }', "Alpha", False),
        ('{ $.v = "Al*ha" }', "Al*ha", True),
        ('{ $.v = "Alph?" }', "Alpha", False),
        ('{ $.v = "Alph?" }', "Alph?", True),
        ('{ $.v = "*lph*" }', "Alpha", True),
    ],
)
def test_string_equality_is_exact_with_prefix_or_suffix_wildcards(
    pattern: str, value: str, expected: bool
) -> None:
    assert matches(pattern, {"v": value}) is expected


@pytest.mark.parametrize(
    ("pattern", "raw", "expected"),
    [
        ('{ $.v = "1.50" }', '{"v": 1.50}', True),
        ('{ $.v = "1.5" }', '{"v": 1.50}', False),
        ('{ $.v = "200" }', '{"v": 200}', True),
        ('{ $.v = "2*" }', '{"v": 200}', True),
        ('{ $.v = "1e3" }', '{"v": 1e3}', True),
        ('{ $.v = "1000" }', '{"v": 1e3}', False),
    ],
)
def test_json_number_matches_string_value_only_by_identical_text(
    pattern: str, raw: str, expected: bool
) -> None:
    assert matches(pattern, raw) is expected


def test_equals_true_compares_with_the_string_true() -> None:
    assert matches("{ $.v = true }", {"v": "true"})
    assert not matches("{ $.v = true }", {"v": True})
    assert not matches("{ $.v = false }", {"v": False})
    assert matches("{ $.v IS TRUE }", {"v": True})
    assert matches("{ $.v IS FALSE }", {"v": False})
    assert not matches("{ $.v IS FALSE }", {"v": 0})


@pytest.mark.parametrize(
    ("value", "expected"),
    [("x", True), ("", True), (0, True), (1.5, True), (None, False), (True, False), (False, False),
     ([], False), (["x"], False), ({}, False)],
)
def test_equals_star_matches_any_string_or_number(value: object, expected: bool) -> None:
    assert matches("{ $.v = * }", {"v": value}) is expected
    assert matches('{ $.v = "*" }', {"v": value}) is expected


def test_equals_star_does_not_match_absent_field() -> None:
    assert not matches("{ $.v = * }", {"w": "x"})


@pytest.mark.parametrize(
    ("doc", "expected"),
    [
        ({"v": "y"}, True),
        ({"v": 7}, True),
        ({"v": "x"}, False),
        ({}, False),
        ({"v": None}, False),
        ({"v": True}, False),
        ({"v": ["y"]}, False),
    ],
)
def test_not_equal_requires_an_existing_string_or_number(doc: dict, expected: bool) -> None:
    assert matches('{ $.v != "x" }', doc) is expected


def test_not_equal_number() -> None:
    assert matches("{ $.v != 1 }", {"v": 2})
    assert not matches("{ $.v != 1 }", {"v": 1.0})
    assert matches("{ $.v != 1 }", {"v": "1.0"})  # not the number's text
    assert not matches("{ $.v != 1 }", {"v": "1"})


@pytest.mark.parametrize(
    ("value", "expected"),
    [(10, True), (1.5, True), (1, False), ("10", False), (True, False), (None, False), ([10], False)],
)
def test_ordering_matches_only_numeric_values(value: object, expected: bool) -> None:
    assert matches("{ $.v > 1 }", {"v": value}) is expected


@pytest.mark.parametrize(
    ("doc", "expected"),
    [
        ({"v": None}, True),
        ({}, False),
        ({"v": [1, None]}, True),
        ({"v": [1, 2]}, False),
        ({"v": [[None]]}, False),
        ({"v": ""}, False),
        ({"v": 0}, False),
        ({"v": {"x": None}}, False),
    ],
)
def test_is_null(doc: dict, expected: bool) -> None:
    assert matches("{ $.v IS NULL }", doc) is expected


@pytest.mark.parametrize(
    ("doc", "expected"),
    [
        ({}, True),
        ({"a": None}, True),
        ({"a": "text"}, True),
        ({"a": 5}, True),
        ({"a": [1]}, True),
        ({"a": {}}, True),
        ({"a": {"b": None}}, False),
        ({"a": {"b": 0}}, False),
    ],
)
def test_not_exists_when_path_absent_or_parent_null_or_not_object(doc: dict, expected: bool) -> None:
    assert matches("{ $.a.b NOT EXISTS }", doc) is expected


def test_not_exists_with_index_and_wildcard() -> None:
    assert matches("{ $.a[3] NOT EXISTS }", {"a": [1, 2]})
    assert not matches("{ $.a[1] NOT EXISTS }", {"a": [1, 2]})
    assert matches("{ $.a[0] NOT EXISTS }", {"a": {"0": 1}})
    assert matches("{ $.a[*].b NOT EXISTS }", {"a": [{"c": 1}]})
    assert not matches("{ $.a[*].b NOT EXISTS }", {"a": [{"c": 1}, {"b": 1}]})


def test_regex_value_is_tested_against_strings_only() -> None:
    assert matches(r"{ $.v = %^\d+$% }", {"v": "42"})
    assert not matches(r"{ $.v = %^\d+$% }", {"v": 42})
    assert not matches("{ $.v = %true% }", {"v": True})


def test_regex_anchors_apply_to_the_value() -> None:
    assert matches("{ $.v = %^abc$% }", {"v": "abc"})
    assert not matches("{ $.v = %^abc$% }", {"v": "abc\n"})
    assert not matches("{ $.v = %^abc$% }", {"v": "xabc"})


# --- invalid patterns ----------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("pattern", "fragment", "position"),
    [
        ("{ $.a EXISTS }", "Unexpected 'EXISTS'", 6),
        ("{ $.a IS NOT NULL }", "Unexpected 'NOT'", 9),
        ("{ $.a == 1 }", "Invalid operator '=='", 6),
        ("{ $.a = 1 AND $.b = 2 }", "Unexpected 'AND'", 10),
        ("{ AND $.b = 2 }", "Unexpected 'AND'", 2),
        ("{ !($.a = 1) }", "Invalid operator '!'", 2),
        ("{ $.a = null }", "Unexpected 'null'", 8),
        ("{ $..x = 1 }", "Invalid selector '$..x'", 2),
        ("{ $.a[-1] = 1 }", "Invalid selector '$.a[-1]'", 2),
        ("{ $.a[0:2] = 1 }", "Invalid selector '$.a[0:2]'", 2),
        ('{ $.a < "x" }', "'<' compares numbers only", 8),
        ("{ $.a > abc }", "'>' compares numbers only", 8),
        ("{ $.a >= %1% }", "'>=' compares numbers only", 9),
        ('{ "a": 1 }', "expected a selector starting with '$'", 2),
        ("{ a = 1 }", "expected a selector starting with '$'", 2),
        ("{}", "needs at least one condition", 0),
        ("{ $ = 1 }", "Invalid selector '$'", 2),
        ("{ $. = 1 }", "Invalid selector '$.'", 2),
        ("{ $.a = }", "Unexpected end of pattern", 8),
        ("{ $.a }", "Unexpected end of pattern", 6),
        ("{ $.a = 1 && }", "Unexpected end of pattern", 13),
        ("{ ($.a = 1 }", "expected ')'", 11),
        ("{ $.a = 1) }", "Unexpected ')'", 9),
        ("{ $.a = 1 & $.b = 2 }", "Unexpected character '&'", 10),
        ("{ $.a = 1 2 }", "Unexpected '2'", 10),
        ("{ $.a IS MAYBE }", "Unexpected 'MAYBE'", 9),
        ('{ $.a = "x }', "Unclosed quote", 8),
        ("{ $.a[0 = 1 }", "Invalid selector", 2),
        ("{ $.a = [1] }", "Unexpected character '['", 8),
        ("{ $.a = 1 } }", "Unexpected character '}'", 10),
    ],
)
def test_invalid_json_patterns(pattern: str, fragment: str, position: int) -> None:
    error = rejects(pattern)
    assert fragment in error.message
    assert error.position == position
    assert str(error).endswith(f"(at {position})")


def test_missing_closing_brace_position_is_where_it_is_missing() -> None:
    error = rejects("  { $.a = 1  ")
    assert error.message == "If a filter pattern starts with '{' it must end with '}'"
    assert error.position == 11
