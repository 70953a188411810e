"""Recent invocations from log lines: figures from REPORT, outcome from what surrounds it (pure)."""

from __future__ import annotations

import json

from stackview.logs.invocations import build_invocations, count_reports, stream_version
from stackview.models import LogEvent
from stackview.models.invocations import ERROR, OK, TIMEOUT

GROUP = "/aws/lambda/orders"
STREAM = "2026/11/23/[7]0123abcd"


def lines(*messages: str, stream: str = STREAM, start: int = 1_000) -> list[LogEvent]:
    return [LogEvent(start + n, start + n, GROUP, stream, f"e{start + n}", m) for n, m in enumerate(messages)]


def report(rid: str, duration: str = "12.50", init: str | None = None, extra: str = "") -> str:
    text = (f"REPORT RequestId: {rid}\tDuration: {duration} ms\tBilled Duration: 13 ms\t"
            f"Memory Size: 128 MB\tMax Memory Used: 70 MB\t")
    if init:
        text += f"Init Duration: {init} ms\t"
    return text + extra + "\n"


def test_text_report_gives_the_figures_and_the_version() -> None:
    invocations = build_invocations(lines(
        "START RequestId: r1 Version: 7\n", "[INFO]\t2026-11-23T10:00:00.000Z\tr1\thello\n",
        "END RequestId: r1\n", report("r1", init="250.00")))
    (inv,) = invocations
    assert (inv.request_id, inv.version, inv.outcome, inv.error) == ("r1", "7", OK, "")
    assert (inv.duration_ms, inv.billed_ms, inv.max_memory_mb, inv.memory_size_mb) == (12.5, 13.0, 70, 128)
    assert inv.cold_start and inv.init_duration_ms == 250.0
    assert inv.timestamp_ms == 1_003 and inv.log_stream == STREAM


def test_newest_first_and_version_from_the_stream_without_start() -> None:
    events = lines(report("old"), start=1_000) + lines(report("new"), start=5_000, stream="2026/11/23/[$LATEST]ff")
    assert [(i.request_id, i.version) for i in build_invocations(events)] == [("new", "$LATEST"), ("old", "7")]


def test_a_handled_error_line_is_not_a_failed_invocation() -> None:
    (inv,) = build_invocations(lines(
        "START RequestId: r1 Version: 7\n", "[ERROR]\t2026-11-23T10:00:00.000Z\tr1\tcard declined\n",
        "END RequestId: r1\n", report("r1")))
    assert inv.outcome == OK


def test_an_uncaught_python_exception_is_attributed_by_stream() -> None:
    other = lines("START RequestId: r2 Version: 7\n", "END RequestId: r2\n", report("r2"),
                  stream="2026/11/23/[7]other", start=1_001)
    mine = lines("START RequestId: r1 Version: 7\n",
                 "[ERROR] ValueError: quantity must be positive\nTraceback (most recent call last):\n  File ...\n",
                 "END RequestId: r1\n", report("r1"), start=1_000)
    by_id = {i.request_id: i for i in build_invocations(mine + other)}
    assert by_id["r1"].outcome == ERROR and by_id["r1"].error == "ValueError: quantity must be positive"
    assert by_id["r2"].outcome == OK


def test_a_timeout_from_the_timed_out_line_or_the_report_status() -> None:
    (inv,) = build_invocations(lines(
        "START RequestId: r1 Version: 7\n",
        "2026-11-23T10:00:03.000Z r1 Task timed out after 3.00 seconds\n",
        "END RequestId: r1\n", report("r1", duration="3000.00", extra="Status: timeout\t")))
    assert inv.outcome == TIMEOUT and inv.error == "2026-11-23T10:00:03.000Z r1 Task timed out after 3.00 seconds"
    (bare,) = build_invocations(lines(report("r9", extra="Status: timeout\t")))
    assert bare.outcome == TIMEOUT


