"""The Insights screen, by keys: opening it from the stack, function and log screens, editing with
completion and canned queries, running, reading rows and the chart, Enter on a row, errors.

The scratch demo world holds known Lambda lines (tests/aws/insights_helpers.py); a second demo
world whose Insights engine scans slowly keeps a query running long enough to watch and stop it.
Where a test needs an exact answer shape (a malformed query at a given position, a two-bucket
`stats ... by bin()`), the Insights calls of `stackview.aws.insights_run` are replaced for that
test; the rest runs against the endpoints.
"""

from __future__ import annotations

import json

import pytest

from stackview.app import create_app
from stackview.aws import insights_run
from stackview.logs.insights import find_query
from stackview.models.insights import QueryResults, ResultRow
from stackview.screens.function.screen import FunctionScreen
from stackview.screens.insights.editor import QueryEditor
from stackview.screens.insights.picker import QueryPicker
from stackview.screens.insights.results import ChartView
from stackview.screens.insights.screen import InsightsScreen
from stackview.screens.logs.request import RequestScreen
from stackview.screens.logs.screen import LogsScreen
from stackview.screens.stack.screen import StackScreen
from stackview.widgets.record_table import RecordTable
from tests.aws.functions_helpers import make_stack
from stackview.aws.insights import describe_queries
from tests.aws.functions_helpers import session_on
from tests.aws.insights_helpers import SLOW_EVENTS, SLOW_GROUP, InvocationsWorld, build, slow_insights_world

from .helpers import wait_for

pytestmark = pytest.mark.demo


@pytest.fixture(scope="module")
def world(scratch_endpoint) -> InvocationsWorld:
    return build(scratch_endpoint)


def text_of(screen, selector: str) -> str:
    return screen.query_one(selector).render().plain


async def open_insights(pilot, world: InvocationsWorld, **options) -> InsightsScreen:
    pilot.app.open("insights", functions=options.pop("functions", (world.text_function,)), **options)
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, InsightsScreen), message="insights screen")
    screen = pilot.app.screen
    await wait_for(pilot, lambda: screen.scope is not None, 20, "the log groups")
    return screen


def results_shown(screen: InsightsScreen) -> bool:
    """The answer's rows are in the table (the table is mounted first, then filled)."""
    tables = screen.query(RecordTable)
    return bool(tables) and bool(tables.first().records)


async def replace_query(pilot, text: str) -> None:
    await pilot.press("f7")  # select all in the editor
    await pilot.press(*[{"\n": "enter", " ": "space"}.get(c, c) for c in text])


async def test_l_opens_it_on_the_stack_the_function_and_the_log_view(world) -> None:
    session = world.session()
    stack, functions = make_stack(session, functions=2)
    app = create_app(session)
    async with app.run_test(size=(140, 40)) as pilot:
        app.open("stack", stack)
        await wait_for(pilot, lambda: isinstance(app.screen, StackScreen), message="stack screen")
        await pilot.press("L")
        await wait_for(pilot, lambda: isinstance(app.screen, InsightsScreen), message="insights from the stack")
        screen = app.screen
        await wait_for(pilot, lambda: screen.scope is not None, 20, "the stack's groups")
        assert set(screen.scope.groups) == {f"/aws/lambda/{name}" for name in functions}
        assert screen.stack == stack and "2 log groups" in text_of(screen, "#insights-scope")
        assert screen.query_one(QueryEditor).has_focus
        await pilot.press("escape", "escape")  # out of the editor, then back
        assert isinstance(app.screen, StackScreen)

        app.open("function", world.text_function)
        await wait_for(pilot, lambda: isinstance(app.screen, FunctionScreen), message="function screen")
        await pilot.press("L")
        await wait_for(pilot, lambda: isinstance(app.screen, InsightsScreen), message="insights from the function")
        screen = app.screen
        await wait_for(pilot, lambda: screen.scope is not None, 20, "the function's group")
        assert screen.scope.groups == (world.text_group,)  # LoggingConfig.LogGroup, not a guess

        await pilot.press("escape", "escape")
        app.push_screen(LogsScreen(functions=[world.json_function], since="30m"))
        await wait_for(pilot, lambda: isinstance(app.screen, LogsScreen) and bool(app.screen.sources),
                       message="the log view's groups")
        await pilot.press("L")
        await wait_for(pilot, lambda: isinstance(app.screen, InsightsScreen), message="insights from the logs")
        screen = app.screen
        assert screen.scope is not None and screen.scope.groups == (world.json_group,)
        assert screen.query_one("#insights-since").value == "30m"


