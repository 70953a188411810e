"""The command palette offers the current screen's own commands, and never a hidden lever; app
settings reach the screens they concern."""

from __future__ import annotations

from textual.command import CommandPalette
from textual.widgets import TabbedContent

from stackview.screens.function.screen import FunctionScreen
from stackview.screens.stack.screen import StackScreen
from stackview.widgets.palette import ScreenCommandsProvider

from .helpers import wait_for


async def titles(app, query: str) -> list[str]:
    provider = ScreenCommandsProvider(app.screen)
    return [str(hit.text) async for hit in provider.search(query)]


async def test_a_screen_command_runs_from_the_palette(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.catalog["stacks"], message="the stacks")
        app.jump("stack orders-prod")
        await wait_for(pilot, lambda: isinstance(app.screen, StackScreen), message="the stack screen")
        await pilot.pause(0.2)
        assert any(t.startswith("Events") for t in await titles(app, "events"))
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette), message="the palette")
        await pilot.press(*"Events (4")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, StackScreen), message="back on the stack")
        await wait_for(pilot, lambda: app.screen.query_one(TabbedContent).active == "events",
                       message="the Events tab")


async def test_levers_are_offered_only_when_not_read_only(make_app) -> None:
    for read_only, expected in ((False, True), (True, False)):
        app = make_app(read_only=read_only)
        async with app.run_test(size=(120, 40)) as pilot:
            app.open("function", "orders-prod-worker")
            await wait_for(pilot, lambda: isinstance(app.screen, FunctionScreen), message="the function")
            await pilot.pause(0.3)
            found = await titles(app, "throttle")
            assert any(t.startswith("Throttle") for t in found) is expected, found
            assert not any(t.startswith("Quit") for t in await titles(app, "quit"))  # the app's own


async def test_the_project_directory_reaches_the_invoke_screen(make_app, tmp_path) -> None:
    from stackview.screens.invoke.screen import InvokeScreen

    app = make_app(project_dir=tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        app.open("invoke", "orders-prod-api")
        await wait_for(pilot, lambda: isinstance(app.screen, InvokeScreen), message="the invoke screen")
        await wait_for(pilot, lambda: app.screen.query("#invoke-editor-box"), message="its editor")
        await pilot.pause(0.5)
        assert app.screen.project_dir == tmp_path
