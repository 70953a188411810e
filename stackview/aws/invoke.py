"""Invoking a Lambda function safely, and reading everything the response says.

Safety first, because an invoke runs real code with real side effects:
- the payload size is checked before anything is sent (6 MB synchronous, 1 MB asynchronous);
- the client waits longer than the function may run (its own timeout plus a margin) and never
  retries: botocore's default (60 s read timeout, then a retry) would run the function twice;
- every attempt, whatever its outcome, is written to the audit log (invoking is a mutation).

What comes back is an `InvokeResult`: status, executed version, request id, round-trip time
measured here, the function's error (type, message, stack trace), the payload, the decoded
log tail and its REPORT summary (read with the log layer's Lambda-aware parser), or why Lambda
throttled the call and how to undo a throttle.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import time
from datetime import datetime, timezone
from typing import Any

from botocore.exceptions import ClientError, ReadTimeoutError

from stackview import audit
from stackview.aws import functions
from stackview.aws.errors import AwsError, UserError, describe, error_code
from stackview.aws.session import AwsSession
from stackview.logs.parse import REPORT, LogParser, ReportMetrics
from stackview.models import LogEvent
from stackview.models.arns import bare_function_name, partition_of, unqualified_function_arn
from stackview.models.invoke import (
    EVENT,
    REQUEST_RESPONSE,
    FunctionError,
    InvokeReport,
    InvokeRequest,
    InvokeResult,
    Throttle,
)

SYNC_PAYLOAD_LIMIT = 6 * 1024 * 1024
ASYNC_PAYLOAD_LIMIT = 1024 * 1024
#: `LogType=Tail` returns the last 4 KB of the invocation's log.
LOG_TAIL_LIMIT = 4096
#: Lambda's maximum timeout: what we wait for when the function's own cannot be read.
MAX_FUNCTION_TIMEOUT = 900
#: Seconds the client waits beyond the function's timeout (network, cold start, runtime exit).
READ_TIMEOUT_MARGIN = 15
#: Event and DryRun answer as soon as Lambda has queued or checked the request.
QUICK_READ_TIMEOUT = 60
RESERVED_LIMIT_REASON = "ReservedFunctionConcurrentInvocationLimitExceeded"
ACCOUNT_LIMIT_REASON = "ConcurrentInvocationLimitExceeded"


class InvokeRefused(AwsError):
    """Refused before anything was sent (the function did not run)."""


def payload_limit(invocation_type: str) -> int:
    return ASYNC_PAYLOAD_LIMIT if invocation_type == EVENT else SYNC_PAYLOAD_LIMIT


def check_payload(payload: bytes, invocation_type: str = REQUEST_RESPONSE) -> None:
    """Raise InvokeRefused when Lambda would refuse the payload for its size."""
    limit = payload_limit(invocation_type)
    if len(payload) > limit:
        kind = "an asynchronous (Event)" if invocation_type == EVENT else "a synchronous"
        raise InvokeRefused(UserError(
            f"the event is {_size(len(payload))}; Lambda accepts at most {_size(limit)} for "
            f"{kind} invoke: nothing was sent",
            kind="invalid",
            hint="shrink the event" + (" or invoke synchronously (6 MB)" if invocation_type == EVENT else ""),
        ))


def _size(count: int) -> str:
    if count >= 1024 * 1024:
        return f"{count / (1024 * 1024):.2f} MB ({count:,} bytes)"
    return f"{count:,} bytes"


def invoke(
    session: AwsSession,
    function: str,
    payload: bytes,
    *,
    qualifier: str | None = None,
    invocation_type: str = REQUEST_RESPONSE,
    function_timeout: int | None = None,
    event_name: str = "",
) -> InvokeResult:
    """Invoke once (never retried). Returns the result, including function errors and throttles;
    raises InvokeRefused (nothing sent), AwsError for a read timeout or an oversized request,
    and botocore's exceptions for anything else (describe them with `errors.describe`)."""
    request = InvokeRequest(function, payload, qualifier, invocation_type, event_name)
    arn = _function_arn(session, function)
    try:
        check_payload(payload, invocation_type)
    except InvokeRefused as refused:
        _audit_failure(session, request, arn, f"refused before sending: {refused.error.message}", refused)
        raise
    read_timeout = QUICK_READ_TIMEOUT
    if invocation_type == REQUEST_RESPONSE:
        if function_timeout is None:
            function_timeout, arn = _configuration(session, function, qualifier, arn)
        read_timeout = function_timeout + READ_TIMEOUT_MARGIN
    client = session.client("lambda", read_timeout=read_timeout, max_attempts=1)
    params: dict[str, Any] = {"FunctionName": function, "InvocationType": invocation_type, "Payload": payload}
    if qualifier:
        params["Qualifier"] = qualifier
    if invocation_type == REQUEST_RESPONSE:
        params["LogType"] = "Tail"
    started_at = datetime.now(timezone.utc)
    started = time.perf_counter()
    try:
        response = client.invoke(**params)
        body = response["Payload"].read()
    except ClientError as exc:
        elapsed = (time.perf_counter() - started) * 1000
        if error_code(exc) == "TooManyRequestsException":
            result, message = _throttled(session, request, arn, exc, elapsed, started_at)
            return _audited(session, result, f"failed: {message}")
        if error_code(exc) == "RequestTooLargeException":
            too_large = AwsError(UserError(
                f"Lambda refused the event as too large ({_size(len(payload))}): the function did not run",
                kind="invalid", code="RequestTooLargeException"))
            _audit_failure(session, request, arn, too_large.error.message, too_large, exc.response)
            raise too_large from exc
        _audit_failure(session, request, arn, describe(exc).one_line(), exc, exc.response)
        raise
    except ReadTimeoutError as exc:
        timed_out = AwsError(UserError(
            f"no answer from Lambda within {read_timeout} s; the invoke was not retried and the "
            "function may still be running", kind="network", hint="look at its logs"))
        _audit_failure(session, request, arn, timed_out.error.message, timed_out)
        raise timed_out from exc
    except Exception as exc:
        _audit_failure(session, request, arn, describe(exc).one_line(), exc)
        raise
    result = _result(request, response, body, arn, (time.perf_counter() - started) * 1000, started_at)
    error = result.function_error
    return _audited(session, result, f"failed: function error: {error.headline()}" if error else "ok")


