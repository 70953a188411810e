"""A generated API Gateway event reaches a route the function serves: the demo's orders API
(whose handler answers 404 "No route" to anything else) gets a request it routes, from the shell
and from the invoke screen's picker.

A seeded demo world of this module's own: the invokes add log lines, which the shared seeded
world must not get.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from stackview import cli
from stackview.app import create_app
from stackview.aws.routes import function_routes
from stackview.aws.session import AwsSession
from stackview.demo.process import DEMO_CREDENTIALS, DEMO_REGION, DemoServer
from stackview.models import Target
from stackview.models.invoke import REST_API, HttpRoute
from stackview.screens.invoke.picker import EventPickerScreen
from stackview.screens.invoke.screen import InvokeScreen
from stackview.widgets.confirm import ConfirmScreen
from tests.ui.helpers import wait_for

pytestmark = pytest.mark.demo
API = "orders-prod-api"


@pytest.fixture(scope="module")
def world() -> Iterator[str]:
    server = DemoServer(traffic=False)
    endpoint = server.start()
    try:
        yield endpoint
    finally:
        server.stop()


@pytest.fixture
def session(world: str) -> AwsSession:
    return AwsSession(Target(region=DEMO_REGION, endpoint_url=world, demo=True), credentials=DEMO_CREDENTIALS)


@pytest.fixture(autouse=True)
def shell(world: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli, "COMMANDS", ("invoke",))
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", DEMO_CREDENTIALS[0])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", DEMO_CREDENTIALS[1])
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    for name, directory in (("STACKVIEW_DATA_DIR", "data"), ("STACKVIEW_STATE_DIR", "state"),
                            ("STACKVIEW_CONFIG", "config.yaml")):
        monkeypatch.setenv(name, str(tmp_path / directory))


def invoke(world: str, capsys, *argv: str) -> tuple[int, dict, str]:
    status = cli.main(["--endpoint-url", world, "--region", DEMO_REGION, "invoke", API, "--output", "json", *argv])
    captured = capsys.readouterr()
    document = json.loads(captured.out)
    return status, json.loads(document["payload"]) if isinstance(document["payload"], str) else document["payload"], captured.err


def test_the_routes_come_from_the_stacks_template(session) -> None:
    assert function_routes(session, API) == [
        HttpRoute(REST_API, "POST", "/orders"), HttpRoute(REST_API, "GET", "/orders"),
        HttpRoute(REST_API, "GET", "/orders/{orderId}")]
    assert function_routes(session, "orders-prod-worker") == []


def test_the_generated_event_gets_an_answer_not_no_route(world, capsys) -> None:
    status, payload, err = invoke(world, capsys, "--generate", "apigw-rest")
    assert status == 0, err
    assert payload["statusCode"] == 200 and "orders" in json.loads(payload["body"])
    assert "the event requests GET /orders (also: GET /orders/{orderId}, POST /orders)" in err


def test_route_picks_another_of_its_routes(world, capsys) -> None:
    status, payload, err = invoke(world, capsys, "--generate", "apigw-rest", "--route", "GET /orders/{orderId}")
    assert status == 0, err
    # The handler routed it: the order is looked up (and does not exist), not "No route".
    assert payload["statusCode"] == 404 and json.loads(payload["body"]) == {"message": "order o-1024 not found"}
    status, payload, err = invoke(world, capsys, "--generate", "apigw-rest", "--route", "POST /orders")
    assert payload["statusCode"] == 400 and "customerId is required" in payload["body"]


def test_a_bad_route_is_refused_before_anything_is_sent(world, capsys) -> None:
    assert cli.main(["--endpoint-url", world, "invoke", API, "--generate", "apigw-rest", "--route", "orders"]) == 2
    assert "--route: expected a method and a path" in capsys.readouterr().err
    assert cli.main(["--endpoint-url", world, "invoke", API, "--generate", "sqs", "--route", "GET /x"]) == 2
    assert "--route goes with --generate apigw-rest" in capsys.readouterr().err


async def test_the_pickers_generated_event_reaches_the_function(session) -> None:
    app = create_app(session)
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_for(pilot, lambda: len(app.screen_stack) >= 2, message="first screen")
        app.open("invoke", API)
        await wait_for(pilot, lambda: isinstance(app.screen, InvokeScreen), message="invoke screen")
        screen = app.screen
        await wait_for(pilot, lambda: screen.state is not None and "loading" not in screen.status_text,
                       message="qualifiers")
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: isinstance(app.screen, EventPickerScreen), message="picker")
        picker = app.screen
        await pilot.press("4")
        await wait_for(pilot, lambda: any(r is not None for r in picker.generated_routes), message="the routes")
        descriptions = [e.description for e in picker.events["generated"]]
        assert "API Gateway REST (proxy): GET /orders, a route of this function" in descriptions
        # The first entry is the REST event for the function's first route: Enter loads it.
        assert picker.generated_routes[0] == HttpRoute(REST_API, "GET", "/orders")
        await pilot.press("home", "enter")
        await wait_for(pilot, lambda: app.screen is screen, message="the event in the editor")
        event = json.loads(screen.editor.text)
        assert (event["httpMethod"], event["resource"]) == ("GET", "/orders")
        before = len(screen.state.history)
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), message="confirmation")
        await pilot.press("tab", "enter")
        await wait_for(pilot, lambda: len(screen.state.history) > before and screen.sending is None,
                       timeout=30, message="the invoke result")
        result = screen.state.history.items()[0]
        assert result.ok and json.loads(result.payload)["statusCode"] == 200
