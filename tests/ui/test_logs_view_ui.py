"""The log view's second round, driven by keys: every line tied to its request (a traceback
opens its request), context around matches, the search counter, copies that carry no control
character, the status line at 80x24, the Live Tail note off the status line, and no stray
scrollbar glyph. Deterministic lines in a scratch world; one test on the seeded demo world.
"""

from __future__ import annotations

import io
import json
import time
import uuid
import zipfile
from dataclasses import dataclass

import pytest

from stackview.app import create_app
from stackview.aws.session import AwsSession
from stackview.models import Target
from stackview.screens.logs.request import RequestScreen
from stackview.screens.logs.screen import LogsScreen
from stackview.widgets.log_view import LogView

from .helpers import wait_for

pytestmark = pytest.mark.demo

CONTROLS = ["\x1b", "\x07", "\x00", "\x9b", "\u202e", "\u2066"]
BLOCK_GLYPHS = "▉▊▋▌▍▎"  # a scrollbar thumb's end; the footer's ▏ separator is not one of them


@dataclass(frozen=True)
class World:
    function: str
    group: str
    json_group: str
    r1: str
    r2: str
    r3: str
    total: int


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("h.py", "def handler(event, context):\n    return event\n")
    return buffer.getvalue()


def _platform(kind: str, request_id: str, **record) -> str:
    return json.dumps({"time": "2026-11-23T10:00:00.000Z", "type": kind, "record": {"requestId": request_id, **record}})


@pytest.fixture(scope="module")
def world(scratch_endpoint) -> World:
    uid = uuid.uuid4().hex[:6]
    lam, iam, logs = (scratch_endpoint.client(s) for s in ("lambda", "iam", "logs"))
    role = iam.create_role(RoleName=f"logview-{uid}", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    function, json_function = f"convert-{uid}", f"worker-{uid}"
    for name, fmt in ((function, "Text"), (json_function, "JSON")):
        lam.create_function(FunctionName=name, Runtime="python3.11", Role=role, Handler="h.handler",
                            Code={"ZipFile": _zip()}, LoggingConfig={"LogFormat": fmt})
    group, json_group = f"/aws/lambda/{function}", f"/aws/lambda/{json_function}"
    r1, r2, r3 = (str(uuid.uuid4()) for _ in range(3))
    t = int(time.time() * 1000) - 60_000
    # Two environments of the same function interleaved in time, and a JSON-format function.
    events = [
        (group, "2026/11/23/[4]aaa", 0, f"START RequestId: {r1} Version: 4\n"),
        (group, "2026/11/23/[4]bbb", 1, f"START RequestId: {r2} Version: 4\n"),
        (group, "2026/11/23/[4]aaa", 2, f"[INFO]\t2026-11-23T10:00:00.000Z\t{r1}\tConverting upload-1.png\n"),
        (group, "2026/11/23/[4]bbb", 3, "print from r2 before the payment\n"),
        (group, "2026/11/23/[4]aaa", 4, "[ERROR] UnsupportedImage: truncated PNG\nTraceback (most recent call last):\n"
                                        "  File \"/var/task/convert.py\", line 5, in handler\n"),
        (group, "2026/11/23/[4]bbb", 5, f"[ERROR]\t2026-11-23T10:00:01.000Z\t{r2}\tpayment declined\n"),
        (group, "2026/11/23/[4]aaa", 6, f"END RequestId: {r1}\n"),
        (group, "2026/11/23/[4]bbb", 7, "print from r2 after the payment \x1b[31mred\x1b[0m \x07 \u202eevil\u202c\n"),
        (group, "2026/11/23/[4]aaa", 8, f"REPORT RequestId: {r1}\tDuration: 5.00 ms\tBilled Duration: 6 ms\t"
                                        "Memory Size: 128 MB\tMax Memory Used: 60 MB\t\n"),
        (group, "2026/11/23/[4]bbb", 9, f"END RequestId: {r2}\n"),
        (json_group, "2026/11/23/[$LATEST]ccc", 10, _platform("platform.start", r3, version="$LATEST")),
        (json_group, "2026/11/23/[$LATEST]ccc", 11, "print in a JSON-format function\n"),
        (json_group, "2026/11/23/[$LATEST]ccc", 12, _platform("platform.report", r3, metrics={"durationMs": 3.0})),
    ]
    for log_group in (group, json_group):
        logs.create_log_group(logGroupName=log_group)
    streams = sorted({(g, s) for g, s, _, _ in events})
    for log_group, stream in streams:
        logs.create_log_stream(logGroupName=log_group, logStreamName=stream)
        logs.put_log_events(logGroupName=log_group, logStreamName=stream, logEvents=[
            {"timestamp": t + n * 10, "message": m} for g, s, n, m in events if (g, s) == (log_group, stream)])
    return World(function, group, json_group, r1, r2, r3, total=len(events))


@pytest.fixture
def make_scratch_app(scratch_endpoint, tmp_path, monkeypatch):
    monkeypatch.setenv("STACKVIEW_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)
    target = Target(region=scratch_endpoint.region, endpoint_url=scratch_endpoint.endpoint, demo=True)
    session = AwsSession(target, credentials=scratch_endpoint.credentials)
    return lambda **kwargs: create_app(session, **kwargs)


async def open_logs(pilot, world: World, *, rows: int | None = None, **kwargs) -> LogsScreen:
    functions = kwargs.pop("functions", [world.function, world.group.rsplit("/", 1)[-1].replace("convert", "worker")])
    screen = LogsScreen(functions=functions, **kwargs)
    await pilot.app.push_screen(screen)
    view = screen.query_one(LogView)
    want = world.total if rows is None else rows
    await wait_for(pilot, lambda: view.row_count >= want and screen.tail is not None, 20, f"{want} log rows")
    await pilot.pause(0.3)
    return screen


def row_of(view: LogView, text: str) -> int:
    return next(r for r in range(view.row_count) if text in view.event_at(r).message)


def status(screen: LogsScreen) -> str:
    return screen.query_one("#logs-status").render().plain


def drawn(view: LogView, row: int, width: int = 200) -> str:
    event = view.event_at(row)
    return "".join(seg.text for seg in view._render_event(event, width, view.request_of(row))[0])


async def test_enter_on_a_traceback_opens_its_whole_request(make_scratch_app, world) -> None:
    app = make_scratch_app()
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await open_logs(pilot, world)
        view = screen.query_one(LogView)
        # The request column names the request of lines that do not carry its id.
        traceback_row = row_of(view, "Traceback")
        assert view.request_of(traceback_row) == (world.r1, "stream")
        assert world.r1[:8] in drawn(view, traceback_row)
        assert view.request_of(row_of(view, "print from r2 before")) == (world.r2, "stream")
        assert view.request_of(row_of(view, "JSON-format function")) == (world.r3, "stream")
        await pilot.press("s", *"Traceback", "enter")
        assert view.cursor == traceback_row
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, RequestScreen), message="request screen")
        request = app.screen
        assert request.request_id == world.r1
        await wait_for(pilot, lambda: request.searched, 20, "CloudWatch search")
        lines = [e.message for e in request.lines]
        assert len(lines) == 5 and lines[0].startswith("START") and lines[-1].startswith("REPORT")
        assert any("Traceback" in m for m in lines)
        assert not any(world.r2 in m or "print from r2" in m for m in lines)
        await pilot.press("escape")
        # A print of the JSON-format function opens its request too.
        view.move_cursor(row_of(view, "JSON-format function"))
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, RequestScreen), message="request screen")
        assert app.screen.request_id == world.r3 and len(app.screen.lines) == 3