async def test_insights_typed_on_the_log_view_queries_what_it_follows(world) -> None:
    app = create_app(world.session())
    async with app.run_test(size=(140, 40)) as pilot:
        app.push_screen(LogsScreen(functions=[world.json_function], since="30m"))
        await wait_for(pilot, lambda: isinstance(app.screen, LogsScreen) and bool(app.screen.sources),
                       message="the log view's groups")
        await pilot.press("colon", *"insights", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, InsightsScreen), message=":insights from the logs")
        screen = app.screen
        await wait_for(pilot, lambda: screen.scope is not None, message="the scope")
        assert screen.functions == (world.json_function,) and screen.scope.groups == (world.json_group,)


async def test_run_reads_rows_and_enter_opens_the_request(world) -> None:
    app = create_app(world.session())
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_insights(pilot, world)
        await replace_query(pilot, "fields @timestamp, @message\n| sort @timestamp desc\n| limit 4")
        assert screen.query_one(QueryEditor).text == "fields @timestamp, @message\n| sort @timestamp desc\n| limit 4"
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: results_shown(screen), 20, "the results table")
        table = screen.query_one(RecordTable)
        assert [str(c.label) for c in table.columns.values()] == ["@timestamp", "@message"]
        report = f"REPORT RequestId: {world.order[6]}"
        messages = [row.get("@message") for row in (r.value for r in table.shown)]
        assert len(messages) == 4 and messages[0].startswith(report)
        assert "complete in" in text_of(screen, "#insights-status") and "4 rows" in text_of(screen, "#insights-status")
        await pilot.press("escape")  # leaves the editor for the table
        assert table.has_focus and isinstance(app.screen, InsightsScreen)
        await pilot.press("c")
        copied = json.loads(app.clipboard)
        assert copied["@message"] == messages[0] and set(copied) == {"@timestamp", "@message", "@ptr"}
        await pilot.press("e")
        assert screen.query_one(QueryEditor).has_focus
        await pilot.press("escape")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, RequestScreen), message="the request screen")
        assert app.screen.request_id == world.order[6]
        await wait_for(pilot, lambda: app.screen.searched, 20, "the request's lines")
        assert any(e.message.startswith(f"START RequestId: {world.order[6]}") for e in app.screen.lines)


async def test_tab_completes_fields_and_commands(world) -> None:
    app = create_app(world.session())
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_insights(pilot, world)
        editor = screen.query_one(QueryEditor)
        await replace_query(pilot, "filter @billed")
        assert "@billedDuration" in text_of(screen, "#insights-hint")
        await pilot.press("tab")
        assert editor.text == "filter @billedDuration" and editor.has_focus
        await pilot.press(*" | sta", "tab")
        assert editor.text == "filter @billedDuration | stats"
        await pilot.press("space", *"cou", "tab")
        assert editor.text.endswith("stats count(")
        await pilot.press("tab")  # again: the next word that fits
        assert editor.text.endswith("stats count_distinct(")
        await pilot.press("space", "tab")  # nothing to complete: the focus moves on
        assert screen.query_one("#insights-since").has_focus


async def test_ctrl_o_puts_a_canned_query_in_the_editor(world) -> None:
    app = create_app(world.session())
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_insights(pilot, world)
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: isinstance(app.screen, QueryPicker), message="the picker")
        picker = app.screen
        assert picker.query_one("#query-options").has_focus
        await pilot.press("down", "down", "down", "enter")
        assert app.screen is screen
        assert screen.query_one(QueryEditor).text == find_query("cold-starts").query
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: isinstance(app.screen, QueryPicker), message="the picker again")
        await pilot.press("escape")
        assert screen.query_one(QueryEditor).text == find_query("cold-starts").query


async def test_a_malformed_query_is_pointed_at_and_kept(world) -> None:
    query = "fields @message\n| limitt 5"
    app = create_app(world.session())
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_insights(pilot, world)
        editor = screen.query_one(QueryEditor)
        await replace_query(pilot, query)
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: "malformed" in text_of(screen, "#insights-status"), 10, "the error")
        hint = text_of(screen, "#insights-hint")
        assert hint.startswith("malformed query: line 2, column 3: ") and "limitt" in hint
        assert editor.text == query and editor.has_focus
        assert editor.selected_text.startswith("l") and editor.selection.start == (1, 2)
        assert not screen.query(RecordTable)
        await pilot.press("ctrl+r")  # still malformed: still said, still kept
        await wait_for(pilot, lambda: screen.current is None, 10, "the second answer")
        assert editor.text == query and "line 2, column 3" in text_of(screen, "#insights-hint")


@pytest.fixture(scope="module")
def slow_world():
    with slow_insights_world() as world:
        yield world


