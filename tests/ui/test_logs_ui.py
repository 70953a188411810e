"""The log screen, driven by keys, against a scratch demo world holding known log events.

Deterministic data: two functions (one writing to a custom group through LoggingConfig.LogGroup,
one to its default group), three requests over three streams, one old line, one line full of
markup and escapes. Each assertion is on what the screen holds or shows.
"""

from __future__ import annotations

import io
import time
import uuid
import zipfile
from dataclasses import dataclass

import pytest

from stackview.app import create_app
from stackview.aws.session import AwsSession
from stackview.models import Target
from stackview.screens.logs.screen import LogsScreen
from stackview.screens.logs.request import RequestScreen
from stackview.widgets.log_view import LogView
from stackview.widgets.logs_prompt import LogsPrompt

from .helpers import wait_for

pytestmark = pytest.mark.demo


@dataclass(frozen=True)
class World:
    fn_a: str
    fn_b: str
    group_a: str
    group_b: str
    r1: str
    r2: str
    r3: str
    total: int  # events within the last 15 minutes


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("h.py", "def handler(event, context):\n    return event\n")
    return buffer.getvalue()


@pytest.fixture(scope="module")
def world(scratch_endpoint) -> World:
    uid = uuid.uuid4().hex[:6]
    lam, iam, logs = (scratch_endpoint.client(s) for s in ("lambda", "iam", "logs"))
    role = iam.create_role(RoleName=f"logs-ui-{uid}", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    fn_a, fn_b = f"orders-api-{uid}", f"orders-worker-{uid}"
    group_a, group_b = f"/custom/{uid}/orders", f"/aws/lambda/{fn_b}"
    lam.create_function(FunctionName=fn_a, Runtime="python3.11", Role=role, Handler="h.handler",
                        Code={"ZipFile": _zip()}, LoggingConfig={"LogFormat": "Text", "LogGroup": group_a})
    lam.create_function(FunctionName=fn_b, Runtime="python3.11", Role=role, Handler="h.handler",
                        Code={"ZipFile": _zip()})
    r1, r2, r3 = (str(uuid.uuid4()) for _ in range(3))
    now = int(time.time() * 1000)
    t = now - 40_000
    streams = {
        (group_a, "2026/11/23/[$LATEST]aaa"): [
            f"START RequestId: {r1} Version: $LATEST\n",
            f"[INFO]\t2026-11-23T10:00:00.000Z\t{r1}\tprocessing order o-1: "
            + ", ".join(f"sku-{n}" for n in range(40)) + "\n",
            "plain print without a request id\n",
            '{"level":"ERROR","message":"payment declined","requestId":"%s","order":{"id":"o-1","total":12}}' % r1,
            f"END RequestId: {r1}\n",
            f"REPORT RequestId: {r1}\tDuration: 12.50 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB\t"
            f"Max Memory Used: 60 MB\tInit Duration: 250.00 ms\t\n",
        ],
        (group_a, "2026/11/23/[$LATEST]bbb"): [
            f"START RequestId: {r2} Version: $LATEST\n",
            f"[ERROR]\t2026-11-23T10:00:01.000Z\t{r2}\tpayment gateway timeout\n",
            f"END RequestId: {r2}\n",
            f"REPORT RequestId: {r2}\tDuration: 3000.00 ms\tBilled Duration: 3000 ms\tMemory Size: 128 MB\t"
            f"Max Memory Used: 61 MB\t\n",
        ],
        (group_b, "2026/11/23/[$LATEST]ccc"): [
            f"START RequestId: {r3} Version: $LATEST\n",
            f"[WARNING]\t2026-11-23T10:00:02.000Z\t{r3}\tslow downstream\n",
            "[bold]not bold[/bold] \x1b[31mred?\x1b[0m\n",
            f"END RequestId: {r3}\n",
        ],
    }
    logs.create_log_group(logGroupName=group_a)
    logs.create_log_group(logGroupName=group_b)
    total = 0
    for (group, stream), messages in streams.items():
        logs.create_log_stream(logGroupName=group, logStreamName=stream)
        events = [{"timestamp": t + total + n, "message": m} for n, m in enumerate(messages)]
        if stream.endswith("ccc"):
            events.insert(0, {"timestamp": now - 300_000, "message": "[INFO]\told line from five minutes ago\n"})
        logs.put_log_events(logGroupName=group, logStreamName=stream, logEvents=events)
        total += len(events)
    return World(fn_a, fn_b, group_a, group_b, r1, r2, r3, total=total)


@pytest.fixture
def make_scratch_app(scratch_endpoint, tmp_path, monkeypatch):
    monkeypatch.setenv("STACKVIEW_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)
    target = Target(region=scratch_endpoint.region, endpoint_url=scratch_endpoint.endpoint, demo=True)
    session = AwsSession(target, credentials=scratch_endpoint.credentials)
    return lambda **kwargs: create_app(session, **kwargs)


async def open_logs(pilot, world: World, *, rows: int | None = None, **kwargs) -> LogsScreen:
    screen = LogsScreen(functions=kwargs.pop("functions", [world.fn_a, world.fn_b]), **kwargs)
    await pilot.app.push_screen(screen)
    view = screen.query_one(LogView)
    want = world.total if rows is None else rows
    await wait_for(pilot, lambda: view.row_count >= want and screen.tail is not None, 20, f"{want} log rows")
    await pilot.pause(0.3)
    return screen


def messages(view: LogView) -> list[str]:
    return [e.message for e in view.visible_events()]


async def test_functions_are_followed_in_their_log_groups(make_scratch_app, world) -> None:
    app = make_scratch_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_logs(pilot, world)
        view = screen.query_one(LogView)
        assert {s.log_group for s in screen.sources} == {world.group_a, world.group_b}
        assert view.row_count == world.total
        assert [e.timestamp for e in view.visible_events()] == sorted(e.timestamp for e in view.visible_events())
        assert view.following and view.cursor == view.row_count - 1
        status = screen.query_one("#logs-status").render().plain
        assert "polling" in status and f"lines {world.total}" in status and "filter none" in status
        # The custom group is labelled with its function, and the line is drawn literally.
        assert screen.formatter.parser.function_of(world.group_a) == world.fn_a
        markup_row = next(i for i, m in enumerate(messages(view)) if m.startswith("[bold]"))
        drawn = "".join(seg.text for seg in view._render_event(view.event_at(markup_row), 120)[0])
        assert "[bold]not bold[/bold]" in drawn and "\x1b" not in drawn and "␛" in drawn


async def test_a_valid_filter_refilters_at_once_and_restarts_the_query(make_scratch_app, world) -> None:
    app = make_scratch_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_logs(pilot, world)
        view = screen.query_one(LogView)
        await pilot.press("slash", *"payment", "enter")
        assert screen.pattern == "payment"
        assert sorted(messages(view)) == sorted(m for m in messages_of_buffer(screen) if "payment" in m)
        assert view.row_count == 2
        assert screen.tail.engine.pattern == "payment"  # the server-side query uses it too
        assert "/payment" in view._border_title.plain
        assert view.has_focus
        # `/` recalls the active pattern; clearing it shows every line again.
        await pilot.press("slash")
        assert screen.query_one("#prompt-input").value == "payment"
        await pilot.press(*["backspace"] * 7, "enter")
        assert screen.pattern == "" and view.row_count == world.total


def messages_of_buffer(screen: LogsScreen) -> list[str]:
    return [e.message for e in screen.buffer.snapshot()]


async def test_an_invalid_filter_shows_where_and_changes_nothing(make_scratch_app, world) -> None:
    app = make_scratch_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_logs(pilot, world)
        view = screen.query_one(LogView)
        await pilot.press("slash", *'ERROR "unclosed', "enter")
        prompt = screen.query_one(LogsPrompt)
        assert prompt.is_open  # Enter on an invalid pattern keeps the prompt
        message, position = prompt.error
        assert "quote" in message.lower() and position == 6
        shown = screen.query_one("#prompt-error").render().plain
        assert shown.startswith(" " * 6 + "^ ")
        assert screen.pattern == "" and view.matcher is None and view.row_count == world.total
        assert screen.tail.engine.pattern == ""
        await pilot.press("escape")
        assert not prompt.is_open and screen.pattern == "" and view.has_focus


async def test_search_highlights_and_jumps_without_hiding(make_scratch_app, world) -> None:
    app = make_scratch_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_logs(pilot, world)
        view = screen.query_one(LogView)
        await pilot.press("s", *"PAYMENT", "enter")
        assert view.search == "PAYMENT" and view.row_count == world.total
        hits = [i for i, m in enumerate(messages(view)) if "payment" in m.lower()]
        assert len(hits) == 2
        assert view.cursor == hits[0] and not view.following
        await pilot.press("n")
        assert view.cursor == hits[1]
        await pilot.press("n")
        assert view.cursor == hits[0]  # wraps around
        await pilot.press("N")
        assert view.cursor == hits[1]
        await pilot.press("G")
        assert view.following and view.cursor == view.row_count - 1


async def test_enter_shows_the_whole_request_across_its_lines(make_scratch_app, world) -> None:
    app = make_scratch_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_logs(pilot, world)
        view = screen.query_one(LogView)
        row = next(i for i, m in enumerate(messages(view)) if "processing order" in m)
        view.move_cursor(row)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, RequestScreen), message="request screen")
        request = app.screen
        assert request.request_id == world.r1
        await wait_for(pilot, lambda: request.searched, 20, "CloudWatch search")
        lines = [e.message for e in request.lines]
        assert len(lines) == 6  # START, INFO, the bare print, JSON, END, REPORT
        assert "plain print without a request id\n" in lines
        assert all(world.r2 not in m and world.r3 not in m for m in lines)
        text = request.plain_text()
        assert '\n  "level": "ERROR",\n' in text and '"order": {\n    "id": "o-1"' in text
        await pilot.press("escape")
        assert app.screen is screen and screen.tail is not None and screen.tail.running


