"""Regenerate the README's screenshots from the demo world.

    python3 screenshots/generate.py            # every scene, in every theme below
    python3 screenshots/generate.py logs        # only scenes whose name contains "logs"

Starts the demo world (no live traffic, history placed before now), drives the real app headless
through each scene as a user would (keys, the `:` jump, the levers' confirmation) and saves one
SVG per scene and theme into this directory: `<scene>-<theme>.svg`. Nothing here is mocked: the
invoke scene runs the demo function, the log scene tails the demo log groups.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

from textual.pilot import Pilot

from stackview.app import StackviewApp, create_app
from stackview.aws.session import AwsSession
from stackview.demo.process import DEMO_CREDENTIALS, DEMO_REGION, DemoServer
from stackview.models import Target
from stackview.widgets.data_panel import DataPanel

HERE = Path(__file__).resolve().parent
THEMES = ("stackview-dark", "stackview-light")
SIZE = (120, 34)

Scene = Callable[[Pilot], Awaitable[None]]


async def until(pilot: Pilot, ready: Callable[[], bool], what: str, timeout: float = 30.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not ready():
        if loop.time() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        await pilot.pause(0.05)


async def settle(pilot: Pilot) -> None:
    """The identity is known and every panel shown on the current screen has answered (panels of
    hidden tabs do not fetch until shown)."""
    app = pilot.app

    def ready() -> bool:
        panels = [p for p in app.screen.query(DataPanel) if p.is_mounted and p.region.area > 0]
        return app.identity is not None and all(p.data is not None or p.error is not None for p in panels)

    await until(pilot, ready, f"{type(app.screen).__name__} to load")
    await pilot.pause(0.3)


async def stacks(pilot: Pilot) -> None:
    await settle(pilot)


async def stack_resources(pilot: Pilot) -> None:
    await settle(pilot)
    pilot.app.jump("stack thumbnails-prod")
    await settle(pilot)


async def stack_rollback_events(pilot: Pilot) -> None:
    await settle(pilot)
    pilot.app.jump("stack orders-prod")
    await settle(pilot)
    await pilot.press("4")
    await settle(pilot)


async def function_canary(pilot: Pilot) -> None:
    await settle(pilot)
    pilot.app.open("function", "thumbnails-prod-convert-file")
    await settle(pilot)
    await pilot.press("3")
    await settle(pilot)


async def throttle_confirmation(pilot: Pilot) -> None:
    from stackview.widgets.confirm import ConfirmScreen

    await settle(pilot)
    pilot.app.open("function", "orders-prod-worker")
    await settle(pilot)
    await pilot.press("t")
    await until(pilot, lambda: isinstance(pilot.app.screen, ConfirmScreen), "the confirmation")
    await pilot.pause(0.3)


async def logs_filtered(pilot: Pilot) -> None:
    from stackview.widgets.log_view import LogView

    await settle(pilot)
    pilot.app.open("logs", "orders-prod", pattern="?ERROR ?WARN ?Task")
    await pilot.pause(0.5)
    await pilot.press("6")  # since 3h
    view = pilot.app.screen.query_one(LogView)
    await until(pilot, lambda: view.row_count > 10, "log lines")
    await pilot.pause(2.5)  # the remaining pages of the window
    await pilot.press("s")
    await pilot.press(*"InvalidOrder")
    await pilot.press("enter")
    await pilot.pause(0.5)


async def function_triggers(pilot: Pilot) -> None:
    await settle(pilot)
    pilot.app.open("function", "orders-prod-worker")
    await settle(pilot)
    await pilot.press("6")
    await settle(pilot)


async def alarm(pilot: Pilot) -> None:
    await settle(pilot)
    pilot.app.jump("alarm orders-prod-worker-errors")
    await settle(pilot)


async def insights(pilot: Pilot) -> None:
    from stackview.screens.insights.screen import InsightsScreen
    from stackview.widgets.record_table import RecordTable

    await settle(pilot)
    pilot.app.open("insights", "orders-prod", canned="errors-by-message", since="3h")
    await until(pilot, lambda: isinstance(pilot.app.screen, InsightsScreen), "the insights screen")
    screen = pilot.app.screen
    await until(pilot, lambda: screen.scope is not None, "the log groups")
    await pilot.press("ctrl+r")

    def answered() -> bool:
        tables = screen.query(RecordTable)
        return bool(tables) and bool(tables.first().records)

    await until(pilot, answered, "the query's results", timeout=60)
    await pilot.press("escape")  # out of the editor: the results table has the focus
    await pilot.pause(0.5)


async def invoke_error(pilot: Pilot) -> None:
    from stackview.screens.invoke.screen import InvokeScreen
    from stackview.widgets.confirm import ConfirmScreen

    await settle(pilot)
    pilot.app.open("invoke", "thumbnails-prod-convert-file", qualifier="live")
    await until(pilot, lambda: isinstance(pilot.app.screen, InvokeScreen), "the invoke screen")
    screen = pilot.app.screen
    await pilot.pause(0.5)
    event = ('{"Records": [{"eventSource": "aws:s3", "eventName": "ObjectCreated:Put", '
             '"s3": {"bucket": {"name": "thumbnails-prod-uploads"}, '
             '"object": {"key": "missing/holiday.jpg", "size": 48213}}}]}')
    screen.editor.load(event)
    await pilot.pause(0.3)
    await pilot.press("ctrl+r")
    await until(pilot, lambda: isinstance(pilot.app.screen, ConfirmScreen), "the confirmation")
    pilot.app.screen.dismiss(True)
    await until(pilot, lambda: screen.result_view.result is not None, "the result", timeout=60)
    await pilot.pause(0.5)


SCENES: dict[str, Scene] = {
    "stacks": stacks,
    "stack-resources": stack_resources,
    "stack-rollback-events": stack_rollback_events,
    "function-canary": function_canary,
    "throttle-confirmation": throttle_confirmation,
    "logs-filtered": logs_filtered,
    "function-triggers": function_triggers,
    "alarm": alarm,
    "insights": insights,
    "invoke-error": invoke_error,
}


def build_app(endpoint: str, theme: str) -> StackviewApp:
    target = Target(region=DEMO_REGION, endpoint_url=endpoint, demo=True)
    app = create_app(AwsSession(target, credentials=DEMO_CREDENTIALS))
    app.theme = theme
    return app


async def shoot(endpoint: str, name: str, scene: Scene, theme: str) -> Path:
    app = build_app(endpoint, theme)
    async with app.run_test(size=SIZE) as pilot:
        await scene(pilot)
        path = HERE / f"{name}-{theme}.svg"
        app.save_screenshot(path.name, str(HERE))
    return path


def main(argv: list[str]) -> int:
    wanted = [(name, scene) for name, scene in SCENES.items() if not argv or any(a in name for a in argv)]
    server = DemoServer(traffic=False)
    endpoint = server.start()
    try:
        for name, scene in wanted:
            for theme in THEMES:
                print(asyncio.run(shoot(endpoint, name, scene, theme)).relative_to(HERE.parent))
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
