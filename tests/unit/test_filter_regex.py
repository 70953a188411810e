"""`%regex%` in every place it may appear, AWS's restricted alphabet, anchors and limits
(filter-patterns.md: "Regular expressions")."""

from __future__ import annotations

import pytest

from stackview.logs.filter_pattern import FilterPatternError, compile_pattern


def matches(pattern: str, message: str) -> bool:
    return compile_pattern(pattern).matches(message)


def test_regex_as_whole_term_pattern() -> None:
    assert matches(r"%\d{3}%", "status 503")
    assert not matches(r"%\d{3}%", "status 50")


def test_regex_as_json_value() -> None:
    m = compile_pattern(r"{ $.user = %^u-\d+$% }")
    assert m.matches('{"user": "u-42"}')
    assert not m.matches('{"user": "u-42x"}')


def test_regex_as_delimited_field_value() -> None:
    m = compile_pattern(r"[level = %WARN|ERROR%, ...]")
    assert m.matches("[ERROR] boom")
    assert m.matches("WARNING slow")
    assert not m.matches("INFO ok")


@pytest.mark.parametrize(
    ("regex", "message", "expected"),
    [
        ("%abcXYZ019%", "__abcXYZ019__", True),
        ("%a_b#c=d@e/f;g,h-i:j%", "a_b#c=d@e/f;g,h-i:j", True),
        ("%^start%", "start here", True),
        ("%^start%", "not start", False),
        ("%end$%", "the end", True),
        ("%colou?r%", "color", True),
        ("%colou?r%", "colour", True),
        ("%[hc]at%", "a hat", True),
        ("%[a-c]x%", "bx", True),
        ("%[^a-c]x%", "bx", False),
        ("%[^a-c]x%", "dx", True),
        ("%a{3}%", "aa", False),
        ("%a{3}%", "aaa", True),
        ("%^a{2,}$%", "aaaa", True),
        ("%^a{,2}$%", "aaa", False),
        ("%^a{,2}$%", "aa", True),
        ("%^a{1,3}$%", "aaaa", False),
        ("%foo|bar%", "a bar", True),
        (r"%\\%", "C:\\dir", True),
        ("%ab*c%", "ac", True),
        ("%ab+c%", "ac", False),
        ("%a.c%", "abc", True),
        (r"%\d\D%", "1a", True),
        (r"%\w\W%", "a-", True),
        (r"%\S\s\S%", "a b", True),
        (r"%\x41\x42%", "xABx", True),
        (r"%\.\*\[\]\{\}\|\+\?\^\$%", ".*[]{}|+?^$", True),
        (r"%[\d-]+%", "12-3", True),
        (r"%\x28\x29%", "call()", True),
        (r"%\x20%", "two words", True),
        (r"%\-\/\:%", "-/:", True),
    ],
)
def test_allowed_syntax(regex: str, message: str, expected: bool) -> None:
    assert matches(regex, message) is expected


@pytest.mark.parametrize(
    ("regex", "char", "offset"),
    [
        ("%a(b)%", "(", 2),
        ("%ab)%", ")", 3),
        ("%(?i)error%", "(", 1),
        ("%something!%", "!", 10),
        ("%a'b%", "'", 2),
        ("%a&b%", "&", 2),
        ("%a~b%", "~", 2),
        ("%a<b%", "<", 2),
        ("%a`b%", "`", 2),
        (r"%\(x%", "(", 2),
    ],
)
def test_disallowed_characters(regex: str, char: str, offset: int) -> None:
    with pytest.raises(FilterPatternError) as info:
        compile_pattern(regex)
    assert info.value.message.startswith("Invalid character(s) in regular expression")
    assert repr(char) in info.value.message
    assert info.value.position == offset


def test_non_ascii_is_rejected_and_reachable_with_hex_escape() -> None:
    with pytest.raises(FilterPatternError) as info:
        compile_pattern("%café%")
    assert "non-ASCII" in info.value.message
    assert info.value.position == 4
    assert matches(r"%caf\xe9%", "un café")


