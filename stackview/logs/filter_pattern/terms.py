"""Term patterns: `ERROR`, `"exact phrase"`, `-exclude`, `?any ?of`, `%regex%`.

AWS tests each term as a case-sensitive substring of the whole raw message (it does not split the
message into words), so a plain term compiles to Python's `in`, the fastest test there is. The
compiled closures avoid per-message dispatch: the common one-term pattern is a single `in`.

Quirk kept on purpose: `?` terms are ORed only when *every* term carries `?`; as soon as a plain
or `-` term is present, the `?` terms are dropped (`?A ?B C` behaves as `C`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from stackview.logs.filter_pattern.errors import FilterPatternError, Limits
from stackview.logs.filter_pattern.regex import read_regex
from stackview.logs.filter_pattern.values import read_quoted

_WORD = re.compile(r"[A-Za-z0-9_]+\Z")

Match = Callable[[str], bool]
Spans = Callable[[str], "list[tuple[int, int]]"]
Filter = Callable[[Iterable[str]], Iterator[int]]


@dataclass(frozen=True, slots=True)
class Term:
    """One term: `prefix` is "", "-" or "?"; exactly one of `literal` / `regex` is set."""

    prefix: str
    position: int
    literal: str | None = None
    regex: re.Pattern[str] | None = None


def parse_terms(text: str, limits: Limits) -> list[Term]:
    """Split a term pattern into terms; raises FilterPatternError naming the bad term."""
    terms: list[Term] = []
    i = 0
    n = len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        start = i
        prefix = text[i] if text[i] in "-?" else ""
        i += len(prefix)
        if i < n and text[i] == '"':
            literal, i = read_quoted(text, i)
            if not literal:
                raise FilterPatternError(f"Invalid character(s) in term {_chunk(text, start)!r}", start)
            term = Term(prefix, start, literal=literal)
        elif i < n and text[i] == "%":
            regex, i = read_regex(text, i, limits)
            term = Term(prefix, start, regex=regex)
        else:
            end = _chunk_end(text, i)
            if not _WORD.match(text[i:end]):
                raise FilterPatternError(f"Invalid character(s) in term {_chunk(text, start)!r}", start)
            term = Term(prefix, start, literal=text[i:end])
            i = end
        if i < n and not text[i].isspace():
            # `"a"b` or `%x%y`: the quote/regex closed but the term goes on.
            raise FilterPatternError(f"Invalid character(s) in term {_chunk(text, start)!r}", start)
        terms.append(term)
    return terms


def _chunk_end(text: str, i: int) -> int:
    while i < len(text) and not text[i].isspace():
        i += 1
    return i


def _chunk(text: str, start: int) -> str:
    """The whitespace-delimited piece of the pattern starting at `start`, for error messages."""
    return text[start : _chunk_end(text, start)]


def build_terms(text: str, limits: Limits) -> tuple[Match, Spans, Filter]:
    """Compile a term pattern into (matches, spans, filter) closures."""
    terms = parse_terms(text, limits)
    required = [t for t in terms if t.prefix == ""]
    excluded = [t for t in terms if t.prefix == "-"]
    optional = [t for t in terms if t.prefix == "?"]
    if required or excluded:
        optional = []  # AWS ignores `?` terms unless every term has one
    match = _match_all_of(required, excluded) if not optional else _match_any_of(optional)
    highlight = required or optional
    return match, _spans_for(match, highlight), _filter_for(match, required, excluded)


def _literals(terms: list[Term]) -> tuple[str, ...]:
    return tuple(t.literal for t in terms if t.literal is not None)


def _searches(terms: list[Term]) -> tuple[Callable[[str], object], ...]:
    return tuple(t.regex.search for t in terms if t.regex is not None)


def _match_all_of(required: list[Term], excluded: list[Term]) -> Match:
    need, avoid = _literals(required), _literals(excluded)
    need_re, avoid_re = _searches(required), _searches(excluded)
    if len(need) == 1 and not (avoid or need_re or avoid_re):
        needle = need[0]
        return lambda message: needle in message

    def match(message: str) -> bool:
        for s in need:
            if s not in message:
                return False
        for s in avoid:
            if s in message:
                return False
        for search in need_re:
            if search(message) is None:
                return False
        for search in avoid_re:
            if search(message) is not None:
                return False
        return True

    return match


def _match_any_of(optional: list[Term]) -> Match:
    any_of, any_re = _literals(optional), _searches(optional)

    def match(message: str) -> bool:
        for s in any_of:
            if s in message:
                return True
        for search in any_re:
            if search(message) is not None:
                return True
        return False

    return match


def _filter_for(match: Match, required: list[Term], excluded: list[Term]) -> Filter:
    """The re-filter loop; a single plain term gets its own loop without a function call."""
    need = _literals(required)
    if len(need) == 1 and len(required) == 1 and not excluded:
        needle = need[0]

        def filter_one(messages: Iterable[str]) -> Iterator[int]:
            for index, message in enumerate(messages):
                if needle in message:
                    yield index

        return filter_one

    def filter_any(messages: Iterable[str]) -> Iterator[int]:
        for index, message in enumerate(messages):
            if match(message):
                yield index

    return filter_any


def _spans_for(match: Match, highlight: list[Term]) -> Spans:
    """Spans of every occurrence of the terms that decided the match (never exclusions).

    A message the pattern rejects gets no spans: highlighting half of a failed match (`ERROR`
    in a line that also contains the excluded `-timeout`) would suggest it matched."""
    literals = _literals(highlight)
    regexes = tuple(t.regex for t in highlight if t.regex is not None)

    def spans(message: str) -> list[tuple[int, int]]:
        if not match(message):
            return []
        hits: list[tuple[int, int]] = []
        for literal in literals:
            size = len(literal)
            at = message.find(literal)
            while at >= 0:
                hits.append((at, at + size))
                at = message.find(literal, at + 1)
        for regex in regexes:
            for found in regex.finditer(message):
                if found.end() > found.start():
                    hits.append(found.span())
        return merge_spans(hits)

    return spans


def merge_spans(hits: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sort spans and merge the ones that overlap, so a renderer can style them in one pass."""
    if len(hits) < 2:
        return hits
    hits.sort()
    merged = [hits[0]]
    for start, end in hits[1:]:
        last_start, last_end = merged[-1]
        if start < last_end:
            if end > last_end:
                merged[-1] = (last_start, end)
        else:
            merged.append((start, end))
    return merged
