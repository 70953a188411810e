"""Logs Insights query text -> `nodes.Query`, or a QueryError that says where it went wrong.

Recursive descent over `syntax.tokenize()`'s tokens. Operator precedence, loosest first: `or`,
`and`, `not`, comparisons (= != < <= > >=, like, =~, in, each with `not`), + -, * / %, ^, unary
minus. Aggregate functions (count, sum, pct, ...) are allowed only inside `stats`; a stats item
may also combine earlier items' aliases (`a - b as c`, as AWS's own sample queries do).
"""

from __future__ import annotations

from stackview.demo.server.insights import nodes
from stackview.demo.server.insights.checks import check_arity, check_stats_item, reject_aggregates
from stackview.demo.server.insights.functions import AGGREGATES, SCALARS
from stackview.demo.server.insights.patterns import compile_regex, glob_regex
from stackview.demo.server.insights.syntax import DURATION_UNITS, QueryError, Token, tokenize

COMMANDS = ("fields", "filter", "stats", "sort", "limit", "parse", "display", "dedup")
#: Commands of the real service the demo world does not answer (named so the error says so).
UNSUPPORTED = ("unnest", "lookup", "pattern", "diff", "anomaly", "filterindex", "source", "unmask",
               "join")
KEYWORDS = ("and", "or", "not", "like", "in", "as", "by", "asc", "desc")
#: The most rows a query returns (the `limit` command and StartQuery's limit).
MAX_LIMIT = 100_000
_COMPARISONS = ("=", "==", "!=", "<", "<=", ">", ">=")
#: Functions taking a duration, and which argument it is.
_TIME_FUNCTIONS = {"bin": 0, "datefloor": 1, "dateceil": 1}


