"""Shareable test events, stored where the Lambda console and `sam remote test-event` keep them.

The convention (see aws-facts.md): the EventBridge Schemas registry `lambda-testevent-schemas`
holds one schema per function, `_<FunctionName>-schema`, of type `OpenApi3`; each event is an
example, `components.examples.<name>.value`. A new schema gets a small OpenAPI 3 document with
the event's shape under `components.schemas.Event` (inferred here, so saving needs no schema
discovery permission); an existing schema keeps everything it has and only its examples change.
Every update makes a new schema version, so the oldest is deleted beyond five, as SAM CLI does.

The registry can be out of reach: a Region without the service (no endpoint), a local endpoint
that does not implement it (moto: the demo world answers HTTP 500), or a role without permission.
Those raise one `SharedEventsUnavailable` ("shared events unavailable: <why>"), remembered by
the `SharedEvents` store so the UI says it once and stops asking; everything else keeps working.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from botocore.exceptions import (
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    ReadTimeoutError,
)

from stackview.aws.errors import ACCESS_DENIED, AwsError, UserError, error_code
from stackview.aws.session import AwsSession
from stackview.models.arns import bare_function_name
from stackview.models.functions import version_sort_key
from stackview.models.invoke import SHARED, TestEvent

REGISTRY = "lambda-testevent-schemas"
SCHEMA_TYPE = "OpenApi3"
MAX_SCHEMA_VERSIONS = 5
#: CreateSchema/UpdateSchema accept at most this many characters of content (all events together).
MAX_CONTENT = 100_000
#: The console's rule for test event names.
MAX_NAME = 25
_NAME = re.compile(r"^[A-Za-z0-9._-]+$")
_FORBIDDEN = ACCESS_DENIED | {"ForbiddenException", "UnauthorizedException"}
#: Error codes the Schemas service itself sends; anything else on a 404/5xx is not the service.
_SERVICE_CODES = {"NotFoundException", "BadRequestException", "ConflictException",
                  "InternalServerErrorException", "ServiceUnavailableException", "TooManyRequestsException"}
_INFER_DEPTH = 32


class SharedEventsUnavailable(AwsError):
    """The registry cannot be used here; `reason` is unreachable, unsupported or forbidden."""

    def __init__(self, reason: str, why: str, hint: str = "") -> None:
        super().__init__(UserError(f"shared events unavailable: {why}", kind="unavailable", hint=hint))
        self.reason = reason


def schema_name(function: str) -> str:
    return f"_{bare_function_name(function)}-schema"


def unavailability(exc: BaseException, region: str | None = None) -> SharedEventsUnavailable | None:
    """The SharedEventsUnavailable an exception means, or None for an ordinary failure."""
    if isinstance(exc, SharedEventsUnavailable):
        return exc
    if isinstance(exc, (EndpointConnectionError, ConnectTimeoutError, ReadTimeoutError)):
        where = f" in {region}" if region else ""
        return SharedEventsUnavailable("unreachable", f"EventBridge Schemas cannot be reached{where}",
                                       "the service may not exist in this Region; saved events still work")
    if not isinstance(exc, ClientError):
        return None
    code = error_code(exc)
    status = int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)
    if code in _FORBIDDEN:
        operation = getattr(exc, "operation_name", "") or "the registry"
        return SharedEventsUnavailable("forbidden", f"no permission for EventBridge Schemas ({operation})",
                                       f"allow schemas:* on the registry {REGISTRY}, or use saved events")
    if code not in _SERVICE_CODES and (status == 404 or status >= 500):
        return SharedEventsUnavailable("unsupported", "this endpoint has no EventBridge Schemas service",
                                       "saved, project and generated events still work")
    return None


def infer_schema(value: Any, depth: int = 0) -> dict[str, Any]:
    """An OpenAPI 3 schema describing `value`'s shape (objects, arrays, scalars)."""
    if depth >= _INFER_DEPTH:
        return {}
    if isinstance(value, dict):
        return {"type": "object", "required": sorted(value),
                "properties": {key: infer_schema(item, depth + 1) for key, item in value.items()}}
    if isinstance(value, list):
        return {"type": "array", "items": infer_schema(value[0], depth + 1) if value else {}}
    if isinstance(value, bool):
        return {"type": "boolean"}
    if isinstance(value, int):
        return {"type": "integer"}
    if isinstance(value, float):
        return {"type": "number"}
    if isinstance(value, str):
        return {"type": "string"}
    return {"nullable": True}


def new_schema_content(value: Any) -> dict[str, Any]:
    """The document for a function's first shared event."""
    return {
        "openapi": "3.0.0",
        "info": {"version": "1.0.0", "title": "Event"},
        "paths": {},
        "components": {"schemas": {"Event": infer_schema(value)}},
    }


def _examples(content: dict[str, Any]) -> dict[str, Any]:
    """The examples mapping of a schema document (created empty when missing or malformed)."""
    examples = content["components"].get("examples")
    if not isinstance(examples, dict):
        examples = content["components"]["examples"] = {}
    return examples


def check_name(name: str) -> str:
    if not name or len(name) > MAX_NAME or not _NAME.match(name):
        raise AwsError(UserError(
            f"'{name}' cannot be a shared event name: at most {MAX_NAME} letters, digits, '.', '-' or '_'",
            kind="invalid"))
    return name


