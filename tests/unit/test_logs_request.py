"""One request's lines among the buffer's (stackview.logs.request), in the text and the JSON log
formats, merged with what CloudWatch returns, and JSON messages pretty-printed."""

from __future__ import annotations

import json

from stackview.logs.request import merge, pretty_message, request_lines
from stackview.models import LogEvent


def event(n: int, stream: str, message: str) -> LogEvent:
    return LogEvent(n, n, "/g", stream, str(n), message)


def platform(kind: str, request_id: str) -> str:
    """A JSON-format platform record as Lambda writes it (`time` first, then `type`)."""
    return json.dumps({"time": "2026-11-23T10:00:00.000Z", "type": kind, "record": {"requestId": request_id}})


def test_request_lines_follow_the_stream_between_start_and_end() -> None:
    events = [event(1, "a", "START RequestId: r1 Version: 1\n"), event(2, "b", "START RequestId: r2 Version: 1\n"),
              event(3, "a", "bare print\n"), event(4, "b", "other print\n"), event(5, "a", "END RequestId: r1\n"),
              event(6, "a", "after the end\n"), event(7, "c", '{"requestId": "r1", "level": "INFO"}')]
    assert [e.timestamp for e in request_lines(events, "r1")] == [1, 3, 5, 7]


def test_a_report_line_closes_the_request_too() -> None:
    events = [event(1, "a", "START RequestId: r1 Version: 1\n"), event(2, "a", "bare print\n"),
              event(3, "a", "REPORT RequestId: r1\tDuration: 2.00 ms\n"), event(4, "a", "after the report\n")]
    assert [e.timestamp for e in request_lines(events, "r1")] == [1, 2, 3]


def test_another_start_in_the_stream_ends_a_request_without_its_end_line() -> None:
    events = [event(1, "a", "START RequestId: r1 Version: 1\n"), event(2, "a", "bare print\n"),
              event(3, "a", "START RequestId: r2 Version: 1\n"), event(4, "a", "print of r2\n")]
    assert [e.timestamp for e in request_lines(events, "r1")] == [1, 2]


def test_json_format_platform_records_open_and_close_the_request() -> None:
    events = [event(1, "a", platform("platform.start", "r1")), event(2, "a", "bare print\n"),
              event(3, "a", platform("platform.runtimeDone", "r1")), event(4, "a", "after runtimeDone\n"),
              event(5, "a", platform("platform.report", "r1")), event(6, "a", "after the report\n")]
    assert [e.timestamp for e in request_lines(events, "r1")] == [1, 2, 3, 5]
    # platform.report alone closes it as well
    events = [event(1, "a", platform("platform.start", "r1")), event(2, "a", "bare print\n"),
              event(3, "a", platform("platform.report", "r1")), event(4, "a", "after the report\n")]
    assert [e.timestamp for e in request_lines(events, "r1")] == [1, 2, 3]


def test_a_json_platform_start_of_another_request_ends_ours() -> None:
    events = [event(1, "a", platform("platform.start", "r1")), event(2, "a", "bare print\n"),
              event(3, "a", platform("platform.start", "r2")), event(4, "a", "print of r2\n")]
    assert [e.timestamp for e in request_lines(events, "r1")] == [1, 2]


def test_other_platform_records_neither_open_nor_close() -> None:
    events = [event(1, "a", platform("platform.initStart", "r1")), event(2, "a", "bare print\n"),
              event(3, "a", platform("platform.start", "r1")), event(4, "a", platform("platform.extension", "x")),
              event(5, "a", "inside\n")]
    assert [e.timestamp for e in request_lines(events, "r1")] == [1, 3, 4, 5]


def test_merge_and_pretty_message() -> None:
    events = [event(1, "a", "one\n"), event(2, "b", "two\n"), event(3, "a", "three\n")]
    assert [e.timestamp for e in merge(events[:2], events[1:3])] == [1, 2, 3]
    assert pretty_message('{"a": {"b": 1}}') == '{\n  "a": {\n    "b": 1\n  }\n}'
    assert pretty_message("{not json}\n") == "{not json}"
