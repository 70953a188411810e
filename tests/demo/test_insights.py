"""Logs Insights on the demo endpoint, through boto3: the engine's answers equal the truth the
test computes from the events it put in (read back with FilterLogEvents), and the API behaves
as AWS documents it (errors, pointers, DescribeQueries, pages of results)."""

from __future__ import annotations

import json
import math
import random
import re
import time
from collections import Counter, defaultdict
from typing import Any

import pytest

from .helpers import log_events, unique

pytestmark = pytest.mark.demo

REPORT = re.compile(r"^REPORT RequestId: (\S+)\tDuration: ([\d.]+) ms\tBilled Duration: (\d+) ms"
                    r"\tMemory Size: (\d+) MB\tMax Memory Used: (\d+) MB(?:\tInit Duration: ([\d.]+) ms)?")


def request_id(rng: random.Random) -> str:
    h = "%032x" % rng.getrandbits(128)
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def invocations(rng: random.Random, start_ms: int, count: int, *, json_app: bool) -> list[dict[str, Any]]:
    """START, an application line (an error one time in five), REPORT; cold starts now and then."""
    events = []
    for n in range(count):
        at = start_ms + n * 7_000 + rng.randint(0, 3000)
        rid = request_id(rng)
        events.append({"timestamp": at, "message": f"START RequestId: {rid} Version: 3\n"})
        failed = rng.random() < 0.2
        reason = rng.choice(["card declined", "stock empty", "timeout upstream"])
        if json_app:
            app = json.dumps({"level": "ERROR" if failed else "INFO", "requestId": rid,
                              "message": f"order o-{n} failed: {reason}" if failed else f"order o-{n} ok",
                              "total": round(rng.uniform(1, 500), 2)})
        else:
            level = "ERROR" if failed else "INFO"
            text = f"order o-{n} failed: {reason}" if failed else f"order o-{n} ok"
            app = f"[{level}]\t2026-01-01T00:00:00.000Z\t{rid}\t{text}\n"
        events.append({"timestamp": at + 3, "message": app})
        duration = rng.uniform(1, 900) + n / 1000  # unique durations
        init = f"\tInit Duration: {rng.uniform(100, 600):.2f} ms" if rng.random() < 0.1 else ""
        events.append({"timestamp": at + 5, "message": (
            f"REPORT RequestId: {rid}\tDuration: {duration:.2f} ms\tBilled Duration: "
            f"{math.ceil(duration)} ms\tMemory Size: 256 MB\tMax Memory Used: {rng.randint(60, 200)} MB"
            f"{init}\t\n")})
    return events


@pytest.fixture(scope="module")
def world(scratch_endpoint):
    """Two log groups of three streams each, over the last two hours."""
    logs = scratch_endpoint.client("logs")
    rng = random.Random(12)
    start_ms = (int(time.time()) - 2 * 3600) * 1000
    groups = [unique("/aws/lambda/insights-text"), unique("/aws/lambda/insights-json")]
    for index, group in enumerate(groups):
        logs.create_log_group(logGroupName=group)
        for stream_number in range(3):
            stream = f"2026/01/01/[3]{stream_number:032x}"
            logs.create_log_stream(logGroupName=group, logStreamName=stream)
            events = invocations(rng, start_ms + stream_number * 1000, 300, json_app=index == 1)
            logs.put_log_events(logGroupName=group, logStreamName=stream, logEvents=events)
    truth = {group: log_events(logs, group) for group in groups}
    return logs, groups, truth, start_ms


def query(logs, groups, text: str, start: int | None = None, end: int | None = None, **extra) -> dict:
    now = int(time.time())
    query_id = logs.start_query(logGroupNames=groups, startTime=start if start is not None else now - 3 * 3600,
                                endTime=end if end is not None else now + 60, queryString=text,
                                **extra)["queryId"]
    deadline = time.monotonic() + 60
    while True:
        answer = logs.get_query_results(queryId=query_id)
        if answer["status"] not in ("Scheduled", "Running") or time.monotonic() > deadline:
            answer["queryId"] = query_id
            return answer
        time.sleep(0.05)


def table(answer: dict) -> list[dict[str, str]]:
    assert answer["status"] == "Complete", answer
    return [{cell["field"]: cell["value"] for cell in row} for row in answer["results"]]