class SharedEvents:
    """The shared events of any function, through one Schemas client. Thread-safe enough for
    workers: the only state is the remembered unavailability, set once."""

    def __init__(self, session: AwsSession) -> None:
        self._session = session
        self.unavailable: SharedEventsUnavailable | None = None

    def reset(self) -> None:
        """Forget a remembered unavailability (the user asked to try again)."""
        self.unavailable = None

    # -- reading -----------------------------------------------------------------------------

    def list(self, function: str) -> list[TestEvent]:
        """The function's shared events, in the schema's order; [] when it has none."""
        content = self._content(function)
        if content is None:
            return []
        examples = _examples(content)
        return [self._event(name, example) for name, example in examples.items()
                if isinstance(example, dict) and "value" in example]

    def get(self, function: str, name: str) -> TestEvent:
        for event in self.list(function):
            if event.name == name:
                return event
        raise AwsError(UserError(f"no shared event '{name}' for {bare_function_name(function)}", kind="not-found"))

    # -- writing -----------------------------------------------------------------------------

    def put(self, function: str, name: str, text: str) -> None:
        """Create or replace the shared event `name` (creating the registry and schema if needed)."""
        check_name(name)
        try:
            value = json.loads(text)
        except ValueError as exc:
            raise AwsError(UserError(f"not shared: the event is not valid JSON ({exc})", kind="invalid")) from None
        self._ensure_registry()
        content = self._content(function)
        creating = content is None
        if content is None:
            content = new_schema_content(value)
        _examples(content)[name] = {"value": value}
        self._write(function, content, create=creating)

    def delete(self, function: str, name: str) -> None:
        """Delete the shared event `name`; the schema goes with its last event."""
        content = self._content(function)
        examples = _examples(content) if content is not None else {}
        if name not in examples:
            raise AwsError(UserError(f"no shared event '{name}' for {bare_function_name(function)}",
                                     kind="not-found"))
        del examples[name]
        if not examples:
            self._call("delete_schema", RegistryName=REGISTRY, SchemaName=schema_name(function))
            return
        self._write(function, content, create=False)

    # -- internals ---------------------------------------------------------------------------

    def _call(self, operation: str, **params: Any) -> Any:
        return self._guarded(lambda client: getattr(client, operation)(**params))

    def _guarded(self, action: Callable[[Any], Any]) -> Any:
        """Run `action(client)`; an unavailability is remembered and raised (now and next time)."""
        if self.unavailable is not None:
            raise self.unavailable
        try:
            return action(self._session.client("schemas", max_attempts=2))
        except Exception as exc:
            unavailable = unavailability(exc, self._session.region)
            if unavailable is None:
                raise
            self.unavailable = unavailable
            raise unavailable from exc

    def _content(self, function: str) -> dict[str, Any] | None:
        """The schema document of `function`, or None when the registry or schema is missing."""
        try:
            response = self._call("describe_schema", RegistryName=REGISTRY, SchemaName=schema_name(function))
        except ClientError as exc:
            if error_code(exc) == "NotFoundException":
                return None
            raise
        try:
            content = json.loads(response.get("Content") or "")
        except ValueError:
            content = None
        if not isinstance(content, dict) or not isinstance(content.get("components"), dict):
            raise AwsError(UserError(
                f"the shared events schema {schema_name(function)} is not an OpenAPI document with components",
                kind="invalid", hint="fix or delete it in the EventBridge Schemas console"))
        return content

    def _ensure_registry(self) -> None:
        try:
            self._call("describe_registry", RegistryName=REGISTRY)
            return
        except ClientError as exc:
            if error_code(exc) != "NotFoundException":
                raise
        try:
            self._call("create_registry", RegistryName=REGISTRY,
                       Description="Shareable test events of Lambda functions")
        except ClientError as exc:
            if error_code(exc) != "ConflictException":  # someone created it meanwhile: fine
                raise

    def _write(self, function: str, content: dict[str, Any], *, create: bool) -> None:
        text = json.dumps(content)
        if len(text) > MAX_CONTENT:
            raise AwsError(UserError(
                f"shared events of one function hold at most {MAX_CONTENT:,} characters together; "
                f"this would make {len(text):,}", kind="invalid", hint="save large events locally instead"))
        name = schema_name(function)
        if create:
            self._call("create_schema", RegistryName=REGISTRY, SchemaName=name, Type=SCHEMA_TYPE, Content=text)
            return
        self._limit_versions(name)
        self._call("update_schema", RegistryName=REGISTRY, SchemaName=name, Type=SCHEMA_TYPE, Content=text)

    def _limit_versions(self, name: str) -> None:
        """Delete the oldest version when the update would pass MAX_SCHEMA_VERSIONS."""
        def versions_of(client: Any) -> list[str]:
            pages = client.get_paginator("list_schema_versions").paginate(RegistryName=REGISTRY, SchemaName=name)
            return [v["SchemaVersion"] for page in pages for v in page.get("SchemaVersions", [])]

        versions = self._guarded(versions_of)
        if len(versions) >= MAX_SCHEMA_VERSIONS:
            oldest = min(versions, key=lambda v: (version_sort_key(str(v)), str(v)))
            self._call("delete_schema_version", RegistryName=REGISTRY, SchemaName=name, SchemaVersion=oldest)

    @staticmethod
    def _event(name: str, example: dict[str, Any]) -> TestEvent:
        text = json.dumps(example["value"], indent=2, ensure_ascii=False) + "\n"
        return TestEvent(name=name, source=SHARED, text=text, description=f"{REGISTRY} (shared)")