async def test_a_json_start_reads_like_a_text_start(make_scratch_app, world) -> None:
    app = make_scratch_app()
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await open_logs(pilot, world)
        view = screen.query_one(LogView)
        line = drawn(view, row_of(view, "platform.start"))
        assert f"START   {world.r3[:8]} RequestId: {world.r3} Version: $LATEST" in line
        assert "{" not in line


async def test_context_shows_lines_of_the_same_stream_around_matches(make_scratch_app, world) -> None:
    app = make_scratch_app()
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await open_logs(pilot, world)
        view = screen.query_one(LogView)
        await pilot.press("slash", *"declined", "enter")
        await wait_for(pilot, lambda: view.row_count == 1, message="the filter")
        await pilot.press("x")
        shown = [e.message for e in view.visible_events()]
        # 3 lines of context of r2's stream (bbb) around the match, none of r1's (aaa).
        assert shown[:1] == [f"START RequestId: {world.r2} Version: 4\n"]
        assert shown[1] == "print from r2 before the payment\n" and "payment declined" in shown[2]
        assert len(shown) == 5 and not any(world.r1 in m or "Traceback" in m for m in shown)
        assert [view.is_context(r) for r in range(view.row_count)] == [True, True, False, True, True]
        assert "context ±3" in status(screen)
        await pilot.press("minus", "minus")
        assert view.context_lines == 1 and view.row_count == 3 and "context ±1" in status(screen)
        await pilot.press("x")
        assert view.context_lines == 0 and view.row_count == 1 and "context" not in status(screen)
        await pilot.press("plus")
        assert view.context_lines == 1 and view.row_count == 3
        # A new filter keeps the context; clearing the filter shows every line.
        await pilot.press("slash", *["backspace"] * 8, *"Traceback", "enter")
        await wait_for(pilot, lambda: screen.pattern == "Traceback", message="the new filter")
        assert [view.is_context(r) for r in range(view.row_count)] == [True, False, True]
        await pilot.press("slash", *["backspace"] * 9, "enter")
        assert view.row_count == world.total and "context" not in status(screen)


