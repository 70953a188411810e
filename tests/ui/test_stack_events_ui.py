"""The Events tab's whole story: Enter on an event opens it with every field and the failure
reason in full (however long), `c` copies the reason, Esc goes back to the table; at 80 columns
the Status column stays in view."""

from __future__ import annotations

from textual.widgets import Static

from stackview.screens.stack.event_detail import EventDetailScreen
from stackview.screens.stack.events import EventsPanel
from stackview.screens.stack.screen import StackScreen
from stackview.widgets.record_table import RecordTable

from .helpers import wait_for, wait_loaded


async def open_events(pilot) -> EventsPanel:
    app = pilot.app
    await wait_for(pilot, lambda: app.catalog["stacks"], message="the stacks")
    await pilot.press("colon", *"stack orders-prod", "enter")
    await wait_for(pilot, lambda: isinstance(app.screen, StackScreen) and bool(app.screen.query(EventsPanel)),
                   message="the stack")
    await pilot.press("4")
    panel = app.screen.query_one(EventsPanel)
    await wait_loaded(pilot, panel)
    await pilot.pause()
    return panel


async def test_enter_opens_the_whole_event_and_c_copies_its_reason(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        panel = await open_events(pilot)
        table = panel.query_one(RecordTable)
        failed = [i for i, r in enumerate(table.shown) if r.value.status == "UPDATE_FAILED"
                  and len(r.value.status_reason) > 100]
        assert failed, "the demo's failed update has a long reason"
        for _ in range(failed[0]):
            await pilot.press("j")
        event = table.selected.value
        # In the table the reason cannot be read whole at this width: it ends in "…" (never a
        # silent cut), and Enter opens it.
        shown_reason = table.get_row_at(failed[0])[4].plain
        assert shown_reason.endswith("…") and len(shown_reason) < len(event.status_reason)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, EventDetailScreen), message="the event")
        detail = app.screen
        await pilot.pause()
        reason = str(detail.query_one("#event-reason", Static).render())
        assert " ".join(event.status_reason.split()) in " ".join(reason.split())  # whole, wrapped
        fields = str(detail.query_one("#event-fields", Static).render())
        for value in (event.logical_id, event.physical_id, event.resource_type, event.event_id, "orders-prod"):
            assert value in fields
        await pilot.press("c")
        assert app.clipboard == event.status_reason
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, StackScreen), message="back to the table")
        assert app.screen.focused is table


async def test_status_stays_in_view_at_80_columns(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        panel = await open_events(pilot)
        table = panel.query_one(RecordTable)
        status = list(table.columns.values())[3]
        before_status = sum(c.get_render_width(table) for c in list(table.columns.values())[:3])
        assert str(status.label) == "Status"
        widest = max((r.value.status for r in table.shown if len(r.value.status) <= 30), key=len)
        assert before_status + len(widest) + 2 <= table.scrollable_content_region.width
