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
    """A clock two minutes back: the seeded world goes on by itself (its incident), and a window
    that ended a minute ago holds data that no longer changes."""
    now = (datetime.now(timezone.utc) - timedelta(minutes=2)).replace(second=30, microsecond=0)
    return now, (lambda: now)


def row_of(table: RecordTable, name: str) -> dict[str, str]:
    labels = list(table._column_labels)
    record = next(r for r in table.shown if r.cells[0].plain.strip(" └") == name)
    return dict(zip(labels, (cell.plain for cell in record.cells)))


def alarms_of_stack(endpoint, stack: str) -> list[dict]:
    """The alarms that concern a stack, by plain boto3: on its functions or queues, or its own."""
    resources = endpoint.client("cloudformation").describe_stack_resources(StackName=stack)["StackResources"]
    functions = {r["PhysicalResourceId"] for r in resources if r["ResourceType"] == "AWS::Lambda::Function"}
    queues = {r["PhysicalResourceId"].rsplit("/", 1)[-1] for r in resources if r["ResourceType"] == "AWS::SQS::Queue"}
    own = {r["PhysicalResourceId"] for r in resources if r["ResourceType"] == "AWS::CloudWatch::Alarm"}
    found = []
    for alarm in endpoint.client("cloudwatch").describe_alarms()["MetricAlarms"]:
        dimensions = {(d["Name"], d["Value"]) for d in alarm.get("Dimensions", [])}
        if (alarm["AlarmName"] in own or any(("FunctionName", f) in dimensions for f in functions)
                or any(("QueueName", q) in dimensions for q in queues)):
            found.append(alarm)
    return found


def alarms_text(alarms: list[dict]) -> str:
    firing = sum(1 for a in alarms if a["StateValue"] == "ALARM")
    return f"{firing} ALARM" if firing else (f"{len(alarms)} ok" if alarms else "-")


async def test_stacks_list_health_matches_cloudwatch(make_app, demo_session, demo_endpoint) -> None:
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
        for stack in (catalog.THUMBNAILS_STACK, catalog.ORDERS_STACK):
            assert row_of(table, stack)["Alarms"].strip() == alarms_text(alarms_of_stack(demo_endpoint, stack))
        assert "1 GetMetricData" in str(panel.border_subtitle) and "last 15 min" in str(panel.border_subtitle)
        pulse = screen.query_one(PulsePanel)
        await wait_loaded(pilot, pulse)
        assert pulse.data.limit == 1000 and pulse.data.counted_from == "functions"
        firing = demo_endpoint.client("cloudwatch").describe_alarms(StateValue="ALARM")["MetricAlarms"]
        assert [a.name for a in pulse.data.alarms_firing] == sorted(a["AlarmName"] for a in firing)


async def test_a_stack_with_an_alarm_in_alarm_stands_out_and_sorts_first(scratch_endpoint) -> None:
    session = session_on(scratch_endpoint.endpoint, scratch_endpoint.region, scratch_endpoint.credentials)
    quiet, _ = make_stack(session, functions=1)
    burning, names = make_stack(session, functions=1)
    assert invoke_status(session.client("lambda", max_attempts=1), names[0]) == 200
    alarm = f"burning-{uuid.uuid4().hex[:6]}"
    cloudwatch = session.client("cloudwatch")
    # Breaching for real: the demo world evaluates its alarms from its metrics, as CloudWatch does.
    cloudwatch.put_metric_alarm(AlarmName=alarm, Namespace="AWS/Lambda", MetricName="Invocations", Statistic="Sum",
                                Dimensions=[{"Name": "FunctionName", "Value": names[0]}], Period=60,
                                EvaluationPeriods=1, Threshold=1, ComparisonOperator="GreaterThanOrEqualToThreshold",
                                TreatMissingData="breaching")
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


async def test_denied_metrics_or_alarms_degrade_the_figures_not_the_list(make_app, demo_session) -> None:
    """AccessDenied on GetMetricData: the stacks still list, the subtitle says what was refused.
    AccessDenied on DescribeAlarms alone: the figures still come, the alarms say why not."""
    from botocore.exceptions import ClientError

    def deny(operation: str):
        def refuse(**_kwargs):
            raise ClientError({"Error": {"Code": "AccessDenied", "Message": f"not authorized to perform: cloudwatch:{operation}"}},
                              operation)
        return refuse

    cloudwatch = demo_session.client("cloudwatch")
    cloudwatch.meta.events.register("before-call.monitoring.DescribeAlarms", deny("DescribeAlarms"), unique_id="deny-alarms")
    app = make_app()
    async with app.run_test(size=(160, 40)) as pilot:
        panel = app.screen.query_one(StacksPanel)
        await wait_loaded(pilot, panel)
        await wait_for(pilot, lambda: panel.measured(catalog.ORDERS_STACK) is not None, 20, "the figures")
        assert "alarms: " in str(panel.border_subtitle) and "DescribeAlarms" in str(panel.border_subtitle)
        assert row_of(panel.query_one(RecordTable), catalog.ORDERS_STACK)["Alarms"] == "?"
        cloudwatch.meta.events.register("before-call.monitoring.GetMetricData", deny("GetMetricData"), unique_id="deny-metrics")
        await pilot.press("r")
        await wait_for(pilot, lambda: "⚠" in str(panel.border_subtitle), 20, "the refusal in the subtitle")
        assert "GetMetricData" in str(panel.border_subtitle)
        assert len(panel.query_one(RecordTable).shown) == len(panel.data) > 0  # the list stays
        assert not panel.has_class("-failed")  # the panel itself did not fail