def _result(request: InvokeRequest, response: dict[str, Any], body: bytes, arn: str,
            elapsed_ms: float, started_at: datetime) -> InvokeResult:
    request_id = _request_id(response)
    tail, truncated = decode_log_tail(response.get("LogResult"))
    kind = response.get("FunctionError")
    return InvokeResult(
        request=request,
        status_code=int(response.get("StatusCode", 0)),
        request_id=request_id,
        function_arn=arn,
        executed_version=response.get("ExecutedVersion"),
        duration_ms=elapsed_ms,
        payload=body,
        function_error=parse_function_error(kind, body) if kind else None,
        log_tail=tail,
        log_truncated=truncated,
        report=report_from_tail(tail, request_id, skip_first_line=truncated) if tail else None,
        started_at=started_at,
    )


def _request_id(response: dict[str, Any]) -> str:
    return str(response.get("ResponseMetadata", {}).get("RequestId", ""))


def decode_log_tail(value: str | None) -> tuple[str | None, bool]:
    """The decoded `LogResult` and whether it was cut to the last 4 KB (its first line partial)."""
    if not value:
        return None, False
    try:
        raw = base64.b64decode(value)
    except ValueError:
        return None, False
    # A cut inside a multi-byte character can shave up to 3 bytes off a full 4 KB tail.
    return raw.decode("utf-8", errors="replace"), len(raw) >= LOG_TAIL_LIMIT - 3


def report_from_tail(tail: str, request_id: str = "", *, skip_first_line: bool = False) -> InvokeReport | None:
    """The REPORT of `request_id` in a log tail (text or JSON format); None when it is absent.

    Parsing is the log layer's (`stackview.logs.parse`): one reading of REPORT lines for the
    log view and for invokes. A missing field (a line cut short) stays None.
    """
    parser = LogParser()
    lines = tail.split("\n")
    if skip_first_line:
        lines = lines[1:]
    found: ReportMetrics | None = None
    for line in lines:
        if not line.strip():
            continue
        record = parser.parse(LogEvent(0, 0, "", "", "", line))
        if record.kind != REPORT or record.report is None:
            continue
        if not request_id or record.request_id in (None, request_id):
            found = record.report
    if found is None:
        return None
    return InvokeReport(
        duration_ms=found.duration_ms,
        billed_ms=found.billed_ms,
        memory_size_mb=found.memory_size_mb,
        max_memory_mb=found.max_memory_mb,
        init_duration_ms=found.init_duration_ms,
        status=found.status,
    )


def parse_function_error(kind: str, body: bytes) -> FunctionError:
    """`errorType`, `errorMessage` and `stackTrace` from an error payload, whatever the runtime.

    Python and Node list frames as strings; old runtimes listed `[file, line, function, code]`.
    A payload that is not the usual object keeps its text as the message.
    """
    try:
        data = json.loads(body) if body.strip() else {}
    except ValueError:
        return FunctionError(kind=kind, error_message=body.decode("utf-8", errors="replace").strip())
    if not isinstance(data, dict):
        return FunctionError(kind=kind, error_message=json.dumps(data))
    frames: list[str] = []
    trace = data.get("stackTrace")
    if isinstance(trace, str):
        frames = trace.splitlines()
    elif isinstance(trace, list):
        for frame in trace:
            if isinstance(frame, list) and len(frame) == 4:
                path, line, name, code = frame
                frames.append(f'File "{path}", line {line}, in {name}: {code}')
            else:
                frames.append(str(frame).rstrip("\n"))
    return FunctionError(
        kind=kind,
        error_type=str(data.get("errorType") or ""),
        error_message=str(data.get("errorMessage") or ""),
        stack_trace=tuple(frames),
    )


