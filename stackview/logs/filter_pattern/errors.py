"""The error type of the filter-pattern engine and the per-pattern limits it enforces.

Kept apart from the parsers so that every module of this package can raise the same exception (the public
`stackview.logs.filter_pattern.FilterPatternError` is this class) without import cycles.
"""

from __future__ import annotations

MAX_PATTERN_LENGTH = 1024
MAX_REGEXES = 2
MAX_WILDCARDS = 3
MAX_WILDCARDS_PER_SELECTOR = 1


class FilterPatternError(ValueError):
    """An invalid filter pattern, found before any query is sent.

    `message` reads like AWS's own InvalidParameterException text; `position` is the 0-based offset
    of the offending token in the pattern as the user typed it, so an input widget can put the
    cursor there.
    """

    def __init__(self, message: str, position: int) -> None:
        super().__init__(message, position)
        self.message = message
        self.position = position

    def __str__(self) -> str:
        return f"{self.message} (at {self.position})"


class Limits:
    """Counts the regexes and wildcards of one pattern while it is parsed.

    AWS rejects a pattern with more than 2 regexes or more than 3 JSON wildcards; the parsers call
    `add_regex` / `add_wildcard` as they meet them so the error points at the first one too many.
    """

    __slots__ = ("regexes", "wildcards")

    def __init__(self) -> None:
        self.regexes = 0
        self.wildcards = 0

    def add_regex(self, token: str, position: int) -> None:
        self.regexes += 1
        if self.regexes > MAX_REGEXES:
            raise FilterPatternError(
                f"Too many regular expressions: at most {MAX_REGEXES} are allowed in a filter "
                f"pattern, '{token}' is number {self.regexes}",
                position,
            )

    def add_wildcard(self, token: str, position: int) -> None:
        self.wildcards += 1
        if self.wildcards > MAX_WILDCARDS:
            raise FilterPatternError(
                f"Too many wildcards: at most {MAX_WILDCARDS} selector wildcards are allowed in a "
                f"filter pattern, '{token}' is number {self.wildcards}",
                position,
            )
