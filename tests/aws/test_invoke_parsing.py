"""Reading an Invoke response without a server: log tails, REPORT lines, error payloads,
and the errors Lambda returns (botocore's Stubber stands in for the service)."""

from __future__ import annotations

import base64
import io
import json
from pathlib import Path

import pytest
from botocore.response import StreamingBody
from botocore.stub import Stubber

from stackview import audit
from stackview.aws.errors import AwsError
from stackview.aws.invoke import (
    decode_log_tail,
    invoke,
    parse_function_error,
    report_from_tail,
)
from stackview.aws.session import AwsSession
from stackview.models import Target

RID = "8f3c1d2e-0000-4000-8000-000000000001"
TEXT_TAIL = (
    f"START RequestId: {RID} Version: 3\n"
    f"[INFO]\t2026-11-23T10:00:00.000Z\t{RID}\thello\n"
    f"END RequestId: {RID}\n"
    f"REPORT RequestId: {RID}\tDuration: 12.34 ms\tBilled Duration: 13 ms\tMemory Size: 256 MB\t"
    "Max Memory Used: 70 MB\tInit Duration: 250.12 ms\t\n"
)


def test_text_report_with_cold_start() -> None:
    report = report_from_tail(TEXT_TAIL, RID)
    assert (report.duration_ms, report.billed_ms, report.memory_size_mb, report.max_memory_mb) == (12.34, 13, 256, 70)
    assert report.init_duration_ms == 250.12 and report.cold_start
    assert report.summary() == "12.34 ms (billed 13 ms) · 70/256 MB · cold start 250.12 ms"


def test_json_format_report() -> None:
    record = {"time": "2026-11-23T10:00:00.000Z", "type": "platform.report",
              "record": {"requestId": RID, "status": "timeout",
                         "metrics": {"durationMs": 3000.5, "billedDurationMs": 3000, "memorySizeMB": 128,
                                     "maxMemoryUsedMB": 40}}}
    tail = json.dumps({"type": "platform.start", "record": {"requestId": RID}}) + "\n" + json.dumps(record) + "\n"
    report = report_from_tail(tail, RID)
    assert report.duration_ms == 3000.5 and report.status == "timeout" and not report.cold_start
    assert report.summary() == "3000.50 ms (billed 3000 ms) · 40/128 MB · timeout"


def test_missing_or_cut_report() -> None:
    assert report_from_tail(f"START RequestId: {RID} Version: 1\nsome output\n", RID) is None
    cut = report_from_tail(f"REPORT RequestId: {RID}\tDuration: 12.34 ms\tBilled Dur", RID)
    assert cut.duration_ms == 12.34 and cut.billed_ms is None and cut.summary() == "12.34 ms"
    other = report_from_tail(TEXT_TAIL.replace(RID, "someone-else"), RID)
    assert other is None


def test_a_cut_first_line_is_not_read_as_a_report() -> None:
    # a full 4 KB tail starts inside some line; here that fragment happens to look like a REPORT
    tail = f"REPORT RequestId: {RID}\tDuration: 1 ms\nEND RequestId: {RID}\n"
    assert report_from_tail(tail, RID).duration_ms == 1
    assert report_from_tail(tail, RID, skip_first_line=True) is None


def test_decode_log_tail_flags_a_full_4_kb_tail() -> None:
    short, cut = decode_log_tail(base64.b64encode(TEXT_TAIL.encode()).decode())
    assert short == TEXT_TAIL and not cut
    full, cut = decode_log_tail(base64.b64encode(b"x" * 4096).decode())
    assert len(full) == 4096 and cut
    assert decode_log_tail(None) == (None, False)
    assert decode_log_tail("not base64!") == (None, False)


