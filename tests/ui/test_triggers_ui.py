"""The Triggers tab as a user works it: the queue, its DLQ and its depth on screen; disable and
enable the mapping, set and restore its maximum concurrency, each through a dialog whose Cancel
has the focus; read-only hides every queue lever; `o` copies the queue's console link.

Every test wires its own function and queues in the scratch world."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input

from stackview import audit
from stackview.app import create_app
from stackview.screens.function.screen import FunctionScreen
from stackview.screens.function.triggers import TriggersPanel
from stackview.screens.levers.dialog import InputDialog
from stackview.widgets.confirm import ConfirmScreen
from stackview.widgets.record_table import RecordTable
from tests.aws.functions_helpers import session_on
from tests.aws.sources_helpers import wait_visible, wire_queue

from .helpers import column, wait_for, wait_loaded
from .test_levers_ui import confirm, details, dialog, record_notices, wait_notice

QUEUE_LEVERS = {"function.mapping_disable", "function.mapping_enable", "function.mapping_max",
                "function.mapping_restore_max", "function.redrive"}


@pytest.fixture(autouse=True)
def state_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("STACKVIEW_STATE_DIR", str(tmp_path / "state"))
    return tmp_path / "state"


@pytest.fixture
def session(scratch_endpoint):
    return session_on(scratch_endpoint.endpoint, scratch_endpoint.region, scratch_endpoint.credentials)


async def open_triggers(pilot, name: str) -> tuple[FunctionScreen, TriggersPanel]:
    pilot.app.open("function", name)
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, FunctionScreen)
                   and bool(pilot.app.screen.query(TriggersPanel)), message="function screen")
    screen = pilot.app.screen
    await pilot.press("6")
    panel = screen.query_one(TriggersPanel)
    await wait_loaded(pilot, panel)
    await wait_for(pilot, lambda: panel.query_one(RecordTable).has_focus, message="triggers table focus")
    return screen, panel


def state_column(panel: TriggersPanel) -> list[str]:
    return column(panel.query_one(RecordTable), 2)


def keys(screen) -> set[str]:
    return {binding.id for _, binding, _, _ in screen.active_bindings.values() if binding.id}


async def test_disable_then_enable_the_mapping(session) -> None:
    wired = wire_queue(session)
    app = create_app(session)
    notices = record_notices(app)
    async with app.run_test(size=(140, 40)) as pilot:
        screen, panel = await open_triggers(pilot, wired.function)
        table = panel.query_one(RecordTable)
        assert column(table, 0) == ["SQS", "└ DLQ"]
        assert column(table, 1)[1] == wired.dlq_arn.rsplit(":", 1)[-1]
        assert state_column(panel)[0] == "Enabled"

        await pilot.press("d")
        asked = await dialog(pilot, ConfirmScreen)
        assert details(asked)["State now"] == "Enabled" and details(asked)["After"] == "Disabled"
        assert details(asked)["Queue now"] == "0 messages"
        await pilot.press("enter")  # Cancel has the focus: nothing changes
        await wait_for(pilot, lambda: app.screen is screen, message="dialog closed")
        assert session.client("lambda").get_event_source_mapping(UUID=wired.uuid)["State"] == "Enabled"

        await pilot.press("d")
        await dialog(pilot, ConfirmScreen)
        await confirm(pilot)
        await wait_notice(pilot, notices, "disabled the mapping")
        await wait_for(pilot, lambda: state_column(panel)[0] == "Disabled", message="the tab to reload")
        session.client("sqs").send_message(QueueUrl=wired.queue_url, MessageBody="{}")
        await pilot.press("r")
        await wait_for(pilot, lambda: column(panel.query_one(RecordTable), 5)[0] == "1", message="depth 1")

        await pilot.press("e")
        asked = await dialog(pilot, ConfirmScreen)
        assert details(asked)["After"] == "Enabled" and details(asked)["Queue now"] == "1 messages"
        await confirm(pilot)
        await wait_notice(pilot, notices, "enabled the mapping")
        await wait_for(pilot, lambda: state_column(panel)[0] == "Enabled", message="the tab to reload")
    session.client("sqs").send_message(QueueUrl=wired.queue_url, MessageBody="{}")
    assert wait_visible(session, wired.queue_url, 0) == 0
    assert [e["action"] for e in audit.entries()] == ["mapping-disable", "mapping-enable"]


async def test_maximum_concurrency_set_and_restored_through_keys(session) -> None:
    wired = wire_queue(session)
    lam = session.client("lambda")
    app = create_app(session)
    notices = record_notices(app)
    async with app.run_test(size=(140, 40)) as pilot:
        screen, panel = await open_triggers(pilot, wired.function)
        await pilot.press("m")
        ask = await dialog(pilot, InputDialog)
        assert ask.focused is ask.query_one(Input) and ask.values() == {"n": ""}
        await pilot.press("1", "enter")  # below 2: explained, the dialog stays
        await pilot.pause()
        assert app.screen is ask and "from 2 to 1000" in str(ask.query_one("#dialog-error").render())
        await pilot.press("backspace", "5", "enter")
        asked = await dialog(pilot, ConfirmScreen)
        assert (details(asked)["Maximum now"], details(asked)["After"]) == ("none", "5")
        assert details(asked)["Restore (M)"] == "puts back none"
        await confirm(pilot)
        await wait_notice(pilot, notices, "none -> 5")
        assert lam.get_event_source_mapping(UUID=wired.uuid)["ScalingConfig"] == {"MaximumConcurrency": 5}
        await wait_for(pilot, lambda: column(panel.query_one(RecordTable), 4)[0] == "5", message="reload")

        await pilot.press("M")
        asked = await dialog(pilot, ConfirmScreen)
        assert details(asked)["Restores"] == "none (recorded in the tag)"
        await confirm(pilot)
        await wait_notice(pilot, notices, "5 -> none (restored from the tag)")
        await wait_for(pilot, lambda: column(panel.query_one(RecordTable), 4)[0] == "none", message="reload")
    assert not (lam.get_event_source_mapping(UUID=wired.uuid).get("ScalingConfig") or {}).get("MaximumConcurrency")


async def test_read_only_hides_the_queue_levers(session) -> None:
    wired = wire_queue(session)
    for read_only in (False, True):
        app = create_app(session, read_only=read_only)
        async with app.run_test(size=(140, 40)) as pilot:
            screen, _ = await open_triggers(pilot, wired.function)
            await pilot.pause()
            assert (QUEUE_LEVERS & keys(screen)) == (set() if read_only else QUEUE_LEVERS)
            await pilot.press("d")
            if read_only:
                await pilot.pause(0.3)
                assert app.screen is screen
            else:
                await dialog(pilot, ConfirmScreen)
                await pilot.press("enter")
                await wait_for(pilot, lambda: app.screen is screen, message="dialog closed")
            await pilot.press("1")
            await pilot.pause()
            assert not (QUEUE_LEVERS & keys(screen))  # only on the Triggers tab
    assert session.client("lambda").get_event_source_mapping(UUID=wired.uuid)["State"] == "Enabled"


async def test_o_copies_the_console_link_of_the_queue_or_the_function(session) -> None:
    wired = wire_queue(session)
    app = create_app(session)
    async with app.run_test(size=(140, 40)) as pilot:
        screen, panel = await open_triggers(pilot, wired.function)
        await pilot.press("j", "o")  # the DLQ row
        await wait_for(pilot, lambda: "sqs/v3/home" in (app.clipboard or ""), message="queue link")
        assert app.clipboard.endswith("%2F123456789012%2F" + wired.dlq_arn.rsplit(":", 1)[-1])
        await pilot.press("1", "o")
        await wait_for(pilot, lambda: app.clipboard.endswith("#/functions/" + wired.function), message="fn link")


async def test_redrive_through_keys_shows_its_progress(session) -> None:
    wired = wire_queue(session)
    lam = session.client("lambda")
    lam.update_event_source_mapping(UUID=wired.uuid, Enabled=False)
    sqs = session.client("sqs")
    for index in range(2):
        sqs.send_message(QueueUrl=wired.dlq_url, MessageBody=f"dead {index}")
    app = create_app(session)
    notices = record_notices(app)
    async with app.run_test(size=(140, 40)) as pilot:
        screen, panel = await open_triggers(pilot, wired.function)
        await wait_for(pilot, lambda: column(panel.query_one(RecordTable), 5)[1] == "2", message="DLQ depth 2")
        await pilot.press("j", "R")  # on the DLQ row: its mapping's dead-letter queue
        asked = await dialog(pilot, ConfirmScreen)
        rows = details(asked)
        assert (rows["From"], rows["To"], rows["Messages"]) == (wired.dlq_arn, wired.queue_arn, "2")
        assert "cannot be undone" in asked.warning and "disabled" in asked.warning
        await confirm(pilot)
        await wait_notice(pilot, notices, "started (2 messages)")
        await wait_for(pilot, lambda: column(panel.query_one(RecordTable), 2)[1] == "redriven 2",
                       timeout=30, message="the redrive's progress on the DLQ row")
        await wait_for(pilot, lambda: column(panel.query_one(RecordTable), 5) == ["2", "0"], timeout=30,
                       message="the messages back in the queue")
    assert [e["action"] for e in audit.entries()][-1] == "sqs-redrive"