def test_the_documentations_regex_with_spaces_is_accepted() -> None:
    """AWS's own user guide filters Lambda lines with this very pattern."""
    pattern = "%^starting|^initializing|^shutting down%"
    assert matches(pattern, "shutting down the worker")
    assert matches(pattern, "initializing cache")
    assert not matches(pattern, "now shutting down")  # anchored: only at the start
    assert compile_pattern(pattern).spans("shutting down the worker") == [(0, 13)]


@pytest.mark.parametrize("pattern,message,expected", [
    ("{ $.a = %two words% }", '{"a": "two words here"}', True),
    ("{ $.a = %two words% }", '{"a": "two  words"}', False),
    ("[level, msg = %shutting down%]", "INFO shutting down now", True),
    ("ERROR %timed out%", "ERROR: task timed out", True),
    (r"%a\ b%", "a b", True),  # an escaped space is the same space
])
def test_a_space_inside_a_regex_is_a_literal_space(pattern, message, expected) -> None:
    assert matches(pattern, message) is expected


@pytest.mark.parametrize("pattern,message", [
    (r"%line\ssecond%", "line\nsecond"),
    (r"%^a\s+b$%", "a\n\n b"),
    (r"%a[\s]b%", "a\nb"),
    (r"{ $.m = %line\ssecond% }", '{"m": "line\\nsecond"}'),
    (r"[m = %line\ssecond%]", "line\nsecond"),
])
def test_backslash_s_matches_a_newline_wherever_a_regex_goes(pattern, message) -> None:
    assert matches(pattern, message)
    assert not matches(pattern, message.replace("\n", "x").replace("\\n", "x"))


@pytest.mark.parametrize(
    "regex",
    [
        "%[abc%", "%a**%", "%a{3,1}%", r"%\x4%", "%a\\%", "%%", "%a{x}%", "%{2}%",
        r"%\bword%", r"%\n%", r"%\1%",
    ],
)
def test_regex_that_does_not_compile_is_invalid(regex: str) -> None:
    with pytest.raises(FilterPatternError) as info:
        compile_pattern(f"ok {regex}")
    assert info.value.message.startswith("Failed to compile regular expression.")
    assert info.value.position == 3


def test_unclosed_regex_is_invalid() -> None:
    with pytest.raises(FilterPatternError) as info:
        compile_pattern("ok %abc")
    assert info.value.message.startswith("Unclosed regular expression")
    assert info.value.position == 3


def test_search_is_unanchored_and_case_sensitive() -> None:
    assert matches("%rror%", "an Error and an error")
    assert not matches("%RROR%", "an Error and an error")


def test_caret_and_dollar_anchor_the_whole_message_not_lines() -> None:
    message = "first line\nsecond line"
    assert not matches("%^second%", message)
    assert not matches(r"%first\sline$%", message)
    assert matches("%^first%", message)
    assert matches(r"%second\sline$%", message)


def test_dollar_does_not_match_before_a_trailing_newline() -> None:
    assert not matches("%done$%", "done\n")
    assert matches("%done$%", "done")
    assert matches(r"%done\s$%", "done\n")


def test_backslash_s_matches_newline() -> None:
    assert matches(r"%line\ssecond%", "line\nsecond")


def test_dot_does_not_cross_a_newline() -> None:
    assert not matches("%line.second%", "line\nsecond")


def test_ascii_classes_only() -> None:
    assert not matches(r"%^\w$%", "é")
    assert not matches(r"%^\d$%", "\u0663")  # ARABIC-INDIC DIGIT THREE


@pytest.mark.parametrize(
    ("pattern", "third"),
    [
        ("%a% %b% %c%", 8),
        ("{ $.a = %x% || $.b = %y% || $.c = %z% }", 34),
        ("[a = %x%, b = %y%, c = %z%]", 23),
    ],
)
def test_at_most_two_regexes_per_pattern(pattern: str, third: int) -> None:
    with pytest.raises(FilterPatternError) as info:
        compile_pattern(pattern)
    assert info.value.message.startswith("Too many regular expressions: at most 2")
    assert info.value.position == third


def test_two_regexes_are_allowed() -> None:
    m = compile_pattern("%^a% %z$%")
    assert m.matches("a to z")
    assert not m.matches("a to y")
