"""The levers as a user pulls them: key, dialog (Cancel focused), confirmation, result as a
notification, panels reloaded, and the account really changed (or, when refused, unchanged).

Every test creates its own functions in the scratch endpoint, never in the shared seeded world.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Button, Input

from stackview import audit
from stackview.app import create_app
from stackview.aws.functions import get_alias, reserved_concurrency
from stackview.screens.function.screen import FunctionScreen
from stackview.screens.function.aliases import AliasesPanel
from stackview.screens.function.concurrency import ConcurrencyPanel
from stackview.screens.levers.dialog import InputDialog
from stackview.screens.stack.screen import StackScreen
from stackview.screens.stack.functions import FunctionsPanel
from stackview.widgets.confirm import ConfirmScreen
from stackview.widgets.record_table import RecordTable
from tests.aws.functions_helpers import invoke_status, make_function, make_stack, session_on

from .helpers import column, column_named, wait_for, wait_loaded

ACCOUNT = "123456789012"


@pytest.fixture(autouse=True)
def state_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("STACKVIEW_STATE_DIR", str(tmp_path / "state"))
    return tmp_path / "state"


@pytest.fixture
def session(scratch_endpoint):
    return session_on(scratch_endpoint.endpoint, scratch_endpoint.region, scratch_endpoint.credentials)


def record_notices(app) -> list[tuple[str, str]]:
    """Every notification the app shows, as (message, severity)."""
    seen: list[tuple[str, str]] = []
    original = app.notify

    def notify(message, *args, **kwargs):
        seen.append((str(message), kwargs.get("severity", "information")))
        return original(message, *args, **kwargs)

    app.notify = notify
    return seen


async def open_function(pilot, name: str) -> FunctionScreen:
    pilot.app.open("function", name)
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, FunctionScreen)
                   and bool(pilot.app.screen.query(ConcurrencyPanel)), message="function screen")
    return pilot.app.screen


async def dialog(pilot, kind):
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, kind), message=kind.__name__)
    await pilot.pause()
    return pilot.app.screen


def details(confirm: ConfirmScreen) -> dict[str, str]:
    return dict(confirm.details)


async def confirm(pilot) -> None:
    """Move from Cancel (focused) to the action button and press it."""
    screen = pilot.app.screen
    assert screen.focused is screen.query_one("#confirm-cancel", Button)
    await pilot.press("tab", "enter")


async def wait_notice(pilot, notices, text: str) -> tuple[str, str]:
    await wait_for(pilot, lambda: any(text in message for message, _ in notices), message=f"notice '{text}'")
    return next(n for n in notices if text in n[0])


async def test_throttle_then_unthrottle_restores_the_reservation(session) -> None:
    name = make_function(session)
    lam = session.client("lambda")
    lam.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=5)
    app = create_app(session)
    notices = record_notices(app)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_function(pilot, name)
        await pilot.press("4")
        concurrency = screen.query_one(ConcurrencyPanel)
        await wait_loaded(pilot, concurrency)

        # Enter on the dialog cancels (Cancel has the focus): nothing changes.
        await pilot.press("t")
        asked = await dialog(pilot, ConfirmScreen)
        assert details(asked) == {"Function": name, "Account": ACCOUNT, "Region": session.region,
                                  "Reserved now": "5", "After": "0 (throttled)"}
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is screen)
        assert reserved_concurrency(session, name) == 5

        await pilot.press("t")
        await dialog(pilot, ConfirmScreen)
        await confirm(pilot)
        message, severity = await wait_notice(pilot, notices, f"throttled {name}")
        assert "5 -> 0" in message and severity == "information"
        assert reserved_concurrency(session, name) == 0
        assert invoke_status(lam, name) == "TooManyRequestsException"
        await wait_for(pilot, lambda: concurrency.data is not None and concurrency.data.reserved == 0,
                       message="the Concurrency tab to reload")
        summary = str(concurrency.query_one("#concurrency-summary").render())
        assert "THROTTLED" in summary and "unthrottle restores 5 (recorded in the tag)" in summary

        await pilot.press("u")
        asked = await dialog(pilot, ConfirmScreen)
        assert details(asked)["Restores"] == "5 (recorded in the tag)"
        await confirm(pilot)
        await wait_notice(pilot, notices, f"unthrottled {name}")
        assert reserved_concurrency(session, name) == 5
        assert invoke_status(lam, name) == 200

    actions = [(e["action"], e["before"], e["after"], e["outcome"]) for e in audit.entries()
               if e["target"].endswith(f":function:{name}")]
    assert actions == [("throttle", 5, 0, "ok"), ("unthrottle", 0, 5, "ok")]


async def test_unthrottle_without_a_prior_reservation_removes_it(session) -> None:
    name = make_function(session)
    app = create_app(session)
    notices = record_notices(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_function(pilot, name)
        await pilot.press("t")
        assert details(await dialog(pilot, ConfirmScreen))["Reserved now"] == "none"
        await confirm(pilot)
        await wait_notice(pilot, notices, f"throttled {name}")
        await pilot.press("u")
        assert details(await dialog(pilot, ConfirmScreen))["Restores"] == "none (recorded in the tag)"
        await confirm(pilot)
        await wait_notice(pilot, notices, f"unthrottled {name}")
    assert reserved_concurrency(session, name) is None


async def test_reservation_beyond_the_account_is_refused_and_nothing_changes(session) -> None:
    name = make_function(session)
    app = create_app(session)
    notices = record_notices(app)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_function(pilot, name)
        await pilot.press("n")
        ask = await dialog(pilot, InputDialog)
        assert "unreserved" in ask.hint
        # A typo is explained in the dialog, which stays open.
        await pilot.press(*"ten", "enter")
        await pilot.pause()
        assert app.screen is ask
        assert "whole number" in str(ask.query_one("#dialog-error").render())
        # More than the account's pool can give is refused in the dialog, before any confirmation.
        field = ask.query_one(Input)
        field.value = "1000"
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is ask
        assert "must stay unreserved" in str(ask.query_one("#dialog-error").render())
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen)
        assert reserved_concurrency(session, name) is None
        assert not any(entry["action"] == "set-reserved-concurrency" for entry in audit.entries())

        await pilot.press("n")
        ask = await dialog(pilot, InputDialog)
        ask.query_one(Input).value = "3"
        await pilot.press("enter")
        await dialog(pilot, ConfirmScreen)
        await confirm(pilot)
        await wait_notice(pilot, notices, "none -> 3")
    assert reserved_concurrency(session, name) == 3


def canary(session) -> str:
    lam = session.client("lambda")
    name = make_function(session)
    lam.publish_version(FunctionName=name)
    lam.update_function_configuration(FunctionName=name, Description="second")
    lam.publish_version(FunctionName=name)
    lam.create_alias(FunctionName=name, Name="live", FunctionVersion="1")
    return name


async def open_aliases(pilot, name: str) -> AliasesPanel:
    screen = await open_function(pilot, name)
    await pilot.press("3")
    panel = screen.query_one(AliasesPanel)
    await wait_loaded(pilot, panel)
    await wait_for(pilot, lambda: panel.query_one(RecordTable).has_focus, message="aliases table focus")
    return panel


async def test_alias_shift_promote_and_rollback(session) -> None:
    name = canary(session)
    app = create_app(session)
    notices = record_notices(app)
    async with app.run_test(size=(120, 40)) as pilot:
        panel = await open_aliases(pilot, name)
        await pilot.press("w")
        ask = await dialog(pilot, InputDialog)
        assert ask.values() == {"version": "2", "percent": ""}  # the newest other version
        await pilot.press(*"25", "enter")  # the percentage has the focus; Enter on the last field accepts
        asked = await dialog(pilot, ConfirmScreen)
        assert details(asked)["Now"] == "v1 100%" and details(asked)["After"] == "v1 75% + v2 25%"
        await confirm(pilot)
        await wait_notice(pilot, notices, "v1 100% -> v1 75% + v2 25%")
        assert get_alias(session, name, "live").additional_weight == pytest.approx(0.25)
        await wait_for(pilot, lambda: column(panel.query_one(RecordTable), 1) == ["1 + 2"],
                       message="the Aliases tab to reload")

        await pilot.press("p")
        asked = await dialog(pilot, ConfirmScreen)
        assert details(asked)["After"] == "v2 100%"
        await confirm(pilot)
        await wait_notice(pilot, notices, "-> v2 100%")
        alias = get_alias(session, name, "live")
        assert (alias.function_version, alias.additional_version) == ("2", None)

        # Back to a canary, then roll it back.
        await wait_for(pilot, lambda: column(panel.query_one(RecordTable), 1) == ["2"])
        await pilot.press("w")
        ask = await dialog(pilot, InputDialog)
        ask.query_one("#field-version", Input).value = "1"
        ask.query_one("#field-percent", Input).value = "10"
        ask.query_one("#dialog-ok", Button).press()
        await dialog(pilot, ConfirmScreen)
        await confirm(pilot)
        await wait_notice(pilot, notices, "v2 90% + v1 10%")
        await wait_for(pilot, lambda: column(panel.query_one(RecordTable), 1) == ["2 + 1"])
        await pilot.press("b")
        assert details(await dialog(pilot, ConfirmScreen))["After"] == "v2 100%"
        await confirm(pilot)
        await wait_notice(pilot, notices, "v2 90% + v1 10% -> v2 100%")
    alias = get_alias(session, name, "live")
    assert (alias.function_version, alias.additional_version) == ("2", None)


async def test_alias_changed_by_someone_else_is_a_conflict(session) -> None:
    name = canary(session)
    lam = session.client("lambda")
    lam.update_alias(FunctionName=name, Name="live", RoutingConfig={"AdditionalVersionWeights": {"2": 0.1}})
    app = create_app(session)
    notices = record_notices(app)
    async with app.run_test(size=(120, 40)) as pilot:
        panel = await open_aliases(pilot, name)
        # A teammate shifts the canary after this screen read the alias.
        lam.update_alias(FunctionName=name, Name="live", RoutingConfig={"AdditionalVersionWeights": {"2": 0.5}})
        await pilot.press("b")
        await dialog(pilot, ConfirmScreen)
        await confirm(pilot)
        message, severity = await wait_notice(pilot, notices, "changed by someone else")
        assert severity == "error" and "reload" in message
        # Not overwritten, and the tab now shows what the teammate did.
        assert get_alias(session, name, "live").additional_weight == pytest.approx(0.5)
        await wait_for(pilot, lambda: "v2 50%" in column(panel.query_one(RecordTable), 2)[0],
                       message="the Aliases tab to reload")


async def test_stack_kill_switch_needs_the_typed_name_and_restores_each_function(session) -> None:
    stack, names = make_stack(session, functions=2)
    lam = session.client("lambda")
    lam.put_function_concurrency(FunctionName=names[0], ReservedConcurrentExecutions=4)
    app = create_app(session)
    notices = record_notices(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.push_screen(StackScreen(stack, stack))
        await wait_for(pilot, lambda: isinstance(app.screen, StackScreen) and bool(app.screen.query(FunctionsPanel)))
        screen = app.screen
        await pilot.press("6")
        panel = screen.query_one(FunctionsPanel)
        await wait_loaded(pilot, panel)

        await pilot.press("T")
        asked = await dialog(pilot, ConfirmScreen)
        assert asked.type_to_confirm == stack
        assert details(asked) == {"Stack": stack, "Account": ACCOUNT, "Region": session.region,
                                  names[0]: "4", names[1]: "none"}
        ok = asked.query_one("#confirm-ok", Button)
        typed = asked.query_one("#confirm-typed", Input)
        typed.focus()
        await pilot.press(*stack[:-1])
        assert ok.disabled
        await pilot.press(stack[-1])
        assert not ok.disabled
        await pilot.press("enter")
        message, _ = await wait_notice(pilot, notices, f"{stack}: throttled 2 of 2 functions")
        assert f"{names[0]}: 4 -> 0" in message and f"{names[1]}: none -> 0" in message
        assert [reserved_concurrency(session, n) for n in names] == [0, 0]
        await wait_for(pilot, lambda: all("THROTTLED" in cell for cell in column_named(panel.query_one(RecordTable), "Conc / Res")),
                       message="THROTTLED badges")

        await pilot.press("U")
        await dialog(pilot, ConfirmScreen)
        await confirm(pilot)
        await wait_notice(pilot, notices, f"{stack}: restored 2 of 2 functions")
    assert [reserved_concurrency(session, n) for n in names] == [4, None]


def test_alias_bar_keeps_a_small_share_visible_and_parsers_explain() -> None:
    from stackview.models.functions import Alias
    from stackview.screens.levers.dialog import parse_percent, parse_reservation
    from stackview.widgets.alias_bar import routing_text, split_cells

    assert split_cells(Alias("live", "4", "5", 0.1), 20) == (18, 2)
    assert split_cells(Alias("live", "4", "5", 0.01), 20) == (19, 1)  # 1% still shows
    assert split_cells(Alias("live", "4", "5", 0.999), 20) == (1, 19)  # and so does the 0.1% left
    assert split_cells(Alias("live", "4", "5", 1.0), 20) == (0, 20)
    assert split_cells(Alias("live", "4"), 20) == (20, 0)
    assert routing_text(Alias("live", "4", "5", 0.125)) == "v4 87.5% + v5 12.5%"
    assert parse_reservation(" None ") is None and parse_reservation("0") == 0
    assert parse_percent("12.5%") == 12.5
    for bad in ("-1", "1.5", "ten", ""):
        with pytest.raises(ValueError):
            parse_reservation(bad)
    for bad in ("101", "-3", "nan", "x"):
        with pytest.raises(ValueError):
            parse_percent(bad)