def reports(events: list[dict[str, Any]]) -> list[tuple[dict[str, Any], re.Match[str]]]:
    return [(e, m) for e in events if (m := REPORT.match(e["message"]))]


def shown(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else repr(float(number))


def test_invocations_per_group_equal_the_report_lines(world):
    logs, groups, truth, _ = world
    found = table(query(logs, groups, 'filter @type = "REPORT" | stats count(*) as n, '
                        "sum(@billedDuration) as billed, max(@duration) as slowest, "
                        "max(@maxMemoryUsed / 1000 / 1000) as mem by @log"))
    expected = []
    for group in groups:
        lines = [m for _, m in reports(truth[group])]
        expected.append({"@log": f"123456789012:{group}", "n": str(len(lines)),
                         "billed": str(sum(int(m.group(3)) for m in lines)),
                         "slowest": shown(max(float(m.group(2)) for m in lines)),
                         "mem": str(max(int(m.group(5)) for m in lines))})
    assert sorted(found, key=lambda r: r["@log"]) == sorted(expected, key=lambda r: r["@log"])


def test_errors_by_five_minutes_equal_the_error_lines(world):
    logs, groups, truth, _ = world
    found = table(query(logs, groups[:1], 'filter @message like /ERROR/ | stats count(*) as errors by bin(5m)'))
    buckets = Counter((e["timestamp"] // 300_000) * 300_000 for e in truth[groups[0]] if "ERROR" in e["message"])
    expected = [{"bin(5m)": time.strftime("%Y-%m-%d %H:%M:%S.000", time.gmtime(ms / 1000)),
                 "errors": str(count)} for ms, count in sorted(buckets.items())]
    assert found == expected


def test_slowest_invocations_and_percentiles(world):
    logs, groups, truth, _ = world
    found = table(query(logs, groups, 'filter @type = "REPORT" | fields @requestId, @duration '
                        "| sort @duration desc | limit 5"))
    everything = sorted((float(m.group(2)), m.group(1)) for g in groups for _, m in reports(truth[g]))
    assert [(r["@requestId"], r["@duration"]) for r in found] == [
        (rid, shown(duration)) for duration, rid in everything[::-1][:5]]
    assert all(r["@ptr"] for r in found)
    p95 = table(query(logs, groups, 'filter @type = "REPORT" | stats pct(@duration, 95) as p95'))
    ordered = [d for d, _ in everything]
    assert p95 == [{"p95": shown(ordered[math.ceil(0.95 * len(ordered)) - 1])}]


def test_cold_starts_and_json_fields(world):
    logs, groups, truth, _ = world
    cold = table(query(logs, groups, "filter ispresent(@initDuration) | stats count(*) as cold, "
                       "avg(@initDuration) as init"))
    inits = [float(m.group(6)) for g in groups for _, m in reports(truth[g]) if m.group(6)]
    assert cold[0]["cold"] == str(len(inits))
    assert float(cold[0]["init"]) == pytest.approx(sum(inits) / len(inits))
    by_level = table(query(logs, groups[1:], "filter ispresent(level) | stats count(*) as n, "
                           "sum(total) as total by level"))
    documents = [json.loads(e["message"]) for e in truth[groups[1]] if e["message"].startswith("{")]
    for row in by_level:
        mine = [d for d in documents if d["level"] == row["level"]]
        assert row["n"] == str(len(mine))
        assert float(row["total"]) == pytest.approx(sum(d["total"] for d in mine))
    assert {row["level"] for row in by_level} == {"ERROR", "INFO"}


def test_parse_groups_failures_by_reason(world):
    """The glob's last * takes the rest of @message: the reason (and its newline) in text lines,
    the rest of the JSON text in JSON ones, as Insights does."""
    logs, groups, truth, _ = world
    found = table(query(logs, groups, 'parse @message "failed: *" as reason | filter ispresent(reason) '
                        "| stats count(*) as n by reason"))
    reasons = Counter(e["message"].split("failed: ", 1)[1] for group in groups for e in truth[group]
                      if "failed: " in e["message"])
    assert sorted((r["reason"], r["n"]) for r in found) == sorted((k, str(v)) for k, v in reasons.items())
    assert reasons["card declined\n"] > 0


def test_the_time_range_includes_both_ends(world):
    logs, groups, truth, start_ms = world
    events = sorted(truth[groups[0]], key=lambda e: e["timestamp"])
    start, end = events[100]["timestamp"] // 1000, events[600]["timestamp"] // 1000
    found = table(query(logs, groups[:1], "stats count(*) as n", start=start, end=end))
    inside = [e for e in events if start * 1000 <= e["timestamp"] <= end * 1000 + 999]
    assert found == [{"n": str(len(inside))}]
    answer = query(logs, groups[:1], "stats count(*) as n", start=start, end=end)
    assert answer["statistics"]["recordsScanned"] == len(inside)
    assert answer["statistics"]["bytesScanned"] == sum(len(e["message"].encode()) for e in inside)


def test_groups_by_arn_pointers_and_pages(world):
    logs, groups, truth, _ = world
    now = int(time.time())
    arn = f"arn:aws:logs:us-east-1:123456789012:log-group:{groups[0]}"
    query_id = logs.start_query(logGroupIdentifiers=[arn], startTime=now - 3 * 3600, endTime=now,
                                queryString='filter @type = "START" | fields @message | limit 25')["queryId"]
    deadline = time.monotonic() + 60
    while logs.get_query_results(queryId=query_id)["status"] != "Complete" and time.monotonic() < deadline:
        time.sleep(0.05)
    first = logs.get_query_results(queryId=query_id, maxItems=10)
    second = logs.get_query_results(queryId=query_id, maxItems=20, nextToken=first["nextToken"])
    assert len(first["results"]) == 10 and len(second["results"]) == 15 and "nextToken" not in second
    row = {cell["field"]: cell["value"] for cell in first["results"][0]}
    record = logs.get_log_record(logRecordPointer=row["@ptr"])["logRecord"]
    assert record["@message"] == row["@message"] and record["@type"] == "START"
    assert record["@log"] == f"123456789012:{groups[0]}"
    listed = logs.describe_queries(logGroupName=groups[0], status="Complete")["queries"]
    assert query_id in [q["queryId"] for q in listed]
    assert all(q["status"] == "Complete" and q["queryLanguage"] == "CWLI" for q in listed)


@pytest.mark.parametrize("arguments, code, fragment", [
    ({"queryString": "stats count(*) by"}, "MalformedQueryException", "at line 1 and position 17"),
    ({"queryString": "fields @message", "logGroupNames": ["/nope/missing"]}, "ResourceNotFoundException",
     "Log group '/nope/missing' does not exist"),
    ({"queryString": "fields @message", "logGroupNames": [f"/g/{i}" for i in range(51)]},
     "InvalidParameterException", "1 to 50 log groups"),
    ({"queryString": "fields @message", "logGroupIdentifiers": ["x"]}, "InvalidParameterException",
     "Exactly one of logGroupName"),
    ({"queryString": "fields @message", "startTime": 200, "endTime": 100}, "InvalidParameterException",
     "endTime"),
])
def test_bad_queries_are_refused_as_aws_does(world, arguments, code, fragment):
    logs, groups, _, _ = world
    request = {"logGroupNames": groups[:1], "startTime": 0, "endTime": int(time.time()), **arguments}
    with pytest.raises(logs.exceptions.ClientError) as caught:
        logs.start_query(**request)
    error = caught.value.response
    assert error["Error"]["Code"] == code and fragment in error["Error"]["Message"]
    if code == "MalformedQueryException":
        assert error["queryCompileError"]["location"] == {"startCharOffset": 17, "endCharOffset": 17}


def test_stop_and_results_of_unknown_or_ended_queries(world):
    logs, groups, _, _ = world
    done = query(logs, groups, "stats count(*)")
    with pytest.raises(logs.exceptions.InvalidParameterException):
        logs.stop_query(queryId=done["queryId"])
    with pytest.raises(logs.exceptions.ResourceNotFoundException):
        logs.get_query_results(queryId="00000000-0000-0000-0000-000000000000")


def test_other_logs_calls_still_reach_moto(world):
    logs, groups, truth, _ = world
    names = [g["logGroupName"] for g in logs.describe_log_groups(logGroupNamePrefix=groups[0])["logGroups"]]
    assert names == [groups[0]]
    grouped = defaultdict(int)
    for e in truth[groups[0]]:
        grouped[e["logStreamName"]] += 1
    assert len(grouped) == 3
