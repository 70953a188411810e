"""Walk the demo world as a user would: stacks -> a stack -> every tab, filters, errors."""

from __future__ import annotations

from botocore.exceptions import ClientError

from stackview.demo.seed import catalog
from stackview.screens.stack.events import EventsPanel
from stackview.screens.stack.outputs import OutputsPanel, ParametersPanel
from stackview.screens.stack.resources import ResourcesPanel
from stackview.screens.stack.screen import StackScreen
from stackview.screens.stack.summary import StackSummaryPanel
from stackview.screens.stack.template import TemplatePanel
from stackview.screens.stacks import StacksPanel, StacksScreen
from stackview.widgets.record_table import RecordTable

from .helpers import column, column_named, wait_for, wait_loaded


async def open_stacks(pilot) -> RecordTable:
    screen = pilot.app.screen
    assert isinstance(screen, StacksScreen)
    await wait_loaded(pilot, screen.query_one(StacksPanel))
    return screen.query_one(RecordTable)


async def test_stacks_list_shows_the_demo_world(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        table = await open_stacks(pilot)
        rows = dict(zip(column(table, 0), column_named(table, "Status")))
        top = {name for name in rows if not name.startswith(" ")}
        nested = [name.strip(" └") for name in rows if name.startswith(" ")]
        assert top == {spec.name for spec in catalog.STACKS}
        assert len(nested) == 1 and nested[0].startswith(f"{catalog.REPORTS_STACK}-{catalog.REPORTS_NESTED_LOGICAL_ID}-")
        assert rows[catalog.FAILED_STACK] == catalog.FAILED_STACK_STATUS
        assert {rows[name] for name in top - {catalog.FAILED_STACK}} == {"UPDATE_COMPLETE"}
        assert app.identity is not None and app.identity.account == "123456789012"


async def test_c_copies_the_selected_stacks_arn(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        table = await open_stacks(pilot)
        await pilot.press("c")
        assert app.clipboard == table.selected.value.stack_id and app.clipboard.startswith("arn:aws:cloudformation:")
        assert any(n.message == "Stack ARN copied" for n in app._notifications)


async def test_filter_hides_rows_and_recalls(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        table = await open_stacks(pilot)
        total = len(table.shown)
        first = column(table, 0)[0].strip(" └")
        await pilot.press("slash")
        await pilot.press(*first[:6])
        await pilot.press("enter")
        assert 1 <= len(table.shown) < total or total == 1
        assert all(first[:6].lower() in r.search for r in table.shown)
        panel = app.screen.query_one(StacksPanel)
        assert f"/{first[:6]}" in str(panel.border_title)
        assert table.has_focus
        # `/` recalls the active filter; Esc keeps it (restores the value before this edit).
        await pilot.press("slash")
        filter_input = app.screen.query_one("#stacks-filter")
        assert filter_input.value == first[:6]
        await pilot.press("backspace", "escape")
        assert table.filter_text == first[:6]


async def test_every_tab_of_a_stack(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        table = await open_stacks(pilot)
        table.focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, StackScreen), message="stack screen")
        screen = app.screen
        await wait_loaded(pilot, screen.query_one(StackSummaryPanel))
        resources = screen.query_one(ResourcesPanel)
        await wait_loaded(pilot, resources)
        assert len(resources.query_one(RecordTable).shown) > 0
        for key, panel_type in (("2", OutputsPanel), ("3", ParametersPanel)):
            await pilot.press(key)
            panel = screen.query_one(panel_type)
            assert panel.query_one(RecordTable).records is not None
        await pilot.press("4")
        events = screen.query_one(EventsPanel)
        await wait_loaded(pilot, events)
        assert len(events.events) > 0
        await pilot.press("5")
        template = screen.query_one(TemplatePanel)
        await wait_loaded(pilot, template)
        assert template.template is not None and "Resources" in template.template.body
        await pilot.press("escape")
        assert isinstance(app.screen, StacksScreen)


async def test_failed_stack_events_show_the_failure(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        table = await open_stacks(pilot)
        index = next(i for i, s in enumerate(column_named(table, "Status")) if "ROLLBACK" in s or "FAILED" in s)
        table.move_cursor(row=index)
        table.focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, StackScreen))
        await pilot.press("4")
        events = app.screen.query_one(EventsPanel)
        await wait_loaded(pilot, events)
        failed = [e for e in events.events.values() if e.status.endswith("_FAILED")]
        assert failed and all(e.status_reason for e in failed)


async def test_access_denied_degrades_one_panel(make_app, demo_session) -> None:
    """AccessDenied on ListStackResources: that tab says so; outputs still load."""
    client = demo_session.client("cloudformation")

    def deny(**_kwargs):
        raise ClientError(
            {"Error": {"Code": "AccessDenied", "Message": "User: x is not authorized to perform: cloudformation:ListStackResources"}},
            "ListStackResources",
        )

    client.meta.events.register("before-call.cloudformation.ListStackResources", deny, unique_id="deny-test")
    try:
        app = make_app()
        async with app.run_test(size=(120, 40)) as pilot:
            table = await open_stacks(pilot)
            table.focus()
            await pilot.press("enter")
            await wait_for(pilot, lambda: isinstance(app.screen, StackScreen))
            resources = app.screen.query_one(ResourcesPanel)
            await wait_loaded(pilot, resources)
            assert resources.error is not None and resources.error.kind == "access-denied"
            assert "ListStackResources" in resources.error.message
            summary = app.screen.query_one(StackSummaryPanel)
            await wait_loaded(pilot, summary)
            assert summary.error is None and summary.data is not None
    finally:
        client.meta.events.unregister("before-call.cloudformation.ListStackResources", unique_id="deny-test")


async def test_read_only_badge(make_app) -> None:
    app = make_app(read_only=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_stacks(pilot)
        await wait_for(pilot, lambda: app.identity is not None)
        await pilot.pause()
        header = app.screen.query_one("#context")
        assert "READ-ONLY" in str(header.render())
