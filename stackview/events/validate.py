"""Checking and pretty-printing event JSON before anything is sent.

The editor and `stackview invoke` both need the same answer to "is this valid, and if not,
where is the mistake?" as a line and a column a person can find, never a character offset.
Strict JSON: Python's `json` accepts `NaN` and `Infinity`, which Lambda (and every other JSON
parser the function might use) rejects, so those are refused here too.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class JsonProblem:
    """Where and why a text is not valid JSON. `line` and `column` count from 1."""

    message: str
    line: int
    column: int
    offset: int

    def describe(self) -> str:
        return f"line {self.line}, column {self.column}: {self.message}"


@dataclass(frozen=True)
class Checked:
    """The outcome of `check`: the parsed value, or the problem (never both)."""

    value: Any = None
    problem: JsonProblem | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


class _NonStandardConstant(ValueError):
    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


def _refuse_constant(name: str) -> Any:
    raise _NonStandardConstant(name)


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


def check(text: str) -> Checked:
    """Parse `text` as strict JSON; report the first problem with its line and column."""
    if not text.strip():
        return Checked(problem=JsonProblem("the event is empty (use {} for an empty object)", 1, 1, 0))
    try:
        return Checked(value=json.loads(text, parse_constant=_refuse_constant))
    except json.JSONDecodeError as exc:
        return Checked(problem=JsonProblem(exc.msg, exc.lineno, exc.colno, exc.pos))
    except _NonStandardConstant as exc:
        offset = _find_constant(text, exc.name)
        line, column = _position(text, offset)
        return Checked(problem=JsonProblem(f"{exc.name} is not valid JSON", line, column, offset))
    except RecursionError:
        return Checked(problem=JsonProblem("the event is nested too deeply", 1, 1, 0))


def _find_constant(text: str, name: str) -> int:
    """The offset of the first `name` outside a string (for NaN/Infinity/-Infinity)."""
    in_string = escaped = False
    for index, char in enumerate(text):
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif text.startswith(name, index):
            return index
    return 0


def pretty(text: str, indent: int = 2) -> str:
    """Re-indent valid JSON, keeping key order and non-ASCII text as written.

    Raises ValueError (with the line and column) when the text is not valid JSON, so the editor
    can leave the text untouched and point at the mistake instead.
    """
    checked = check(text)
    if checked.problem is not None:
        raise ValueError(checked.problem.describe())
    return dumps(checked.value, indent=indent)


def dumps(value: Any, indent: int | None = 2) -> str:
    """The one JSON writer for events: readable, UTF-8 as is, a final newline for files."""
    return json.dumps(value, indent=indent, ensure_ascii=False) + ("\n" if indent else "")

