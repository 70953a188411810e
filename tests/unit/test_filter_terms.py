"""Term patterns and pattern-kind detection (filter-patterns.md: "Which kind of pattern",
"Term patterns"). One test per rule of the guide; tables where a rule has many cases."""

from __future__ import annotations

import pytest

from stackview.logs.filter_pattern import FilterPatternError, compile_pattern


def matches(pattern: str, message: str) -> bool:
    return compile_pattern(pattern).matches(message)


# --- which kind of pattern -------------------------------------------------------------------

@pytest.mark.parametrize(
    ("pattern", "kind"),
    [
        ("", "all"),
        ("   ", "all"),
        ("ERROR", "terms"),
        ('"[ERROR]"', "terms"),
        ("%ERR%", "terms"),
        ("{ $.a = 1 }", "json"),
        ("  { $.a = 1 }  ", "json"),
        ("[a, b]", "delimited"),
        ("[ERROR]", "delimited"),
    ],
)
def test_kind_is_chosen_by_the_first_character(pattern: str, kind: str) -> None:
    assert compile_pattern(pattern).kind == kind


@pytest.mark.parametrize("message", ["", "anything", "{not json", "\n"])
def test_empty_pattern_matches_every_event(message: str) -> None:
    assert matches("", message)


def test_json_pattern_must_end_with_brace() -> None:
    with pytest.raises(FilterPatternError) as info:
        compile_pattern('{ $.a = "x"')
    assert info.value.message == "If a filter pattern starts with '{' it must end with '}'"
    assert info.value.position == len('{ $.a = "x"')


def test_unquoted_bracket_term_is_a_one_field_delimited_pattern() -> None:
    m = compile_pattern("[ERROR]")
    assert m.kind == "delimited"
    assert m.matches("INFO all good")  # one named field: any non-blank event
    assert not m.matches("")
    literal = compile_pattern('"[ERROR]"')
    assert literal.matches("[ERROR] boom")
    assert not literal.matches("INFO all good")


def test_lone_regex_is_a_term_pattern() -> None:
    m = compile_pattern("%ERR[A-Z]+%")
    assert m.kind == "terms"
    assert m.matches("an ERROR here")
    assert not m.matches("an Error here")


def test_pattern_of_1024_characters_is_accepted_and_1025_rejected() -> None:
    longest = "abc " * 255 + "abcd"
    assert len(longest) == 1024
    assert compile_pattern(longest).kind == "terms"
    with pytest.raises(FilterPatternError) as info:
        compile_pattern(longest + "d")
    assert "at most 1024" in info.value.message
    assert info.value.position == 1024


# --- term patterns ---------------------------------------------------------------------------

@pytest.mark.parametrize("separator", [" ", "  ", "\t", "\n", " \t "])
def test_terms_are_separated_by_any_whitespace(separator: str) -> None:
    m = compile_pattern(f"alpha{separator}beta")
    assert m.matches("beta then alpha")
    assert not m.matches("alpha only")


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("ERROR", True),
        ("TERROR", True),
        ("ERRORCODE", True),
        ("[ERROR] failed", True),
        ("ERROR_ARGS", True),
        ("error", False),
        ("Error", False),
        ("E R R O R", False),
    ],
)
def test_term_is_a_case_sensitive_substring_of_the_raw_message(message: str, expected: bool) -> None:
    assert matches("ERROR", message) is expected


def test_newlines_are_ordinary_characters() -> None:
    assert matches("ERROR", "first line\nsecond ERROR line\n")
    assert matches('"line\nsecond"', "first line\nsecond")
    assert not matches('"line second"', "first line\nsecond")


def test_quoted_phrase_must_occur_exactly_spacing_included() -> None:
    assert matches('"timed out"', "Task timed out after 3.00 seconds")
    assert not matches('"timed out"', "Task timed  out")
    assert not matches('"timed out"', "out timed")
    assert matches('"a, b: c!"', "x a, b: c! y")


def test_space_phrase_matches_only_messages_with_a_space() -> None:
    assert matches('" "', "two words")
    assert not matches('" "', "one\tword")
    assert not matches('" "', "oneword")


def test_plain_terms_are_anded_in_any_order() -> None:
    m = compile_pattern("alpha beta gamma")
    assert m.matches("gamma beta alpha")
    assert not m.matches("alpha beta")


def test_excluded_term_must_not_occur() -> None:
    m = compile_pattern("ERROR -Timeout")
    assert m.matches("ERROR disk full")
    assert not m.matches("ERROR Timeout talking to DynamoDB")
    assert not m.matches("Timeout")


def test_excluded_phrase() -> None:
    m = compile_pattern('ERROR -"retry 1/3"')
    assert m.matches("ERROR retry 2/3")
    assert not m.matches("ERROR retry 1/3")


def test_pattern_may_consist_of_exclusions_only() -> None:
    m = compile_pattern("-START -END -REPORT")
    assert m.matches("[INFO] hello")
    assert not m.matches("START RequestId: 1")
    assert not m.matches("REPORT RequestId: 1")


def test_question_terms_are_ored_when_every_term_has_one() -> None:
    m = compile_pattern('?ERROR ?"timed out" ?%Exception$%')
    assert m.matches("an ERROR")
    assert m.matches("Task timed out")
    assert m.matches("raised ValueException")
    assert not m.matches("all good")


@pytest.mark.parametrize(
    ("message", "expected"),
    [("C", True), ("A", False), ("B", False), ("A C", True), ("", False)],
)
def test_question_terms_are_ignored_when_a_plain_term_is_present(message: str, expected: bool) -> None:
    assert matches("?A ?B C", message) is expected


def test_question_terms_are_ignored_when_an_exclusion_is_present() -> None:
    m = compile_pattern("?A ?B -C")
    assert m.matches("nothing here")  # behaves as `-C` alone
    assert not m.matches("A and C")


@pytest.mark.parametrize(
    ("pattern", "token", "position"),
    [
        ("*", "*", 0),
        ("ERROR *", "*", 6),
        ("foo.bar", "foo.bar", 0),
        ("ok user@example.com", "user@example.com", 3),
        ("ERROR-CODE", "ERROR-CODE", 0),
        ("-", "-", 0),
        ("?", "?", 0),
        ("--x", "--x", 0),
        ("a -*", "-*", 2),
        ('"abc"def', '"abc"def', 0),
        ('""', '""', 0),
        ("x {", "{", 2),
        ("café", "café", 0),
    ],
)
def test_punctuation_in_bare_word_is_invalid(pattern: str, token: str, position: int) -> None:
    with pytest.raises(FilterPatternError) as info:
        compile_pattern(pattern)
    assert info.value.message == f"Invalid character(s) in term {token!r}"
    assert info.value.position == position
    assert str(info.value) == f"Invalid character(s) in term {token!r} (at {position})"


def test_unclosed_quote_is_invalid() -> None:
    with pytest.raises(FilterPatternError) as info:
        compile_pattern('ERROR "timed out')
    assert info.value.message.startswith("Unclosed quote")
    assert "'\"timed out'" in info.value.message
    assert info.value.position == 6


def test_escaped_quote_inside_phrase() -> None:
    m = compile_pattern(r'"say \"hi\""')
    assert m.matches('they say "hi" twice')
    assert not m.matches("they say hi")


def test_non_ascii_text_needs_quotes() -> None:
    assert matches('"café"', "un café noir")
    assert not matches('"café"', "un cafe noir")
