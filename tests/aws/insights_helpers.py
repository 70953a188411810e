"""A small world of known Lambda log lines for the Insights and Invocations tests.

Two functions in a scratch demo world: `text` logs in Lambda's text format (in a custom group
named by LoggingConfig), `structured` in the JSON format (its default group). Their lines say
exactly which invocations happened: ok ones, cold starts, a handled error (still ok), an
uncaught exception (error), a timeout; the JSON one has success, error and timeout statuses.
Tests compute what a query should answer from these lines as FilterLogEvents returns them.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from tests.aws.functions_helpers import make_function, session_on

TEXT_STREAM = "2026/11/23/[3]aaaa1111"
TEXT_STREAM_2 = "2026/11/23/[$LATEST]bbbb2222"
JSON_STREAM = "2026/11/23/[2]cccc3333"


@dataclass
class InvocationsWorld:
    endpoint: str
    region: str
    credentials: tuple[str, str]
    text_function: str
    text_group: str
    json_function: str
    json_group: str
    #: request id -> (outcome, version, cold start, duration ms) as the lines say.
    expected: dict[str, tuple[str, str, bool, float]] = field(default_factory=dict)
    #: request ids, oldest first.
    order: list[str] = field(default_factory=list)
    #: the uncaught exception's request and the traceback line it printed (no request id on it).
    crashed: str = ""
    traceback: str = ""

    def session(self):
        return session_on(self.endpoint, self.region, self.credentials)


def _report(rid: str, duration: float, *, init: float | None = None, status: str = "") -> str:
    text = (f"REPORT RequestId: {rid}\tDuration: {duration:.2f} ms\tBilled Duration: {int(duration) + 1} ms\t"
            f"Memory Size: 128 MB\tMax Memory Used: {60 + int(duration) % 7} MB\t")
    if init is not None:
        text += f"Init Duration: {init:.2f} ms\t"
    if status:
        text += f"Status: {status}\t"
    return text + "\n"


def _platform(kind: str, record: dict) -> str:
    return json.dumps({"time": "2026-11-23T10:00:00.000Z", "type": kind, "record": record})


def build(scratch_endpoint) -> InvocationsWorld:
    session = session_on(scratch_endpoint.endpoint, scratch_endpoint.region, scratch_endpoint.credentials)
    uid = uuid.uuid4().hex[:6]
    text_group = f"/custom/{uid}/billing"
    text_fn = make_function(session, f"billing-{uid}", LoggingConfig={"LogFormat": "Text", "LogGroup": text_group})
    json_fn = make_function(session, f"shipping-{uid}", LoggingConfig={"LogFormat": "JSON"})
    json_group = f"/aws/lambda/{json_fn}"
    world = InvocationsWorld(scratch_endpoint.endpoint, scratch_endpoint.region, scratch_endpoint.credentials,
                             text_fn, text_group, json_fn, json_group)
    logs = session.client("logs")
    for group in (text_group, json_group):
        logs.create_log_group(logGroupName=group)
    now = int(time.time() * 1000)
    t = now - 20 * 60_000  # twenty minutes ago, a second per line

    def rid() -> str:
        return str(uuid.uuid4())

    text: dict[str, list[tuple[int, str]]] = {TEXT_STREAM: [], TEXT_STREAM_2: []}
    plan = [  # (stream, outcome, cold, duration)
        (TEXT_STREAM, "ok", True, 120.5), (TEXT_STREAM, "ok", False, 15.25), (TEXT_STREAM_2, "ok", True, 300.0),
        (TEXT_STREAM, "handled", False, 40.0), (TEXT_STREAM, "error", False, 22.0),
        (TEXT_STREAM_2, "timeout", False, 3000.0), (TEXT_STREAM, "ok", False, 9.75),
    ]
    for stream, outcome, cold, duration in plan:
        request = rid()
        version = "3" if stream == TEXT_STREAM else "$LATEST"
        lines = [f"START RequestId: {request} Version: {version}\n",
                 f"[INFO]\t2026-11-23T10:00:00.000Z\t{request}\tcharging the card\n"]
        status = ""
        if outcome == "handled":
            lines.append(f"[ERROR]\t2026-11-23T10:00:00.000Z\t{request}\tcard declined, will retry later\n")
        elif outcome == "error":
            world.crashed = request
            world.traceback = ("[ERROR] KeyError: 'amount'\nTraceback (most recent call last):\n"
                               '  File "/var/task/app.py", line 12, in handler\n    total = event["amount"]\n')
            lines.append(world.traceback)
        elif outcome == "timeout":
            lines.append(f"2026-11-23T10:00:03.000Z {request} Task timed out after 3.00 seconds\n")
            status = "timeout"
        lines += [f"END RequestId: {request}\n", _report(request, duration, init=250.0 if cold else None,
                                                         status=status)]
        for line in lines:
            text[stream].append((t, line))
            t += 1_000
        world.order.append(request)
        result = {"handled": "ok"}.get(outcome, outcome)
        world.expected[request] = (result, version, cold, duration)
    for stream, events in text.items():
        logs.create_log_stream(logGroupName=text_group, logStreamName=stream)
        logs.put_log_events(logGroupName=text_group, logStreamName=stream,
                            logEvents=[{"timestamp": ts, "message": m} for ts, m in events])
    json_events: list[tuple[int, str]] = []
    for status, cold, duration in (("success", True, 80.0), ("error", False, 12.0), ("timeout", False, 6000.0),
                                   ("success", False, 33.5)):
        request = rid()
        metrics = {"durationMs": duration, "billedDurationMs": int(duration) + 1, "memorySizeMB": 256,
                   "maxMemoryUsedMB": 90}
        if cold:
            metrics["initDurationMs"] = 410.0
        record = {"requestId": request, "metrics": metrics, "status": status}
        if status == "error":
            record["errorType"] = "ShipmentRejected"
        lines = [_platform("platform.start", {"requestId": request, "version": "2"}),
                 json.dumps({"timestamp": "2026-11-23T10:00:00.000Z", "level": "INFO", "message": "shipping",
                             "requestId": request, "order": {"id": f"o-{request[:4]}", "items": 2}}),
                 _platform("platform.report", record)]
        for line in lines:
            json_events.append((t, line))
            t += 1_000
        world.order.append(request)
        world.expected[request] = ({"success": "ok"}.get(status, status), "2", cold, duration)
    logs.create_log_stream(logGroupName=json_group, logStreamName=JSON_STREAM)
    logs.put_log_events(logGroupName=json_group, logStreamName=JSON_STREAM,
                        logEvents=[{"timestamp": ts, "message": m} for ts, m in json_events])
    return world


SLOW_GROUP = "/aws/lambda/slow-scan"
SLOW_EVENTS = 20_000
#: Events per second the slow world's Insights engine scans (it paces by 1,000-event chunks): a
#: query over SLOW_EVENTS runs about 20 s.
SLOW_RATE = 1_000


@contextmanager
def slow_insights_world() -> Iterator[tuple[str, tuple[str, str], str]]:
    """An empty demo world of its own whose Insights engine scans slowly, with SLOW_EVENTS events
    in SLOW_GROUP: (endpoint, credentials, region). Queries there stay Running long enough to be
    watched and stopped."""
    from stackview.demo.process import DEMO_CREDENTIALS, DEMO_REGION, DemoServer

    server = DemoServer(traffic=False, empty=True, insights_rate=SLOW_RATE)
    endpoint = server.start()
    try:
        session = session_on(endpoint, DEMO_REGION, DEMO_CREDENTIALS)
        logs = session.client("logs")
        logs.create_log_group(logGroupName=SLOW_GROUP)
        logs.create_log_stream(logGroupName=SLOW_GROUP, logStreamName="s")
        now = int(time.time() * 1000)
        for first in range(0, SLOW_EVENTS, 10_000):  # PutLogEvents takes 10,000 events at most
            logs.put_log_events(logGroupName=SLOW_GROUP, logStreamName="s", logEvents=[
                {"timestamp": now - 600_000 + n, "message": f"line {n}"}
                for n in range(first, min(SLOW_EVENTS, first + 10_000))])
        yield endpoint, DEMO_CREDENTIALS, DEMO_REGION
    finally:
        server.stop()
