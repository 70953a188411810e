"""CloudWatch Logs Insights calls: StartQuery, GetQueryResults, StopQuery, DescribeQueries,
GetLogGroupFields, turned into `stackview.models.insights` models.

Insights times are epoch *seconds* (FilterLogEvents speaks milliseconds): the functions here take
seconds and say so in their argument names. A malformed query is not an AWS failure like the
others: `MalformedQueryException` carries where in the query the problem is
(`queryCompileError.location`), and `MalformedQuery` keeps it so the editor can point at it.
Running a query to its end (queueing, polling, cancelling) is `stackview.aws.insights_run`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from botocore.exceptions import ClientError

from stackview.aws.session import AwsSession
from stackview.models.insights import QueryInfo, QueryResults, QueryStatistics, ResultRow

#: StartQuery's limits (botocore's service model: logGroupNames "up to 50", queryString max 10,000).
MAX_LOG_GROUPS = 50
MAX_QUERY_LENGTH = 10_000
#: GetQueryResults returns at most this many rows per page; a query at most 100,000 rows.
PAGE_ROWS = 10_000
MAX_ROWS = 100_000
MALFORMED = "MalformedQueryException"
LIMIT_EXCEEDED = "LimitExceededException"


class MalformedQuery(Exception):
    """The query does not compile. `start`/`end` are character offsets into the query text
    when AWS gives them (None otherwise)."""

    def __init__(self, message: str, start: int | None = None, end: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.start = start
        self.end = end

    def where(self, query: str) -> tuple[int, int] | None:
        """(line, column), both 1-based, of `start` in `query`; None when unknown."""
        if self.start is None or self.start < 0:
            return None
        before = query[: min(self.start, len(query))]
        line = before.count("\n") + 1
        column = len(before) - (before.rfind("\n") + 1) + 1
        return line, column


def insights_client(session: AwsSession) -> Any:
    """The Logs client with botocore's standard retries (throttling on GetQueryResults is
    retried by botocore; StartQuery's LimitExceededException is queued by the runner)."""
    return session.client("logs")


def malformed_query(exc: BaseException) -> MalformedQuery | None:
    """A MalformedQuery for a StartQuery ClientError that says the query does not compile."""
    if not isinstance(exc, ClientError):
        return None
    if exc.response.get("Error", {}).get("Code") != MALFORMED:
        return None
    detail = exc.response.get("queryCompileError") or {}
    location = detail.get("location") or {}
    message = str(detail.get("message") or exc.response.get("Error", {}).get("Message") or "malformed query")
    start, end = location.get("startCharOffset"), location.get("endCharOffset")
    return MalformedQuery(message, start if isinstance(start, int) else None,
                          end if isinstance(end, int) else None)


def is_limit_exceeded(exc: BaseException) -> bool:
    """StartQuery refused because too many queries run in the account already."""
    return isinstance(exc, ClientError) and exc.response.get("Error", {}).get("Code") == LIMIT_EXCEEDED


def start_query(session: AwsSession, groups: Sequence[str], start_s: int, end_s: int, query: str,
                *, limit: int | None = None) -> str:
    """Start a query over `groups` (names or ARNs, at most MAX_LOG_GROUPS) from `start_s` to
    `end_s` (epoch seconds, both inclusive); its query id. Raises MalformedQuery for a query
    that does not compile; other botocore errors rise as they are."""
    if not groups:
        raise ValueError("a query needs at least one log group")
    if len(groups) > MAX_LOG_GROUPS:
        raise ValueError(f"a query takes at most {MAX_LOG_GROUPS} log groups, not {len(groups)}")
    kwargs: dict[str, Any] = {
        "logGroupNames": list(groups),
        "startTime": int(start_s),
        "endTime": int(end_s),
        "queryString": query,
    }
    if any(group.startswith("arn:") for group in groups):
        kwargs["logGroupIdentifiers"] = kwargs.pop("logGroupNames")
    if limit is not None:
        kwargs["limit"] = limit
    try:
        return str(insights_client(session).start_query(**kwargs)["queryId"])
    except ClientError as exc:
        malformed = malformed_query(exc)
        if malformed is not None:
            raise malformed from None
        raise


def query_results(session: AwsSession, query_id: str, *, max_rows: int = MAX_ROWS) -> QueryResults:
    """Where the query stands and the rows it has so far (partial while it runs).

    GetQueryResults has no botocore paginator: the `nextToken` loop is written here, and only
    followed once the query is finished (a running query's rows are a preview)."""
    client = insights_client(session)
    response = client.get_query_results(queryId=query_id)
    status = str(response.get("status", "Unknown"))
    rows = [ResultRow.from_api(raw) for raw in response.get("results", ())]
    token = response.get("nextToken")
    while token and status in ("Complete", "Cancelled", "Timeout") and len(rows) < max_rows:
        page = client.get_query_results(queryId=query_id, nextToken=token)
        rows.extend(ResultRow.from_api(raw) for raw in page.get("results", ()))
        following = page.get("nextToken")
        token = following if following != token else None
    return QueryResults(status, tuple(rows[:max_rows]), QueryStatistics.from_api(response.get("statistics")))


def stop_query(session: AwsSession, query_id: str) -> bool:
    """Ask AWS to stop the query; True if it was running and is being stopped. A query that
    has ended already is not an error (AWS answers InvalidParameterException)."""
    try:
        return bool(insights_client(session).stop_query(queryId=query_id).get("success", False))
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in ("InvalidParameterException", "ResourceNotFoundException"):
            return False
        raise


def describe_queries(session: AwsSession, *, status: str | None = None,
                     log_group: str | None = None) -> list[QueryInfo]:
    """The account's recent queries (DescribeQueries, paged by botocore), newest first."""
    kwargs: dict[str, Any] = {}
    if status:
        kwargs["status"] = status
    if log_group:
        kwargs["logGroupName"] = log_group
    found: list[QueryInfo] = []
    for page in insights_client(session).get_paginator("describe_queries").paginate(**kwargs):
        for raw in page.get("queries", ()):
            created = raw.get("createTime")
            found.append(QueryInfo(
                query_id=str(raw.get("queryId", "")),
                query=str(raw.get("queryString", "")),
                status=str(raw.get("status", "")),
                create_time_ms=int(created) if isinstance(created, (int, float)) else None,
                log_group=str(raw.get("logGroupName", "") or ""),
            ))
    found.sort(key=lambda info: info.create_time_ms or 0, reverse=True)
    return found


def log_group_fields(session: AwsSession, groups: Iterable[str]) -> list[str]:
    """Field names GetLogGroupFields found in the groups' recent events (most frequent first,
    each once). Lets botocore errors rise: endpoints without the call (moto) answer an error."""
    client = insights_client(session)
    weights: dict[str, float] = {}
    for group in groups:
        for raw in client.get_log_group_fields(logGroupName=group).get("logGroupFields", ()):
            name = raw.get("name")
            if isinstance(name, str) and name:
                percent = raw.get("percent")
                weights[name] = max(weights.get(name, 0.0), float(percent) if isinstance(percent, (int, float)) else 0.0)
    return sorted(weights, key=lambda name: (-weights[name], name))
