"""A new screen is one module plus one registry line: `:`, its completion, the palette and the
header all know it from that line alone."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.command import CommandPalette
from textual.widgets import Input, Static

from stackview.navigation import REQUIRED, Command
from stackview.screens.registry import ENTRIES, Entry, Registry
from stackview.widgets.app_header import AppHeader
from stackview.widgets.app_screen import AppScreen

from .helpers import wait_for


class DummyScreen(AppScreen):
    """The trivial screen a test registers: it shows the stack it was opened for."""

    BINDINGS = [Binding("escape", "back", "Back", id="dummy.back")]

    def __init__(self, stack: str) -> None:
        super().__init__()
        self.stack = stack
        self.crumb = f"dummy {stack}"

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Static(f"the dummy view of {self.stack}", id="dummy-body")


DUMMY = Entry(Command("dummy", ("dummy",), REQUIRED, ("stacks",)), f"{__name__}:DummyScreen",
              title="Dummy", help="open the dummy view")


async def test_a_registered_screen_opens_from_the_jump_prompt_and_the_palette(make_app) -> None:
    app = make_app(registry=Registry((*ENTRIES, DUMMY)))
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_for(pilot, lambda: app.catalog["stacks"], message="the stacks")
        await pilot.press("colon", *"dum")
        prompt = app.screen.query_one(Input)
        await wait_for(pilot, lambda: prompt._suggestion == ":dummy", message="the completion")
        await pilot.press("tab", "space", *"orders-prod", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, DummyScreen), message="the dummy screen")
        assert app.screen.stack == "orders-prod"
        assert "dummy orders-prod" in str(app.screen.query_one("#crumbs").render())

        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, DummyScreen), message="back")
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette), message="the palette")
        await pilot.press(*"Dummy: thumbnails-prod")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, DummyScreen), message="the dummy from the palette")
        assert app.screen.stack == "thumbnails-prod"


async def test_an_unregistered_word_is_not_a_command(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_for(pilot, lambda: app.catalog["stacks"], message="the stacks")
        app.jump("dummy orders-prod")
        await pilot.pause()
        assert not isinstance(app.screen, DummyScreen)
        assert any("unknown command or name" in n.message for n in app._notifications)