def parse_query(text: str) -> nodes.Query:
    return _Parser(text).query()


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.index = 0
        self.in_stats = False
        self.durations = False  # inside bin(), datefloor() or dateceil()

    # -- tokens ---------------------------------------------------------------------------

    @property
    def token(self) -> Token:
        return self.tokens[self.index]

    def advance(self) -> Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def is_op(self, *ops: str) -> bool:
        return self.token.kind == "op" and self.token.text in ops

    def is_word(self, *words: str) -> bool:
        return self.token.kind == "word" and self.token.text.lower() in words

    def expect_op(self, op: str) -> Token:
        if not self.is_op(op):
            self.fail(f"expected {op}")
        return self.advance()

    def fail(self, message: str, token: Token | None = None) -> None:
        token = token or self.token
        found = token.text or "end of query"
        raise QueryError(f"{message}: unexpected symbol found {found}", self.text, token.start,
                         token.end)

    def source(self, start: int) -> str:
        return self.text[start:self.tokens[self.index - 1].end].strip()

    # -- commands -------------------------------------------------------------------------

    def query(self) -> nodes.Query:
        if self.token.kind == "end":
            raise QueryError("the query is empty", self.text, 0)
        commands = [self.command()]
        while self.is_op("|"):
            self.advance()
            token = self.token
            commands.append(self.command())
            if isinstance(commands[-2], nodes.Dedup) and not isinstance(commands[-1], nodes.Limit):
                raise QueryError("only limit may follow dedup", self.text, token.start, token.end)
        if self.token.kind != "end":
            self.fail("expected | before the next command")
        return nodes.Query(tuple(commands), self.text)

    def command(self) -> nodes.Command:
        token = self.token
        name = token.text.lower() if token.kind == "word" else ""
        if name in UNSUPPORTED:
            raise QueryError(f"the command {token.text} is not answered by the demo world's Logs "
                             "Insights engine", self.text, token.start, token.end)
        if name not in COMMANDS:
            self.fail("expected a command (fields, filter, stats, sort, limit, parse, display, dedup)")
        self.advance()
        if name == "fields":
            return nodes.Fields(tuple(self.named_list()))
        if name == "filter":
            return nodes.Filter(self.expression())
        if name == "stats":
            return self.stats()
        if name == "sort":
            return self.sort()
        if name == "limit":
            return nodes.Limit(self.limit())
        if name == "parse":
            return self.parse()
        names = tuple(self.field_names())
        return nodes.Display(names) if name == "display" else nodes.Dedup(names)

    def named_list(self) -> list[nodes.Named]:
        items = [self.named()]
        while self.is_op(","):
            self.advance()
            items.append(self.named())
        return items

    def named(self) -> nodes.Named:
        expr = self.expression()
        if self.is_word("as"):
            self.advance()
            return nodes.Named(expr, self.field_name())
        name = expr.name if isinstance(expr, nodes.FieldRef) else expr.text
        return nodes.Named(expr, name)

    def field_name(self) -> str:
        token = self.token
        if token.kind == "field" or (token.kind == "word" and token.text.lower() not in KEYWORDS):
            self.advance()
            return str(token.value)
        self.fail("expected a field name")
        raise AssertionError  # fail() raised

    def field_names(self) -> list[str]:
        names = [self.field_name()]
        while self.is_op(","):
            self.advance()
            names.append(self.field_name())
        return names

    def limit(self) -> int:
        token = self.token
        if token.kind != "number" or not isinstance(token.value, int):
            self.fail("limit takes a whole number")
        self.advance()
        if not 1 <= int(token.value) <= MAX_LIMIT:  # type: ignore[call-overload]
            raise QueryError(f"limit must be between 1 and {MAX_LIMIT}", self.text, token.start,
                             token.end)
        return int(token.value)  # type: ignore[call-overload]

    def sort(self) -> nodes.Sort:
        keys = []
        while True:
            expr = self.expression()
            descending = False
            if self.is_word("asc", "desc"):
                descending = self.advance().text.lower() == "desc"
            keys.append(nodes.SortKey(expr, descending))
            if not self.is_op(","):
                return nodes.Sort(tuple(keys))
            self.advance()

    def parse(self) -> nodes.Parse:
        source = "@message"
        if self.token.kind not in ("string", "regex"):
            source = self.field_name()
        token = self.token
        if token.kind == "regex":
            self.advance()
            regex = compile_regex(str(token.value), self.text, token)
            names = tuple(sorted(regex.groupindex, key=regex.groupindex.__getitem__))
            if not names:
                raise QueryError("a parse regular expression needs named groups (?<name>...)",
                                 self.text, token.start, token.end)
            return nodes.Parse(source, regex, names)
        if token.kind != "string":
            self.fail("parse takes a \"pattern with *\" as names, or a /regular expression/")
        self.advance()
        if not self.is_word("as"):
            self.fail("expected as after the parse pattern")
        self.advance()
        names = tuple(self.field_names())
        pattern = str(token.value)
        stars = pattern.count("*")
        if stars != len(names):
            raise QueryError(f"the parse pattern has {stars} * for {len(names)} names",
                             self.text, token.start, token.end)
        return nodes.Parse(source, glob_regex(pattern, names), names, glob=True)

    def stats(self) -> nodes.Stats:
        self.in_stats = True
        items = self.named_list()
        self.in_stats = False
        by: list[nodes.Named] = []
        if self.is_word("by"):
            self.advance()
            by = self.named_list()
        aggregates: list[nodes.Call] = []
        known = {named.name for named in by}
        for named in items:
            check_stats_item(named.expr, known, aggregates, self.text)
            known.add(named.name)
        for named in by:
            reject_aggregates(named.expr, self.text)
        return nodes.Stats(tuple(items), tuple(by), tuple(aggregates))

    # -- expressions ----------------------------------------------------------------------

    def expression(self) -> nodes.Expr:
        return self.disjunction()

    def disjunction(self) -> nodes.Expr:
        start = self.token.start
        left = self.conjunction()
        while self.is_word("or"):
            self.advance()
            left = nodes.Binary("or", left, self.conjunction(), self.source(start))
        return left

    def conjunction(self) -> nodes.Expr:
        start = self.token.start
        left = self.negation()
        while self.is_word("and"):
            self.advance()
            left = nodes.Binary("and", left, self.negation(), self.source(start))
        return left

    def negation(self) -> nodes.Expr:
        start = self.token.start
        if self.is_word("not") or self.is_op("!"):
            self.advance()
            operand = self.negation()
            return nodes.Unary("not", operand, self.source(start))
        return self.comparison()

    def comparison(self) -> nodes.Expr:
        start = self.token.start
        left = self.additive()
        if self.is_op(*_COMPARISONS):
            op = {"==": "="}.get(self.advance().text, self.tokens[self.index - 1].text)
            return nodes.Binary(op, left, self.additive(), self.source(start))
        negated = False
        if self.is_word("not") and self.tokens[self.index + 1].text.lower() in ("like", "in"):
            self.advance()
            negated = True
        if self.is_word("like") or (not negated and self.is_op("=~")):
            self.advance()
            pattern = self.pattern_operand()
            return nodes.Like(left, pattern, negated, self.source(start))
        if self.is_word("in"):
            self.advance()
            self.expect_op("[")
            items = [self.additive()]
            while self.is_op(","):
                self.advance()
                items.append(self.additive())
            self.expect_op("]")
            return nodes.In(left, tuple(items), negated, self.source(start))
        return left

    def pattern_operand(self) -> nodes.Expr:
        token = self.token
        if token.kind == "regex":
            self.advance()
            return nodes.Pattern(compile_regex(str(token.value), self.text, token), token.text)
        return self.additive()

    def additive(self) -> nodes.Expr:
        start = self.token.start
        left = self.multiplicative()
        while self.is_op("+", "-"):
            op = self.advance().text
            left = nodes.Binary(op, left, self.multiplicative(), self.source(start))
        return left

    def multiplicative(self) -> nodes.Expr:
        start = self.token.start
        left = self.power()
        while self.is_op("*", "/", "%"):
            op = self.advance().text
            left = nodes.Binary(op, left, self.power(), self.source(start))
        return left

    def power(self) -> nodes.Expr:
        start = self.token.start
        base = self.unary()
        if self.is_op("^"):
            self.advance()
            return nodes.Binary("^", base, self.power(), self.source(start))
        return base

    def unary(self) -> nodes.Expr:
        start = self.token.start
        if self.is_op("-"):
            self.advance()
            operand = self.unary()
            if isinstance(operand, nodes.Literal) and isinstance(operand.value, (int, float)):
                return nodes.Literal(-operand.value, self.source(start))
            return nodes.Unary("-", operand, self.source(start))
        return self.primary()

    def primary(self) -> nodes.Expr:
        token = self.token
        if token.kind in ("number", "string"):
            self.advance()
            return nodes.Literal(token.value, token.text)
        if token.kind == "duration":
            if not self.durations:
                self.fail("a duration goes in bin(), datefloor() or dateceil()")
            self.advance()
            amount, unit = token.value  # type: ignore[misc]
            return nodes.Duration(amount, unit, token.text)
        if token.kind == "regex":
            self.fail("a regular expression goes after like or =~")
        if self.is_op("("):
            self.advance()
            inner = self.expression()
            self.expect_op(")")
            return inner
        if token.kind == "word" and self.tokens[self.index + 1].text == "(":
            return self.call()
        if token.kind == "word" and token.text.lower() in ("true", "false"):
            self.advance()
            return nodes.Literal(1 if token.text.lower() == "true" else 0, token.text)
        if token.kind == "field" or (token.kind == "word" and token.text.lower() not in KEYWORDS):
            self.advance()
            return nodes.FieldRef(str(token.value), token.text)
        self.fail("expected a value")
        raise AssertionError

    def call(self) -> nodes.Call:
        token = self.advance()
        name = token.text.lower()
        self.expect_op("(")
        aggregate = name in AGGREGATES
        if not aggregate and name not in SCALARS:
            raise QueryError(f"unknown function {token.text}", self.text, token.start, token.end)
        if aggregate and not self.in_stats:
            raise QueryError(f"the aggregate function {token.text} is only allowed in stats",
                             self.text, token.start, token.end)
        args: list[nodes.Expr] = []
        star = False
        outer, self.durations = self.durations, name in _TIME_FUNCTIONS
        if name == "count" and self.is_op("*"):
            self.advance()
            star = True
        elif not self.is_op(")"):
            args.append(self.expression())
            while self.is_op(","):
                self.advance()
                args.append(self.expression())
        self.durations = outer
        self.expect_op(")")
        if name == "count" and not args:
            star = True
        call = nodes.Call(name, tuple(args), self.source(token.start), aggregate, star)
        check_arity(call, self.text, token)
        if name in _TIME_FUNCTIONS:
            period = call.args[_TIME_FUNCTIONS[name]]
            if not isinstance(period, nodes.Duration) or period.amount <= 0:
                raise QueryError(f"{token.text}() takes a duration such as 5m, 1h or 1d", self.text,
                                 token.start, token.end)
        return call


__all__ = ["parse_query", "QueryError", "DURATION_UNITS", "MAX_LIMIT"]
