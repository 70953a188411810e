"""The function screen and the stack's Functions tab, read side: every tab, masked environment
values, keys that open logs and invoke, and what read-only hides.

These tests build a small world of their own in the scratch endpoint (a function with secrets in
its environment, two published versions and a weighted alias, a reservation, a stack) so they do
not depend on the seeded demo world's content; nothing here changes anything.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from stackview.app import create_app
from stackview.screens.function.screen import FunctionScreen
from stackview.screens.function.overview import MASK, OverviewPanel
from stackview.screens.function.aliases import AliasesPanel
from stackview.screens.function.concurrency import ConcurrencyPanel
from stackview.screens.function.versions import VersionsPanel
from stackview.screens.stack.screen import StackScreen
from stackview.widgets.app_screen import LogScope
from stackview.screens.stack.functions import FunctionsPanel
from stackview.screens.stack.resources import ResourcesPanel
from stackview.widgets.alias_bar import AliasBar
from stackview.widgets.confirm import ConfirmScreen
from stackview.widgets.record_table import RecordTable
from tests.aws.functions_helpers import make_function, make_stack, session_on

from .helpers import column, column_named, wait_for, wait_loaded

SECRET = "Sup3rS3cretValue42"


@dataclass(frozen=True)
class World:
    endpoint: str
    region: str
    credentials: tuple[str, str]
    function: str
    stack: str
    stack_functions: list[str]

    def session(self):
        return session_on(self.endpoint, self.region, self.credentials)


@pytest.fixture(scope="module")
def world(scratch_endpoint) -> World:
    session = session_on(scratch_endpoint.endpoint, scratch_endpoint.region, scratch_endpoint.credentials)
    lam = session.client("lambda")
    name = make_function(session, Environment={"Variables": {"DB_PASSWORD": SECRET, "STAGE": "prod"}},
                         Tags={"team": "[bold]ops[/bold]"}, MemorySize=512)
    lam.publish_version(FunctionName=name, Description="first release")
    lam.update_function_configuration(FunctionName=name, Description="second")
    lam.publish_version(FunctionName=name, Description="canary build")
    lam.create_alias(FunctionName=name, Name="live", FunctionVersion="1",
                     RoutingConfig={"AdditionalVersionWeights": {"2": 0.1}})
    lam.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=7)
    stack, functions = make_stack(session, functions=2)
    lam.put_function_concurrency(FunctionName=functions[0], ReservedConcurrentExecutions=0)
    return World(scratch_endpoint.endpoint, scratch_endpoint.region, scratch_endpoint.credentials,
                 name, stack, functions)


def screen_text(app) -> str:
    """What is on the terminal, as text (the SVG screenshot keeps every visible character)."""
    return app.export_screenshot().replace("&#160;", " ")


async def open_function(pilot, name: str) -> FunctionScreen:
    pilot.app.open("function", name)
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, FunctionScreen)
                   and bool(pilot.app.screen.query(ConcurrencyPanel)), message="function screen")
    return pilot.app.screen


async def test_overview_masks_environment_until_revealed(world) -> None:
    app = create_app(world.session())
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_function(pilot, world.function)
        overview = screen.query_one(OverviewPanel)
        await wait_loaded(pilot, overview)
        await pilot.pause()
        body = overview.text()
        assert "DB_PASSWORD" in body and MASK in body
        assert SECRET not in body and SECRET not in screen_text(app)
        # Everything else of the configuration is there, shown literally.
        for expected in ("python3.11", "app.handler", "512 MB", f"/aws/lambda/{world.function}",
                         "[bold]ops[/bold]", "Text format"):
            assert expected in body, expected

        def key_ids() -> set[str]:
            return {active.binding.id for active in app.screen.active_bindings.values()}

        assert "function.reveal" in key_ids() and "function.hide" not in key_ids()
        await pilot.press("v")
        await pilot.pause()
        body = overview.text()
        assert SECRET in body and SECRET in screen_text(app)
        assert "function.hide" in key_ids() and "function.reveal" not in key_ids()  # the footer says Hide
        await pilot.press("v")
        await pilot.pause()
        assert SECRET not in screen_text(app)
        assert "function.reveal" in key_ids()

        # Revealed for this screen only: a new function screen starts masked.
        await pilot.press("v", "escape")
        screen = await open_function(pilot, world.function)
        await wait_loaded(pilot, screen.query_one(OverviewPanel))
        await pilot.pause()
        assert SECRET not in screen_text(app)


async def test_versions_aliases_and_concurrency_tabs(world) -> None:
    app = create_app(world.session())
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_function(pilot, world.function)
        await pilot.press("2")
        versions = screen.query_one(VersionsPanel)
        await wait_loaded(pilot, versions)
        assert column(versions.query_one(RecordTable), 0) == ["$LATEST", "2", "1"]
        assert "canary build" in column(versions.query_one(RecordTable), 4)

        await pilot.press("3")
        aliases = screen.query_one(AliasesPanel)
        await wait_loaded(pilot, aliases)
        assert column(aliases.query_one(RecordTable), 0) == ["live"]
        assert column(aliases.query_one(RecordTable), 1) == ["1 + 2"]
        traffic = column(aliases.query_one(RecordTable), 2)[0]
        assert traffic.startswith("v1 90% ") and traffic.endswith(" v2 10%")
        bar = str(screen.query_one(AliasBar).render())
        assert "live" in bar and "v1 90%" in bar and "v2 10%" in bar

        await pilot.press("4")
        concurrency = screen.query_one(ConcurrencyPanel)
        await wait_loaded(pilot, concurrency)
        summary = str(concurrency.query_one("#concurrency-summary").render())
        assert "Reserved" in summary and "7" in summary
        assert "unreserved of 1000" in summary  # the demo world answers GetAccountSettings
        assert concurrency.data.reserved == 7


async def test_unavailable_calls_degrade_to_a_note(world) -> None:
    """An endpoint without GetAccountSettings / provisioned concurrency: the tab says so."""
    from tests.aws.functions_helpers import fail_calls

    session = world.session()
    fail_calls(session, "GetAccountSettings", code="404", status=404)
    fail_calls(session, "ListProvisionedConcurrencyConfigs", code="404", status=404)
    app = create_app(session)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_function(pilot, world.function)
        await pilot.press("4")
        concurrency = screen.query_one(ConcurrencyPanel)
        await wait_loaded(pilot, concurrency)
        assert concurrency.error is None
        summary = str(concurrency.query_one("#concurrency-summary").render())
        assert "GetAccountSettings is not available on this endpoint" in summary
        note = str(concurrency.query_one("#provisioned-note").render())
        assert "provisioned concurrency is not available on this endpoint" in note
        assert "7" in summary


async def test_keys_open_logs_and_invoke_with_the_selected_qualifier(world) -> None:
    app = create_app(world.session())
    opened: list[tuple] = []
    real_open = app.open

    def open(kind: str, target: str = "", **kw) -> None:
        if kind == "logs":
            opened.append(("logs", target, app.screen.log_scope()))
        elif kind == "invoke":
            opened.append((kind, target, kw.get("qualifier")))
        else:
            real_open(kind, target, **kw)

    app.open = open
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_function(pilot, world.function)
        await pilot.press("l", "i")
        await pilot.press("3")
        await wait_loaded(pilot, screen.query_one(AliasesPanel))
        await pilot.pause()
        await pilot.press("i")
        await pilot.press("2")
        await wait_loaded(pilot, screen.query_one(VersionsPanel))
        await pilot.pause()
        await pilot.press("i", "j", "i")  # $LATEST is no qualifier; version 2 is
        assert opened == [
            ("logs", "", LogScope(functions=(world.function,))),
            ("invoke", world.function, None),
            ("invoke", world.function, "live"),
            ("invoke", world.function, None),
            ("invoke", world.function, "2"),
        ]


def footer_keys(screen) -> set[str]:
    return {binding.id for _, binding, _, _ in screen.active_bindings.values() if binding.id}


async def test_read_only_hides_every_lever(world) -> None:
    for read_only in (False, True):
        app = create_app(world.session(), read_only=read_only)
        async with app.run_test(size=(120, 40)) as pilot:
            screen = await open_function(pilot, world.function)
            await pilot.pause()
            keys = footer_keys(screen)
            levers = {"function.throttle", "function.unthrottle", "function.reserve", "function.invoke"}
            assert "function.logs" in keys and "function.reveal" in keys
            assert (levers & keys) == (set() if read_only else levers)
            await pilot.press("3")
            await pilot.pause()
            alias_keys = {"function.alias_weight", "function.alias_promote", "function.alias_rollback"}
            assert (alias_keys & footer_keys(screen)) == (set() if read_only else alias_keys)
            # Pressing a hidden lever's key does nothing; a visible one opens its dialog.
            await pilot.press("1", "t")
            if read_only:
                await pilot.pause(0.3)
                assert app.screen is screen
            else:
                await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), message="confirm")
                await pilot.press("enter")  # Cancel has the focus
                await wait_for(pilot, lambda: app.screen is screen, message="dialog closed")


async def test_stack_functions_tab_and_enter_opens_the_function(world) -> None:
    app = create_app(world.session())
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.push_screen(StackScreen(world.stack, world.stack))
        await wait_for(pilot, lambda: isinstance(app.screen, StackScreen) and bool(app.screen.query(FunctionsPanel)))
        screen = app.screen
        assert screen.log_scope() == LogScope(stack=world.stack)
        await pilot.press("6")
        panel = screen.query_one(FunctionsPanel)
        await wait_loaded(pilot, panel)
        table = panel.query_one(RecordTable)
        assert sorted(column(table, 0)) == sorted(world.stack_functions)
        # Reservations are read for the rows on screen, after the rows are drawn.
        await wait_for(pilot, lambda: not any(cell.endswith("?") for cell in column_named(table, "Conc / Res")),
                       message="the reservations of the rows on screen")
        reserved = dict(zip(column(table, 0), column_named(table, "Conc / Res")))
        assert "THROTTLED" in reserved[world.stack_functions[0]]
        assert reserved[world.stack_functions[1]].endswith("/ none")
        assert column_named(table, "Runtime") == ["python3.11", "python3.11"]
        table.move_cursor(row=column(table, 0).index(world.stack_functions[1]))
        await wait_for(pilot, lambda: table.has_focus, message="the Functions table to have the focus")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, FunctionScreen))
        assert app.screen.function_name == world.stack_functions[1]
        assert app.screen.crumb == world.stack_functions[1]

        # Enter on a function row of the Resources tab opens it too.
        await pilot.press("escape")
        await pilot.press("1")
        resources = screen.query_one(ResourcesPanel)
        await wait_loaded(pilot, resources)
        table = resources.query_one(RecordTable)
        row = next(i for i, r in enumerate(table.shown) if r.value.is_function)
        table.move_cursor(row=row)
        table.focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, FunctionScreen))
        assert app.screen.function_name == table.shown[row].value.physical_id


async def test_stack_kill_switch_keys_hidden_in_read_only(world) -> None:
    for read_only in (False, True):
        app = create_app(world.session(), read_only=read_only)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            app.push_screen(StackScreen(world.stack, world.stack))
            await wait_for(pilot, lambda: isinstance(app.screen, StackScreen) and bool(app.screen.query(FunctionsPanel)))
            await pilot.pause()
            keys = footer_keys(app.screen)
            assert "stack.logs" in keys
            kill = {"stack.throttle", "stack.unthrottle"}
            assert (kill & keys) == (set() if read_only else kill)
