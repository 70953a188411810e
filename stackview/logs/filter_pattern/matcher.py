"""The compiled form of a filter pattern (`Matcher`) and `compile_pattern`, which picks the parser
by the pattern's first character, as AWS does. The package docstring has the whole story.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache

from stackview.logs.filter_pattern.delimited import build_delimited
from stackview.logs.filter_pattern.errors import MAX_PATTERN_LENGTH, FilterPatternError, Limits
from stackview.logs.filter_pattern.json_parse import build_json
from stackview.logs.filter_pattern.terms import build_terms

Match = Callable[[str], bool]
Spans = Callable[[str], "list[tuple[int, int]]"]
Filter = Callable[[Iterable[str]], Iterator[int]]


class Matcher:
    """A compiled filter pattern. Immutable and shared (compile_pattern caches instances).

    text: the pattern as given; kind: "all" (empty), "terms", "json" or "delimited"."""

    __slots__ = ("text", "kind", "_match", "_spans", "_filter")

    def __init__(self, text: str, kind: str, match: Match, spans: Spans | None = None,
                 filter_: Filter | None = None) -> None:
        self.text = text
        self.kind = kind
        self._match = match
        self._spans = spans
        self._filter = filter_ or _generic_filter(match)

    def matches(self, message: str) -> bool:
        """Whether CloudWatch would return this event for this pattern."""
        return self._match(message)

    def spans(self, message: str) -> list[tuple[int, int]]:
        """[start, end) ranges of the term / phrase / regex hits, sorted and non-overlapping.

        Empty for JSON and space-delimited patterns (their matches are not substrings), for a
        message the pattern does not match, and for exclusions (`-term`), which never highlight."""
        if self._spans is None:
            return []
        return self._spans(message)

    def filter(self, messages: Iterable[str]) -> Iterator[int]:
        """Indexes (in iteration order) of the messages that match: the re-filter fast path."""
        return self._filter(messages)

    def __repr__(self) -> str:
        return f"Matcher(kind={self.kind!r}, text={self.text!r})"


def _generic_filter(match: Match) -> Filter:
    def filter_(messages: Iterable[str]) -> Iterator[int]:
        for index, message in enumerate(messages):
            if match(message):
                yield index

    return filter_


def _match_everything(_message: str) -> bool:
    return True


@lru_cache(maxsize=256)
def compile_pattern(text: str) -> Matcher:
    """Compile `text` into a Matcher; raises FilterPatternError if AWS would reject it.

    Cached: the log view recompiles on every keystroke and several views share patterns."""
    if len(text) > MAX_PATTERN_LENGTH:
        raise FilterPatternError(
            f"Filter pattern is {len(text)} characters long; at most {MAX_PATTERN_LENGTH} are allowed",
            MAX_PATTERN_LENGTH,
        )
    body = text.strip()
    if not body:
        return Matcher(text, "all", _match_everything)
    lo = len(text) - len(text.lstrip())
    hi = lo + len(body) - 1  # offset of the last non-blank character
    limits = Limits()
    if body[0] == "{":
        if body[-1] != "}":
            raise FilterPatternError("If a filter pattern starts with '{' it must end with '}'", hi + 1)
        return Matcher(text, "json", build_json(text, lo, hi, limits))
    if body[0] == "[":
        if body[-1] != "]":
            raise FilterPatternError("If a filter pattern starts with '[' it must end with ']'", hi + 1)
        return Matcher(text, "delimited", build_delimited(text, lo, hi, limits))
    match, spans, filter_ = build_terms(text, limits)
    return Matcher(text, "terms", match, spans, filter_)