def test_a_runtime_crash_and_a_platform_error_status() -> None:
    crashed = build_invocations(lines(
        "START RequestId: r1 Version: 7\n", "RequestId: r1 Error: Runtime exited with error: signal: killed\n",
        "END RequestId: r1\n", report("r1", extra="Status: error\tError Type: Runtime.ExitError\t")))
    assert crashed[0].outcome == ERROR and crashed[0].error == "Runtime exited with error: signal: killed"
    (status_only,) = build_invocations(lines(report("r2", extra="Status: error\tError Type: Runtime.ExitError\t")))
    assert status_only.outcome == ERROR and status_only.error == "Runtime.ExitError"


def test_node_invoke_error_carries_the_id() -> None:
    (inv,) = build_invocations(lines(
        "START RequestId: r1 Version: $LATEST\n",
        "2026-11-23T10:00:00.000Z\tr1\tERROR\tInvoke Error \t{\"errorType\":\"TypeError\"}\n",
        "END RequestId: r1\n", report("r1")))
    assert inv.outcome == ERROR and inv.version == "$LATEST"


def platform(kind: str, record: dict) -> str:
    return json.dumps({"time": "2026-11-23T10:00:00.000Z", "type": kind, "record": record})


def test_json_format_reports_carry_their_status() -> None:
    metrics = {"durationMs": 20.5, "billedDurationMs": 21, "memorySizeMB": 256, "maxMemoryUsedMB": 90}
    events = lines(
        platform("platform.start", {"requestId": "ok1", "version": "3"}),
        platform("platform.report", {"requestId": "ok1", "metrics": {**metrics, "initDurationMs": 300.0},
                                     "status": "success"}),
        platform("platform.start", {"requestId": "bad", "version": "3"}),
        json.dumps({"level": "ERROR", "message": "declined", "requestId": "bad"}),
        platform("platform.report", {"requestId": "bad", "metrics": metrics, "status": "error",
                                     "errorType": "PaymentDeclined"}),
        platform("platform.report", {"requestId": "slow", "metrics": metrics, "status": "timeout"}),
        stream="2026/11/23/[3]json")
    by_id = {i.request_id: i for i in build_invocations(events)}
    assert (by_id["ok1"].outcome, by_id["ok1"].version, by_id["ok1"].cold_start) == (OK, "3", True)
    assert by_id["ok1"].memory_size_mb == 256 and by_id["ok1"].duration_ms == 20.5
    assert (by_id["bad"].outcome, by_id["bad"].error) == (ERROR, "PaymentDeclined")
    assert by_id["slow"].outcome == TIMEOUT
    assert count_reports(events) == 3


def test_a_retried_request_gives_one_row_per_attempt() -> None:
    first = lines("START RequestId: r1 Version: 7\n", "[ERROR] RuntimeError: flaky\n",
                  "END RequestId: r1\n", report("r1"), start=1_000)
    retry = lines("START RequestId: r1 Version: 7\n", "END RequestId: r1\n", report("r1"), start=61_000)
    invocations = build_invocations(first + retry)
    assert [(i.timestamp_ms, i.outcome) for i in invocations] == [(61_002, OK), (1_003, ERROR)]


def test_an_error_line_ingested_after_its_report_still_counts() -> None:
    events = [
        LogEvent(1_000, 1_000, GROUP, STREAM, "a", "START RequestId: r1 Version: 7\n"),
        LogEvent(1_005, 1_006, GROUP, STREAM, "b", report("r1")),
        LogEvent(1_005, 1_009, GROUP, STREAM, "c", "2026-11-23T10:00:03.000Z r1 Task timed out after 3.00 seconds\n"),
    ]
    (inv,) = build_invocations(events)
    assert inv.outcome == TIMEOUT


def test_stream_version() -> None:
    assert stream_version("2026/11/23/[12]abc") == "12"
    assert stream_version("2026/11/23/[$LATEST]abc") == "$LATEST"
    assert stream_version("my-stream") is None
