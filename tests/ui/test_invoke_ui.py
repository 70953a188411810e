"""The invoke screen, driven as a user would: real handlers run in a scratch demo world.

Functions are created in the scratch world (the seeded world stays as the seed made it); the
shared-events and read-only checks read the seeded world without changing it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from stackview import audit
from stackview.app import create_app
from stackview.aws.session import AwsSession
from stackview.demo.seed.catalog import ORDERS_WORKER
from stackview.events import saved
from stackview.models import Target
from stackview.screens.invoke.screen import InvokeScreen
from stackview.screens.invoke.picker import EventPickerScreen
from stackview.screens.invoke.history import CompareScreen, HistoryScreen, session_state
from stackview.screens.invoke.prompt import NamePrompt
from stackview.widgets.confirm import ConfirmScreen
from tests.aws.functions_helpers import package, role_arn, unique

from .helpers import wait_for

pytestmark = pytest.mark.demo

HANDLER = '''
import logging
logger = logging.getLogger()
logger.setLevel(logging.INFO)


def handler(event, context):
    action = event.get("action", "echo") if isinstance(event, dict) else "echo"
    if action == "raise":
        raise ValueError("boom " + event.get("detail", ""))
    print("[bold red]not markup[/] \\x1b[31mnot a colour")
    return {"event": event, "request_id": context.aws_request_id}
'''


class Scratch:
    def __init__(self, endpoint: Any) -> None:
        self.lam = endpoint.client("lambda", read_timeout=30)
        self.iam = endpoint.client("iam")

    def function(self, prefix: str) -> str:
        name = unique(prefix)
        self.lam.create_function(FunctionName=name, Runtime="python3.11", Role=role_arn(self.iam),
                                 Handler="app.handler", Code={"ZipFile": package(HANDLER)}, Timeout=5)
        return name


@pytest.fixture(scope="module")
def scratch(scratch_endpoint) -> Scratch:
    return Scratch(scratch_endpoint)


@pytest.fixture(scope="module")
def echo(scratch: Scratch) -> str:
    """A function with a published version and an alias `live` on it."""
    name = scratch.function("ui-echo")
    version = scratch.lam.publish_version(FunctionName=name)["Version"]
    scratch.lam.create_alias(FunctionName=name, Name="live", FunctionVersion=version)
    return name


@pytest.fixture(autouse=True)
def data_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("STACKVIEW_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("STACKVIEW_DATA_DIR", str(tmp_path / "data"))
    return tmp_path


@pytest.fixture
def scratch_app(scratch_endpoint):
    def build(**kwargs):
        target = Target(region=scratch_endpoint.region, endpoint_url=scratch_endpoint.endpoint, demo=True)
        return create_app(AwsSession(target, credentials=scratch_endpoint.credentials), **kwargs)

    return build


async def open_invoke(pilot, function: str, **kwargs) -> InvokeScreen:
    app = pilot.app
    await wait_for(pilot, lambda: len(app.screen_stack) >= 2, message="first screen")
    app.push_screen(InvokeScreen(function, **kwargs))
    await wait_for(pilot, lambda: isinstance(app.screen, InvokeScreen), message="invoke screen")
    screen = app.screen
    await wait_for(pilot, lambda: screen.state is not None and "loading" not in screen.status_text,
                   message="qualifiers")
    return screen


async def set_event(pilot, screen: InvokeScreen, value: Any) -> None:
    screen.editor.load(value if isinstance(value, str) else json.dumps(value))
    await pilot.pause()


async def send(pilot, screen: InvokeScreen) -> None:
    """ctrl+r, check the confirmation, confirm, wait for the result."""
    app = pilot.app
    before = len(screen.state.history)
    await pilot.press("ctrl+r")
    await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen) and app.screen.focused is not None,
                   message="confirmation")
    assert app.screen.focused.id == "confirm-cancel"  # a reflexive Enter sends nothing
    await pilot.click("#confirm-ok")
    await wait_for(pilot, lambda: len(screen.state.history) > before and screen.sending is None,
                   timeout=30, message="the invoke result")


async def test_success_result_with_report_and_literal_log(scratch_app, echo) -> None:
    app = scratch_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_invoke(pilot, echo)
        await set_event(pilot, screen, {"note": "[bold]kept[/bold]"})
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), message="confirmation")
        details = dict(app.screen.details)
        assert details["function"] == echo and details["qualifier"] == "$LATEST"
        assert details["type"] == "RequestResponse"
        assert details["account"] == "123456789012" and details["region"] == "us-east-1"
        await pilot.press("escape")  # cancelled: nothing sent
        assert len(screen.state.history) == 0 and not list(audit.entries())
        await send(pilot, screen)
        result = screen.result_view.result
        shown = screen.result_view.plain
        assert result.ok and result.status_code == 200
        assert "✓ OK  200" in shown and "version $LATEST" in shown
        assert f"request id   {result.request_id}" in shown
        assert "cold start   yes, init " in shown and " MB used of 128 MB" in shown
        assert f"duration     {result.report.duration_ms:.2f} ms (billed " in shown
        assert '"note": "[bold]kept[/bold]"' in shown  # the response, pretty and literal
        assert "[bold red]not markup[/] ␛[31mnot a colour" in shown  # log tail, escapes neutralized
        assert f"START RequestId: {result.request_id}" in shown
        assert [e["action"] for e in audit.entries()] == ["invoke"]


async def test_function_error_is_laid_out(scratch_app, echo) -> None:
    app = scratch_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_invoke(pilot, echo, qualifier="live")
        await set_event(pilot, screen, {"action": "raise", "detail": "at checkout"})
        await send(pilot, screen)
        result = screen.result_view.result
        shown = screen.result_view.plain.splitlines()
        assert result.function_error is not None and result.executed_version == "1"
        assert shown[0].startswith("✗ FUNCTION ERROR (Unhandled)")
        assert "errorType    ValueError" in shown
        assert "errorMessage boom at checkout" in shown
        trace = shown[shown.index("stackTrace") + 1:]
        assert any(line.startswith('  File "') and "app.py" in line for line in trace)
        assert "executed     version 1" in shown
        assert "ValueError: boom at checkout" in screen.status_text


async def test_malformed_json_is_blocked_with_its_position(scratch_app, echo) -> None:
    app = scratch_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_invoke(pilot, echo)
        await set_event(pilot, screen, '{\n  "a": 1,\n  "b": \n}')
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmScreen)
        assert "line 4, column 1" in screen.status_text and "not sent" in screen.status_text
        assert screen.editor.text_area.cursor_location == (3, 0)
        assert "✗ line 4, column 1" in str(screen.query_one("#json-status").render())
        assert len(screen.state.history) == 0 and not list(audit.entries())
        # pretty-print refuses too, and leaves the text as typed
        screen.editor.text_area.focus()
        await pilot.press("ctrl+f")
        assert screen.editor.text == '{\n  "a": 1,\n  "b": \n}'
        await set_event(pilot, screen, '{"b":[1,2]}')
        await pilot.press("ctrl+f")
        assert screen.editor.text == '{\n  "b": [\n    1,\n    2\n  ]\n}\n'


async def test_oversized_payload_is_refused_before_sending(scratch_app, echo) -> None:
    app = scratch_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_invoke(pilot, echo)
        await pilot.press("f3")  # RequestResponse -> Event (1 MB limit)
        assert screen.invocation_type == "Event"
        await set_event(pilot, screen, {"blob": "x" * (1024 * 1024)})
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmScreen)
        assert "nothing was sent" in screen.status_text and "1.00 MB" in screen.status_text
        assert len(screen.state.history) == 0 and not list(audit.entries())


async def test_generated_event_goes_into_the_editor(scratch_app, echo) -> None:
    app = scratch_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_invoke(pilot, echo)
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: isinstance(app.screen, EventPickerScreen), message="picker")
        picker = app.screen
        await pilot.press("4")
        await pilot.pause()
        assert picker.active_tab == "generated"
        index = [e.name for e in picker.events["generated"]].index("sqs")
        picker.query_one("#generated-list").highlighted = index
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is screen, message="back to the editor")
        event = json.loads(screen.editor.text)
        assert event["Records"][0]["eventSource"] == "aws:sqs"
        assert ":123456789012:" in event["Records"][0]["eventSourceARN"]
        assert "event: generated:sqs" in str(screen.query_one("#invoke-event").render())


async def test_saved_events_save_load_rename_delete(scratch_app, echo, data_dirs) -> None:
    app = scratch_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_invoke(pilot, echo)
        await set_event(pilot, screen, {"order": 7})
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, NamePrompt), message="name prompt")
        await pilot.press(*"bad/name")
        await pilot.press("enter")
        assert isinstance(app.screen, NamePrompt)  # refused, with the store's reason
        assert "not a valid event name" in str(app.screen.query_one("#prompt-problem").render())
        app.screen.query_one("#prompt-name").value = ""
        await pilot.press(*"order-7", "enter")
        await wait_for(pilot, lambda: app.screen is screen, message="saved")
        path = data_dirs / "data" / "events" / echo / "order-7.json"
        assert json.loads(path.read_text()) == {"order": 7}
        await set_event(pilot, screen, {"order": 8})
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: isinstance(app.screen, EventPickerScreen), message="picker")
        picker = app.screen
        assert [e.name for e in picker.events["saved"]] == ["order-7"]
        await pilot.press("r")
        await wait_for(pilot, lambda: isinstance(app.screen, NamePrompt), message="rename prompt")
        app.screen.query_one("#prompt-name").value = "order-seven"
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is picker, message="renamed")
        assert saved.list_names(echo) == ["order-seven"]
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is screen, message="loaded")
        assert json.loads(screen.editor.text) == {"order": 7}
        assert screen.event_name == "saved:order-seven"
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: isinstance(app.screen, EventPickerScreen), message="picker")
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), message="delete confirmation")
        await pilot.click("#confirm-ok")
        await wait_for(pilot, lambda: not saved.list_names(echo), message="deleted")
        assert app.screen.events["saved"] == []


async def test_shared_events_unavailable_in_the_demo_world(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_invoke(pilot, ORDERS_WORKER)
        for attempt in range(2):
            await pilot.press("ctrl+o")
            await wait_for(pilot, lambda: isinstance(app.screen, EventPickerScreen), message="picker")
            picker = app.screen
            await pilot.press("3")
            note = picker.query_one("#shared-note")
            await wait_for(pilot, lambda: "unavailable" in str(note.render()), message="shared tab")
            assert "shared events unavailable" in str(note.render())
            await pilot.press("1")  # the other tabs still work
            assert picker.active_tab == "saved"
            await pilot.press("escape")
            await wait_for(pilot, lambda: app.screen is screen, message="picker closed")
        told = [n for n in app._notifications if "shared events unavailable" in n.message]
        assert len(told) == 1  # said once
        await set_event(pilot, screen, {"x": 1})
        await pilot.press("ctrl+t")  # sharing says why it cannot, without a dialog
        assert "shared events unavailable" in screen.status_text
        assert not isinstance(app.screen, NamePrompt)


async def test_read_only_hides_invoke(make_app) -> None:
    app = make_app(read_only=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: len(app.screen_stack) >= 2, message="first screen")
        app.open("invoke", ORDERS_WORKER)
        await pilot.pause()
        assert not isinstance(app.screen, InvokeScreen)
        assert any("read-only" in n.message for n in app._notifications)
        app.push_screen(InvokeScreen(ORDERS_WORKER))  # even when opened directly
        await wait_for(pilot, lambda: isinstance(app.screen, InvokeScreen) and app.screen.state is not None,
                       message="invoke screen")
        screen = app.screen
        keys = {binding.id for (_, binding, enabled, _) in screen.active_bindings.values() if binding.id}
        assert "invoke.send" not in keys and "invoke.share" not in keys and "invoke.back" in keys
        await screen.run_action("send")
        assert not isinstance(app.screen, ConfirmScreen)
        assert "read-only" in screen.status_text


async def test_history_rerun_compare_and_logs_key(scratch_app, echo) -> None:
    app = scratch_app()
    opened: list[tuple[str, str, str]] = []
    real_open = app.open

    def open(kind: str, target: str = "", **options) -> None:
        if kind == "logs":
            opened.append((target, options.get("pattern", ""), options.get("since")))
        else:
            real_open(kind, target, **options)

    app.open = open
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_invoke(pilot, echo)
        await set_event(pilot, screen, {"n": 1})
        await send(pilot, screen)
        first = screen.result_view.result
        await pilot.press("ctrl+l")
        assert opened == [(echo, f'"{first.request_id}"', "15m")]
        await set_event(pilot, screen, {"n": 2})  # re-run sends the recorded request, not the editor
        await pilot.press("ctrl+g")
        await wait_for(pilot, lambda: isinstance(app.screen, HistoryScreen), message="history")
        await pilot.press("r")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), message="confirmation")
        await pilot.click("#confirm-ok")
        await wait_for(pilot, lambda: len(screen.state.history) == 2 and screen.sending is None,
                       timeout=30, message="re-run")
        newest, oldest = screen.state.history.items()
        assert newest.request == oldest.request and newest.request_id != oldest.request_id
        assert newest.payload_json["event"] == {"n": 1}
        await pilot.press("ctrl+g")
        await wait_for(pilot, lambda: isinstance(app.screen, HistoryScreen), message="history")
        await pilot.press("space", "down", "c")
        await wait_for(pilot, lambda: isinstance(app.screen, CompareScreen), message="compare")
        compared = app.screen.rendered.plain
        assert "duration ms" in compared and "Response diff" in compared
        assert f'-  "request_id": "{oldest.request_id}"' in compared.splitlines()
        assert f'+  "request_id": "{newest.request_id}"' in compared.splitlines()
        assert session_state(app).history is screen.state.history


async def test_throttled_function_says_how_to_unthrottle(scratch_app, scratch) -> None:
    name = scratch.function("ui-throttled")
    scratch.lam.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=0)
    app = scratch_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_invoke(pilot, name)
        await send(pilot, screen)
        shown = screen.result_view.plain
        assert shown.startswith("✗ THROTTLED  429")
        assert f"stackview unthrottle {name}" in shown and "reserved concurrency is 0" in screen.status_text


async def test_qualifiers_list_versions_and_aliases(scratch_app, echo) -> None:
    app = scratch_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_invoke(pilot, echo, qualifier="live")
        select = screen.query_one("#invoke-qualifier")
        values = [value for _, value in select._options]
        assert values[:3] == ["$LATEST", "live", "1"] and screen.qualifier == "live"
        assert "2 versions and aliases" in screen.status_text


async def test_editor_degrades_to_plain_text_without_a_json_grammar(monkeypatch) -> None:
    """tree-sitter present but no JSON grammar: Textual raises; the editor stays plain text."""
    from textual.app import App
    from textual.widgets import TextArea
    from textual.widgets.text_area import LanguageDoesNotExist

    from stackview.widgets.json_editor import JsonEditor

    original = TextArea._set_document

    def no_json(self, text: str, language: str | None) -> None:
        if language == "json":
            raise LanguageDoesNotExist("no json grammar")
        original(self, text, language)

    monkeypatch.setattr(TextArea, "_set_document", no_json)

    class EditorApp(App):
        def compose(self):
            yield JsonEditor('{"a": [1, 2]}')

    app = EditorApp()
    async with app.run_test(size=(80, 20)) as pilot:
        editor = app.query_one(JsonEditor)
        assert editor.text_area.language is None and not editor.highlighting
        editor.text_area.focus()
        await pilot.press("ctrl+f")
        assert editor.text == '{\n  "a": [\n    1,\n    2\n  ]\n}\n' and editor.problem is None
        await pilot.press("ctrl+z")  # pretty-printing is undoable
        assert editor.text == '{"a": [1, 2]}'


async def test_project_events_from_the_project_directory(scratch_app, echo, tmp_path) -> None:
    root = tmp_path / "project"
    (root / "events" / "EchoFunction").mkdir(parents=True)
    (root / "template.yaml").write_text(
        "Resources:\n  EchoFunction:\n    Type: AWS::Serverless::Function\n"
        f"    Properties:\n      FunctionName: {echo}\n")
    (root / "events" / "event.json").write_text('{"top": true}')
    (root / "events" / "EchoFunction" / "created.json").write_text('{"mine": 1}')
    app = scratch_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_invoke(pilot, echo, project_dir=root)
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: isinstance(app.screen, EventPickerScreen), message="picker")
        picker = app.screen
        await pilot.press("2")
        assert [e.name for e in picker.events["project"]] == ["event", "EchoFunction/created"]
        picker.query_one("#project-list").highlighted = 1
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is screen, message="loaded")
        assert json.loads(screen.editor.text) == {"mine": 1}
        assert screen.event_name == "project:EchoFunction/created"


class MemorySharedEvents:
    """Stands in for the registry (the AWS side has its own Stubber tests): list, put, delete."""

    def __init__(self) -> None:
        self.unavailable = None
        self.events: dict[str, str] = {}

    def list(self, function: str):
        from stackview.models.invoke import SHARED, TestEvent

        return [TestEvent(name, SHARED, text) for name, text in self.events.items()]

    def put(self, function: str, name: str, text: str) -> None:
        self.events[name] = text

    def delete(self, function: str, name: str) -> None:
        del self.events[name]


async def test_shared_events_share_load_delete(scratch_app, echo) -> None:
    app = scratch_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_invoke(pilot, echo)
        store = MemorySharedEvents()
        screen.state.shared = store
        await set_event(pilot, screen, {"shared": 1})
        await pilot.press("ctrl+t")
        await wait_for(pilot, lambda: isinstance(app.screen, NamePrompt), message="name prompt")
        app.screen.query_one("#prompt-name").value = "x" * 26  # the console allows 25 characters
        await pilot.press("enter")
        assert isinstance(app.screen, NamePrompt)
        app.screen.query_one("#prompt-name").value = "team-order"
        await pilot.press("enter")
        await wait_for(pilot, lambda: "shared as team-order" in screen.status_text, message="shared")
        assert json.loads(store.events["team-order"]) == {"shared": 1}
        await set_event(pilot, screen, {})
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: isinstance(app.screen, EventPickerScreen), message="picker")
        picker = app.screen
        await pilot.press("3")
        await wait_for(pilot, lambda: len(picker.events["shared"]) == 1, message="shared list")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is screen, message="loaded")
        assert json.loads(screen.editor.text) == {"shared": 1} and screen.event_name == "shared:team-order"
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: isinstance(app.screen, EventPickerScreen), message="picker")
        picker = app.screen
        await pilot.press("3")
        await wait_for(pilot, lambda: len(picker.events["shared"]) == 1, message="shared list")
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), message="delete confirmation")
        await pilot.click("#confirm-ok")
        await wait_for(pilot, lambda: not store.events and picker.events["shared"] == [], message="deleted")
        assert app.screen is picker
