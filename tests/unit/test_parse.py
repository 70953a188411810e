"""Lambda-aware parsing of log lines: text and JSON formats, Powertools, REPORT, timeouts."""

from __future__ import annotations

import json

import pytest

from stackview.logs.parse import (
    APP,
    END,
    OTHER,
    PLATFORM,
    REPORT,
    START,
    TIMEOUT,
    LogParser,
    normalize_level,
    parse_text_report,
)
from stackview.models import LogEvent

RID = "8f5a3b2c-1d4e-4f6a-9b8c-7d6e5f4a3b2c"


def parse(message: str, group: str = "/aws/lambda/orders-api", parser: LogParser | None = None):
    event = LogEvent(1_800_000_000_000, 1_800_000_000_100, group, "2026/11/23/[$LATEST]abc", "1", message)
    return (parser or LogParser()).parse(event)


def test_text_platform_lines() -> None:
    start = parse(f"START RequestId: {RID} Version: $LATEST")
    assert (start.kind, start.request_id, start.function) == (START, RID, "orders-api")
    end = parse(f"END RequestId: {RID}\n")
    assert (end.kind, end.request_id) == (END, RID)
    report = parse(
        f"REPORT RequestId: {RID}\tDuration: 12.34 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB\t"
        "Max Memory Used: 70 MB\tInit Duration: 250.12 ms\t\n"
    )
    assert (report.kind, report.request_id) == (REPORT, RID)
    metrics = report.report
    assert (metrics.duration_ms, metrics.billed_ms, metrics.memory_size_mb, metrics.max_memory_mb) == (12.34, 13.0, 128, 70)
    assert metrics.init_duration_ms == 250.12 and report.cold_start and not report.timed_out
    warm = parse(f"REPORT RequestId: {RID}\tDuration: 1.00 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 70 MB\t")
    assert not warm.cold_start and warm.report.init_duration_ms is None
    assert parse("INIT_START Runtime Version: python:3.12.v40").kind == PLATFORM


def test_report_with_timeout_status() -> None:
    record = parse(
        f"REPORT RequestId: {RID}\tDuration: 3000.00 ms\tBilled Duration: 3000 ms\tMemory Size: 128 MB\t"
        "Max Memory Used: 60 MB\tStatus: timeout"
    )
    assert record.timed_out and record.report.status == "timeout" and record.is_error


@pytest.mark.parametrize(
    "message, request_id",
    [
        ("Task timed out after 3.00 seconds", None),
        (f"2026-11-23T10:00:03.012Z {RID} Task timed out after 3.00 seconds", RID),
    ],
)
def test_timeouts(message: str, request_id: str | None) -> None:
    record = parse(message)
    assert record.kind == TIMEOUT and record.timeout_seconds == 3.0
    assert record.request_id == request_id and record.level == "ERROR" and record.is_error


def test_python_text_application_lines() -> None:
    record = parse(f"[ERROR]\t2026-11-23T10:00:00.000Z\t{RID}\tpayment declined\n")
    assert (record.kind, record.level, record.request_id, record.body) == (APP, "ERROR", RID, "payment declined\n")
    assert record.is_error
    warning = parse(f"[WARNING]\t2026-11-23T10:00:00.000Z\t{RID}\tslow")
    assert warning.level == "WARN" and not warning.is_error
    crash = parse("[ERROR] Runtime.ImportModuleError: Unable to import module 'app'\nTraceback ...")
    assert crash.level == "ERROR" and crash.request_id is None and crash.body.startswith("Runtime.ImportModuleError")
    assert parse("[not a level] hello").kind == OTHER


def test_node_style_lines_and_embedded_json() -> None:
    record = parse(f'2026-11-23T10:00:00.000Z\t{RID}\tINFO\t{{"order": 7, "ok": true}}')
    assert (record.kind, record.level, record.request_id) == (APP, "INFO", RID)
    assert record.json == {"order": 7, "ok": True} and record.is_json


def test_json_format_platform_records() -> None:
    start = parse(json.dumps({"time": "2026-11-23T10:00:00Z", "type": "platform.start", "record": {"requestId": RID, "version": "$LATEST"}}))
    assert (start.kind, start.request_id) == (START, RID)
    report = parse(json.dumps({
        "time": "2026-11-23T10:00:01Z",
        "type": "platform.report",
        "record": {
            "requestId": RID,
            "status": "timeout",
            "metrics": {"durationMs": 3000.5, "billedDurationMs": 3001, "memorySizeMB": 256, "maxMemoryUsedMB": 90, "initDurationMs": 120.0},
        },
    }))
    assert report.kind == REPORT and report.request_id == RID and report.timed_out and report.cold_start
    assert (report.report.duration_ms, report.report.memory_size_mb, report.report.max_memory_mb) == (3000.5, 256, 90)
    other = parse(json.dumps({"type": "platform.runtimeDone", "record": {"requestId": RID}}))
    assert other.kind == PLATFORM and other.request_id == RID


def test_json_application_records_and_powertools() -> None:
    app = parse(json.dumps({"timestamp": "t", "level": "ERROR", "requestId": RID, "message": "boom"}))
    assert (app.kind, app.level, app.request_id, app.body) == (APP, "ERROR", RID, "boom")
    tools = parse(json.dumps({
        "level": "INFO", "location": "handler:12", "message": "order stored", "service": "orders",
        "cold_start": True, "function_name": "orders-api", "function_request_id": RID,
    }))
    assert (tools.level, tools.request_id, tools.body) == ("INFO", RID, "order stored")
    assert tools.cold_start and tools.json["service"] == "orders"
    broken = parse('{"level": "ERROR", ')
    assert broken.kind == OTHER and broken.json is None and broken.level is None


def test_function_names_from_groups() -> None:
    parser = LogParser({"/shared/app": "orders,worker"})
    assert parse("x", "/aws/lambda/thumbs", parser).function == "thumbs"
    assert parse("x", "/shared/app", parser).function == "orders,worker"
    assert parse("x", "/custom/team/service", parser).function == "service"


def test_levels_and_report_parsing_tolerate_odd_input() -> None:
    assert normalize_level("warning") == "WARN"
    assert normalize_level("critical") == "FATAL"
    assert normalize_level("verbose") is None and normalize_level(3) is None
    metrics = parse_text_report("REPORT RequestId: x\tDuration: fast ms\tMemory Size: 128 MB\tRestore Duration: 5 ms")
    assert metrics.duration_ms is None and metrics.memory_size_mb == 128


def test_lazy_fields_are_not_computed_for_plain_lines() -> None:
    record = parse("just some text")
    assert record.kind == OTHER and record.report is None and not record.cold_start and not record.timed_out
