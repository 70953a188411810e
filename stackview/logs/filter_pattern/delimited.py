"""Space-delimited patterns `[ip, user, ..., status = 4*, bytes > 1000]`.

How an event is cut into fields (AWS's rules, recorded behaviour):
- fields are separated by runs of spaces/tabs (a newline is an ordinary character);
- `"..."` and `[...]` group their content into one field, and the quotes/brackets are stripped;
  an unclosed `"` or `[` is an ordinary character;
- without `...`, the event needs at least as many fields as the pattern and the last pattern
  field takes the raw remainder of the event (from its field to the end, spaces included);
- with `...`, fields before it align from the start, fields after it from the end.

Fields `=`/`!=` compare text (with `*` prefix/suffix wildcards or a regex); `< <= > >=` need the
event field to be a number in full (`12ms` is not 12).
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from dataclasses import dataclass

from stackview.logs.filter_pattern.errors import FilterPatternError, Limits
from stackview.logs.filter_pattern.regex import read_regex
from stackview.logs.filter_pattern.values import FIELD_NUMBER, Value, read_quoted, to_number

# A field: a quoted group, a bracketed group, or a run of non-blank characters. Unclosed groups
# fall through to the third branch, which makes their opening character ordinary.
_FIELD = re.compile(r'"([^"]*)"|\[([^\]]*)\]|[^ \t]+')
_NAME = re.compile(r"[A-Za-z0-9_]+")
_OPS = ("!=", "<=", ">=", "=", "<", ">")
_ORDER = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}

FieldTest = Callable[[str], bool]


@dataclass(frozen=True, slots=True)
class _Field:
    """One pattern field; `test` is None for an empty field or a bare name (match anything)."""

    kind: str  # "field" or "ellipsis"
    test: FieldTest | None = None


def build_delimited(text: str, lo: int, hi: int, limits: Limits) -> Callable[[str], bool]:
    """Compile the pattern whose `[` is at `text[lo]` and `]` at `text[hi]` into a matcher."""
    fields = _parse_fields(text, lo + 1, hi, limits)
    kinds = [f.kind for f in fields]
    if not fields or kinds == ["ellipsis"]:
        return lambda message: True
    if "ellipsis" in kinds:
        cut = kinds.index("ellipsis")
        return _match_ellipsis([f.test for f in fields[:cut]], [f.test for f in fields[cut + 1 :]])
    return _match_prefix([f.test for f in fields])


def _value(found: re.Match[str]) -> str:
    group = found.lastindex
    return found.group(group) if group else found.group()


def _match_prefix(tests: list[FieldTest | None]) -> Callable[[str], bool]:
    head, last = tests[:-1], tests[-1]
    finditer = _FIELD.finditer

    def match(message: str) -> bool:
        fields = finditer(message)
        for test in head:
            found = next(fields, None)
            if found is None or (test is not None and not test(_value(found))):
                return False
        found = next(fields, None)
        if found is None:
            return False
        if last is None:
            return True
        start = found.start()
        rest = message[start:]
        if found.lastindex and next(fields, None) is None:
            rest = _value(found)  # the remainder is a single quoted/bracketed field: strip it
        return last(rest)

    return match


def _match_ellipsis(
    before: list[FieldTest | None], after: list[FieldTest | None]
) -> Callable[[str], bool]:
    needed = len(before) + len(after)
    finditer = _FIELD.finditer

    def match(message: str) -> bool:
        values = [_value(found) for found in finditer(message)]
        if len(values) < needed:
            return False
        for test, value in zip(before, values):
            if test is not None and not test(value):
                return False
        tail = values[len(values) - len(after) :] if after else []
        for test, value in zip(after, tail):
            if test is not None and not test(value):
                return False
        return True

    return match


def _split_commas(text: str, lo: int, hi: int) -> list[tuple[int, int]]:
    """Offsets of the comma-separated fields; commas inside quotes or regexes do not count."""
    inner = text[:hi]
    spans: list[tuple[int, int]] = []
    start = i = lo
    while i < hi:
        c = text[i]
        if c == '"':
            _, i = read_quoted(inner, i)
            continue
        if c == "%":
            close = inner.find("%", i + 1)
            if close < 0:
                raise FilterPatternError(
                    f"Unclosed regular expression {inner[i:]!r}: a regex must end with '%'", i
                )
            i = close + 1
            continue
        if c == ",":
            spans.append((start, i))
            start = i + 1
        i += 1
    spans.append((start, hi))
    return spans


def _parse_fields(text: str, lo: int, hi: int, limits: Limits) -> list[_Field]:
    if not text[lo:hi].strip():
        return []  # `[]`: no field at all, matches every event
    fields: list[_Field] = []
    names: set[str] = set()
    seen_ellipsis = False
    for start, end in _split_commas(text, lo, hi):
        body = text[start:end]
        first = start + len(body) - len(body.lstrip())
        stripped = body.strip()
        if not stripped:
            fields.append(_Field("field"))
        elif stripped == "...":
            if seen_ellipsis:
                raise FilterPatternError(
                    "Only one '...' is allowed in a space-delimited pattern", first
                )
            seen_ellipsis = True
            fields.append(_Field("ellipsis"))
        else:
            last = start + len(body.rstrip())
            test = _FieldParser(text, first, last, names, limits).parse()
            fields.append(_Field("field", test))
    return fields


class _FieldParser:
    """Parses `name`, or `name OP value` joined by `&&` / `||` on that same name."""

    def __init__(self, text: str, lo: int, hi: int, names: set[str], limits: Limits) -> None:
        self.text, self.i, self.hi = text[:hi], lo, hi
        self.names, self.limits = names, limits

    def skip(self) -> None:
        while self.i < self.hi and self.text[self.i].isspace():
            self.i += 1

    def name(self) -> str:
        found = _NAME.match(self.text, self.i)
        end = found.end() if found else self.i
        glued = end < self.hi and not self.text[end].isspace() and self.text[end] not in "=!<>"
        if found is None or glued:
            stop = self.i
            while stop < self.hi and not self.text[stop].isspace():
                stop += 1
            token = self.text[self.i : stop]
            raise FilterPatternError(
                f"Invalid field {token!r}: a field is a name, a name with a condition, or '...'", self.i
            )
        self.i = end
        return found.group()

    def parse(self) -> FieldTest | None:
        name_at = self.i
        name = self.name()
        if name in self.names:
            raise FilterPatternError(f"Duplicate field {name!r}", name_at)
        self.names.add(name)
        self.skip()
        if self.i >= self.hi:
            return None
        alternatives: list[list[FieldTest]] = [[]]
        while True:
            alternatives[-1].append(self.comparison(name))
            self.skip()
            if self.i >= self.hi:
                break
            joiner = self.text[self.i : self.i + 2]
            if joiner not in ("&&", "||"):
                rest = self.text[self.i : self.hi]
                raise FilterPatternError(f"Unexpected {rest!r} in field {name!r}", self.i)
            self.i += 2
            self.skip()
            other_at = self.i
            other = self.name()
            if other != name:
                raise FilterPatternError(
                    f"Conditions joined by {joiner!r} must be on the same field: "
                    f"expected {name!r}, got {other!r}",
                    other_at,
                )
            self.skip()
            if joiner == "||":
                alternatives.append([])
        return _combine(alternatives)

    def comparison(self, name: str) -> FieldTest:
        op = next((o for o in _OPS if self.text.startswith(o, self.i)), None)
        if self.text.startswith("==", self.i):
            raise FilterPatternError("Invalid operator '==': use '='", self.i)
        if op is None:
            raise FilterPatternError(
                f"Unexpected {self.text[self.i:self.hi]!r} after field {name!r}: "
                "expected =, !=, <, <=, > or >=",
                self.i,
            )
        self.i += len(op)
        self.skip()
        value = self.value(op)
        if op in _ORDER:
            if value.kind != "number":
                raise FilterPatternError(
                    f"Unexpected {value.text!r}: {op!r} compares numbers only", value.position
                )
            compare, number = _ORDER[op], value.number
            return lambda s: FIELD_NUMBER.match(s) is not None and compare(to_number(s), number)
        test = value.string_test()
        return test if op == "=" else (lambda s: not test(s))

    def value(self, op: str) -> Value:
        at = self.i
        if at >= self.hi:
            raise FilterPatternError(f"Expected a value after {op!r}", at)
        if self.text[at] == '"':
            content, self.i = read_quoted(self.text, at)
            return Value.quoted(content, at)
        if self.text[at] == "%":
            regex, self.i = read_regex(self.text, at, self.limits)
            return Value("regex", self.text[at : self.i], at, regex=regex)
        end = at
        while end < self.hi and not self.text[end].isspace() and self.text[end] not in "&|":
            end += 1
        if end == at:
            raise FilterPatternError(f"Expected a value after {op!r}", at)
        self.i = end
        return Value.word(self.text[at:end], at)


def _combine(alternatives: list[list[FieldTest]]) -> FieldTest:
    """OR of ANDs (`&&` binds tighter than `||`)."""
    groups = [tuple(group) for group in alternatives]
    if len(groups) == 1 and len(groups[0]) == 1:
        return groups[0][0]
    return lambda s: any(all(test(s) for test in group) for group in groups)
