"""Small terminals: what must stay visible at 80x24 (and at 60x20 for the riskiest dialog).

At 80x24: the header names the current screen and keeps the READ-ONLY badge, the footer shows the
screen's keys, tables keep the Status column (the selection's state), dialogs keep their title,
question and buttons (their details scroll). On the fixed demo world, dark theme.
"""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import Input

from stackview.screens.stack.event_detail import EventDetailScreen
from stackview.widgets.confirm import ConfirmScreen

from ..ui.helpers import wait_for
from .conftest import THEMES
from .test_screens import run, settle

SMALL = (80, 24)
TINY = (60, 20)


def test_stacks_read_only_at_80x24(snap_compare, snapshot_app) -> None:
    app = snapshot_app(THEMES[0], read_only=True)
    assert snap_compare(app, terminal_size=SMALL, run_before=run())


def test_stack_events_at_80x24(snap_compare, snapshot_app) -> None:
    """The failed update's events: Status stays in view; the long columns end in "…"."""
    app = snapshot_app(THEMES[0])
    assert snap_compare(app, terminal_size=SMALL, run_before=run(lambda a: a.jump("stack orders-prod"), "4"))


def test_stack_functions_at_80x24(snap_compare, snapshot_app) -> None:
    """The reservation column (THROTTLED) stays in view."""
    app = snapshot_app(THEMES[0])
    assert snap_compare(app, terminal_size=SMALL, run_before=run(lambda a: a.jump("stack orders-prod"), "6"))


def test_function_read_only_at_80x24(snap_compare, snapshot_app) -> None:
    app = snapshot_app(THEMES[0], read_only=True)
    assert snap_compare(app, terminal_size=SMALL,
                        run_before=run(lambda a: a.open("function", "orders-prod-worker"), "4"))


def test_event_detail_at_80x24(snap_compare, snapshot_app) -> None:
    """Enter on the failed update of the worker: the whole reason, wrapped, and every field."""
    app = snapshot_app(THEMES[0])

    async def before(pilot: Pilot) -> None:
        await run(lambda a: a.jump("stack orders-prod"), "4")(pilot)
        table = app.screen.query_one("#events-panel").query_one("RecordTable")
        row = next(i for i, r in enumerate(table.shown)
                   if r.value.status == "UPDATE_FAILED" and r.value.logical_id == "WorkerFunction")
        table.move_cursor(row=row)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, EventDetailScreen), 20, "the event")
        await pilot.pause(0.3)

    assert snap_compare(app, terminal_size=SMALL, run_before=before)


def kill_switch(app):
    async def before(pilot: Pilot) -> None:
        await run(lambda a: a.jump("stack thumbnails-prod"))(pilot)
        await pilot.press("T")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), 20, "the kill switch")
        await pilot.pause(0.3)
        app.screen.query_one(Input).cursor_blink = False  # a blinking cursor is drawn or not
        await pilot.press(*"thumbnails", "enter")  # a wrong name: said in the dialog
        await pilot.pause(0.3)
        await settle(pilot)

    return before


def test_kill_switch_at_80x24(snap_compare, snapshot_app) -> None:
    app = snapshot_app(THEMES[0])
    assert snap_compare(app, terminal_size=SMALL, run_before=kill_switch(app))


def test_kill_switch_at_60x20(snap_compare, snapshot_app) -> None:
    """The title, the question, the box and the buttons stay; the function list scrolls."""
    app = snapshot_app(THEMES[0])
    assert snap_compare(app, terminal_size=TINY, run_before=kill_switch(app))