async def test_a_since_key_restarts_the_tail_from_that_window(make_scratch_app, world) -> None:
    app = make_scratch_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_logs(pilot, world)
        view = screen.query_one(LogView)
        first_tail, before = screen.tail, screen.buffer.snapshot()
        await pilot.press("1")  # 1m
        assert screen.since == "1m"
        assert 0 <= time.time() * 1000 - 60_000 - screen.start_ms < 5_000
        expected = [e.message for e in before if e.timestamp >= screen.start_ms]
        await wait_for(pilot, lambda: screen.tail is not first_tail and screen.tail.stats().requests >= 1
                       and view.row_count == len(expected), 20, "the 1m window")
        assert messages(view) == expected
        assert not any("five minutes ago" in m for m in messages(view))
        assert not first_tail.running or first_tail._stop.is_set()
        assert "since 1m" in view._border_subtitle.plain


async def test_wrap_timestamps_copy_and_follow_keys(make_scratch_app, world) -> None:
    app = make_scratch_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_logs(pilot, world)
        view = screen.query_one(LogView)
        await pilot.press("w")
        assert view.wrap and view.line_count > view.row_count  # the long order line no longer fits
        await pilot.press("w")
        assert not view.wrap and view.line_count == view.row_count
        modes = []
        for _ in range(3):
            await pilot.press("t")
            modes.append(screen.formatter.timestamp_mode)
        assert modes == ["utc", "relative", "local"]
        await pilot.press("f")
        assert not view.following
        await pilot.press("f")
        assert view.following
        view.move_cursor(0)
        await pilot.press("c")
        assert app.clipboard == messages(view)[0].rstrip("\n").replace("\t", "    ")  # as shown


