"""`stackview query` without AWS: output formats, time range, what is refused before connecting."""

from __future__ import annotations

import argparse
import csv
import io
import json

import pytest

from stackview import cli
from stackview.commands import query as command
from stackview.models.insights import ResultRow

ROWS = [
    ResultRow((("bin(5m)", "2026-11-23 10:05:00.000"), ("count(*)", "3"), ("@ptr", "p1"))),
    ResultRow((("bin(5m)", "2026-11-23 10:10:00.000"), ("@message", "boom\x1b[31m\nline two\x9b"), ("@ptr", "p2"))),
]


def output(kind: str) -> str:
    out = io.StringIO()
    command.write_rows(out, ROWS, kind)
    return out.getvalue()


def test_json_is_one_object_per_row_keyed_as_insights_names_fields() -> None:
    lines = output("json").splitlines()
    assert len(lines) == 2
    assert json.loads(lines[0]) == {"bin(5m)": "2026-11-23 10:05:00.000", "count(*)": "3", "@ptr": "p1"}
    assert json.loads(lines[1])["@message"] == "boom\x1b[31m\nline two\x9b"
    assert "\x1b" not in lines[1] and "\x9b" not in lines[1] and "\\u009b" in lines[1]


def test_csv_has_a_header_of_every_field_and_no_ptr() -> None:
    reader = list(csv.reader(io.StringIO(output("csv"))))
    assert reader[0] == ["bin(5m)", "count(*)", "@message"]
    assert reader[1] == ["2026-11-23 10:05:00.000", "3", ""]
    assert reader[2][2] == "boom\\x1b[31m\nline two\\x9b"


def test_table_is_aligned_one_line_per_row_without_escapes() -> None:
    lines = output("table").splitlines()
    assert lines[0].split() == ["bin(5m)", "count(*)", "@message"]
    assert lines[0].index("count(*)") == lines[1].rindex("3")
    assert len(lines) == 3 and "\x1b" not in lines[2] and "boom\\x1b[31m line two" in lines[2]


def args(**values) -> argparse.Namespace:
    base = {"since": None, "start": None, "end": None}
    return argparse.Namespace(**{**base, **values})


def test_time_range_in_seconds() -> None:
    now = 1_795_428_000_500
    assert command.time_range(args(), now) == ((now - 3_600_000) // 1000, 1_795_428_001)
    assert command.time_range(args(since="3h"), now)[0] == (now - 3 * 3_600_000) // 1000
    start, end = command.time_range(args(start="2026-11-23T09:00:00Z", end="2026-11-23T09:30:00Z"), now)
    assert (start, end) == (1_795_424_400, 1_795_426_200)


@pytest.mark.parametrize("values, message", [
    ({"since": "1h", "start": "2h"}, "give --since or --start, not both"),
    ({"since": "yesterday"}, "--since: cannot read 'yesterday'"),
    ({"start": "2026-11-23T09:00:00Z", "end": "later"}, "--end: cannot read 'later'"),
    ({"start": "2026-11-23T09:00:00Z", "end": "2026-11-23T08:00:00Z"}, "must come after its start"),
])
def test_bad_time_ranges_are_refused(values, message) -> None:
    with pytest.raises(command._Usage, match=message.replace("(", r"\(")):
        command.time_range(args(**values), 1_795_428_000_000)


def run(capsys, *argv: str) -> tuple[int, str]:
    code = cli.main(["query", *argv])
    return code, capsys.readouterr().err


def test_usage_errors_exit_2_before_any_connection(monkeypatch, capsys, tmp_path) -> None:
    monkeypatch.setattr(cli, "COMMANDS", ("query",))
    monkeypatch.setenv("STACKVIEW_CONFIG", str(tmp_path / "none.yaml"))

    def no_connection(*_args, **_kwargs):
        raise AssertionError("connected")

    monkeypatch.setattr(command, "connect", no_connection)
    assert run(capsys, "--canned", "recent-errors") == (2, "stackview: name a stack, a function or --log-group\n")
    code, err = run(capsys, "fn", "--canned", "nope")
    assert code == 2 and "no query named 'nope' (known: recent-errors, errors-by-message" in err
    code, err = run(capsys, "fn", "--query", "   ")
    assert (code, err) == (2, "stackview: the query is empty\n")
    code, err = run(capsys, "fn", "--query", "x" * 10_001)
    assert code == 2 and "at most 10,000" in err
    code, err = run(capsys, "fn", "--query", "fields @message", "--since", "soon")
    assert code == 2 and err.startswith("stackview: --since: cannot read 'soon'")


def test_saved_queries_run_by_name_and_their_problems_are_said(monkeypatch, capsys, tmp_path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text("queries:\n  mine: fields @message | limit 3\n  bad: 12\n", encoding="utf-8")
    monkeypatch.setenv("STACKVIEW_CONFIG", str(config))
    parsed = argparse.Namespace(query=None, canned="mine")
    assert command._query_text(parsed) == "fields @message | limit 3"
    assert "queries.bad" in capsys.readouterr().err
