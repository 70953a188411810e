"""`stackview query` end to end on a scratch demo world: the canned queries answer what the raw
events say (the truth is computed here from FilterLogEvents on the lines the test put in), the
output formats, a malformed query, Ctrl+C, a group that does not exist yet."""

from __future__ import annotations

import json
import re
import statistics
from collections import Counter, defaultdict
from datetime import datetime, timezone

import pytest

from stackview import cli
from stackview.aws import insights_run
from stackview.aws.insights import describe_queries
from stackview.logs.insights import find_query
from tests.aws.functions_helpers import session_on
from tests.aws.insights_helpers import SLOW_GROUP, InvocationsWorld, build, slow_insights_world

pytestmark = pytest.mark.demo


@pytest.fixture(scope="module")
def world(scratch_endpoint) -> InvocationsWorld:
    return build(scratch_endpoint)


@pytest.fixture(autouse=True)
def environment(scratch_endpoint, monkeypatch, tmp_path):
    monkeypatch.setattr(cli, "COMMANDS", ("query",))
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", scratch_endpoint.credentials[0])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", scratch_endpoint.credentials[1])
    monkeypatch.setenv("STACKVIEW_CONFIG", str(tmp_path / "config.yaml"))
    monkeypatch.delenv("AWS_PROFILE", raising=False)


