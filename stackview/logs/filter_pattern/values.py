"""Pieces shared by the JSON and space-delimited parsers: quoted strings, comparison values, and
the string test a value stands for (exact, `*` prefix/suffix wildcard, any, regex).

A value remembers the text it was written with, because AWS compares by text in several places:
a JSON string equals `= 1` only if it reads exactly "1", a JSON number equals `= "1.0"` only if it
was written 1.0.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from stackview.logs.filter_pattern.errors import FilterPatternError

# A number as AWS reads one in a pattern: optional minus, digits, optional fraction and exponent.
PATTERN_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?\Z")
# A number as found in a log field: the whole field must be one (no unit suffix, no spaces).
FIELD_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\Z")

StrTest = Callable[[str], bool]


def to_number(text: str) -> int | float:
    """An int when written as one (exact comparisons with big integers), else a float."""
    if "." in text or "e" in text or "E" in text:
        return float(text)
    return int(text)


def read_quoted(text: str, start: int) -> tuple[str, int]:
    """Read the double-quoted string that begins at `text[start]`.

    Returns the content (with `\\"` and `\\\\` unescaped, any other backslash kept as written) and
    the offset just past the closing quote. Raises FilterPatternError for an unclosed quote."""
    parts: list[str] = []
    i = start + 1
    n = len(text)
    while i < n:
        char = text[i]
        if char == '"':
            return "".join(parts), i + 1
        if char == "\\" and i + 1 < n and text[i + 1] in '"\\':
            parts.append(text[i + 1])
            i += 2
            continue
        parts.append(char)
        i += 1
    raise FilterPatternError(
        f"Unclosed quote in {text[start:]!r}: a quoted string must end with '\"'", start
    )


@dataclass(frozen=True, slots=True)
class Value:
    """The right-hand side of a comparison.

    kind: "string" (exact or with `*` wildcards), "number" (written as a number, unquoted),
    "any" (`*`), "regex" (`%...%`). `text` is the value as written, without quotes."""

    kind: str
    text: str
    position: int
    number: int | float | None = None
    regex: re.Pattern[str] | None = None

    @classmethod
    def word(cls, text: str, position: int) -> Value:
        """An unquoted value: `*`, a number, or a string (possibly with wildcards)."""
        if text == "*":
            return cls("any", text, position)
        if PATTERN_NUMBER.match(text):
            return cls("number", text, position, number=to_number(text))
        return cls("string", text, position)

    @classmethod
    def quoted(cls, text: str, position: int) -> Value:
        """A quoted value is always a string; `"*"` still means "any value"."""
        if text == "*":
            return cls("any", text, position)
        return cls("string", text, position)

    def string_test(self) -> StrTest:
        """The test this value applies to a string (a JSON string, a JSON number's text, or a
        log field). Numbers compare by their text as written, as AWS does for strings."""
        if self.kind == "any":
            return _always
        if self.kind == "regex":
            assert self.regex is not None
            search = self.regex.search
            return lambda s: search(s) is not None
        return wildcard_test(self.text)


def _always(_s: str) -> bool:
    return True


def wildcard_test(text: str) -> StrTest:
    """Exact comparison, with `*` meaningful only as the first and/or last character
    (`Alpha*`, `*Alpha`, `*lph*`); a `*` elsewhere and `?` are literal characters."""
    lead = text.startswith("*")
    trail = len(text) > 1 and text.endswith("*")
    if lead and trail:
        core = text[1:-1]
        return lambda s: core in s
    if trail:
        prefix = text[:-1]
        return lambda s: s.startswith(prefix)
    if lead:
        suffix = text[1:]
        return lambda s: s.endswith(suffix)
    return text.__eq__
