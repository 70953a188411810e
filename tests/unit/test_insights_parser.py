"""The demo world's Logs Insights parser: the language read as AWS reads it, and malformed
queries refused with the place of the problem."""

from __future__ import annotations

import pytest

from stackview.demo.server.insights import nodes
from stackview.demo.server.insights.parser import parse_query
from stackview.demo.server.insights.syntax import QueryError


def only(text: str) -> nodes.Command:
    commands = parse_query(text).commands
    assert len(commands) == 1
    return commands[0]


def test_commands_are_split_on_pipes_and_comments_are_ignored():
    query = parse_query("fields @timestamp, @message # what to show\n"
                        "| filter @message like /ERROR/ | sort @timestamp desc | limit 20")
    kinds = [type(command).__name__ for command in query.commands]
    assert kinds == ["Fields", "Filter", "Sort", "Limit"]
    assert query.commands[2] == nodes.Sort((nodes.SortKey(nodes.FieldRef("@timestamp", "@timestamp"), True),))
    assert query.commands[3] == nodes.Limit(20)


def test_keywords_and_commands_are_case_insensitive():
    command = only('FILTER level IN ["ERROR", "WARN"] AND NOT @message LIKE "retry"')
    assert isinstance(command, nodes.Filter)
    condition = command.condition
    assert isinstance(condition, nodes.Binary) and condition.op == "and"
    assert isinstance(condition.left, nodes.In) and not condition.left.negated
    assert isinstance(condition.right, nodes.Unary) and condition.right.op == "not"


def test_or_binds_looser_than_and_which_binds_looser_than_comparisons():
    condition = only("filter a = 1 or b = 2 and c > 3").condition  # type: ignore[union-attr]
    assert condition.op == "or"
    assert condition.left.text == "a = 1"
    assert condition.right.op == "and" and condition.right.right.op == ">"


def test_arithmetic_precedence_and_unary_minus():
    item = only("fields 1 + 2 * 3 ^ 2 - -4 as x").items[0]  # type: ignore[union-attr]
    assert item.name == "x"
    expr = item.expr
    assert expr.op == "-" and expr.right == nodes.Literal(-4, "-4")
    assert expr.left.op == "+" and expr.left.right.op == "*" and expr.left.right.right.op == "^"


def test_negated_like_and_in_and_the_regex_operator():
    condition = only('filter @message not like /x/ and level not in ["A"] and m =~ "y"').condition  # type: ignore[union-attr]
    like_x = condition.left.left
    assert isinstance(like_x, nodes.Like) and like_x.negated and isinstance(like_x.pattern, nodes.Pattern)
    assert condition.left.right.negated
    assert isinstance(condition.right, nodes.Like) and not condition.right.negated


def test_result_names_are_aliases_or_what_was_written():
    stats = only("stats count(*), avg(@duration) as d, pct(@duration, 95) by bin(5m), @log")
    assert isinstance(stats, nodes.Stats)
    assert [named.name for named in stats.items] == ["count(*)", "d", "pct(@duration, 95)"]
    assert [named.name for named in stats.by] == ["bin(5m)", "@log"]
    assert [call.name for call in stats.aggregates] == ["count", "avg", "pct"]
    fields = only("fields strlen(@message), `odd name` as o, @requestId")
    assert [named.name for named in fields.items] == ["strlen(@message)", "o", "@requestId"]  # type: ignore[union-attr]


def test_stats_items_may_combine_earlier_aliases():
    stats = only("stats max(@memorySize / 1000 / 1000) as provisioned, "
                 "max(@maxMemoryUsed / 1000 / 1000) as used, provisioned - used as spare")
    assert [named.name for named in stats.items] == ["provisioned", "used", "spare"]  # type: ignore[union-attr]
    assert len(stats.aggregates) == 2  # type: ignore[union-attr]


def test_parse_glob_and_regex_with_named_groups():
    glob = only('parse @message "[*] * - *" as level, what, rest')
    assert isinstance(glob, nodes.Parse) and glob.glob and glob.names == ("level", "what", "rest")
    found = glob.regex.search("x [INFO] disk - full - really")
    assert found is not None and found.groups() == ("INFO", "disk", "full - really")
    regex = only(r"parse @message /user=(?<user>\w+) id=(?<id>\d+)/")
    assert isinstance(regex, nodes.Parse) and not regex.glob and regex.names == ("user", "id")
    assert only('parse "a=*" as a').source == "@message"  # type: ignore[union-attr]


def test_dotted_paths_and_backticked_names_are_fields():
    fields = only("fields record.metrics.durationMs, items.0.sku, `x-forwarded-for`")
    assert [item.name for item in fields.items] == [  # type: ignore[union-attr]
        "record.metrics.durationMs", "items.0.sku", "x-forwarded-for"]


@pytest.mark.parametrize("text, message, line, position", [
    ("filtre x", "expected a command", 1, 0),
    ("fields a |", "unexpected symbol found end of query", 1, 10),
    ("fields @message\n| stats count(*) by", "unexpected symbol found end of query", 2, 19),
    ("filter a = 3 b", "expected | before the next command: unexpected symbol found b", 1, 13),
    ("fields count(*)", "the aggregate function count is only allowed in stats", 1, 7),
    ("stats @message", "@message in stats is neither an aggregate function nor an earlier alias", 1, 6),
    ("stats count(*) by bin(0m)", "bin() takes a duration", 1, 18),
    ("fields 5m", "a duration goes in bin()", 1, 7),
    ("limit 0", "limit must be between 1 and 100000", 1, 6),
    ("limit 2.5", "limit takes a whole number", 1, 6),
    ('filter "abc', "unterminated string", 1, 7),
    ("filter x like /ab", "unterminated regular expression", 1, 14),
    ('parse @message "*-*" as a', "the parse pattern has 2 * for 1 names", 1, 15),
    ("parse @message /no groups/", "needs named groups", 1, 15),
    ("filter x like /(/", "invalid regular expression", 1, 14),
    ("fields nosuch(x)", "unknown function nosuch", 1, 7),
    ("fields strlen()", "strlen() takes 1 argument, not 0", 1, 7),
    ("pattern @message", "not answered by the demo world", 1, 0),
    ("", "the query is empty", 1, 0),
    ("filter a ; b", "unexpected symbol found ;", 1, 9),
])
def test_malformed_queries_say_what_and_where(text, message, line, position):
    with pytest.raises(QueryError) as caught:
        parse_query(text)
    error = caught.value
    assert message in error.detail
    assert (error.line, error.column) == (line, position)
    assert str(error).endswith(f"at line {line} and position {position}")
    assert error.start <= error.end


def test_true_and_false_read_as_one_and_zero():
    condition = only("filter cold_start = true").condition  # type: ignore[union-attr]
    assert condition.right == nodes.Literal(1, "true")


def test_only_limit_may_follow_dedup():
    assert isinstance(parse_query("fields a | dedup a | limit 3").commands[-1], nodes.Limit)
    with pytest.raises(QueryError) as caught:
        parse_query("fields a | dedup a | sort a")
    assert caught.value.detail == "only limit may follow dedup" and caught.value.column == 21
