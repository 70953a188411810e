"""The WSGI layer that answers the Logs Insights calls of the demo world before moto sees them.

StartQuery, GetQueryResults, StopQuery, DescribeQueries and GetLogRecord (the JSON protocol's
`X-Amz-Target: Logs_20140328.<Operation>`) are answered with the engine of this package over
the events in moto's CloudWatch Logs backend; every other request goes on to `app`. Shapes,
limits and errors follow the API reference: 1 to 50 log groups given in exactly one of
logGroupName, logGroupNames or logGroupIdentifiers (names or ARNs), times in epoch seconds
(both ends included), a malformed query refused with MalformedQueryException and its
`queryCompileError` location, at most 10,000 rows a page of GetQueryResults.
"""

from __future__ import annotations

import base64
import json
import re
import uuid
from typing import Any, Callable, Iterable

from stackview.demo.server.insights import engine
from stackview.demo.server.insights.fields import Event, Record
from stackview.demo.server.insights.queries import QueryService, TooManyQueries, info
from stackview.demo.server.insights.syntax import QueryError
from stackview.demo.server.insights.values import render

TARGET_PREFIX = "Logs_20140328."
OPERATIONS = ("StartQuery", "GetQueryResults", "StopQuery", "DescribeQueries", "GetLogRecord")
MAX_GROUPS = 50
PAGE_ROWS = 10_000
_CREDENTIAL = re.compile(r"Credential=([^/,\s]+)/\d{8}/([^/]+)/([^/]+)/")
_GROUP_ARN = re.compile(r"^arn:[^:]+:logs:([^:]*):([^:]*):log-group:(.+)$")


