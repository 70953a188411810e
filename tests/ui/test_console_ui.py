"""`o` on the stacks list and on a stack: the stack's console link, copied (no AWS call); on the
stack's Events tab `o` still loads older events."""

from __future__ import annotations

from stackview.screens.stack.events import EventsPanel
from stackview.screens.stack.screen import StackScreen
from stackview.screens.stacks import StacksPanel
from stackview.widgets.record_table import RecordTable

from .helpers import wait_for, wait_loaded


async def test_o_copies_the_stack_console_link(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        panel = app.screen.query_one(StacksPanel)
        await wait_loaded(pilot, panel)
        table = panel.query_one(RecordTable)
        stack = table.selected.value
        await pilot.press("o")
        await wait_for(pilot, lambda: bool(app.clipboard), message="a link")
        assert app.clipboard.startswith("https://us-east-1.console.aws.amazon.com/cloudformation/home?region=us-east-1"
                                        "#/stacks/stackinfo?stackId=arn%3Aaws%3Acloudformation%3A")
        assert app.clipboard.endswith(stack.stack_id.rsplit("/", 1)[-1])

        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, StackScreen), message="the stack")
        app.copy_to_clipboard("")
        await pilot.press("o")
        await wait_for(pilot, lambda: bool(app.clipboard), message="the stack's link")
        assert stack.stack_id.rsplit("/", 1)[-1] in app.clipboard

        app.copy_to_clipboard("")
        await pilot.press("4")
        events = app.screen.query_one(EventsPanel)
        await wait_loaded(pilot, events)
        await wait_for(pilot, lambda: events.query_one(RecordTable).has_focus, message="events focus")
        await pilot.press("o")  # the Events tab's own key: older events, not the console
        await pilot.pause(0.3)
        assert app.clipboard == ""