async def test_progress_while_running_and_ctrl_g_stops_the_query(slow_world) -> None:
    endpoint, credentials, region = slow_world
    session = session_on(endpoint, region, credentials)
    app = create_app(session)
    async with app.run_test(size=(140, 40)) as pilot:
        app.open("insights", groups=(SLOW_GROUP,))
        await wait_for(pilot, lambda: isinstance(app.screen, InsightsScreen), message="insights screen")
        screen = app.screen
        await replace_query(pilot, "stats count(*) by bin(1m)")
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: screen.current is not None
                       and screen.current.progress.statistics.records_scanned >= 2_000, 20, "a query under way")
        await pilot.pause(0.3)
        status = text_of(screen, "#insights-status")
        assert status.startswith("running") and "records scanned" in status
        scanned = int(status.split(" matched of ")[1].split()[0].replace(",", ""))
        assert 0 < scanned < SLOW_EVENTS
        assert screen.check_action("cancel", ()) is True
        query_id = screen.current.progress.query_id
        await pilot.press("ctrl+g")
        await wait_for(pilot, lambda: text_of(screen, "#insights-status").startswith("cancelled"), 15, "the cancel")
        assert screen.current is None and screen.check_action("cancel", ()) is False
        statuses = {q.query_id: q.status for q in describe_queries(session, log_group=SLOW_GROUP)}
        assert statuses[query_id] == "Cancelled"


async def test_leaving_the_screen_stops_a_running_query(world, monkeypatch) -> None:
    stopped: list[str] = []
    monkeypatch.setattr(insights_run, "start_query", lambda *_a, **_k: "q-left")
    monkeypatch.setattr(insights_run, "query_results",
                        lambda _s, _q: QueryResults("Cancelled" if stopped else "Running"))
    monkeypatch.setattr(insights_run, "stop_query", lambda _s, query_id: stopped.append(query_id) or True)
    app = create_app(world.session())
    async with app.run_test(size=(140, 40)) as pilot:
        await open_insights(pilot, world)
        await pilot.press("ctrl+r")
        await pilot.pause(0.3)
        await pilot.press("escape", "escape")
        await wait_for(pilot, lambda: stopped == ["q-left"], 10, "StopQuery")


async def test_stats_by_bin_is_drawn_as_a_chart(world, monkeypatch) -> None:
    rows = tuple(ResultRow((("bin(5m)", f"2026-11-23 10:{m:02d}:00.000"), ("count(*)", str(n))))
                 for m, n in ((10, 4), (0, 2)))
    monkeypatch.setattr(insights_run, "start_query", lambda *_a, **_k: "q-chart")
    monkeypatch.setattr(insights_run, "query_results", lambda _s, _q: QueryResults("Complete", rows))
    app = create_app(world.session())
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_insights(pilot, world)
        await replace_query(pilot, "stats count(*) by bin(5m)")
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: results_shown(screen), 10, "the results")
        chart = screen.query_one(ChartView)
        assert chart.has_class("-shown")
        sparklines = chart.query("Sparkline")
        assert len(sparklines) == 1 and list(sparklines.first().data) == [2.0, 0.0, 4.0]
        assert "count(*)" in chart.query_one(".chart-label").render().plain
        assert "3 buckets" in chart.query_one(".chart-axis").render().plain
        assert len(screen.query_one(RecordTable).shown) == 2


async def test_a_bad_time_range_is_said_and_nothing_runs(world, monkeypatch) -> None:
    started: list[str] = []
    monkeypatch.setattr(insights_run, "start_query", lambda *_a, **_k: started.append("q") or "q")
    app = create_app(world.session())
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_insights(pilot, world)
        await pilot.press("ctrl+t")
        since = screen.query_one("#insights-since")
        assert since.has_focus
        await pilot.press("ctrl+u", *"yesterday", "enter")
        assert text_of(screen, "#insights-hint").startswith("since: cannot read 'yesterday'")
        assert since.has_focus and started == []
        await pilot.press("ctrl+u", "3", "h", "enter")
        await wait_for(pilot, lambda: started == ["q"], 10, "the query")


async def test_more_than_fifty_groups_are_named_as_left_out(world) -> None:
    groups = [world.text_group] + [f"/aws/lambda/idle-{n:02d}" for n in range(59)]
    app = create_app(world.session())
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_insights(pilot, world, functions=(), groups=groups)
        assert len(screen.scope.groups) == 50 and len(screen.scope.left_out) == 10
        assert "querying 50 of 60 log groups" in text_of(screen, "#insights-scope")


async def test_insights_without_a_scope_says_so(world) -> None:
    app = create_app(world.session())
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("colon", *"insights", "enter")
        await pilot.pause(0.2)
        assert not isinstance(app.screen, InsightsScreen)
        assert any(":insights needs a stack or function" in str(n.message) for n in app._notifications)