def query(world: InvocationsWorld, capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(["--endpoint-url", world.endpoint, "--region", world.region, "query",
                     world.text_function, world.json_function, "--since", "1h", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def rows(world: InvocationsWorld, capsys, name: str) -> list[dict[str, str]]:
    code, out, err = query(world, capsys, "--canned", name, "--output", "json")
    assert code == 0, err
    return [json.loads(line) for line in out.splitlines()]


def raw_events(world: InvocationsWorld) -> list[dict]:
    """Every event of both groups, as FilterLogEvents returns them, with their group."""
    logs = world.session().client("logs")
    found = []
    for group in (world.text_group, world.json_group):
        for page in logs.get_paginator("filter_log_events").paginate(logGroupName=group):
            found += [dict(event, group=group) for event in page["events"]]
    return sorted(found, key=lambda e: e["timestamp"])


def stamp(ms: int) -> str:
    moment = datetime.fromtimestamp(ms / 1000, tz=timezone.utc)
    return moment.strftime("%Y-%m-%d %H:%M:%S.") + f"{ms % 1000:03d}"


def reports(world: InvocationsWorld) -> list[dict]:
    """REPORT lines (text) and platform.report records (JSON) read by hand."""
    out = []
    for event in raw_events(world):
        message = event["message"]
        if message.startswith("REPORT RequestId: "):
            fields = dict(part.split(": ", 1) for part in message.strip().split("\t")[1:] if ": " in part)
            out.append({"ts": event["timestamp"], "rid": message.split()[2], "group": event["group"],
                        "duration": float(fields["Duration"].split()[0]),
                        "memory": int(fields["Memory Size"].split()[0]),
                        "used": int(fields["Max Memory Used"].split()[0]),
                        "init": float(fields["Init Duration"].split()[0]) if "Init Duration" in fields else None})
        elif message.startswith("{") and json.loads(message).get("type") == "platform.report":
            record = json.loads(message)["record"]
            metrics = record["metrics"]
            out.append({"ts": event["timestamp"], "rid": record["requestId"], "group": event["group"],
                        "duration": metrics["durationMs"], "memory": metrics["memorySizeMB"],
                        "used": metrics["maxMemoryUsedMB"], "init": metrics.get("initDurationMs")})
    return out


def test_recent_errors_are_the_lines_that_say_error(world, capsys) -> None:
    pattern = re.compile(r"ERROR|Task timed out|Runtime exited")
    truth = [e for e in reversed(raw_events(world)) if pattern.search(e["message"])][:100]
    answer = rows(world, capsys, "recent-errors")
    assert [(r["@timestamp"], r["@message"]) for r in answer] == [(stamp(e["timestamp"]), e["message"]) for e in truth]
    assert len(answer) == 3  # a handled error, an uncaught one, a timeout (the JSON lines say "error")
    assert all(set(r) == {"@timestamp", "@requestId", "@logStream", "@message", "@ptr"} - ({"@requestId"} if not r.get("@requestId") else set()) for r in answer)


def test_errors_grouped_by_message(world, capsys) -> None:
    parse = re.compile(r"\[ERROR\]\s+(?:\d{4}-\d\d-\d\dT\S+\s+\S+\s+)?(?P<text>[^\n]+)")
    truth: Counter[str] = Counter()
    for event in raw_events(world):
        message = event["message"]
        if "ERROR" not in message:
            continue
        found = parse.search(message)
        if found:
            truth[found.group("text")] += 1
            continue
        data = json.loads(message)
        truth[data.get("errorMessage") or data.get("message")] += 1
    answer = rows(world, capsys, "errors-by-message")
    assert {r["error"]: int(r["errors"]) for r in answer} == dict(truth)
    assert {"card declined, will retry later", "KeyError: 'amount'"} <= set(truth)
    assert [int(r["errors"]) for r in answer] == sorted((int(r["errors"]) for r in answer), reverse=True)


def test_slowest_invocations(world, capsys) -> None:
    truth = sorted(reports(world), key=lambda r: r["duration"], reverse=True)[:25]
    answer = rows(world, capsys, "slowest-invocations")
    assert [r["@requestId"] for r in answer] == [r["rid"] for r in truth]
    assert [float(r["@duration"]) for r in answer] == [r["duration"] for r in truth]
    assert [r["@timestamp"] for r in answer] == [stamp(r["ts"]) for r in truth]
    cold = {r["rid"]: r["init"] for r in truth if r["init"] is not None}
    assert {r["@requestId"]: float(r["@initDuration"]) for r in answer if "@initDuration" in r} == cold


def _bin(ms: int, width_ms: int = 300_000) -> str:
    return stamp(ms - ms % width_ms)


def test_cold_starts_over_time(world, capsys) -> None:
    truth: dict[str, list] = defaultdict(list)
    for report in reports(world):
        truth[_bin(report["ts"])].append(report["init"])
    answer = {r["bin(5m)"]: r for r in rows(world, capsys, "cold-starts")}
    assert set(answer) == set(truth)
    for bucket, inits in truth.items():
        row = answer[bucket]
        colds = [i for i in inits if i is not None]
        assert int(row["invocations"]) == len(inits)
        assert int(row["coldStarts"]) == len(colds)
        if colds:
            assert float(row["avgInitMs"]) == pytest.approx(statistics.mean(colds))
        else:
            assert "avgInitMs" not in row


def test_memory_used_vs_configured(world, capsys) -> None:
    by_group: dict[str, list[dict]] = defaultdict(list)
    for report in reports(world):
        by_group[report["group"]].append(report)
    answer = {r["@log"].split(":", 1)[1]: r for r in rows(world, capsys, "memory")}
    assert set(answer) == set(by_group)
    for group, found in by_group.items():
        row = answer[group]
        assert float(row["configuredMB"]) == max(r["memory"] for r in found)
        assert float(row["maxUsedMB"]) == max(r["used"] for r in found)
        assert float(row["avgUsedMB"]) == pytest.approx(statistics.mean(r["used"] for r in found))
        used = sorted(r["used"] for r in found)
        assert used[0] <= float(row["p95UsedMB"]) <= used[-1]


def test_timeouts(world, capsys) -> None:
    pattern = re.compile(r'Task timed out|"status": ?"timeout"')
    truth = [e for e in reversed(raw_events(world)) if pattern.search(e["message"])]
    answer = rows(world, capsys, "timeouts")
    assert [r["@message"] for r in answer] == [e["message"] for e in truth]
    timed_out = {rid for rid, expected in world.expected.items() if expected[0] == "timeout"}
    assert {r.get("@requestId") for r in answer} == timed_out


def test_invocations_and_duration_over_time(world, capsys) -> None:
    truth: dict[str, list[float]] = defaultdict(list)
    for report in reports(world):
        truth[_bin(report["ts"])].append(report["duration"])
    answer = {r["bin(5m)"]: r for r in rows(world, capsys, "invocations-over-time")}
    assert {bucket: int(r["invocations"]) for bucket, r in answer.items()} == {b: len(d) for b, d in truth.items()}
    for bucket, durations in truth.items():
        assert float(answer[bucket]["maxMs"]) == max(durations)
        assert float(answer[bucket]["avgMs"]) == pytest.approx(statistics.mean(durations))


def test_table_and_csv_outputs(world, capsys) -> None:
    code, out, _err = query(world, capsys, "--canned", "cold-starts", "--output", "csv")
    assert code == 0
    header, *lines = out.splitlines()
    assert header == "bin(5m),invocations,coldStarts,avgInitMs" and lines
    code, out, _err = query(world, capsys, "--query", "stats count(*) as n by @log | sort n desc", "-o", "table")
    assert code == 0
    first, *table = out.splitlines()
    assert first.split() == ["@log", "n"] and len(table) == 2


def test_a_malformed_query_exits_2_with_where_it_is(world, capsys) -> None:
    code, out, err = query(world, capsys, "--query", "fields @message\n| limitt 5")
    assert code == 2 and out == ""
    first, source, caret = err.splitlines()
    assert first.startswith("stackview: malformed query (line 2, column ")
    assert source == "  | limitt 5" and caret.strip() == "^"
    assert "Traceback" not in err


@pytest.fixture(scope="module")
def slow_world():
    with slow_insights_world() as world:
        yield world


def test_ctrl_c_stops_the_query_and_exits_130(slow_world, capsys, monkeypatch) -> None:
    endpoint, credentials, region = slow_world
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", credentials[0])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", credentials[1])
    seen: list[tuple[str, str]] = []
    real = insights_run.query_results

    def interrupted_while_running(session, query_id):
        results = real(session, query_id)
        seen.append((query_id, results.status))
        if results.status == "Running" and results.statistics.records_scanned > 0:
            raise KeyboardInterrupt  # what Ctrl+C raises in the main thread
        return results

    monkeypatch.setattr(insights_run, "query_results", interrupted_while_running)
    code = cli.main(["--endpoint-url", endpoint, "--region", region, "query", "--log-group", SLOW_GROUP,
                     "--query", "stats count(*)", "--since", "1h"])
    assert code == 130 and capsys.readouterr().out == ""
    query_id, status = seen[-1]
    assert status == "Running"
    session = session_on(endpoint, region, credentials)
    statuses = {q.query_id: q.status for q in describe_queries(session, log_group=SLOW_GROUP)}
    assert statuses[query_id] == "Cancelled"


def test_a_function_without_a_log_group_is_left_out_and_said(world, capsys, scratch_endpoint) -> None:
    from tests.aws.functions_helpers import make_function

    quiet = make_function(world.session())
    code = cli.main(["--endpoint-url", world.endpoint, "--region", world.region, "query", world.text_function,
                     quiet, "--canned", "slowest-invocations", "-o", "json"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert f"no log group yet, left out: /aws/lambda/{quiet}" in captured.err
    assert len(captured.out.splitlines()) == 7
    code = cli.main(["--endpoint-url", world.endpoint, "--region", world.region, "query", quiet,
                     "--canned", "slowest-invocations"])
    captured = capsys.readouterr()
    assert code == 1 and "none of the log groups exists yet" in captured.err


def test_saved_query_from_the_config(world, capsys, tmp_path) -> None:
    (tmp_path / "config.yaml").write_text(
        "queries:\n  reports: |\n    filter @type = \"REPORT\"\n    | stats count(*) as n\n", encoding="utf-8")
    code, out, _err = query(world, capsys, "--canned", "reports", "-o", "json")
    assert code == 0 and [json.loads(line) for line in out.splitlines()] == [{"n": str(len(reports(world)))}]
    assert find_query("reports", {"reports": "x"}).origin == "saved"


def test_a_name_that_is_no_stack_and_no_function_exits_1(world, capsys) -> None:
    """As `stackview logs` says it: not queried as a log group nobody has (shared resolution)."""
    code = cli.main(["--endpoint-url", world.endpoint, "--region", world.region, "query", "no-such-stack-q",
                     "--canned", "recent-errors"])
    captured = capsys.readouterr()
    assert code == 1 and captured.out == ""
    assert captured.err.strip().splitlines() == ["stackview: no stack or function named no-such-stack-q"]
