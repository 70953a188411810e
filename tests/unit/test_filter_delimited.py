"""Space-delimited patterns `[ ... ]` (filter-patterns.md: "Space-delimited patterns")."""

from __future__ import annotations

import pytest

from stackview.logs.filter_pattern import FilterPatternError, compile_pattern

APACHE = '127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /apache_pb.gif HTTP/1.0" 200 1534'


def matches(pattern: str, message: str) -> bool:
    return compile_pattern(pattern).matches(message)


def rejects(pattern: str) -> FilterPatternError:
    with pytest.raises(FilterPatternError) as info:
        compile_pattern(pattern)
    return info.value


# --- pattern fields ------------------------------------------------------------------------------

def test_fields_are_separated_by_commas() -> None:
    pattern = "[ip, identity, user, timestamp, request, status = 200, bytes]"
    assert matches(pattern, APACHE)
    assert not matches(pattern.replace("200", "404"), APACHE)


def test_empty_field_is_a_positional_placeholder() -> None:
    assert matches("[, , user = frank, ...]", APACHE)
    assert not matches("[, user = frank, ...]", APACHE)


def test_named_field_matches_anything() -> None:
    assert matches("[a, b, c]", "x y z")
    assert not matches("[a, b, c]", "x y")


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("[..., status = 200, bytes]", True),
        ("[..., status != 200, bytes]", False),
        ("[..., status != 404, bytes]", True),
        ("[..., status < 300, bytes]", True),
        ("[..., status <= 200, bytes]", True),
        ("[..., status > 200, bytes]", False),
        ("[..., status >= 200, bytes > 1000]", True),
        ("[..., status = 2*, bytes]", True),
        ("[..., status = *0, bytes]", True),
        ("[..., status = %^2\\d\\d$%, bytes]", True),
        ('[..., status = "200", bytes]', True),
        ("[..., status = *, bytes]", True),
    ],
)
def test_operators_and_values(pattern: str, expected: bool) -> None:
    assert matches(pattern, APACHE) is expected


def test_several_conditions_on_the_same_field() -> None:
    pattern = "[..., status >= 200 && status < 300, bytes]"
    assert matches(pattern, "GET 204 10")
    assert not matches(pattern, "GET 404 10")
    either = "[..., status = 404 || status = 5*, bytes]"
    assert matches(either, "GET 503 10")
    assert matches(either, "GET 404 10")
    assert not matches(either, "GET 200 10")


def test_and_binds_tighter_than_or_within_a_field() -> None:
    pattern = "[code = 1 || code > 5 && code < 9]"
    assert matches(pattern, "1")
    assert matches(pattern, "7")
    assert not matches(pattern, "10")


def test_conditions_on_different_fields_cannot_be_joined() -> None:
    error = rejects("[ip, user, username, timestamp, request, status_code = 4* && bytes > 1000]")
    assert "must be on the same field" in error.message
    assert "'bytes'" in error.message
    assert error.position == 61


# --- splitting the event -------------------------------------------------------------------------

def test_event_is_split_on_runs_of_spaces_and_tabs() -> None:
    pattern = "[a, b = two, c]"
    assert matches(pattern, "one   two\t\tthree")
    assert matches(pattern, "  one two three")


@pytest.mark.parametrize("event", [
    "one\ttwo\tthree", "one \t two\t\t three", "\tone\ttwo three", 'one\t"two"\tthree',
    "one\t[two]\tthree",
])
def test_tabs_separate_fields_like_spaces(event) -> None:
    assert matches("[a = one, b = two, c = three]", event)
    assert matches("[a, ..., c = three]", event)
    assert not matches("[a = one, b = two, c = three, d]", event)


def test_the_last_field_keeps_the_tabs_of_the_remainder() -> None:
    assert matches(r"[a, rest = %^two\x09three$%]", "one\ttwo\tthree")


def test_newline_is_not_a_separator() -> None:
    assert not matches("[a = one, b]", "one\ntwo three")
    assert matches("[a = one*, b]", "one\ntwo three")


def test_brackets_group_one_field_and_are_stripped() -> None:
    assert matches("[ip, id, user, ts = 10/Oct/2000*, ...]", APACHE)
    assert matches("[ip, id, user, ts = *-0700, ...]", APACHE)
    assert matches("[level = ERROR, ...]", "[ERROR]\t2024-05-01T12:00:00Z\tid\tboom")


def test_quotes_group_one_field_and_are_stripped() -> None:
    assert matches('[ip, id, user, ts, request = "GET /apache_pb.gif HTTP/1.0", status, bytes]', APACHE)
    assert matches("[ip, id, user, ts, request = GET*, status, bytes]", APACHE)
    assert not matches('[ip, id, user, ts, request = "\\"GET*", status, bytes]', APACHE)


