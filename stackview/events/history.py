"""The session's invocations: re-run one, compare two.

Kept in memory for the life of the session (the audit log is the durable record), bounded so
an afternoon of poking a function cannot grow without limit, and safe to append from the
worker thread that ran the invoke while the UI thread reads it.
"""

from __future__ import annotations

import difflib
import threading
from collections import deque
from dataclasses import dataclass

from stackview.models.invoke import InvokeRequest, InvokeResult

DEFAULT_SIZE = 100


class InvokeHistory:
    """Results newest first; `rerun(i)` gives the request to send again, unchanged."""

    def __init__(self, size: int = DEFAULT_SIZE) -> None:
        self._items: deque[InvokeResult] = deque(maxlen=size)
        self._lock = threading.Lock()

    def add(self, result: InvokeResult) -> None:
        with self._lock:
            self._items.appendleft(result)

    def items(self, function: str | None = None) -> list[InvokeResult]:
        """Newest first; only those of `function` (its name as invoked) when given."""
        with self._lock:
            items = list(self._items)
        return [r for r in items if function is None or r.request.function == function]

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)

    def rerun(self, index: int = 0) -> InvokeRequest:
        """The request of the `index`-th newest result (IndexError when there is none)."""
        with self._lock:
            return self._items[index].request

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


@dataclass(frozen=True)
class Difference:
    field: str
    before: str
    after: str


def _text(value: object) -> str:
    return "—" if value is None else str(value)


def compare(before: InvokeResult, after: InvokeResult) -> tuple[list[Difference], list[str]]:
    """What changed between two results: differing fields, and a unified diff of the payloads
    (pretty JSON when both are JSON), empty when the payloads are the same."""
    b_report, a_report = before.report, after.report
    pairs = [
        ("outcome", before.outcome, after.outcome),
        ("status", before.status_code, after.status_code),
        ("executed version", before.executed_version, after.executed_version),
        ("error", before.function_error.headline() if before.function_error else None,
         after.function_error.headline() if after.function_error else None),
        ("cold start", b_report.cold_start if b_report else None, a_report.cold_start if a_report else None),
        ("max memory MB", b_report.max_memory_mb if b_report else None,
         a_report.max_memory_mb if a_report else None),
    ]
    differences = [Difference(name, _text(b), _text(a)) for name, b, a in pairs if b != a]
    # durations always differ a little: show them side by side, not as a "change"
    differences.append(Difference("duration ms", f"{before.duration_ms:.1f}", f"{after.duration_ms:.1f}"))
    if before.payload == after.payload:
        return differences, []
    diff = difflib.unified_diff(
        before.pretty_payload().splitlines(), after.pretty_payload().splitlines(),
        fromfile=f"request {before.request_id or '?'}", tofile=f"request {after.request_id or '?'}", lineterm="")
    return differences, list(diff)
