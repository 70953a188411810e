"""The tokens of a Logs Insights query, each with where it stands in the query text.

A query is commands joined by `|`, with `#` comments to the end of a line. Tokens: field names
(`@message`, `a.b.0`, or any text in backticks), numbers, durations (`5m`, as `bin()` takes),
strings in double or single quotes, regular expressions between slashes, operators and
punctuation. Keywords (and, or, not, like, in, as, by, asc, desc) and command names are words
told apart by the parser, case-insensitively. A problem is a QueryError that knows its place:
AWS answers it as MalformedQueryException "... at line L and position P" with the character
offsets in `queryCompileError`, and so does the demo world.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


class QueryError(Exception):
    """A malformed query; `start`/`end` are character offsets into the query text."""

    def __init__(self, message: str, text: str, start: int, end: int | None = None) -> None:
        self.detail = message
        self.start = max(0, min(start, len(text)))
        self.end = max(self.start, end if end is not None else self.start + 1)
        line = text.count("\n", 0, self.start) + 1
        column = self.start - (text.rfind("\n", 0, self.start) + 1)
        self.line, self.column = line, column
        super().__init__(f"{message} at line {line} and position {column}")


@dataclass(frozen=True)
class Token:
    kind: str  # word, field, number, duration, string, regex, op, end
    text: str  # the source text of the token
    value: object  # the decoded value (string contents, number, (amount, unit), regex body)
    start: int
    end: int


#: Units of durations (`bin(5m)`), as Insights spells them, in milliseconds (months, quarters and
#: years are calendar units, marked by negative numbers of months).
DURATION_UNITS = {
    "ms": 1, "s": 1000, "sec": 1000, "secs": 1000, "second": 1000, "seconds": 1000,
    "m": 60_000, "min": 60_000, "mins": 60_000, "minute": 60_000, "minutes": 60_000,
    "h": 3_600_000, "hr": 3_600_000, "hrs": 3_600_000, "hour": 3_600_000, "hours": 3_600_000,
    "d": 86_400_000, "day": 86_400_000, "days": 86_400_000,
    "w": 604_800_000, "week": 604_800_000, "weeks": 604_800_000,
    "mo": -1, "month": -1, "months": -1, "q": -3, "qtr": -3, "quarter": -3, "quarters": -3,
    "y": -12, "yr": -12, "year": -12, "years": -12,
}

_NUMBER = re.compile(r"\d+(?:\.\d+)?(?:[eE][+-]?\d+)?")
_DURATION = re.compile(r"(\d+)([A-Za-z]+)")
_WORD = re.compile(r"[A-Za-z_@$][A-Za-z0-9_@$]*(?:\.[A-Za-z0-9_@$]+)*")
_OPERATORS = ("=~", "!=", "<=", ">=", "==", "|", ",", "(", ")", "[", "]", "=", "<", ">", "+",
              "-", "*", "/", "%", "^", "!")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", '"': '"', "'": "'", "/": "/"}


def tokenize(text: str) -> list[Token]:
    """Every token of `text`, ending with an `end` token; raises QueryError."""
    tokens: list[Token] = []
    index, size = 0, len(text)
    while index < size:
        char = text[index]
        if char.isspace():
            index += 1
            continue
        if char == "#":
            newline = text.find("\n", index)
            index = size if newline < 0 else newline
            continue
        start = index
        if char in "\"'":
            value, index = _quoted(text, index, char)
            tokens.append(Token("string", text[start:index], value, start, index))
        elif char == "`":
            close = text.find("`", index + 1)
            if close < 0:
                raise QueryError("unterminated field name (a ` without its closing `)", text, start)
            tokens.append(Token("field", text[start:close + 1], text[index + 1:close], start, close + 1))
            index = close + 1
        elif char == "/" and _regex_allowed(tokens):
            value, index = _regex(text, index)
            tokens.append(Token("regex", text[start:index], value, start, index))
        elif char.isdigit():
            duration = _DURATION.match(text, index)
            if duration and duration.group(2).lower() in DURATION_UNITS and not _continues(text, duration.end()):
                amount, unit = int(duration.group(1)), duration.group(2).lower()
                index = duration.end()
                tokens.append(Token("duration", text[start:index], (amount, unit), start, index))
            else:
                number = _NUMBER.match(text, index)
                assert number is not None
                index = number.end()
                if _continues(text, index):
                    raise QueryError(f"unexpected symbol found {text[start:_word_end(text, index)]}",
                                     text, start)
                raw = number.group(0)
                value = float(raw) if any(c in raw for c in ".eE") else int(raw)
                tokens.append(Token("number", raw, value, start, index))
        elif _WORD.match(text, index):
            word = _WORD.match(text, index)
            assert word is not None
            index = word.end()
            kind = "field" if word.group(0).startswith("@") or "." in word.group(0) else "word"
            tokens.append(Token(kind, word.group(0), word.group(0), start, index))
        else:
            for op in _OPERATORS:
                if text.startswith(op, index):
                    index += len(op)
                    tokens.append(Token("op", op, op, start, index))
                    break
            else:
                raise QueryError(f"unexpected symbol found {char}", text, start)
    tokens.append(Token("end", "", None, size, size))
    return tokens


def _continues(text: str, index: int) -> bool:
    return index < len(text) and (text[index].isalnum() or text[index] in "_@$")


def _word_end(text: str, index: int) -> int:
    while _continues(text, index):
        index += 1
    return index


def _regex_allowed(tokens: list[Token]) -> bool:
    """A slash starts a regular expression where a value is expected, not after one."""
    if not tokens:
        return True
    last = tokens[-1]
    if len(tokens) >= 2 and tokens[-2].kind == "word" and tokens[-2].text.lower() == "parse":
        return True  # parse FIELD /regex/
    if last.kind == "op":
        return last.text not in (")", "]")
    return last.kind == "word" and last.text.lower() in ("like", "parse", "not", "and", "or", "in")


def _quoted(text: str, index: int, quote: str) -> tuple[str, int]:
    out: list[str] = []
    position = index + 1
    while position < len(text):
        char = text[position]
        if char == "\\" and position + 1 < len(text):
            following = text[position + 1]
            out.append(_ESCAPES.get(following, "\\" + following))
            position += 2
            continue
        if char == quote:
            return "".join(out), position + 1
        out.append(char)
        position += 1
    raise QueryError(f"unterminated string (a {quote} without its closing {quote})", text, index)


def _regex(text: str, index: int) -> tuple[str, int]:
    out: list[str] = []
    position = index + 1
    while position < len(text):
        char = text[position]
        if char == "\\" and position + 1 < len(text):
            following = text[position + 1]
            out.append("/" if following == "/" else "\\" + following)
            position += 2
            continue
        if char == "/":
            return "".join(out), position + 1
        out.append(char)
        position += 1
    raise QueryError("unterminated regular expression (a / without its closing /)", text, index)
