"""Every line tied to its request (stackview.logs.attribution): streaming for the CLI, indexed for
the view's buffer, in the text and JSON log formats, with lines held before their START."""

from __future__ import annotations

import json

from stackview.logs.attribution import LINE, STREAM, RequestIndex, RequestTracker
from stackview.logs.parse import LogParser
from stackview.models import LogEvent

PARSER = LogParser()
TRACEBACK = "[ERROR] UnsupportedImage: Premature end of JPEG file\nTraceback (most recent call last):\n  File ...\n"


def event(ts: int, stream: str, message: str, group: str = "/aws/lambda/f") -> LogEvent:
    return LogEvent(ts, ts, group, stream, f"{group}{stream}{ts}", message)


def platform(kind: str, request_id: str, **record) -> str:
    return json.dumps({"time": "2026-11-23T10:00:00.000Z", "type": kind, "record": {"requestId": request_id, **record}})


def text_request(ts: int, stream: str, rid: str, *middle: str, end: bool = True) -> list[LogEvent]:
    lines = [f"START RequestId: {rid} Version: $LATEST\n", *middle]
    if end:
        lines += [f"END RequestId: {rid}\n", f"REPORT RequestId: {rid}\tDuration: 2.00 ms\n"]
    return [event(ts + n, stream, line) for n, line in enumerate(lines)]


def tracked(events: list[LogEvent]) -> list[tuple[str | None, str | None]]:
    tracker = RequestTracker()
    return [tracker.attribute(e, PARSER.parse(e)) for e in events]


def indexed(events: list[LogEvent], index: RequestIndex | None = None) -> list[tuple[str | None, str | None]]:
    index = index or RequestIndex()
    index.add_all(0, events)
    return [index.request_of(seq, e, PARSER.parse(e)) for seq, e in enumerate(events)]


def test_a_traceback_and_a_print_belong_to_the_request_of_their_stream() -> None:
    events = text_request(100, "a", "r1", "plain print\n", TRACEBACK)
    for answer in (tracked(events), indexed(events)):
        assert answer == [("r1", LINE), ("r1", STREAM), ("r1", STREAM), ("r1", LINE), ("r1", LINE)]


def test_lines_outside_a_request_belong_to_none() -> None:
    events = [event(1, "a", "init-phase print\n"), *text_request(10, "a", "r1"), event(50, "a", "after the report\n")]
    for answer in (tracked(events), indexed(events)):
        assert answer[0] == (None, None) and answer[-1] == (None, None)


def test_interleaved_streams_and_groups_keep_their_own_requests() -> None:
    a = text_request(100, "a", "r1", "print of r1\n")
    b = text_request(100, "a", "r2", "print of r2\n")  # same stream name, another group
    b = [LogEvent(e.timestamp, e.ingestion_time, "/aws/lambda/g", e.log_stream, e.event_id + "g", e.message) for e in b]
    c = text_request(100, "c", "r3", "print of r3\n")
    merged = sorted([*a, *b, *c], key=lambda e: e.timestamp)
    for answer in (tracked(merged), indexed(merged)):
        found = {e.message: rid for e, (rid, _) in zip(merged, answer) if e.message.startswith("print")}
        assert found == {"print of r1\n": "r1", "print of r2\n": "r2", "print of r3\n": "r3"}


def test_json_format_platform_records_open_and_close() -> None:
    events = [event(1, "a", platform("platform.start", "r1", version="$LATEST")),
              event(2, "a", "print in a JSON-format function\n"),
              event(3, "a", json.dumps({"level": "ERROR", "message": "boom", "requestId": "r1"})),
              event(4, "a", platform("platform.runtimeDone", "r1", status="error")),
              event(5, "a", "extension output after runtimeDone\n"),
              event(6, "a", platform("platform.report", "r1", metrics={"durationMs": 2}))]
    for answer in (tracked(events), indexed(events)):
        assert answer[:4] == [("r1", LINE), ("r1", STREAM), ("r1", LINE), ("r1", LINE)]
        assert answer[4] == (None, None)


def test_another_start_ends_a_request_whose_end_never_came() -> None:
    events = [*text_request(1, "a", "r1", "print of r1\n", end=False), *text_request(10, "a", "r2", "print of r2\n")]
    for answer in (tracked(events), indexed(events)):
        assert [rid for rid, _ in answer] == ["r1", "r1", "r2", "r2", "r2", "r2"]


def test_the_index_attributes_lines_held_before_their_start() -> None:
    """A back-fill (or a late event) puts the START after lines it opened: the index orders by
    time, bumps its version so drawn rows are redrawn, and the lines find their request."""
    start, traceback, end = text_request(100, "a", "r1", TRACEBACK)[:3]
    index = RequestIndex()
    index.add(0, traceback)
    index.add(1, end)
    assert index.request_of(0, traceback, PARSER.parse(traceback)) == (None, None)
    version = index.version
    index.add(2, start)  # arrives last, stamped first
    assert index.version > version
    assert index.request_of(0, traceback, PARSER.parse(traceback)) == ("r1", STREAM)
    assert index.lines_of("r1", 0, [traceback, end, start]) == [traceback, end, start]


def test_the_index_forgets_what_the_buffer_dropped_but_keeps_an_open_start() -> None:
    index = RequestIndex()
    events = []
    for n in range(3000):  # 1000 requests in 1000 streams, each START/print/END
        events += text_request(n * 10, f"s{n}", f"r{n}", "print\n")[:3]
    long_running = text_request(10**6, "long", "rlong")[0]
    events.append(long_running)
    events += [event(10**6 + 1 + n, "other", "noise\n") for n in range(5000)]
    late_print = event(10**7, "long", "print of the long request\n")
    events.append(late_print)
    index.add_all(0, events)
    before = len(index)
    first = len(events) - 10  # the buffer now holds the last 10 events only
    index.forget_before(first)
    assert len(index) < before // 100
    assert index.request_of(len(events) - 1, late_print, PARSER.parse(late_print)) == ("rlong", STREAM)


def test_the_tracker_holds_only_streams_with_a_request_in_flight() -> None:
    tracker = RequestTracker()
    for n in range(1000):
        for e in text_request(n * 10, f"s{n}", f"r{n}", "print\n"):
            tracker.attribute(e, PARSER.parse(e))
    assert tracker.open_streams == 0
