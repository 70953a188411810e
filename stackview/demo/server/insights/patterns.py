"""The regular expressions of a Logs Insights query: Java-style ones (`/user=(?<user>\\w+)/`)
compiled for Python, and `parse`'s glob patterns (`"[*] *"`) turned into regular expressions."""

from __future__ import annotations

import re

from stackview.demo.server.insights.syntax import QueryError, Token

_NAMED_GROUP = re.compile(r"\(\?<([A-Za-z][A-Za-z0-9_]*)>")


def compile_regex(source: str, text: str, token: Token) -> re.Pattern[str]:
    """A Java-style regular expression (named groups `(?<name>...)`) compiled for Python."""
    converted = _NAMED_GROUP.sub(r"(?P<\1>", source)
    try:
        return re.compile(converted)
    except re.error as error:
        raise QueryError(f"invalid regular expression: {error.msg}", text, token.start,
                         token.end) from None


def glob_regex(pattern: str, names: tuple[str, ...]) -> re.Pattern[str]:
    """`parse`'s glob: each * captures as little as it can, a final * the rest of the value."""
    pieces = pattern.split("*")
    regex = ""
    for index, piece in enumerate(pieces):
        regex += re.escape(piece)
        if index < len(names):
            last = index == len(names) - 1 and pieces[-1] == ""
            regex += f"(?P<{_group(index)}>.*)" if last else f"(?P<{_group(index)}>.*?)"
    return re.compile(regex, re.DOTALL)


def _group(index: int) -> str:
    return f"g{index}"