def test_function_error_shapes() -> None:
    python = parse_function_error("Unhandled", json.dumps({
        "errorMessage": "boom", "errorType": "ValueError", "requestId": RID,
        "stackTrace": ['  File "/var/task/app.py", line 3, in handler\n    raise ValueError("boom")\n']}).encode())
    assert python.error_type == "ValueError" and python.stack_trace == (
        '  File "/var/task/app.py", line 3, in handler\n    raise ValueError("boom")',)
    legacy = parse_function_error("Unhandled", json.dumps({
        "errorMessage": "x", "errorType": "KeyError", "stackTrace": [["/var/task/app.py", 3, "handler", "d['k']"]]}).encode())
    assert legacy.stack_trace == ('File "/var/task/app.py", line 3, in handler: d[\'k\']',)
    node = parse_function_error("Handled", json.dumps({
        "errorType": "Error", "errorMessage": "nope", "trace": [], "stackTrace": "Error: nope\n    at x.js:1"}).encode())
    assert node.kind == "Handled" and node.stack_trace == ("Error: nope", "    at x.js:1")
    text = parse_function_error("Unhandled", b"Process exited before completing request\n")
    assert text.error_message == "Process exited before completing request" and text.headline() == text.error_message
    empty = parse_function_error("Unhandled", b"")
    assert empty.headline() == "Unhandled function error"


# -- errors from the service (Stubber) --------------------------------------------------------

@pytest.fixture
def stubbed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("STACKVIEW_STATE_DIR", str(tmp_path))
    session = AwsSession(Target(region="eu-west-1", endpoint_url="http://127.0.0.1:9"),
                         credentials=("k", "s"))
    client = session.client("lambda", read_timeout=30, max_attempts=1)
    monkeypatch.setattr(session, "client", lambda service, **kwargs: client)
    with Stubber(client) as stubber:
        yield session, stubber


def test_request_too_large_from_the_service_is_a_clear_error(stubbed) -> None:
    session, stubber = stubbed
    stubber.add_client_error("invoke", "RequestTooLargeException", "Request must be smaller than 6291456 bytes",
                             http_status_code=413)
    with pytest.raises(AwsError, match="Lambda refused the event as too large .* the function did not run"):
        invoke(session, "fn", b'{"a": 1}', function_timeout=3)
    (entry,) = list(audit.entries())
    assert entry["outcome"].startswith("failed: ") and entry["target"] == "fn"


def test_account_level_throttle(stubbed) -> None:
    session, stubber = stubbed
    stubber.add_client_error("invoke", "TooManyRequestsException", "Rate Exceeded.", http_status_code=429,
                             modeled_fields={"Reason": "ConcurrentInvocationLimitExceeded",
                                             "retryAfterSeconds": "3", "Type": "User",
                                             "message": "Rate Exceeded."})
    result = invoke(session, "fn", b"{}", function_timeout=3)
    assert result.throttled.message == "throttled: the account's concurrent executions are all in use; retry in 3 s"
    assert result.throttled.reserved_concurrency is None


def test_audit_failure_travels_with_the_result(stubbed, monkeypatch: pytest.MonkeyPatch) -> None:
    session, stubber = stubbed
    stubber.add_response("invoke", {"StatusCode": 200, "ExecutedVersion": "$LATEST",
                                    "Payload": StreamingBody(io.BytesIO(b'{"ok": true}'), 12)})

    def unwritable(entry, path=None):
        raise PermissionError("read-only filesystem")

    monkeypatch.setattr(audit, "record", unwritable)
    result = invoke(session, "fn", b"{}", function_timeout=3)
    assert result.ok and result.payload_json == {"ok": True}
    assert result.audit_error == "the audit log could not be written: read-only filesystem"


def test_audit_failure_on_a_failed_invoke_keeps_the_real_error(stubbed, monkeypatch: pytest.MonkeyPatch) -> None:
    session, stubber = stubbed
    stubber.add_client_error("invoke", "RequestTooLargeException", "too large", http_status_code=413)

    def unwritable(entry, path=None):
        raise PermissionError("read-only filesystem")

    monkeypatch.setattr(audit, "record", unwritable)
    with pytest.raises(AwsError, match="Lambda refused the event as too large") as caught:
        invoke(session, "fn", b"{}", function_timeout=3)
    assert caught.value.__notes__ == ["the audit log could not be written: read-only filesystem"]