def test_empty_quoted_field_is_an_empty_value() -> None:
    assert matches('[a, b = "", c]', 'x "" z')
    assert matches("[a, b = *, c]", 'x "" z')


def test_unclosed_quote_is_an_ordinary_character() -> None:
    assert matches('[a, b = "\\"abc", c]', 'x "abc z')
    assert matches("[a, b, c, d]", 'x "abc def z')


def test_unclosed_bracket_is_an_ordinary_character() -> None:
    assert matches("[a, b = [abc, c]", "x [abc z")


def test_event_needs_at_least_as_many_fields_as_the_pattern() -> None:
    assert not matches("[a, b, c]", "one two")
    assert not matches("[a]", "")
    assert not matches("[a]", "   \t ")
    assert matches("[a]", "one")


def test_last_field_takes_the_raw_remainder_without_ellipsis() -> None:
    assert matches('[a, rest = "two  three [x]"]', "one two  three [x]")
    assert matches("[a, rest = *three]", "one two three")
    assert not matches("[a, rest = two]", "one two three")
    assert matches("[a, rest = two]", "one two")
    assert matches("[a, rest = two]", 'one "two"')  # a single quoted field is still stripped


def test_ellipsis_aligns_fields_before_from_start_and_after_from_end() -> None:
    pattern = "[first = a, ..., last = z]"
    assert matches(pattern, "a b c d z")
    assert not matches(pattern, "a b c d y")
    assert matches("[..., before = y, last = z]", "a b y z")
    assert matches("[first = a, second = b, ...]", "a b c d")


def test_ellipsis_may_cover_zero_fields() -> None:
    assert matches("[a = x, ..., b = y]", "x y")
    assert not matches("[a = x, ..., b = y]", "x")


def test_fields_after_ellipsis_are_stripped_values_not_remainders() -> None:
    assert matches("[..., last = end]", 'a b "end"')
    assert not matches("[..., last = c]", "a b c d")


def test_ellipsis_alone_matches_everything() -> None:
    assert matches("[...]", "")
    assert matches("[...]", "anything at all")


@pytest.mark.parametrize("message", ["", "x", "a b c", '"unclosed', "\n"])
def test_empty_brackets_match_every_event(message: str) -> None:
    assert matches("[]", message)
    assert matches("[  ]", message)


def test_field_names_must_be_unique() -> None:
    error = rejects("[word, other, word]")
    assert error.message == "Duplicate field 'word'"
    assert error.position == 14
    assert str(error) == "Duplicate field 'word' (at 14)"


def test_numeric_operators_need_a_value_that_parses_in_full() -> None:
    assert matches("[..., ms > 100]", "took 250")
    assert matches("[..., ms > 100]", "took 2.5e2")
    assert not matches("[..., ms > 100]", "took 250ms")
    assert not matches("[..., ms > 100]", "took abc")
    assert not matches("[..., ms > 100]", "took 0x1F4")
    assert not matches("[..., ms > 100]", "took inf")
    assert not matches("[..., ms < 100]", "took nan")


def test_equality_on_numbers_compares_text() -> None:
    assert matches("[a, b = 200]", "x 200")
    assert not matches("[a, b = 200]", "x 200.0")


def test_commas_inside_quotes_and_regexes_do_not_split_fields() -> None:
    assert matches('[a = "x, y", b]', '"x, y" z')
    assert matches("[a = %^\\d{1,3}$%, b]", "12 z")


# --- invalid patterns ----------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("pattern", "fragment", "position"),
    [
        ("[a, b", "If a filter pattern starts with '[' it must end with ']'", 5),
        ("[a, ..., b, ...]", "Only one '...'", 12),
        ("[a == 1]", "Invalid operator '=='", 3),
        ("[a = ]", "Expected a value after '='", 4),
        ("[a < x]", "'<' compares numbers only", 5),
        ("[a > %1%]", "'>' compares numbers only", 5),
        ("[a b]", "Unexpected 'b' after field 'a'", 3),
        ('["ERROR"]', "Invalid field '\"ERROR\"'", 1),
        ("[= 1]", "Invalid field '='", 1),
        ("[$LATEST]", "Invalid field '$LATEST'", 1),
        ("[a = 1 &&]", "Invalid field", 9),
        ("[a = 1 and a = 2]", "Unexpected 'and a = 2' in field 'a'", 7),
        ('[a = "x]', "Unclosed quote", 5),
        ("[a = %x]", "Unclosed regular expression", 5),
    ],
)
def test_invalid_delimited_patterns(pattern: str, fragment: str, position: int) -> None:
    error = rejects(pattern)
    assert fragment in error.message
    assert error.position == position
