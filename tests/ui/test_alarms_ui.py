"""The alarm screens as a user works them: `:alarms` lists ALARM first, Enter opens the alarm
with its chart, `l` tails the watched function's logs from before the alarm went off, `f` opens
the function, `o` copies the console link; a stack's Alarms tab lists the alarms watching it."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

import pytest

from stackview.app import create_app
from stackview.logs.since import parse_since
from stackview.screens.alarm.screen import AlarmPanel, AlarmScreen
from stackview.screens.alarms.screen import AlarmsPanel, AlarmsScreen
from stackview.screens.function.screen import FunctionScreen
from stackview.screens.logs.screen import LogsScreen
from stackview.screens.stack.alarms import StackAlarmsPanel
from stackview.screens.stack.screen import StackScreen
from stackview.widgets.record_table import RecordTable
from stackview.widgets.threshold_chart import ThresholdChart
from tests.aws.functions_helpers import delete_stack, make_function, make_stack, session_on, unique

from .helpers import column, wait_for, wait_loaded


@pytest.fixture
def session(scratch_endpoint):
    return session_on(scratch_endpoint.endpoint, scratch_endpoint.region, scratch_endpoint.credentials)


def alarm(session, function: str, state: str) -> str:
    """An alarm on the function's Errors that the demo world's evaluator moves to `state`: its
    metric (a namespace of its own) breaches for ALARM and stays at 0 for OK."""
    name = unique(f"a-{state.lower()}")
    cw = session.client("cloudwatch")
    minute = datetime.now(timezone.utc).replace(second=5, microsecond=0)
    dimensions = [{"Name": "FunctionName", "Value": function}]
    namespace = "Test/" + name
    cw.put_metric_data(Namespace=namespace, MetricData=[
        {"MetricName": "Errors", "Dimensions": dimensions, "Timestamp": minute - timedelta(minutes=ago),
         "Value": 5.0 if state == "ALARM" else 0.0} for ago in range(0, 5)])
    cw.put_metric_alarm(AlarmName=name, Namespace=namespace, MetricName="Errors", Statistic="Sum", Period=60,
                        EvaluationPeriods=2, Threshold=3, ComparisonOperator="GreaterThanOrEqualToThreshold",
                        Dimensions=dimensions, AlarmDescription="[bold]not markup[/bold]")
    deadline = time.monotonic() + 30
    while cw.describe_alarms(AlarmNames=[name])["MetricAlarms"][0]["StateValue"] != state:
        assert time.monotonic() < deadline, f"{name} never reached {state}"
        time.sleep(0.3)
    return name


async def test_alarms_list_then_one_alarm_then_its_logs(session) -> None:
    function = make_function(session)
    calm, firing = alarm(session, function, "OK"), alarm(session, function, "ALARM")
    app = create_app(session)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("colon", *"alarms", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, AlarmsScreen), message="the alarms screen")
        panel = app.screen.query_one(AlarmsPanel)
        await wait_loaded(pilot, panel)
        table = panel.query_one(RecordTable)
        names = column(table, 1)
        assert names.index(firing) < names.index(calm)  # ALARM first
        assert column(table, 0)[names.index(firing)].strip() == "ALARM"
        assert "in ALARM" in str(panel.border_title)

        await pilot.press("slash", *firing, "enter")
        await wait_for(pilot, lambda: column(table, 1) == [firing], message="the filter")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, AlarmScreen), message="the alarm screen")
        screen = app.screen
        detail_panel = screen.query_one(AlarmPanel)
        await wait_loaded(pilot, detail_panel)
        summary = str(detail_panel.query_one("#alarm-summary").render())
        assert "Errors Sum >= 3 for 2 of 2 periods of 1 min" in summary and "[bold]not markup[/bold]" in summary
        assert "Threshold Crossed" in summary
        assert screen.query_one(ThresholdChart).display

        await pilot.press("l")
        await wait_for(pilot, lambda: isinstance(app.screen, LogsScreen), message="the logs")
        logs = app.screen
        assert logs.functions == [function] or list(logs.functions) == [function]
        since_ms = parse_since(logs.since, 0)
        since = datetime.fromtimestamp(since_ms / 1000, timezone.utc)
        assert since == detail_panel.data.logs_since().replace(microsecond=0)
        assert since < datetime.now(timezone.utc) - timedelta(minutes=6)

        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen, message="back to the alarm")
        await pilot.press("o")
        await wait_for(pilot, lambda: (app.clipboard or "").endswith("#alarmsV2:alarm/" + firing), message="link")
        await pilot.press("f")
        await wait_for(pilot, lambda: isinstance(app.screen, FunctionScreen), message="the function")
        assert app.screen.function_name == function


async def test_the_stack_alarms_tab(session) -> None:
    stack, functions = make_stack(session, functions=1)
    name = alarm(session, functions[0], "ALARM")
    app = create_app(session)
    try:
        async with app.run_test(size=(140, 40)) as pilot:
            await pilot.pause()
            app.push_screen(StackScreen(stack, stack))
            await wait_for(pilot, lambda: isinstance(app.screen, StackScreen)
                           and bool(app.screen.query(StackAlarmsPanel)), message="the stack")
            panel = app.screen.query_one(StackAlarmsPanel)
            assert panel.data is None  # not fetched before the tab is shown
            await pilot.press("7")
            await wait_loaded(pilot, panel)
            assert column(panel.query_one(RecordTable), 1) == [name]
            await wait_for(pilot, lambda: panel.query_one(RecordTable).has_focus, message="focus")
            await pilot.press("enter")
            await wait_for(pilot, lambda: isinstance(app.screen, AlarmScreen), message="the alarm")
            assert app.screen.alarm_name == name
    finally:
        delete_stack(session, stack)