def _throttled(session: AwsSession, request: InvokeRequest, arn: str, exc: ClientError,
               elapsed_ms: float, started_at: datetime) -> tuple[InvokeResult, str]:
    response = exc.response
    reason = str(response.get("Reason") or response.get("reason") or "")
    retry = response.get("retryAfterSeconds")
    retry_after = int(retry) if str(retry or "").isdigit() else None
    reserved = _reserved_concurrency(session, request.function) if reason == RESERVED_LIMIT_REASON else None
    message = throttle_message(request.function, reason, reserved, retry_after)
    throttle = Throttle(reason=reason, message=message, retry_after_seconds=retry_after,
                        reserved_concurrency=reserved)
    result = InvokeResult(request=request, status_code=429, request_id=_request_id(response), function_arn=arn,
                          duration_ms=elapsed_ms, throttled=throttle, started_at=started_at)
    return result, message


def _reserved_concurrency(session: AwsSession, function: str) -> int | None:
    """The function's reserved concurrency, or None when it has none or it cannot be read."""
    try:
        return functions.reserved_concurrency(session, bare_function_name(function))
    except Exception:  # noqa: BLE001 - only refines a message; the throttle is reported anyway
        return None


def throttle_message(function: str, reason: str, reserved: int | None, retry_after: int | None) -> str:
    name = bare_function_name(function)
    unthrottle = f"unthrottle with `stackview unthrottle {name}` or `u` in the function screen"
    later = f"retry in {retry_after} s" if retry_after else "retry later"
    if reason == RESERVED_LIMIT_REASON:
        if reserved == 0:
            return f"throttled: reserved concurrency is 0; {unthrottle}"
        if reserved:
            return (f"throttled: all {reserved} reserved concurrent executions of {name} are busy; "
                    f"{later} or raise its reserved concurrency")
        return f"throttled: {name} has no reserved concurrency left (it may be 0); {unthrottle}"
    if reason == ACCOUNT_LIMIT_REASON:
        return f"throttled: the account's concurrent executions are all in use; {later}"
    return f"throttled by Lambda ({reason or 'TooManyRequestsException'}); {later}"


def _configuration(session: AwsSession, function: str, qualifier: str | None, arn: str) -> tuple[int, str]:
    """The function's timeout and unqualified ARN. When they cannot be read (no permission, a
    name that does not exist) wait the Lambda maximum and let the invoke report the error."""
    params = {"FunctionName": function}
    if qualifier:
        params["Qualifier"] = qualifier
    try:
        config = session.client("lambda").get_function_configuration(**params)
    except Exception:  # noqa: BLE001 - the invoke itself will say what is wrong
        return MAX_FUNCTION_TIMEOUT, arn
    timeout = int(config.get("Timeout") or MAX_FUNCTION_TIMEOUT)
    return timeout, unqualified_function_arn(str(config.get("FunctionArn") or "")) or arn


def _function_arn(session: AwsSession, function: str) -> str:
    """The unqualified ARN without a call when we can (an ARN given, or a known identity)."""
    if function.startswith("arn:"):
        return unqualified_function_arn(function) or function
    identity = session.known_identity()
    region = session.region
    if identity is None or not region:
        return bare_function_name(function)
    return f"arn:{partition_of(region)}:lambda:{region}:{identity.account}:function:{bare_function_name(function)}"


def _audited(session: AwsSession, result: InvokeResult, outcome: str) -> InvokeResult:
    """Record the invoke; the function ran, so a log that cannot be written must not hide the
    result: the failure travels with it (`audit_error`) for the UI and the CLI to show."""
    try:
        _audit(session, result.request, result.function_arn, outcome, result)
    except OSError as exc:
        return dataclasses.replace(result, audit_error=f"the audit log could not be written: {exc}")
    return result


def _audit_failure(session: AwsSession, request: InvokeRequest, arn: str, message: str,
                   raised: BaseException, response: dict[str, Any] | None = None) -> None:
    """Record a failed attempt. The error being raised is what the user must see: if the audit
    log cannot be written, that is attached to the error as a note rather than replacing it."""
    try:
        _audit(session, request, arn, f"failed: {message}", request_id=_request_id(response or {}))
    except OSError as exc:
        raised.add_note(f"the audit log could not be written: {exc}")


def _audit(session: AwsSession, request: InvokeRequest, arn: str, outcome: str,
           result: InvokeResult | None = None, *, request_id: str = "") -> None:
    identity = session.known_identity()
    details: dict[str, Any] = {
        "invocation_type": request.invocation_type,
        "qualifier": request.qualifier,
        "payload_bytes": len(request.payload),
        "request_id": result.request_id if result else request_id,
    }
    if request.event_name:
        details["event"] = request.event_name
    if result is not None:
        details.update(status=result.status_code, executed_version=result.executed_version,
                       duration_ms=round(result.duration_ms, 1))
    audit.record(audit.AuditEntry(
        action="invoke",
        target=f"{arn}:{request.qualifier}" if request.qualifier else arn,
        outcome=outcome,
        caller=identity.arn if identity else "",
        account=identity.account if identity else "",
        region=session.region or "",
        profile=session.target.label,
        details=details,
    ))
