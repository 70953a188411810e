"""Recent invocations from a function's own log lines: REPORT, and what says how it ended.

The Lambda console's "recent invocations" come from a Logs Insights query; this reads the
lines themselves (FilterLogEvents with `INVOCATION_PATTERN`), so the answer is there at once.
A REPORT line gives the figures (duration, billed, memory, Init Duration on a cold start). How
the invocation ended is not always on it:
- the JSON log format's `platform.report` carries `status` (success, error, timeout);
- text REPORT lines carry `Status: timeout` / `Status: error` only on recent runtimes, and only
  for platform failures; a timeout also writes `... Task timed out after N seconds` with the id;
- an exception the handler did not catch is printed by the Python runtime as
  `[ERROR] Type: message` *without* a request id, between the request's START and END in its
  stream (one request at a time per execution environment), so it is attributed by stream;
  Node's runtime writes `ERROR\tInvoke Error` with the id; a crash writes
  `RequestId: <id> Error: Runtime exited ...`.
A line logged at ERROR level by the handler itself (`[ERROR]\\t<time>\\t<id>\\t...`) is the
handler's own report, not a failed invocation, and does not change the outcome.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace

from stackview.logs.parse import APP, END, REPORT, START, TIMEOUT, LogParser, LogRecord
from stackview.models import LogEvent
from stackview.models.invocations import ERROR, OK, TIMEOUT as TIMED_OUT, Invocation

#: FilterLogEvents pattern for the lines this module reads (every `?` term: any of them).
INVOCATION_PATTERN = ('?"RequestId: " ?"Task timed out" ?ERROR ?"platform.start" '
                      '?"platform.report" ?"platform.runtimeDone"')
_STREAM_VERSION = re.compile(r"\[([^\]]+)\]")
_CRASH = re.compile(r"RequestId: (\S+) Error: (.+)")
_ERROR_TEXT_LIMIT = 200


def stream_version(stream: str) -> str | None:
    """`2026/11/23/[3]abc...` -> `3`; `$LATEST` likewise; None for other stream names."""
    match = _STREAM_VERSION.search(stream)
    return match.group(1) if match else None


def _first_line(text: str) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= _ERROR_TEXT_LIMIT else line[: _ERROR_TEXT_LIMIT - 1] + "…"


def _start_version(record: LogRecord) -> str | None:
    event = record.event
    if event.message.startswith("START RequestId: "):
        _, sep, version = event.message.partition(" Version: ")
        return version.strip() or None if sep else None
    data = record.json
    inner = data.get("record") if isinstance(data, dict) else None
    value = inner.get("version") if isinstance(inner, dict) else None
    return str(value) if value else None


def _uncaught(record: LogRecord) -> str | None:
    """The error text of a runtime's uncaught-exception line, or None for any other line."""
    if record.kind != APP or record.level not in ("ERROR", "FATAL"):
        return None
    message = record.event.message
    if message.startswith("[") and record.request_id is None:
        return _first_line(record.body)  # Python: "[ERROR] Type: text"
    if "\tInvoke Error" in message:  # Node: "<time>\t<id>\tERROR\tInvoke Error \t{...}"
        return _first_line(record.body)
    return None


def build_invocations(events: Iterable[LogEvent], *, parser: LogParser | None = None) -> list[Invocation]:
    """Every invocation with a REPORT line among `events` (any order), newest first. A retried
    request (Lambda reuses the id) gives one invocation per REPORT."""
    parser = parser or LogParser()
    ordered = sorted(events, key=lambda e: (e.timestamp, e.ingestion_time))
    running: dict[tuple[str, str], str] = {}  # (group, stream) -> request id between START and END
    versions: dict[str, str] = {}
    failures: dict[str, tuple[str, str]] = {}  # request id -> (outcome, error text) before its REPORT
    found: list[Invocation] = []
    latest: dict[str, int] = {}  # request id -> index in `found` of its last REPORT
    for event in ordered:
        record = parser.parse(event)
        where = (event.log_group, event.log_stream)
        rid = record.request_id
        failure: tuple[str, str] | None = None
        owner: str | None = None
        if record.kind == START and rid:
            running[where] = rid
            failures.pop(rid, None)  # a new attempt of the same request starts clean
            version = _start_version(record)
            if version:
                versions[rid] = version
        elif record.kind == END:
            running.pop(where, None)
        elif record.kind == REPORT and rid:
            running.pop(where, None)
            latest[rid] = len(found)
            found.append(_invocation(record, versions.get(rid), failures.pop(rid, None)))
        elif record.kind == TIMEOUT:
            owner = rid or running.get(where)
            failure = (TIMED_OUT, _first_line(event.message))
        elif (crash := _CRASH.search(event.message)) is not None:
            owner, failure = crash.group(1), (ERROR, _first_line(crash.group(2)))
        elif (text := _uncaught(record)) is not None:
            owner = (rid if "\tInvoke Error" in event.message else None) or running.get(where)
            failure = (ERROR, text)
        if failure is None or not owner:
            continue
        if any(r == owner for r in running.values()) or owner not in latest:
            failures.setdefault(owner, failure)
        else:  # written after its REPORT (same millisecond, later ingestion): mend the row
            index = latest[owner]
            if found[index].outcome == OK or not found[index].error:
                outcome = failure[0] if found[index].outcome == OK else found[index].outcome
                found[index] = replace(found[index], outcome=outcome, error=failure[1])
    return sorted(found, key=lambda inv: inv.timestamp_ms, reverse=True)


def _invocation(record: LogRecord, version: str | None, failure: tuple[str, str] | None) -> Invocation:
    event = record.event
    report = record.report
    outcome, error = OK, ""
    if report is not None and report.status in ("timeout",):
        outcome = TIMED_OUT
    elif report is not None and report.status in ("error", "failure"):
        outcome = ERROR
    if failure is not None:
        outcome = failure[0] if outcome == OK else outcome
        error = failure[1]
    if outcome != OK and not error:
        error = _report_error(record)
    return Invocation(
        request_id=record.request_id,
        timestamp_ms=event.timestamp,
        log_group=event.log_group,
        log_stream=event.log_stream,
        version=version or stream_version(event.log_stream),
        duration_ms=report.duration_ms if report else None,
        billed_ms=report.billed_ms if report else None,
        memory_size_mb=report.memory_size_mb if report else None,
        max_memory_mb=report.max_memory_mb if report else None,
        init_duration_ms=report.init_duration_ms if report else None,
        outcome=outcome,
        error=error,
    )


def _report_error(record: LogRecord) -> str:
    """The error type a REPORT names (`Error Type: Runtime.ExitError`, JSON `errorType`)."""
    data = record.json
    inner = data.get("record") if isinstance(data, dict) else None
    if isinstance(inner, dict) and inner.get("errorType"):
        return str(inner["errorType"])
    _, sep, rest = record.event.message.partition("Error Type: ")
    return rest.split("\t", 1)[0].strip() if sep else ""


def count_reports(events: Iterable[LogEvent]) -> int:
    """How many REPORT lines (text or JSON) are among `events` (cheap: no full parse)."""
    return sum(1 for e in events if e.message.startswith("REPORT RequestId: ")
               or (e.message.startswith("{") and '"platform.report"' in e.message))
