"""JSON patterns `{ ... }`: lexer and parser; evaluation lives in `json_eval`.

Grammar (`&&` binds tighter than `||`):
    expr      := and_expr ("||" and_expr)*
    and_expr  := primary ("&&" primary)*
    primary   := "(" expr ")" | condition
    condition := SEL ("=" | "!=") VALUE | SEL ("<" | "<=" | ">" | ">=") NUMBER
               | SEL "IS" ("NULL" | "TRUE" | "FALSE") | SEL "NOT" "EXISTS"
Keywords are read case-insensitively. The parser refuses what AWS refuses (`EXISTS` alone,
`IS NOT NULL`, `==`, `AND`, `!`, `= null`, `$..x`, negative indexes, slices, `<` with a string,
object literals) with a message naming the token and its offset in the whole pattern.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from stackview.logs.filter_pattern import json_eval as ev
from stackview.logs.filter_pattern.errors import MAX_WILDCARDS_PER_SELECTOR, FilterPatternError, Limits
from stackview.logs.filter_pattern.regex import read_regex
from stackview.logs.filter_pattern.values import Value, read_quoted

_WORD_STOP = frozenset('()&|=!<>"%{}[]')
_NAME_STOP = frozenset(".[]()=!<>&|\"'%*{}")
_COMPARISONS = ("=", "!=", "<", "<=", ">", ">=")


class Tok(NamedTuple):
    kind: str  # "(" ")" "&&" "||" "op" "sel" "str" "regex" "word" "end"
    raw: str
    pos: int
    payload: object = None


def build_json(text: str, lo: int, hi: int, limits: Limits) -> Callable[[str], bool]:
    """Compile the pattern whose `{` is at `text[lo]` and `}` at `text[hi]` into a matcher."""
    tokens = _lex(text, lo + 1, hi, limits)
    cond = _Parser(tokens, lo).parse()
    load = ev.load_object

    def match(message: str) -> bool:
        doc = load(message)
        return doc is not None and cond(doc)

    return match


def _lex(text: str, lo: int, hi: int, limits: Limits) -> list[Tok]:
    inner = text[:hi]  # scanners must not run past the closing brace
    tokens: list[Tok] = []
    i = lo
    while i < hi:
        c = text[i]
        if c.isspace():
            i += 1
        elif c in "()":
            tokens.append(Tok(c, c, i))
            i += 1
        elif c in "&|":
            if inner[i : i + 2] != c * 2:
                raise FilterPatternError(f"Unexpected character {c!r}: use '&&' or '||'", i)
            tokens.append(Tok(c * 2, c * 2, i))
            i += 2
        elif c in "=!<>":
            two = inner[i : i + 2]
            if two == "==":
                raise FilterPatternError("Invalid operator '==': use '='", i)
            op = two if two in ("!=", "<=", ">=") else c
            if op == "!":
                raise FilterPatternError("Invalid operator '!': negation is not supported", i)
            tokens.append(Tok("op", op, i))
            i += len(op)
        elif c == '"':
            content, end = read_quoted(inner, i)
            tokens.append(Tok("str", text[i:end], i, content))
            i = end
        elif c == "%":
            regex, end = read_regex(inner, i, limits)
            tokens.append(Tok("regex", text[i:end], i, regex))
            i = end
        elif c == "$":
            selector, i = _selector(inner, i, limits)
            tokens.append(Tok("sel", selector.text, selector.position, selector))
        else:
            end = i
            while end < hi and not text[end].isspace() and text[end] not in _WORD_STOP:
                end += 1
            if end == i:
                raise FilterPatternError(f"Unexpected character {c!r}", i)
            tokens.append(Tok("word", text[i:end], i))
            i = end
    tokens.append(Tok("end", "}", hi))
    return tokens


def _selector(text: str, start: int, limits: Limits) -> tuple[ev.Selector, int]:
    """Read `$.a.b[0][*].*.['k.x']` starting at the `$`; return it and the offset after it."""
    steps: list[ev.Step] = []
    i = start + 1
    n = len(text)

    def bad(reason: str, end: int | None = None) -> FilterPatternError:
        stop = end if end is not None else i
        while stop < n and not text[stop].isspace() and text[stop] not in "=!<>()&|":
            stop += 1
        return FilterPatternError(f"Invalid selector {text[start:stop]!r}: {reason}", start)

    while i < n and text[i] in ".[":
        if text[i] == "[":
            step, i = _bracket(text, i, bad)
            steps.append(step)
            continue
        i += 1  # the dot
        if i < n and text[i] == "*":
            steps.append((ev.WILD, None))
            i += 1
        elif i < n and text[i] == "[":
            step, i = _bracket(text, i, bad)
            if step[0] != ev.KEY:
                raise bad("'.[' must hold a quoted key such as .['a.b']")
            steps.append(step)
        else:
            name_end = i
            while name_end < n and not text[name_end].isspace() and text[name_end] not in _NAME_STOP:
                name_end += 1
            if name_end == i:
                raise bad("expected a key name after '.'")
            steps.append((ev.KEY, text[i:name_end]))
            i = name_end
    if i < n and not text[i].isspace() and text[i] not in "=!<>()&|":
        raise bad(f"unexpected {text[i]!r}")
    if not steps:
        raise bad("a selector needs at least one step, such as $.name")
    selector = ev.Selector(text[start:i], start, tuple(steps))
    wildcards = sum(1 for kind, _ in steps if kind == ev.WILD)
    if wildcards > MAX_WILDCARDS_PER_SELECTOR:
        raise FilterPatternError(
            f"Too many wildcards in selector {selector.text!r}: at most "
            f"{MAX_WILDCARDS_PER_SELECTOR} per selector",
            start,
        )
    for _ in range(wildcards):
        limits.add_wildcard(selector.text, start)
    return selector, i


def _bracket(text: str, i: int, bad: Callable[..., FilterPatternError]) -> tuple[ev.Step, int]:
    """Read `[N]`, `[*]` or `['key']` at `text[i]` (the `[`)."""
    if text[i + 1 : i + 2] in ("'", '"'):
        quote = text[i + 1]
        close = text.find(quote, i + 2)
        if close < 0 or text[close + 1 : close + 2] != "]":
            raise bad("unclosed quoted key", len(text))
        return (ev.KEY, text[i + 2 : close]), close + 2
    close = text.find("]", i)
    if close < 0:
        raise bad("missing ']'", len(text))
    inner = text[i + 1 : close]
    if inner == "*":
        return (ev.WILD, None), close + 1
    if inner.isascii() and inner.isdigit():
        return (ev.INDEX, int(inner)), close + 1
    if inner.startswith("-") and inner[1:].isdigit():
        raise bad(f"negative index [{inner}] is not supported", close + 1)
    raise bad(f"unsupported index [{inner}] (use [N] or [*])", close + 1)


class _Parser:
    def __init__(self, tokens: list[Tok], brace: int) -> None:
        self.tokens = tokens
        self.at = 0
        self.brace = brace

    def peek(self) -> Tok:
        return self.tokens[self.at]

    def take(self) -> Tok:
        tok = self.tokens[self.at]
        if tok.kind != "end":
            self.at += 1
        return tok

    def parse(self) -> ev.Condition:
        if self.peek().kind == "end":
            raise FilterPatternError("A JSON filter pattern needs at least one condition", self.brace)
        cond = self.expr()
        tok = self.peek()
        if tok.kind != "end":
            raise _unexpected(tok, "expected '&&', '||' or the closing '}'")
        return cond

    def expr(self) -> ev.Condition:
        parts = [self.conjunction()]
        while self.peek().kind == "||":
            self.take()
            parts.append(self.conjunction())
        return ev.any_of(parts)

    def conjunction(self) -> ev.Condition:
        parts = [self.primary()]
        while self.peek().kind == "&&":
            self.take()
            parts.append(self.primary())
        return ev.all_of(parts)

    def primary(self) -> ev.Condition:
        tok = self.take()
        if tok.kind == "(":
            cond = self.expr()
            close = self.take()
            if close.kind != ")":
                raise _unexpected(close, f"expected ')' to close the '(' at {tok.pos}")
            return cond
        if tok.kind == "sel":
            assert isinstance(tok.payload, ev.Selector)
            return self.condition(tok.payload)
        if tok.kind == "word" and tok.raw.upper() in ("AND", "OR", "NOT"):
            raise _unexpected(tok, "join conditions with '&&' and '||'")
        if tok.kind == "end":
            raise _unexpected(tok, "expected a condition")
        raise _unexpected(tok, "expected a selector starting with '$'")

    def condition(self, selector: ev.Selector) -> ev.Condition:
        tok = self.take()
        keyword = tok.raw.upper() if tok.kind == "word" else ""
        if tok.kind == "op":
            return self.comparison(selector, tok)
        if keyword == "IS":
            what = self.take()
            which = what.raw.upper() if what.kind == "word" else ""
            tests = {"NULL": ev.is_null, "TRUE": ev.is_true, "FALSE": ev.is_false}
            if which not in tests:
                raise _unexpected(what, "expected NULL, TRUE or FALSE after IS")
            return ev.condition(selector, tests[which])
        if keyword == "NOT":
            what = self.take()
            if what.kind != "word" or what.raw.upper() != "EXISTS":
                raise _unexpected(what, "expected EXISTS after NOT")
            return ev.not_exists(selector)
        if keyword == "EXISTS":
            raise _unexpected(tok, "only NOT EXISTS is supported")
        raise _unexpected(
            tok, f"expected =, !=, <, <=, >, >=, IS or NOT EXISTS after {selector.text!r}"
        )

    def comparison(self, selector: ev.Selector, op: Tok) -> ev.Condition:
        tok = self.take()
        if tok.kind == "str":
            assert isinstance(tok.payload, str)
            value = Value.quoted(tok.payload, tok.pos)
        elif tok.kind == "regex":
            value = Value("regex", tok.raw, tok.pos, regex=tok.payload)  # type: ignore[arg-type]
        elif tok.kind == "word":
            if tok.raw.lower() == "null":
                raise _unexpected(tok, f"compare with null using '{selector.text} IS NULL'")
            value = Value.word(tok.raw, tok.pos)
        else:
            raise _unexpected(tok, f"expected a value after {op.raw!r}")
        if op.raw in ("=", "!="):
            predicate = ev.equality(value) if op.raw == "=" else ev.inequality(value)
        elif value.kind != "number":
            raise _unexpected(tok, f"{op.raw!r} compares numbers only")
        else:
            predicate = ev.ordering(op.raw, value)
        return ev.condition(selector, predicate)


def _unexpected(tok: Tok, hint: str) -> FilterPatternError:
    shown = "end of pattern" if tok.kind == "end" else repr(tok.raw)
    return FilterPatternError(f"Unexpected {shown}: {hint}", tok.pos)