class ApiError(Exception):
    def __init__(self, code: str, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.code, self.extra = code, extra


def moto_source(account: str, region: str, groups: tuple[str, ...], start_ms: int,
                end_ms: int) -> list[Event]:
    """The events of `groups` between the two times (both included), newest first (the order
    of results Insights gives when a query sorts nothing), read from moto's backend (a copy:
    writers go on while the query runs)."""
    from moto.logs.models import logs_backends

    backend = logs_backends[account][region]
    events = []
    for name in groups:
        group = backend.groups.get(name)
        if group is None:
            continue
        for stream in list(group.streams.values()):
            for event in list(stream.events):
                if start_ms <= event.timestamp <= end_ms:
                    events.append(Event(event.timestamp, event.ingestion_time, event.message,
                                        stream.log_stream_name, name, str(event.event_id), account))
    events.sort(key=lambda e: (e.timestamp, e.ingestion_time, e.event_id), reverse=True)
    return events


class InsightsApi:
    """The middleware; `app` is what answers everything else (the Lambda layer over moto)."""

    def __init__(self, app: Callable[..., Iterable[bytes]], *, default_region: str,
                 default_account: str, rate: float = 0.0,
                 source: Callable[..., list[Event]] = moto_source,
                 group_exists: Callable[[str, str, str], bool] | None = None) -> None:
        self.app = app
        self.default_region = default_region
        self.default_account = default_account
        self.service = QueryService(source, rate=rate)
        self.group_exists = group_exists or _moto_group_exists

    def close(self) -> None:
        self.service.close()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        operation = target[len(TARGET_PREFIX):] if target.startswith(TARGET_PREFIX) else ""
        if operation not in OPERATIONS:
            return self.app(environ, start_response)
        match = _CREDENTIAL.search(environ.get("HTTP_AUTHORIZATION", ""))
        region = match.group(2) if match else self.default_region
        account = _account_for(match.group(1)) if match else self.default_account
        length = int(environ.get("CONTENT_LENGTH") or 0)
        request_id = str(uuid.uuid4())
        try:
            body = json.loads(environ["wsgi.input"].read(length) or b"{}")
            handler = getattr(self, "_" + re.sub(r"(?<!^)([A-Z])", r"_\1", operation).lower())
            status, document = 200, handler(account, region, body)
        except ApiError as error:
            status, document = 400, {"__type": error.code, "message": str(error), **error.extra}
        except (ValueError, TypeError, AttributeError):
            status, document = 400, {"__type": "SerializationException",
                                     "message": "The request body is not valid for " + operation}
        payload = json.dumps(document).encode()
        start_response(f"{status} {'OK' if status == 200 else 'Bad Request'}", [
            ("Content-Type", "application/x-amz-json-1.1"), ("x-amzn-RequestId", request_id),
            ("Content-Length", str(len(payload)))])
        return [payload]

    # -- operations -----------------------------------------------------------------------

    def _start_query(self, account: str, region: str, body: dict[str, Any]) -> dict[str, Any]:
        groups = self._groups(account, region, body)
        language = body.get("queryLanguage", "CWLI")
        if language != "CWLI":
            raise ApiError("InvalidParameterException",
                           f"the demo world answers Logs Insights QL (CWLI) queries, not {language}")
        start, end = int(body.get("startTime", 0)), int(body.get("endTime", 0))
        if end < start:
            raise ApiError("InvalidParameterException", "endTime must be greater than or equal to startTime")
        limit = int(body.get("limit") or engine.DEFAULT_LIMIT)
        text = str(body.get("queryString", ""))
        try:
            query_id = self.service.start(account, region, text, groups, start * 1000,
                                          end * 1000 + 999, limit)
        except QueryError as error:
            raise ApiError("MalformedQueryException", str(error), queryCompileError={
                "location": {"startCharOffset": error.start, "endCharOffset": error.end},
                "message": str(error)}) from None
        except TooManyQueries as error:
            raise ApiError("LimitExceededException", str(error)) from None
        return {"queryId": query_id}

    def _groups(self, account: str, region: str, body: dict[str, Any]) -> tuple[str, ...]:
        given = [key for key in ("logGroupName", "logGroupNames", "logGroupIdentifiers") if key in body]
        if len(given) != 1:
            raise ApiError("InvalidParameterException", "Exactly one of logGroupName, "
                           "logGroupNames or logGroupIdentifiers must be specified")
        value = body[given[0]]
        names = [value] if isinstance(value, str) else list(value or [])
        if not 1 <= len(names) <= MAX_GROUPS:
            raise ApiError("InvalidParameterException",
                           f"A query can span 1 to {MAX_GROUPS} log groups, not {len(names)}")
        resolved = []
        for name in names:
            arn = _GROUP_ARN.match(name) if given[0] == "logGroupIdentifiers" else None
            if arn:
                if name.endswith(":*"):
                    raise ApiError("InvalidParameterException",
                                   f"A log group ARN in logGroupIdentifiers must not end with *: {name}")
                name = arn.group(3)
            if not self.group_exists(account, region, name):
                raise ApiError("ResourceNotFoundException",
                               f"Log group '{name}' does not exist for account ID '{account}'")
            if name not in resolved:
                resolved.append(name)
        return tuple(resolved)

    def _get_query_results(self, account: str, region: str, body: dict[str, Any]) -> dict[str, Any]:
        run = self._run(account, body)
        answer: dict[str, Any] = {"queryLanguage": "CWLI", "results": [],
                                  "statistics": self.service.statistics(run), "status": run.status}
        if run.status != "Complete":
            return answer
        size = int(body.get("maxItems") or PAGE_ROWS)
        offset = _offset(body.get("nextToken"))
        page = run.rows[offset:offset + min(size, PAGE_ROWS)]
        answer["results"] = [[{"field": name, "value": value} for name, value in row] for row in page]
        if offset + len(page) < len(run.rows):
            answer["nextToken"] = base64.b64encode(f"{run.query_id}:{offset + len(page)}".encode()).decode()
        return answer

    def _stop_query(self, account: str, region: str, body: dict[str, Any]) -> dict[str, Any]:
        run = self._run(account, body)
        if not self.service.stop(run):
            raise ApiError("InvalidParameterException", f"Query {run.query_id} is not running "
                           f"(its status is {run.status})")
        return {"success": True}

    def _describe_queries(self, account: str, region: str, body: dict[str, Any]) -> dict[str, Any]:
        runs = self.service.listed(account, region)
        group, status = body.get("logGroupName"), body.get("status")
        runs = [run for run in runs if (not group or group in run.groups)
                and (not status or run.status == status)]
        size = int(body.get("maxResults") or 1000)
        offset = _offset(body.get("nextToken"))
        page = runs[offset:offset + size]
        answer: dict[str, Any] = {"queries": [info(run) for run in page]}
        if offset + len(page) < len(runs):
            answer["nextToken"] = base64.b64encode(f"describe:{offset + len(page)}".encode()).decode()
        return answer

    def _get_log_record(self, account: str, region: str, body: dict[str, Any]) -> dict[str, Any]:
        where = engine.read_pointer(str(body.get("logRecordPointer", "")))
        if where is None or where[0] != account:
            raise ApiError("InvalidParameterException", "The log record pointer is not valid")
        event = _find_event(account, region, *where[1:])
        if event is None:
            raise ApiError("ResourceNotFoundException", "The log record does not exist")
        fields = Record(event).discovered()
        return {"logRecord": {name: render(value) for name, value in fields.items() if value is not None}}

    def _run(self, account: str, body: dict[str, Any]) -> Any:
        run = self.service.get(account, str(body.get("queryId", "")))
        if run is None:
            raise ApiError("ResourceNotFoundException", "The specified query does not exist")
        return run


def _offset(token: Any) -> int:
    if not token:
        return 0
    try:
        return max(0, int(base64.b64decode(str(token)).decode().rsplit(":", 1)[1]))
    except (ValueError, IndexError):
        raise ApiError("InvalidParameterException", "The next token is not valid") from None


def _account_for(access_key: str) -> str:
    from moto.iam.models import get_account_id_from

    return get_account_id_from(access_key)


def _moto_group_exists(account: str, region: str, name: str) -> bool:
    from moto.logs.models import logs_backends

    return name in logs_backends[account][region].groups


def _find_event(account: str, region: str, group_name: str, stream_name: str,
                event_id: str) -> Event | None:
    from moto.logs.models import logs_backends

    group = logs_backends[account][region].groups.get(group_name)
    stream = group.streams.get(stream_name) if group is not None else None
    if stream is None:
        return None
    for event in list(stream.events):
        if str(event.event_id) == event_id:
            return Event(event.timestamp, event.ingestion_time, event.message, stream_name,
                         group_name, event_id, account)
    return None
