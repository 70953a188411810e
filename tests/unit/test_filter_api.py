"""The public contract of `stackview.logs.filter_pattern`: Matcher, spans, filter, errors,
caching; plus property-style checks over a mixed corpus (spans well-formed, filter == matches)."""

from __future__ import annotations

import json
import random

import pytest

from stackview.logs.filter_pattern import FilterPatternError, Matcher, compile_pattern


def _corpus() -> list[str]:
    rng = random.Random(1234)
    words = ["ERROR", "error", "TERROR", "WARN", "timed", "out", "Timeout", "[ERROR]", "é", "ü",
             "200", "404", "1.5", '"quoted text"', "a,b", "x\ny", "\t", "  ", "ERRORERROR"]
    messages = ["", " ", "\n", "ERROR", "ERROR\n"]
    for _ in range(300):
        messages.append(" ".join(rng.choice(words) for _ in range(rng.randint(1, 12))))
    for i in range(100):
        record = {"level": rng.choice(["ERROR", "INFO"]), "n": rng.choice([1, 1.0, "1", None, True]),
                  "items": [{"sku": f"S{rng.randint(1, 3)}"} for _ in range(rng.randint(0, 2))]}
        messages.append(json.dumps(record) + ("\n" if i % 2 else ""))
    return messages


CORPUS = _corpus()

PATTERNS = [
    "",
    "ERROR",
    "ERROR -Timeout",
    '"timed out"',
    '?ERROR ?WARN ?"a,b"',
    "?ERROR ?WARN out",
    "-ERROR",
    "%ERR%",
    r"%^ERROR\s$%",
    r"%[A-Z]{4,}% %\d%",
    r"%x\sy%",
    '"é"',
    '{ $.level = "ERROR" }',
    "{ $.n = 1 || $.n IS NULL }",
    '{ $.items[*].sku = "S2" }',
    "{ $.n IS TRUE }",
    "[a, b = ERROR, ...]",
    "[a, ..., b = *0*]",
    "[]",
    "[w]",
]


@pytest.mark.parametrize("pattern", PATTERNS)
def test_filter_agrees_with_matches(pattern: str) -> None:
    matcher = compile_pattern(pattern)
    expected = [i for i, message in enumerate(CORPUS) if matcher.matches(message)]
    assert list(matcher.filter(CORPUS)) == expected
    assert list(matcher.filter(iter(CORPUS))) == expected  # any iterable, consumed once


@pytest.mark.parametrize("pattern", PATTERNS)
def test_spans_are_in_bounds_sorted_and_disjoint(pattern: str) -> None:
    matcher = compile_pattern(pattern)
    for message in CORPUS:
        spans = matcher.spans(message)
        previous_end = -1
        for start, end in spans:
            assert 0 <= start < end <= len(message)
            assert start >= previous_end
            previous_end = end
        if spans:
            assert matcher.matches(message)


@pytest.mark.parametrize("pattern", ["ERROR", '"timed out"', "?ERROR ?WARN", r"%[A-Z]{4,}%"])
def test_term_patterns_highlight_every_matching_message(pattern: str) -> None:
    matcher = compile_pattern(pattern)
    for message in CORPUS:
        assert bool(matcher.spans(message)) == matcher.matches(message)


def test_spans_cover_every_occurrence() -> None:
    m = compile_pattern("ERROR")
    assert m.spans("ERROR x ERROR") == [(0, 5), (8, 13)]


def test_overlapping_occurrences_are_merged() -> None:
    assert compile_pattern("aa").spans("aaa") == [(0, 3)]
    assert compile_pattern("abc bcd").spans("xabcdx") == [(1, 5)]
    assert compile_pattern('ERROR "ERROR:"').spans("ERROR: x") == [(0, 6)]


def test_adjacent_spans_stay_separate() -> None:
    assert compile_pattern("ab cd").spans("abcd") == [(0, 2), (2, 4)]


def test_exclusions_are_never_highlighted() -> None:
    m = compile_pattern("ERROR -Timeout")
    assert m.spans("ERROR here") == [(0, 5)]
    assert m.spans("ERROR Timeout") == []  # does not match at all
    assert compile_pattern("-Timeout").spans("all good") == []


def test_ignored_question_terms_are_not_highlighted() -> None:
    assert compile_pattern("?WARN ERROR").spans("WARN ERROR") == [(5, 10)]


def test_question_terms_highlight_those_present() -> None:
    assert compile_pattern("?WARN ?ERROR").spans("ERROR then WARN") == [(0, 5), (11, 15)]


def test_regex_spans_skip_empty_matches() -> None:
    assert compile_pattern("%x*%").spans("abc") == []
    assert compile_pattern("%x*%").spans("axxb") == [(1, 3)]
    assert compile_pattern(r"%\d+%").spans("a 12 b 3") == [(2, 4), (7, 8)]


def test_non_matching_message_has_no_spans() -> None:
    assert compile_pattern("ERROR WARN").spans("ERROR only") == []


@pytest.mark.parametrize("pattern", ["", '{ $.level = "ERROR" }', "[a, b]", "[]"])
def test_json_delimited_and_empty_patterns_have_no_spans(pattern: str) -> None:
    assert compile_pattern(pattern).spans('{"level": "ERROR"} x') == []


def test_matcher_keeps_text_and_kind() -> None:
    m = compile_pattern("  ERROR ")
    assert isinstance(m, Matcher)
    assert m.text == "  ERROR "
    assert m.kind == "terms"
    assert "ERROR" in repr(m)


def test_compiled_matchers_are_cached() -> None:
    assert compile_pattern("cached ERROR") is compile_pattern("cached ERROR")


def test_invalid_pattern_raises_every_time() -> None:
    for _ in range(2):
        with pytest.raises(FilterPatternError):
            compile_pattern("ERROR *")


def test_error_is_a_value_error_with_message_and_position() -> None:
    with pytest.raises(ValueError) as info:
        compile_pattern("foo *")
    error = info.value
    assert isinstance(error, FilterPatternError)
    assert error.message == "Invalid character(s) in term '*'"
    assert error.position == 4
    assert str(error) == "Invalid character(s) in term '*' (at 4)"


def test_error_position_counts_leading_whitespace() -> None:
    with pytest.raises(FilterPatternError) as info:
        compile_pattern("   { $.a == 1 }")
    assert info.value.position == 9


def test_filter_is_lazy() -> None:
    seen: list[str] = []

    def messages():
        for message in ["ERROR 1", "ok", "ERROR 2"]:
            seen.append(message)
            yield message

    it = compile_pattern("ERROR").filter(messages())
    assert next(it) == 0
    assert seen == ["ERROR 1"]
    assert list(it) == [2]
