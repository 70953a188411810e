"""Health where functions and stacks are listed: the Stacks list, the Functions tab, `:functions`
and the pulse, driven by keys; figures checked against the AWS layer's own sweep at the same
clock; a stack with an alarm in ALARM stands out and `s` puts it first."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

from stackview.app import create_app
from stackview.aws.health import function_health
from stackview.demo.seed import catalog
from stackview.screens.functions import AllFunctionsPanel, FunctionsScreen
from stackview.screens.stack.functions import FunctionsPanel
from stackview.screens.stack.screen import StackScreen
from stackview.screens.stacks import StacksPanel, StacksScreen
from stackview.widgets.pulse import PulsePanel
from stackview.widgets.record_table import RecordTable
from stackview.widgets.styles import style_for
from tests.aws.functions_helpers import invoke_status, make_stack, session_on

from .helpers import column, column_named, wait_for, wait_loaded


def fixed_clock():
    now = datetime.now(timezone.utc).replace(second=30, microsecond=0)
    return now, (lambda: now)


def row_of(table: RecordTable, name: str) -> dict[str, str]:
    labels = list(table._column_labels)
    record = next(r for r in table.shown if r.cells[0].plain.strip(" └") == name)
    return dict(zip(labels, (cell.plain for cell in record.cells)))


async def test_stacks_list_health_matches_cloudwatch(make_app, demo_session) -> None:
    now, clock = fixed_clock()
    app = make_app(clock=clock)
    async with app.run_test(size=(160, 40)) as pilot:
        screen = app.screen
        assert isinstance(screen, StacksScreen)
        panel = screen.query_one(StacksPanel)
        await wait_loaded(pilot, panel)
        await wait_for(pilot, lambda: panel.measured(catalog.ORDERS_STACK) is not None, 20, "the health sweep")
        table = panel.query_one(RecordTable)
        report = function_health(demo_session, [catalog.ORDERS_API, catalog.ORDERS_WORKER], now=now, detail=False)
        invocations = sum(h.invocations for h in report.functions.values())
        errors = sum(h.errors for h in report.functions.values())
        row = row_of(table, catalog.ORDERS_STACK)
        assert invocations > 0
        assert (row["Invoc."], row["Errors"]) == (f"{invocations:,.0f}", f"{errors:,.0f}")
        assert len(row["Trend"]) == 15 and set(row["Trend"]) <= set("▁▂▃▄▅▆▇█")
        # The thumbnails stack owns an alarm (on its converter), in OK state in the seed.
        assert row_of(table, catalog.THUMBNAILS_STACK)["Alarms"] == "1 ok"
        assert "1 GetMetricData" in str(panel.border_subtitle) and "last 15 min" in str(panel.border_subtitle)
        pulse = screen.query_one(PulsePanel)
        await wait_loaded(pilot, pulse)
        assert pulse.data.limit == 1000 and pulse.data.counted_from == "functions"
        assert not pulse.data.alarms_firing


async def test_a_stack_with_an_alarm_in_alarm_stands_out_and_sorts_first(scratch_endpoint) -> None:
    session = session_on(scratch_endpoint.endpoint, scratch_endpoint.region, scratch_endpoint.credentials)
    quiet, _ = make_stack(session, functions=1)
    burning, names = make_stack(session, functions=1)
    assert invoke_status(session.client("lambda", max_attempts=1), names[0]) == 200
    alarm = f"burning-{uuid.uuid4().hex[:6]}"
    cloudwatch = session.client("cloudwatch")
    cloudwatch.put_metric_alarm(AlarmName=alarm, Namespace="AWS/Lambda", MetricName="Errors", Statistic="Sum",
                                Dimensions=[{"Name": "FunctionName", "Value": names[0]}], Period=60,
                                EvaluationPeriods=1, Threshold=1, ComparisonOperator="GreaterThanOrEqualToThreshold")
    cloudwatch.set_alarm_state(AlarmName=alarm, StateValue="ALARM", StateReason="errors")
    app = create_app(session)
    async with app.run_test(size=(160, 40)) as pilot:
        panel = app.screen.query_one(StacksPanel)
        table = panel.query_one(RecordTable)
        await wait_loaded(pilot, panel)
        await wait_for(pilot, lambda: panel.measured(burning) is not None and panel.measured(quiet) is not None,
                       20, "the health sweep")
        assert row_of(table, burning)["Alarms"].strip() == "1 ALARM"
        assert row_of(table, burning)["Invoc."] == "1"
        cell = next(r for r in table.shown if r.cells[0].plain == burning).cells[0]
        assert cell.style == style_for(app, "sv-health-alarm", bold=True)
        quiet_cell = next(r for r in table.shown if r.cells[0].plain == quiet).cells[0]
        assert quiet_cell.style != cell.style
        table.focus()
        await pilot.press("s")
        assert column(table, 0)[0] == burning and "troubled first" in str(panel.border_title)
        assert table.cursor_row == 0
        await pilot.press("s")
        assert "troubled first" not in str(panel.border_title)
        # The pulse names the alarm.
        pulse = app.screen.query_one(PulsePanel)
        await wait_loaded(pilot, pulse)
        assert alarm in [a.name for a in pulse.data.alarms_firing]


async def test_functions_tab_and_the_all_functions_view(make_app, demo_session) -> None:
    now, clock = fixed_clock()
    app = make_app(clock=clock)
    calls: list[str] = []
    lam = demo_session.client("lambda")
    for operation in ("GetFunctionConfiguration", "GetFunctionConcurrency", "GetFunction", "ListFunctions"):
        lam.meta.events.register(f"before-call.lambda.{operation}", lambda op=operation, **kw: calls.append(op),
                                 unique_id=f"health-ui-{operation}")
    async with app.run_test(size=(160, 40)) as pilot:
        await wait_loaded(pilot, app.screen.query_one(StacksPanel))
        await pilot.pause(0.5)
        calls.clear()
        app.jump(f"stack {catalog.ORDERS_STACK}")
        await wait_for(pilot, lambda: isinstance(app.screen, StackScreen) and bool(app.screen.query(FunctionsPanel)),
                       message="the stack screen")
        screen = app.screen
        panel = screen.query_one(FunctionsPanel)
        await pilot.pause(1.0)
        assert panel.fetches == 0 and calls == []  # the tab is not shown: nothing asked
        await pilot.press("6")
        await wait_loaded(pilot, panel)
        await wait_for(pilot, lambda: panel.step is not None and panel.budget is not None, 20, "health and details")
        table = panel.query_one(RecordTable)
        expected = function_health(demo_session, [catalog.ORDERS_API, catalog.ORDERS_WORKER], now=now)
        for name in (catalog.ORDERS_API, catalog.ORDERS_WORKER):
            row = row_of(table, name)
            health = expected.functions[name]
            assert row["Errors"] == f"{health.errors:,.0f}" and row["Invoc."] == f"{health.invocations:,.0f}"
        assert row_of(table, catalog.RESERVED_FUNCTION)["Conc / Res"].endswith("/ 5")
        labels = list(table._column_labels)
        duration = table.columns[table._column_keys[labels.index("Max ms")]].label.plain
        assert duration in ("Max ms", "p99 ms")
        assert "details 2/60 calls/min" in str(panel.border_subtitle)
        assert calls.count("GetFunctionConcurrency") == 2 and "GetFunctionConfiguration" not in calls
        # Back from a function screen: no listing and no call per function again.
        calls.clear()
        table.focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is not screen, message="the function screen")
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen, message="back on the stack")
        calls.clear()  # what the function screen itself asked for is its own business
        await pilot.pause(1.0)
        assert "ListFunctions" not in calls and "GetFunctionConcurrency" not in calls

        app.jump("functions")
        await wait_for(pilot, lambda: isinstance(app.screen, FunctionsScreen) and bool(app.screen.query(AllFunctionsPanel)),
                       message=":functions")
        every = app.screen.query_one(AllFunctionsPanel)
        await wait_loaded(pilot, every)
        await wait_for(pilot, lambda: every.step is not None, 20, "the health sweep")
        names = column(every.query_one(RecordTable), 0)
        assert set(names) == {spec.name for spec in catalog.FUNCTIONS}
        assert column_named(every.query_one(RecordTable), "Runtime")[0].startswith("python")
        await pilot.press("escape")
        assert isinstance(app.screen, StacksScreen)
