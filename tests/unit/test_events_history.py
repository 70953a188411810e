"""The session history of invocations: newest first, bounded, re-run, compare."""

from __future__ import annotations

import threading

import pytest

from stackview.events.history import InvokeHistory, compare
from stackview.models.invoke import FunctionError, InvokeReport, InvokeRequest, InvokeResult


def result(function: str = "fn", rid: str = "r1", payload: bytes = b'{"n": 1}', **fields) -> InvokeResult:
    return InvokeResult(request=InvokeRequest(function, b'{"in": 1}', qualifier="live"), status_code=200,
                        request_id=rid, payload=payload, **fields)


def test_newest_first_bounded_and_filtered() -> None:
    history = InvokeHistory(size=3)
    for i in range(5):
        history.add(result("a" if i % 2 else "b", f"r{i}"))
    assert [r.request_id for r in history.items()] == ["r4", "r3", "r2"]
    assert [r.request_id for r in history.items("a")] == ["r3"]
    assert len(history) == 3
    history.clear()
    assert history.items() == []


def test_rerun_gives_the_same_request() -> None:
    history = InvokeHistory()
    history.add(result(rid="old"))
    history.add(result(function="other", rid="new"))
    assert history.rerun(1) == InvokeRequest("fn", b'{"in": 1}', qualifier="live")
    with pytest.raises(IndexError):
        history.rerun(5)


def test_concurrent_appends_are_all_kept() -> None:
    history = InvokeHistory(size=1000)
    threads = [threading.Thread(target=lambda: [history.add(result()) for _ in range(100)]) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(history) == 400


def test_compare_fields_and_payload_diff() -> None:
    before = result(rid="a", executed_version="3", duration_ms=10, report=InvokeReport(5, 6, 128, 60, 200.0))
    after = result(rid="b", payload=b'{"n": 2}', executed_version="4", duration_ms=12.25,
                   function_error=FunctionError("Unhandled", "ValueError", "boom"),
                   report=InvokeReport(5, 6, 128, 60, None))
    differences, diff = compare(before, after)
    assert [(d.field, d.before, d.after) for d in differences] == [
        ("outcome", "ok", "function-error"),
        ("executed version", "3", "4"),
        ("error", "—", "ValueError: boom"),
        ("cold start", "True", "False"),
        ("duration ms", "10.0", "12.2"),
    ]
    assert diff[:2] == ["--- request a", "+++ request b"]
    assert '-  "n": 1' in diff and '+  "n": 2' in diff


def test_same_payload_no_diff() -> None:
    differences, diff = compare(result(rid="a"), result(rid="b"))
    assert diff == [] and [d.field for d in differences] == ["duration ms"]