async def test_search_counts_its_hits(make_scratch_app, world) -> None:
    app = make_scratch_app()
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await open_logs(pilot, world)
        await pilot.press("s", *"PAYMENT", "enter")
        assert "search PAYMENT 1/3" in status(screen)
        await pilot.press("n")
        assert "search PAYMENT 2/3" in status(screen)
        await pilot.press("N", "N")
        assert "search PAYMENT 3/3" in status(screen)
        await pilot.press("s", *["backspace"] * 7, *"nowhere", "enter")
        assert "search nowhere -/0" in status(screen)


async def test_copies_carry_no_control_character(make_scratch_app, world) -> None:
    app = make_scratch_app()
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await open_logs(pilot, world)
        view = screen.query_one(LogView)
        view.move_cursor(row_of(view, "after the payment"))
        await pilot.press("c")
        assert app.clipboard == "print from r2 after the payment ␛[31mred␛[0m ␇ \\u202eevil\\u202c"
        assert app.clipboard in drawn(view, view.cursor)  # what the screen shows
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, RequestScreen), message="request screen")
        await wait_for(pilot, lambda: app.screen.searched, 20, "CloudWatch search")
        await pilot.press("c")
        assert "after the payment ␛[31mred" in app.clipboard
        assert not [c for c in CONTROLS if c in app.clipboard]


async def test_at_80x24_the_status_keeps_mode_counts_and_filter(make_scratch_app, world) -> None:
    app = make_scratch_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_logs(pilot, world)
        await pilot.press("slash", *"payment", "enter", "k")
        await wait_for(pilot, lambda: "paused" in status(screen), message="paused")
        line = status(screen)
        for must in ("paused", "polling", "lines 3/", "filter payment"):
            assert must in line
        assert not line.endswith("…")
        await pilot.press("f")
        assert status(screen).startswith("following")
        # No horizontal scrollbar: its thumb's end was the stray block glyph on the bottom row.
        view = screen.query_one(LogView)
        assert view.virtual_size.width > view.size.width and view.styles.scrollbar_size_horizontal == 0
        assert not [g for g in BLOCK_GLYPHS if g in app.export_screenshot()]


async def test_the_live_tail_note_is_in_the_errors_line_not_a_toast(make_scratch_app, world) -> None:
    app = make_scratch_app()
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await open_logs(pilot, world)
        # moto answers Live Tail with a snapshot: the tail says so and polls.
        errors = screen.query_one("#logs-errors")
        await wait_for(pilot, lambda: "live stream" in errors.render().plain, 20, "the Live Tail note")
        assert not [n for n in app._notifications if "Live Tail" in n.message]
        assert status(screen).startswith("following · polling")


async def test_tables_have_no_stray_block_glyph(make_app) -> None:
    from stackview.screens.stacks import StacksScreen

    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, StacksScreen) and "orders-prod" in app.export_screenshot(),
                       20, "the stacks")
        table = app.screen.query_one("RecordTable")
        assert table.virtual_size.width > table.size.width and table.styles.scrollbar_size_horizontal == 0
        assert not [g for g in BLOCK_GLYPHS if g in app.export_screenshot()]


async def test_enter_on_a_traceback_in_the_demo_world_opens_its_request(make_app) -> None:
    from stackview.logs.parse import LogParser

    app = make_app()
    async with app.run_test(size=(160, 40)) as pilot:
        # The history's first upload is always a broken one (its traceback); the session's world
        # was started minutes ago, so a window of 3 h may already have left it behind.
        screen = LogsScreen(stack="thumbnails-prod", since="4h")
        await app.push_screen(screen)
        view = screen.query_one(LogView)
        await wait_for(pilot, lambda: screen.tail is not None and any(
            "Traceback" in e.message for e in screen.buffer.snapshot()), 30, "a traceback")
        await pilot.press("s", *"Traceback (most recent", "enter")
        traceback = view.selected
        assert "Traceback" in traceback.message and LogParser().parse(traceback).request_id is None
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, RequestScreen), message="request screen")
        request = app.screen
        await wait_for(pilot, lambda: request.searched, 30, "CloudWatch search")
        kinds = [e.message.split(" ", 1)[0] for e in request.lines if e.log_stream == traceback.log_stream]
        assert kinds[0] == "START" and "END" in kinds and "REPORT" in kinds
        assert traceback in request.lines
        assert all(request.request_id in e.message for e in request.lines if e.message.startswith(("START", "END")))


async def test_enter_asks_cloudwatch_when_the_filter_kept_the_start_out(make_scratch_app, world) -> None:
    app = make_scratch_app()
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await open_logs(pilot, world, pattern="Traceback", rows=1)
        view = screen.query_one(LogView)
        assert [e.message.split(":")[0] for e in screen.buffer.snapshot()] == ["[ERROR] UnsupportedImage"]
        assert view.request_of(0) == (None, None)  # no START of its stream is held
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, RequestScreen), 20, "request screen")
        request = app.screen
        assert request.request_id == world.r1
        await wait_for(pilot, lambda: request.searched, 20, "CloudWatch search")
        lines = [e.message for e in request.lines]
        assert len(lines) == 5 and lines[0].startswith("START") and any("Traceback" in m for m in lines)
