"""Issue 9, broken promise 3: the log view's timeline after filter changes.

Reported: tailing orders-prod, setting `ERROR` for a minute and clearing it left lines out of
time order and a stretch of the window missing. Here a writer keeps putting lines (some ERROR)
while a person types filters into the real screen; at the end Ctrl+S saves the buffer, and the
file must be exactly what the endpoint's own FilterLogEvents says for the window, in order.
"""

from __future__ import annotations

import io
import threading
import time
import uuid
import zipfile

import pytest

from stackview.app import create_app
from stackview.aws.logs import to_events
from stackview.aws.session import AwsSession
from stackview.logs.output import EventWriter
from stackview.models import Target
from stackview.screens.logs.screen import LogsScreen
from stackview.widgets.log_view import LogView

from .helpers import wait_for

pytestmark = pytest.mark.demo


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("h.py", "def handler(event, context):\n    return event\n")
    return buffer.getvalue()


def line(n: int, request: str) -> str:
    kind = n % 5
    if kind == 0:
        return f"START RequestId: {request} Version: $LATEST\n"
    if kind == 1:
        return f"[INFO]\t2026-11-23T10:00:00.000Z\t{request}\tprocessing order o-{n}\n"
    if kind == 2:
        return f"[ERROR]\t2026-11-23T10:00:00.000Z\t{request}\tpayment declined for o-{n}\n"
    if kind == 3:
        return f"END RequestId: {request}\n"
    return f"REPORT RequestId: {request}\tDuration: {n % 90}.5 ms\tBilled Duration: {n % 90 + 1} ms\t\n"


class Writer(threading.Thread):
    """Puts a line every ~80 ms, stamped with the current time, into two streams."""

    def __init__(self, logs, group: str) -> None:
        super().__init__(daemon=True)
        self.logs, self.group = logs, group
        self.stop = threading.Event()
        self.count = 0

    def run(self) -> None:
        request = str(uuid.uuid4())
        while not self.stop.wait(0.08):
            n = self.count
            if n % 5 == 0:
                request = str(uuid.uuid4())
            stream = f"2026/11/23/[$LATEST]{n // 5 % 2:032x}"
            self.logs.put_log_events(logGroupName=self.group, logStreamName=stream,
                                     logEvents=[{"timestamp": int(time.time() * 1000), "message": line(n, request)}])
            self.count += 1


@pytest.fixture
def world(scratch_endpoint, tmp_path, monkeypatch):
    monkeypatch.setenv("STACKVIEW_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)
    uid = uuid.uuid4().hex[:6]
    lam, iam, logs = (scratch_endpoint.client(s) for s in ("lambda", "iam", "logs"))
    role = iam.create_role(RoleName=f"timeline-{uid}", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    function = f"orders-timeline-{uid}"
    lam.create_function(FunctionName=function, Runtime="python3.11", Role=role, Handler="h.handler",
                        Code={"ZipFile": _zip()})
    group = f"/aws/lambda/{function}"
    logs.create_log_group(logGroupName=group)
    now = int(time.time() * 1000)
    for s in range(2):
        logs.create_log_stream(logGroupName=group, logStreamName=f"2026/11/23/[$LATEST]{s:032x}")
    # Twenty minutes of history, one line every two seconds over two streams.
    history = [(now - 1_200_000 + n * 2_000, line(n, f"h-{n // 5}")) for n in range(598)]
    for s in range(2):
        logs.put_log_events(logGroupName=group, logStreamName=f"2026/11/23/[$LATEST]{s:032x}",
                            logEvents=[{"timestamp": t, "message": m} for k, (t, m) in enumerate(history) if k % 2 == s])
    target = Target(region=scratch_endpoint.region, endpoint_url=scratch_endpoint.endpoint, demo=True)
    app = create_app(AwsSession(target, credentials=scratch_endpoint.credentials))
    return app, function, group, logs


def content(event) -> tuple[int, str, str]:
    return event.timestamp, event.log_stream, event.message


def endpoint_events(logs, group: str, start_ms: int):
    events = []
    for page in logs.get_paginator("filter_log_events").paginate(logGroupName=group, startTime=start_ms,
                                                                    interleaved=True):
        events.extend(to_events(group, page.get("events", [])))
    return events


async def test_the_buffer_after_filter_changes_is_the_window_in_order(world, tmp_path) -> None:
    app, function, group, logs = world
    writer = Writer(logs, group)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = LogsScreen(functions=[function])  # since 15m
        await app.push_screen(screen)
        view = screen.query_one(LogView)
        await wait_for(pilot, lambda: screen.tail is not None and view.row_count >= 440, 30, "the history")
        writer.start()
        try:
            # ERROR for a while: the view shows only the ERROR lines, new ones included.
            phases = {"ERROR": int(time.time() * 1000)}
            await pilot.press("slash", *"ERROR", "enter")
            assert screen.pattern == "ERROR"
            await pilot.pause(3.0)
            assert view.row_count and all("[ERROR]" in e.message for e in view.visible_events())
            # A longer window with the filter on: the tail starts again, its history under ERROR.
            phases["4"] = int(time.time() * 1000)
            await pilot.press("4")  # 30m
            await wait_for(pilot, lambda: screen.tail is not None and screen.since == "30m"
                           and screen.tail.engine.pattern == "ERROR" and view.row_count >= 119, 30,
                           "the 30m window under ERROR")
            phases["loaded"] = int(time.time() * 1000)
            await pilot.pause(3.0)
            # Cleared: every line of the window is back, in order.
            phases["clear"] = int(time.time() * 1000)
            await pilot.press("slash", *["backspace"] * 5, "enter")
            assert screen.pattern == ""
            await pilot.pause(3.0)
        finally:
            writer.stop.set()
            writer.join()
            phases["stopped"] = int(time.time() * 1000)
        expected = endpoint_events(logs, group, screen.start_ms)
        # By content: an event that reached the view through Live Tail (the demo's StartLiveTail
        # answers with a snapshot) carries a made-up id, as Live Tail events have none.
        want = [content(e) for e in expected]
        try:
            await wait_for(pilot, lambda: [content(e) for e in screen.buffer.snapshot()] == want, 40,
                           "the buffer to hold the window's events in order")
        except AssertionError:
            held = screen.buffer.snapshot()
            keys = [(e.timestamp, e.ingestion_time, e.event_id) for e in held]
            inversions = sum(1 for a, b in zip(keys, keys[1:]) if b < a)
            gone = set(want) - {content(e) for e in held}
            lost = [(e.timestamp - phases["4"], e.ingestion_time - phases["4"], e.message[:30])
                    for e in expected if content(e) in gone][:5]
            raise AssertionError(f"{len(gone)} of {len(want)} events of the window missing, "
                                 f"{inversions} inversions, {len(held) - len(set(keys))} repeats; "
                                 f"lost (ms after '4'): {lost}; phases: "
                                 f"{ {k: v - phases['4'] for k, v in phases.items()} }") from None
        assert writer.count > 50 and len(want) > 598 + writer.count - 20
        await wait_for(pilot, lambda: view.row_count == len(want), 5, "the view to show them all")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: screen.saved is not None, 10, "the saved file")
        saved = screen.saved.read_text()
    text = io.StringIO()
    writer_out = EventWriter(text, output="text", parser=screen.formatter.parser,
                             function_width=screen.formatter.function_width)
    writer_out.write(expected)
    writer_out.flush()
    assert saved == text.getvalue()
    timestamps = [e.timestamp for e in expected]
    assert timestamps == sorted(timestamps)
