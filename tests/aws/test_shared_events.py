"""Shareable test events against a stubbed Schemas client (botocore's Stubber), and the demo
world's missing Schemas service ("shared events unavailable", said once, nothing else breaks)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.stub import ANY, Stubber

from stackview.aws.errors import AwsError
from stackview.aws.session import AwsSession
from stackview.aws.shared_events import (
    REGISTRY,
    SharedEvents,
    SharedEventsUnavailable,
    infer_schema,
    schema_name,
)
from stackview.models import Target

SCHEMA = "_orders-api-schema"


def console_schema(**examples: Any) -> str:
    """A schema as the Lambda console writes it: components.schemas plus examples."""
    return json.dumps({
        "openapi": "3.0.0",
        "info": {"version": "1.0.0", "title": "Event"},
        "paths": {},
        "components": {
            "schemas": {"Event": {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}}},
            "examples": {name: {"value": value} for name, value in examples.items()},
        },
    })


def described(content: str, version: str = "3") -> dict[str, Any]:
    return {"Content": content, "SchemaName": SCHEMA, "SchemaVersion": version, "Type": "OpenApi3",
            "SchemaArn": f"arn:aws:schemas:eu-west-1:123456789012:schema/{REGISTRY}/{SCHEMA}"}


@pytest.fixture
def store(monkeypatch: pytest.MonkeyPatch):
    session = AwsSession(Target(region="eu-west-1", endpoint_url="http://127.0.0.1:9"), credentials=("k", "s"))
    client = session.client("schemas", max_attempts=2)
    monkeypatch.setattr(session, "client", lambda service, **kwargs: client)
    with Stubber(client) as stubber:
        yield SharedEvents(session), stubber
        stubber.assert_no_pending_responses()


def expect_describe(stubber: Stubber, content: str | None) -> None:
    params = {"RegistryName": REGISTRY, "SchemaName": SCHEMA}
    if content is None:
        stubber.add_client_error("describe_schema", "NotFoundException", "Schema not found", 404,
                                 expected_params=params)
    else:
        stubber.add_response("describe_schema", described(content), params)


def sent_content(stubber_calls: list[dict[str, Any]]) -> dict[str, Any]:
    return json.loads(stubber_calls[-1]["Content"])


def test_schema_name_follows_the_console_convention() -> None:
    assert schema_name("orders-api") == SCHEMA
    assert schema_name("arn:aws:lambda:eu-west-1:123456789012:function:orders-api:live") == SCHEMA


def test_list_and_get(store) -> None:
    events, stubber = store
    content = console_schema(created={"id": "o-1"}, cancelled={"id": "o-2", "reason": "late"})
    expect_describe(stubber, content)
    listed = events.list("orders-api")
    assert [(e.name, e.source) for e in listed] == [("created", "shared"), ("cancelled", "shared")]
    assert json.loads(listed[1].text) == {"id": "o-2", "reason": "late"}
    expect_describe(stubber, content)
    assert json.loads(events.get("orders-api:live", "created").text) == {"id": "o-1"}
    expect_describe(stubber, content)
    with pytest.raises(AwsError, match="no shared event 'missing' for orders-api") as caught:
        events.get("orders-api", "missing")
    assert caught.value.error.kind == "not-found"


def test_no_registry_or_schema_means_no_events(store) -> None:
    events, stubber = store
    expect_describe(stubber, None)
    assert events.list("orders-api") == []
    assert events.unavailable is None


def test_put_creates_the_registry_and_a_valid_openapi_schema(store) -> None:
    events, stubber = store
    stubber.add_client_error("describe_registry", "NotFoundException", "no registry", 404,
                             expected_params={"RegistryName": REGISTRY})
    stubber.add_response("create_registry", {}, {"RegistryName": REGISTRY, "Description": ANY})
    expect_describe(stubber, None)
    calls: list[dict[str, Any]] = []
    stubber.add_response("create_schema", {}, {"RegistryName": REGISTRY, "SchemaName": SCHEMA,
                                               "Type": "OpenApi3", "Content": ANY})
    events._session.client("schemas").meta.events.register(
        "provide-client-params.schemas.CreateSchema", lambda params, **_: calls.append(dict(params)))
    events.put("orders-api", "created", '{"id": "o-1", "items": [{"sku": "b-1", "qty": 2}], "gift": false}')
    content = sent_content(calls)
    assert content["openapi"] == "3.0.0" and content["info"] == {"version": "1.0.0", "title": "Event"}
    assert content["paths"] == {}
    assert content["components"]["examples"] == {
        "created": {"value": {"id": "o-1", "items": [{"sku": "b-1", "qty": 2}], "gift": False}}}
    event_schema = content["components"]["schemas"]["Event"]
    assert event_schema["properties"]["items"]["items"]["properties"]["qty"] == {"type": "integer"}
    assert event_schema["properties"]["gift"] == {"type": "boolean"}


def test_put_into_an_existing_schema_keeps_it_and_trims_versions(store) -> None:
    events, stubber = store
    stubber.add_response("describe_registry", {"RegistryName": REGISTRY}, {"RegistryName": REGISTRY})
    expect_describe(stubber, console_schema(created={"id": "o-1"}))
    stubber.add_response("list_schema_versions", {"SchemaVersions": [
        {"SchemaVersion": v, "SchemaName": SCHEMA} for v in ("10", "6", "7", "8", "9")]},
        {"RegistryName": REGISTRY, "SchemaName": SCHEMA})
    stubber.add_response("delete_schema_version", {},
                         {"RegistryName": REGISTRY, "SchemaName": SCHEMA, "SchemaVersion": "6"})
    calls: list[dict[str, Any]] = []
    stubber.add_response("update_schema", {}, {"RegistryName": REGISTRY, "SchemaName": SCHEMA,
                                               "Type": "OpenApi3", "Content": ANY})
    events._session.client("schemas").meta.events.register(
        "provide-client-params.schemas.UpdateSchema", lambda params, **_: calls.append(dict(params)))
    events.put("orders-api", "created", '{"id": "o-9"}')  # replaces the example of that name
    content = sent_content(calls)
    assert content["components"]["examples"] == {"created": {"value": {"id": "o-9"}}}
    assert content["components"]["schemas"]["Event"]["required"] == ["id"]  # the console's, untouched


def test_put_refuses_bad_names_json_and_oversized_content(store) -> None:
    events, stubber = store
    for name in ("", "has space", "x" * 26, "a/b"):
        with pytest.raises(AwsError, match="cannot be a shared event name"):
            events.put("orders-api", name, "{}")
    with pytest.raises(AwsError, match="not valid JSON"):
        events.put("orders-api", "ok", "{nope")
    stubber.add_response("describe_registry", {"RegistryName": REGISTRY}, {"RegistryName": REGISTRY})
    expect_describe(stubber, None)
    with pytest.raises(AwsError, match="at most 100,000 characters"):
        events.put("orders-api", "big", json.dumps({"blob": "x" * 100_000}))


def test_delete_updates_or_removes_the_schema(store) -> None:
    events, stubber = store
    expect_describe(stubber, console_schema(created={"id": "o-1"}, cancelled={"id": "o-2"}))
    stubber.add_response("list_schema_versions", {"SchemaVersions": [{"SchemaVersion": "1"}]},
                         {"RegistryName": REGISTRY, "SchemaName": SCHEMA})
    calls: list[dict[str, Any]] = []
    stubber.add_response("update_schema", {}, {"RegistryName": REGISTRY, "SchemaName": SCHEMA,
                                               "Type": "OpenApi3", "Content": ANY})
    events._session.client("schemas").meta.events.register(
        "provide-client-params.schemas.UpdateSchema", lambda params, **_: calls.append(dict(params)))
    events.delete("orders-api", "created")
    assert list(sent_content(calls)["components"]["examples"]) == ["cancelled"]
    # the last event takes the schema with it
    expect_describe(stubber, console_schema(cancelled={"id": "o-2"}))
    stubber.add_response("delete_schema", {}, {"RegistryName": REGISTRY, "SchemaName": SCHEMA})
    events.delete("orders-api", "cancelled")
    expect_describe(stubber, None)
    with pytest.raises(AwsError, match="no shared event 'cancelled'"):
        events.delete("orders-api", "cancelled")


def test_forbidden_is_said_once_and_remembered(store) -> None:
    events, stubber = store
    stubber.add_client_error("describe_schema", "ForbiddenException", "not allowed", 403)
    with pytest.raises(SharedEventsUnavailable) as caught:
        events.list("orders-api")
    assert caught.value.reason == "forbidden"
    assert str(caught.value).startswith("shared events unavailable: no permission for EventBridge Schemas")
    # remembered: the next call fails the same way without a request (the Stubber has none queued)
    with pytest.raises(SharedEventsUnavailable) as again:
        events.put("orders-api", "x", "{}")
    assert again.value is caught.value
    events.reset()
    expect_describe(stubber, None)
    assert events.list("orders-api") == []


def test_a_corrupt_schema_is_an_error_not_an_empty_list(store) -> None:
    events, stubber = store
    expect_describe(stubber, '{"openapi": "3.0.0"}')
    with pytest.raises(AwsError, match="not an OpenAPI document with components"):
        events.list("orders-api")


def test_infer_schema_for_every_json_type() -> None:
    assert infer_schema(None) == {"nullable": True}
    assert infer_schema([]) == {"type": "array", "items": {}}
    assert infer_schema(1.5) == {"type": "number"} and infer_schema("s") == {"type": "string"}
    deep: Any = "leaf"
    for _ in range(40):
        deep = {"d": deep}
    schema, levels = infer_schema(deep), 0
    while "properties" in schema:
        schema, levels = schema["properties"]["d"], levels + 1
    assert (levels, schema) == (32, {})  # bounded: no recursion error on absurd nesting


@pytest.mark.demo
def test_the_demo_world_has_no_schemas_service(demo_session) -> None:
    events = SharedEvents(demo_session)
    with pytest.raises(SharedEventsUnavailable) as caught:
        events.list("anything")
    assert caught.value.reason == "unsupported"
    assert str(caught.value).startswith("shared events unavailable: this endpoint has no EventBridge Schemas")
    with pytest.raises(SharedEventsUnavailable):
        events.put("anything", "e", "{}")  # remembered: no second round of requests


def test_unreachable_endpoint(monkeypatch: pytest.MonkeyPatch) -> None:
    session = AwsSession(Target(region="eu-west-1", endpoint_url="http://127.0.0.1:9"), credentials=("k", "s"))
    with pytest.raises(SharedEventsUnavailable) as caught:
        SharedEvents(session).list("fn")
    assert caught.value.reason == "unreachable" and "eu-west-1" in str(caught.value)


def test_malformed_examples_are_read_as_none(store) -> None:
    events, stubber = store
    content = json.loads(console_schema())
    content["components"]["examples"] = ["not", "a", "mapping"]
    expect_describe(stubber, json.dumps(content))
    assert events.list("orders-api") == []
