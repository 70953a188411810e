"""`%regex%` values: AWS's restricted regex dialect, checked and translated to Python `re`.

AWS accepts a small alphabet (ASCII letters and digits, the space, `_ # = @ / ; , - :` and the operators
`^ $ ? [ ] { } | \\ * + .`), no parentheses, no other punctuation, no non-ASCII text. We check that
alphabet ourselves rather than trusting Python's parser, because Python accepts far more (groups,
look-arounds, `\\b`, literal `{`) and the local matcher must reject what AWS rejects.

Translation differences that matter:
- `$` becomes `\\Z`: Python's `$` also matches before a trailing newline, AWS's only at the end of
  the message (Lambda messages usually end with "\\n").
- `^` needs nothing: without `re.MULTILINE` it anchors the start of the whole string.
- `re.ASCII`: `\\d \\w \\s` are the ASCII classes; `\\s` includes the newline, as on AWS.
- `[` inside a class is escaped, which silences Python's "possible nested set" warning and keeps
  the bracket literal.
"""

from __future__ import annotations

import re
import string
import warnings

from stackview.logs.filter_pattern.errors import FilterPatternError, Limits

# The space too: AWS's own documentation filters with `%^starting|^initializing|^shutting down%`.
_SYMBOLS = frozenset("_#=@/;,-: ")
_OPERATORS = frozenset("^$?[]{}|\\*+.")
_ALNUM = frozenset(string.ascii_letters + string.digits)
ALLOWED = _ALNUM | _SYMBOLS | _OPERATORS
# What may follow a backslash besides the classes and \x: any allowed punctuation, escaped.
_ESCAPABLE = _SYMBOLS | _OPERATORS
_CLASSES = frozenset("dDsSwW")
_HEX = frozenset(string.hexdigits)
_QUANTIFIER = re.compile(r"\{(\d*)(,(\d*))?\}")


def read_regex(text: str, start: int, limits: Limits) -> tuple[re.Pattern[str], int]:
    """Read the `%...%` token that begins at `text[start]`; return the compiled regex and the
    offset just past the closing `%`. Raises FilterPatternError naming the token."""
    end = text.find("%", start + 1)
    if end < 0:
        raise FilterPatternError(
            f"Unclosed regular expression '{text[start:]}': a regex must end with '%'", start
        )
    body = text[start + 1 : end]
    token = text[start : end + 1]
    limits.add_regex(token, start)
    return compile_regex(body, start), end + 1


def compile_regex(body: str, position: int) -> re.Pattern[str]:
    """Check `body` (the text between the `%` signs) against AWS's dialect and compile it.

    `position` is the offset of the opening `%` in the pattern; character errors point at the
    character itself."""
    token = f"%{body}%"
    for offset, char in enumerate(body):
        if char not in ALLOWED:
            where = position + 1 + offset
            if ord(char) > 127:
                raise FilterPatternError(
                    f"Invalid character(s) in regular expression {token!r}: non-ASCII "
                    f"character {char!r} (write it as \\xhh)",
                    where,
                )
            raise FilterPatternError(
                f"Invalid character(s) in regular expression {token!r}: {char!r} is not allowed",
                where,
            )
    if not body:
        raise _compile_failure(token, position, "the expression is empty")
    translated = _translate(body, token, position)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return re.compile(translated, re.ASCII)
    except re.error as exc:
        raise _compile_failure(token, position, str(exc)) from None


def _compile_failure(token: str, position: int, reason: str) -> FilterPatternError:
    return FilterPatternError(f"Failed to compile regular expression. {token}: {reason}", position)


def _translate(body: str, token: str, position: int) -> str:
    """Rewrite the AWS dialect into Python syntax with the same meaning (see module docstring)."""
    out: list[str] = []
    i = 0
    n = len(body)
    in_class = False
    class_start = 0  # index of the first member of the current class (after `[` or `[^`)
    while i < n:
        char = body[i]
        if char == "\\":
            escape, i = _escape(body, i, token, position)
            out.append(escape)
            continue
        if in_class:
            if char == "]" and i > class_start:
                in_class = False
                out.append("]")
            elif char in "[|":
                out.append("\\" + char)
            else:
                out.append(char)
            i += 1
            continue
        if char == "[":
            in_class = True
            out.append("[")
            i += 1
            if i < n and body[i] == "^":
                out.append("^")
                i += 1
            class_start = i
            continue
        if char == "$":
            out.append(r"\Z")
        elif char == "{":
            quantifier = _QUANTIFIER.match(body, i)
            if quantifier is None or quantifier.group(0) in ("{}", "{,}"):
                raise _compile_failure(token, position, f"bad repetition at offset {i}")
            out.append(quantifier.group(0))
            i = quantifier.end()
            continue
        elif char == "}":
            out.append(r"\}")
        else:
            out.append(char)
        i += 1
    if in_class:
        raise _compile_failure(token, position, "unterminated character set")
    return "".join(out)


def _escape(body: str, i: int, token: str, position: int) -> tuple[str, int]:
    """Translate the escape at `body[i]` (a backslash); return it and the index after it."""
    if i + 1 >= len(body):
        raise _compile_failure(token, position, "trailing backslash")
    nxt = body[i + 1]
    if nxt in _CLASSES:
        return "\\" + nxt, i + 2
    if nxt == "x":
        digits = body[i + 2 : i + 4]
        if len(digits) == 2 and all(d in _HEX for d in digits):
            return body[i : i + 4], i + 4
        raise _compile_failure(token, position, f"incomplete escape \\x at offset {i}")
    if nxt in _ESCAPABLE:
        return "\\" + nxt, i + 2
    raise _compile_failure(token, position, f"unsupported escape \\{nxt} at offset {i}")
