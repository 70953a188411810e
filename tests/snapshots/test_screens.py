"""Snapshots of the main screens on the fixed demo world, in a dark and a light theme."""

from __future__ import annotations

import pytest
from textual.pilot import Pilot

from stackview.widgets.data_panel import DataPanel

from ..ui.helpers import wait_for
from .conftest import SIZE, THEMES


async def settle(pilot: Pilot, timeout: float = 20.0) -> None:
    """Wait until the identity is known and every panel of the screen has answered."""
    app = pilot.app

    def answered(panel: DataPanel) -> bool:
        if panel.data is None and panel.error is None:
            return panel.stale and not panel.seen()  # a tab never shown does not load
        poll = getattr(panel, "poll", None)  # the health columns: their sweep done
        if poll is not None and panel.data and (poll.sweeps == 0 or poll.running):
            return False
        return getattr(panel, "budget", True) is not None or not panel.seen()  # reservations read

    def ready() -> bool:
        if app.identity is None:
            return False
        # Panels in a hidden tab may wait to be shown before their first fetch (load_when_shown).
        return all(answered(panel) for panel in app.screen.query(DataPanel) if panel.is_mounted and panel.seen())

    await wait_for(pilot, ready, timeout, "the screen to finish loading")
    await pilot.pause(0.2)


def run(*steps):
    """A run_before for snap_compare: settle, then each step (keys or a callable), settling after each."""

    async def before(pilot: Pilot) -> None:
        await settle(pilot)
        for step in steps:
            if callable(step):
                step(pilot.app)
            else:
                await pilot.press(*step.split())
            await pilot.pause(0.1)
            await settle(pilot)

    return before


@pytest.mark.parametrize("theme", THEMES)
def test_stacks(snap_compare, snapshot_app, theme) -> None:
    assert snap_compare(snapshot_app(theme), terminal_size=SIZE, run_before=run())


@pytest.mark.parametrize("theme", THEMES)
def test_stack_with_a_failed_update(snap_compare, snapshot_app, theme) -> None:
    """orders-prod rolled back: the reason in the summary, the failed resources in red."""
    app = snapshot_app(theme)
    assert snap_compare(app, terminal_size=SIZE, run_before=run(lambda a: a.jump("stack orders-prod")))


@pytest.mark.parametrize("theme", THEMES)
def test_stack_events(snap_compare, snapshot_app, theme) -> None:
    app = snapshot_app(theme)
    assert snap_compare(app, terminal_size=SIZE,
                        run_before=run(lambda a: a.jump("stack orders-prod"), "4"))


@pytest.mark.parametrize("theme", THEMES)
def test_stack_functions_with_health(snap_compare, snapshot_app, theme) -> None:
    """The Functions tab of orders-prod: errors, error %, duration, concurrency against the
    reservation, sparklines, and what the figures cost in the subtitle."""
    app = snapshot_app(theme)
    assert snap_compare(app, terminal_size=SIZE,
                        run_before=run(lambda a: a.jump("stack orders-prod"), "6"))


def test_all_functions(snap_compare, snapshot_app) -> None:
    app = snapshot_app(THEMES[0])
    assert snap_compare(app, terminal_size=SIZE, run_before=run(lambda a: a.jump("functions")))


def test_stack_outputs(snap_compare, snapshot_app) -> None:
    app = snapshot_app(THEMES[0])
    assert snap_compare(app, terminal_size=SIZE,
                        run_before=run(lambda a: a.jump("stack thumbnails-prod"), "2"))


@pytest.mark.parametrize("theme", THEMES)
def test_function_aliases_with_the_canary(snap_compare, snapshot_app, theme) -> None:
    app = snapshot_app(theme)
    assert snap_compare(app, terminal_size=SIZE,
                        run_before=run(lambda a: a.open("function", "thumbnails-prod-convert-file"), "3"))


def test_function_overview_masks_the_environment(snap_compare, snapshot_app) -> None:
    app = snapshot_app(THEMES[0])
    assert snap_compare(app, terminal_size=SIZE,
                        run_before=run(lambda a: a.open("function", "orders-prod-worker")))


def test_read_only_badge_and_no_levers(snap_compare, snapshot_app) -> None:
    app = snapshot_app(THEMES[0], read_only=True)
    assert snap_compare(app, terminal_size=SIZE,
                        run_before=run(lambda a: a.open("function", "orders-prod-api")))


