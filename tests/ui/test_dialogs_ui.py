"""Every dialog that asks for typed input has the focus in its box, Ctrl+C in any dialog closes
it changing nothing (and says so, naming the quit key), and the stack restore shows what it
will put back on each function, including one it cannot restore.

Functions and stacks are made in the scratch world; keys are pressed as a person would.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input

from stackview.app import create_app
from stackview.aws.functions import reserved_concurrency
from stackview.screens.function.concurrency import ConcurrencyPanel
from stackview.screens.function.screen import FunctionScreen
from stackview.screens.invoke.picker import EventPickerScreen
from stackview.screens.invoke.prompt import NamePrompt
from stackview.screens.invoke.screen import InvokeScreen
from stackview.screens.levers.dialog import InputDialog
from stackview.screens.stack.functions import FunctionsPanel
from stackview.screens.stack.screen import StackScreen
from stackview.widgets.confirm import ConfirmScreen
from stackview.widgets.interrupt import NOTICE
from stackview.widgets.jump_bar import JumpScreen
from tests.aws.functions_helpers import make_function, make_stack, session_on

from .helpers import wait_for, wait_loaded


@pytest.fixture(autouse=True)
def state_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("STACKVIEW_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("STACKVIEW_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "state"


@pytest.fixture
def session(scratch_endpoint):
    return session_on(scratch_endpoint.endpoint, scratch_endpoint.region, scratch_endpoint.credentials)


def notices(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def opened(pilot, kind, under):
    """Wait for the dialog `kind` to open over the screen `under`, and settle."""
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, kind), message=kind.__name__)
    await pilot.pause()
    return pilot.app.screen


async def interrupted(pilot, dialog, under) -> None:
    """Ctrl+C closes `dialog` (back to `under`) and the notice says nothing changed."""
    await pilot.press("ctrl+c")
    await wait_for(pilot, lambda: pilot.app.screen is under, message=f"{type(dialog).__name__} closed")
    assert NOTICE in notices(pilot.app)
    pilot.app.clear_notifications()


async def test_function_dialogs_focus_their_box_and_close_on_ctrl_c(session) -> None:
    name = make_function(session)
    session.client("lambda").put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=3)
    app = create_app(session)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: len(app.screen_stack) >= 2, message="first screen")
        await pilot.press("colon")
        jump = await opened(pilot, JumpScreen, app.screen_stack[-2])
        assert isinstance(jump.focused, Input)
        await pilot.press(*f"fn {name}")
        assert jump.focused.value == f":fn {name}"
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, FunctionScreen), message="the function")
        screen = app.screen
        await pilot.press("4")
        await wait_loaded(pilot, screen.query_one(ConcurrencyPanel))

        await pilot.press("colon")
        await interrupted(pilot, await opened(pilot, JumpScreen, screen), screen)

        await pilot.press("n")  # reserve: the number box has the focus, with the current value
        asked = await opened(pilot, InputDialog, screen)
        field = asked.query_one("#field-n", Input)
        assert asked.focused is field and field.value == "3"
        await pilot.press("backspace", "7")
        assert field.value == "7"
        await interrupted(pilot, asked, screen)

        await pilot.press("t")  # throttle: Cancel has the focus; Ctrl+C cancels like Esc
        confirm = await opened(pilot, ConfirmScreen, screen)
        assert confirm.focused.id == "confirm-cancel"
        await interrupted(pilot, confirm, screen)
        assert reserved_concurrency(session, name) == 3


async def test_invoke_dialogs_focus_their_box_and_close_on_ctrl_c(session) -> None:
    name = make_function(session)
    app = create_app(session)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: len(app.screen_stack) >= 2, message="first screen")
        app.open("invoke", name)
        await wait_for(pilot, lambda: isinstance(app.screen, InvokeScreen), message="the invoke screen")
        screen = app.screen
        await wait_for(pilot, lambda: screen.state is not None and "loading" not in screen.status_text,
                       message="qualifiers")
        await pilot.press("ctrl+s")  # save the event: the name box has the focus
        prompt = await opened(pilot, NamePrompt, screen)
        assert prompt.focused is prompt.query_one(Input)
        await pilot.press(*"order-7")
        assert prompt.query_one(Input).value == "order-7"
        await interrupted(pilot, prompt, screen)

        await pilot.press("ctrl+o")
        await interrupted(pilot, await opened(pilot, EventPickerScreen, screen), screen)


async def test_kill_switch_dialog_closes_on_ctrl_c_and_restore_shows_each_prior(session, state_dir) -> None:
    stack, names = make_stack(session, functions=3)
    lam = session.client("lambda")
    lam.put_function_concurrency(FunctionName=names[0], ReservedConcurrentExecutions=4)
    app = create_app(session)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: len(app.screen_stack) >= 2, message="first screen")
        app.open("stack", stack)
        await wait_for(pilot, lambda: isinstance(app.screen, StackScreen) and bool(app.screen.query(FunctionsPanel)))
        screen = app.screen
        await pilot.press("6")
        panel = screen.query_one(FunctionsPanel)
        await wait_loaded(pilot, panel)

        await pilot.press("T")
        kill = await opened(pilot, ConfirmScreen, screen)
        assert kill.focused.id == "confirm-typed"
        await pilot.press(*stack[:4])
        await interrupted(pilot, kill, screen)
        assert [reserved_concurrency(session, n) for n in names] == [4, None, None]

        await pilot.press("T")
        kill = await opened(pilot, ConfirmScreen, screen)
        await pilot.press(*stack, "enter")
        await wait_for(pilot, lambda: all(reserved_concurrency(session, n) == 0 for n in names),
                       timeout=30, message="the kill switch")
        # One function is put back by hand, another throttled outside stackview (no record).
        lam.delete_function_concurrency(FunctionName=names[1])
        lam.untag_resource(Resource=lam.get_function(FunctionName=names[2])["Configuration"]["FunctionArn"],
                           TagKeys=["stackview:prior-reserved-concurrency"])
        (state_dir / "audit.jsonl").unlink()  # ... and no audit log to fall back on
        panel.reload()
        await wait_for(pilot, lambda: panel.data is not None and not panel.loading, message="reload")

        await pilot.press("U")
        restore = await opened(pilot, ConfirmScreen, screen)
        shown = dict(restore.details)
        assert shown[names[0]] == "0 -> 4 (recorded in the tag)"
        assert shown[names[1]] == "none, not throttled: unchanged"
        assert shown[names[2]] == "0, no prior state recorded: stays throttled"
        assert restore.title_text == f"Restore 2 throttled functions of {stack}?"
        await interrupted(pilot, restore, screen)
        assert [reserved_concurrency(session, n) for n in names] == [0, None, 0]
