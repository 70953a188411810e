"""The function screen's Invocations tab, by keys, on known log lines (text and JSON formats)."""

from __future__ import annotations

import pytest

from stackview.app import create_app
from stackview.screens.function.invocations import COLUMNS, InvocationsPanel
from stackview.screens.function.screen import FunctionScreen
from stackview.screens.logs.request import RequestScreen
from stackview.widgets.record_table import RecordTable
from tests.aws.insights_helpers import InvocationsWorld, build

from .helpers import column, wait_for, wait_loaded

TIME, OUTCOME, DURATION, COLD, MEMORY, BILLED, VERSION, REQUEST, ERROR = range(len(COLUMNS))

pytestmark = pytest.mark.demo


@pytest.fixture(scope="module")
def world(scratch_endpoint) -> InvocationsWorld:
    return build(scratch_endpoint)


async def open_invocations(pilot, name: str) -> tuple[FunctionScreen, InvocationsPanel]:
    pilot.app.open("function", name)
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, FunctionScreen)
                   and bool(pilot.app.screen.query(InvocationsPanel)), message="function screen")
    screen = pilot.app.screen
    await pilot.press("7")
    assert screen.active_tab == "invocations"
    panel = screen.query_one(InvocationsPanel)
    await wait_loaded(pilot, panel, timeout=30)
    assert panel.error is None, panel.error
    return screen, panel


async def test_text_format_invocations_newest_first_with_their_outcome(world) -> None:
    app = create_app(world.session())
    async with app.run_test(size=(160, 40)) as pilot:
        _screen, panel = await open_invocations(pilot, world.text_function)
        table = panel.query_one(RecordTable)
        text_ids = [r for r in world.order if world.expected[r][1] in ("3", "$LATEST")]
        assert column(table, REQUEST) == list(reversed(text_ids))
        assert column(table, OUTCOME) == [world.expected[r][0] for r in reversed(text_ids)]
        assert column(table, VERSION) == [world.expected[r][1] for r in reversed(text_ids)]
        cold = [bool(cell) for cell in column(table, COLD)]
        assert cold == [world.expected[r][2] for r in reversed(text_ids)]
        assert column(table, DURATION)[-1] == "120 ms" and column(table, MEMORY)[-1] == "61 / 128 MB"
        assert "KeyError: 'amount'" in column(table, ERROR)[list(reversed(text_ids)).index(world.crashed)]
        assert table.has_focus
        note = panel.query_one("#invocations-note").render().plain
        assert world.text_group in note and f"the last {len(text_ids)} invocations" in note


async def test_enter_opens_the_request_with_its_traceback(world) -> None:
    app = create_app(world.session())
    async with app.run_test(size=(160, 40)) as pilot:
        _screen, panel = await open_invocations(pilot, world.text_function)
        table = panel.query_one(RecordTable)
        row = column(table, REQUEST).index(world.crashed)
        table.move_cursor(row=0)
        await pilot.press(*["down"] * row, "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, RequestScreen), message="request screen")
        request = app.screen
        assert request.request_id == world.crashed
        assert any(line.message == world.traceback for line in request.lines)  # no request id on it
        await wait_for(pilot, lambda: request.searched, 20, "the CloudWatch search")
        assert request.lines[0].message.startswith(f"START RequestId: {world.crashed}")


async def test_json_format_statuses(world) -> None:
    app = create_app(world.session())
    async with app.run_test(size=(160, 40)) as pilot:
        _screen, panel = await open_invocations(pilot, world.json_function)
        table = panel.query_one(RecordTable)
        json_ids = [r for r in world.order if world.expected[r][1] == "2"]
        assert column(table, REQUEST) == list(reversed(json_ids))
        assert column(table, OUTCOME) == [world.expected[r][0] for r in reversed(json_ids)]
        assert "ShipmentRejected" in column(table, ERROR)
        assert column(table, MEMORY)[0] == "90 / 256 MB"


async def test_a_function_that_cannot_be_read_says_so_in_the_tab(world) -> None:
    from tests.aws.functions_helpers import fail_calls

    session = world.session()
    fail_calls(session, "GetFunctionConfiguration")
    app = create_app(session)
    async with app.run_test(size=(160, 40)) as pilot:
        pilot.app.open("function", world.text_function)
        await wait_for(pilot, lambda: bool(app.screen.query(InvocationsPanel)), message="function screen")
        panel = app.screen.query_one(InvocationsPanel)
        await wait_loaded(pilot, panel)
        assert panel.error is not None and panel.error.kind == "access-denied"
        assert "access denied to GetFunctionConfiguration" in panel.query_one(".panel-error").render().plain