async def test_ctrl_s_saves_the_shown_lines(make_scratch_app, world, tmp_path) -> None:
    app = make_scratch_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_logs(pilot, world, pattern="payment", rows=2)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: screen.saved is not None, 10, "the saved file")
        assert screen.saved.parent == tmp_path
        text = screen.saved.read_text()
        assert len(text.splitlines()) == 2 and "payment declined" in text and "gateway timeout" in text


async def test_a_request_pattern_opens_on_that_request_and_bad_groups_do_not_stop_the_rest(
        make_scratch_app, world) -> None:
    app = make_scratch_app()
    missing = f"no-such-fn-{uuid.uuid4().hex[:6]}"
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_logs(pilot, world, functions=[world.fn_a, missing], pattern=f'"{world.r2}"', rows=4)
        view = screen.query_one(LogView)
        assert view.row_count == 4 and all(world.r2 in m for m in messages(view))
        await wait_for(pilot, lambda: screen.tail.stats().group_errors, 20, "the missing group's error")
        await pilot.pause(0.6)
        errors = screen.query_one("#logs-errors").render().plain
        assert f"no function named {missing}" in errors and f"/aws/lambda/{missing}" in errors
        assert screen.tail.running and view.row_count == 4


async def test_leaving_stops_the_tail(make_scratch_app, world) -> None:
    app = make_scratch_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_logs(pilot, world)
        tail = screen.tail
        await pilot.press("escape")
        await pilot.pause(0.1)
        assert app.screen is not screen and tail._stop.is_set()


async def test_one_function_shows_only_its_own_group_while_another_group_is_busy(
        make_scratch_app, world, scratch_endpoint) -> None:
    """Reported in the demo: the logs of one function showed another function's lines. moto 5.2
    answers StartLiveTail with the events of the *last log group it holds*, whatever ARN was
    asked for; here that is a group made by this test, busy while the view of fn_b is open."""
    logs = scratch_endpoint.client("logs")
    other = f"/aws/lambda/intruder-{uuid.uuid4().hex[:6]}"
    logs.create_log_group(logGroupName=other)
    logs.create_log_stream(logGroupName=other, logStreamName="s")

    def put(group: str, stream: str, message: str) -> None:
        logs.put_log_events(logGroupName=group, logStreamName=stream,
                            logEvents=[{"timestamp": int(time.time() * 1000), "message": message}])

    put(other, "s", "intruder line before the view opened\n")
    app = make_scratch_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = LogsScreen(functions=[world.fn_b])
        await app.push_screen(screen)
        await wait_for(pilot, lambda: screen.tail is not None, 20, "the tail")
        put(other, "s", "intruder line while the view is open\n")
        # moto's Live Tail is a one-shot snapshot: once it has ended, the tail polls again.
        await wait_for(pilot, lambda: "not a live stream" in screen.tail.stats().live_note, 20,
                       "the Live Tail snapshot")
        marker = f"fn_b marker {uuid.uuid4().hex}\n"
        put(world.group_b, "2026/11/23/[$LATEST]ccc", marker)
        await wait_for(pilot, lambda: marker in messages_of_buffer(screen), 20, "the marker line")
        groups = {e.log_group for e in screen.buffer.snapshot()}
        assert groups == {world.group_b}
        assert not [m for m in messages_of_buffer(screen) if m.startswith("intruder")]