@pytest.mark.parametrize("theme", THEMES)
def test_throttle_confirmation(snap_compare, snapshot_app, theme) -> None:
    """The lever's dialog: function, account, region, the reservation now and after; Cancel focused."""
    app = snapshot_app(theme)

    async def before(pilot: Pilot) -> None:
        from stackview.widgets.confirm import ConfirmScreen

        await run(lambda a: a.open("function", "orders-prod-worker"))(pilot)
        await pilot.press("t")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), 20, "the confirmation")
        await pilot.pause(0.3)

    assert snap_compare(app, terminal_size=SIZE, run_before=before)


@pytest.mark.parametrize("theme", THEMES)
def test_logs_with_a_filter(snap_compare, snapshot_app, theme, monkeypatch) -> None:
    """A function's log from a fixed start, filtered: levels, REPORT summaries, the status line
    once the history has been read (0 ev/s: the world has no live traffic), and the note saying
    why Live Tail is not used (kept on for the snapshot: it goes after a while)."""
    from stackview.screens.logs import screen as logs_screen
    from stackview.screens.logs.screen import LogsScreen

    monkeypatch.setattr(logs_screen, "LIVE_NOTE_SECONDS", 3600.0)

    app = snapshot_app(theme)

    async def before(pilot: Pilot) -> None:
        await settle(pilot)
        app.push_screen(LogsScreen(functions=["reports-prod-generate"], pattern="?ERROR ?REPORT ?Task",
                                   since="2026-11-23T11:00:00Z"))
        def quiet() -> bool:
            screen = app.screen
            tail = getattr(screen, "tail", None)
            if tail is None:
                return False
            stats = tail.stats()
            return stats.delivered > 0 and stats.events_per_s == 0

        await wait_for(pilot, quiet, 30, "the tail to settle")
        await wait_for(pilot, lambda: "live stream" in app.screen.query_one("#logs-errors").render().plain,
                       30, "the Live Tail note")
        app.clear_notifications()
        await pilot.pause(0.5)  # the next drain tick repaints the status line

    assert snap_compare(app, terminal_size=SIZE, run_before=before)


@pytest.mark.parametrize("theme", THEMES)
def test_invoke_screen_before_sending(snap_compare, snapshot_app, theme) -> None:
    """The invoke screen on an alias: qualifier, type, the event editor, the empty result."""
    from stackview.screens.invoke.screen import InvokeScreen

    app = snapshot_app(theme)

    async def before(pilot: Pilot) -> None:
        await settle(pilot)
        app.open("invoke", "thumbnails-prod-convert-file", qualifier="live")
        await wait_for(pilot, lambda: isinstance(app.screen, InvokeScreen), 20, "the invoke screen")
        screen = app.screen
        # The qualifier list loads in a worker; the editor checks the JSON after a short pause.
        await wait_for(pilot, lambda: screen.is_mounted and "versions and aliases besides" in screen.status_text,
                       20, "the qualifiers")
        await wait_for(pilot, lambda: "valid JSON" in str(screen.query_one("#json-status").render()),
                       20, "the JSON check")
        screen.editor.text_area.cursor_blink = False  # a blinking cursor is drawn or not by chance
        await pilot.pause(0.3)

    assert snap_compare(app, terminal_size=SIZE, run_before=before)


@pytest.mark.parametrize("theme", THEMES)
def test_insights_cold_starts_chart(snap_compare, snapshot_app, theme) -> None:
    """Logs Insights on a stack: a canned `stats ... by bin(5m)` query, its chart and its rows."""
    from stackview.screens.insights.screen import InsightsScreen

    app = snapshot_app(theme)

    async def before(pilot: Pilot) -> None:
        await settle(pilot)
        app.open("insights", stack="thumbnails-prod", canned="cold-starts", since="3h")
        await wait_for(pilot, lambda: isinstance(app.screen, InsightsScreen), 20, "the insights screen")
        screen = app.screen
        await wait_for(pilot, lambda: screen.scope is not None, 20, "the stack's log groups")
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: screen.current is None and screen.results is not None
                       and bool(screen.query("RecordTable")) and bool(screen.query_one("RecordTable").records),
                       30, "the results")
        await pilot.press("escape")  # leave the editor: the table has the focus, no cursor blinks
        await pilot.pause(0.3)

    assert snap_compare(app, terminal_size=SIZE, run_before=before)


def test_function_invocations(snap_compare, snapshot_app) -> None:
    """The Invocations tab: the last invocations from REPORT lines, cold starts and outcomes."""
    app = snapshot_app(THEMES[0])
    assert snap_compare(app, terminal_size=SIZE,
                        run_before=run(lambda a: a.open("function", "thumbnails-prod-convert-file"), "7"))
