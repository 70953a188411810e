"""Which AWS call a request is: service, operation, wire protocol, and whether it only reads.

The realism switches need this for every request before moto sees it: a latency profile names
operations (`FilterLogEvents=300`), throttling hits read calls only, and an error must be shaped
in the request's own protocol for botocore to parse it. The service is the signing name in the
SigV4 credential scope; the operation comes from `X-Amz-Target` (JSON protocols), the `Action`
parameter (query protocol), the path (Smithy RPC v2 CBOR), or, for REST services, the method
and path matched against botocore's own model of the service (its `requestUri` templates).
"""

from __future__ import annotations

import io
import re
import threading
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

_CREDENTIAL = re.compile(r"Credential=([^/,\s]+)/\d{8}/([^/]+)/([^/]+)/")
_CBOR_PATH = re.compile(r"^/service/[^/]+/operation/([^/?]+)")
#: Operations that only read, by name (Lambda's GetFunction, Logs' FilterLogEvents, DynamoDB's
#: Query, ...). For an unknown REST operation the method decides (GET and HEAD read).
READ_PREFIXES = ("Get", "List", "Describe", "Filter", "Head", "Lookup", "Search", "BatchGet",
                 "Query", "Scan", "Select", "Test")
#: Signing names whose botocore service name differs.
_SERVICE_NAMES = {"monitoring": "cloudwatch", "tagging": "resourcegroupstaggingapi",
                  "execute-api": "apigateway", "states": "stepfunctions"}


@dataclass(frozen=True)
class Call:
    """One request as the realism layer sees it."""

    service: str  # signing name: logs, lambda, monitoring, cloudformation, s3, ...
    operation: str | None  # FilterLogEvents, Invoke, ... (None when it cannot be told)
    protocol: str  # json, query, rest-json, rest-xml, smithy-rpc-v2-cbor
    read: bool
    access_key: str | None
    content_type: str = ""


def identify(environ: dict[str, Any], routes: RestRoutes) -> Call:
    """What call `environ` is. Reads (and puts back) a form body, which holds a query call's
    Action; never reads any other body."""
    headers = {k[5:].replace("_", "-").lower(): v for k, v in environ.items() if k.startswith("HTTP_")}
    match = _CREDENTIAL.search(headers.get("authorization", ""))
    access_key, service = (match.group(1), match.group(3)) if match else (None, "")
    method = environ.get("REQUEST_METHOD", "GET").upper()
    path = environ.get("PATH_INFO", "") or "/"
    content_type = environ.get("CONTENT_TYPE", "") or headers.get("content-type", "")
    query = dict(parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True))
    operation: str | None
    if headers.get("smithy-protocol", "").lower() == "rpc-v2-cbor":
        found = _CBOR_PATH.match(path)
        operation, protocol = (found.group(1) if found else None), "smithy-rpc-v2-cbor"
    elif "x-amz-target" in headers:
        operation, protocol = headers["x-amz-target"].rsplit(".", 1)[-1], "json"
    elif "Action" in query or content_type.startswith("application/x-www-form-urlencoded"):
        params = query if "Action" in query else _form(environ)
        operation, protocol = params.get("Action"), "query"
    else:
        protocol, operation = routes.match(service, method, path, query, headers)
    read = _reads(operation, method)
    return Call(service, operation, protocol, read, access_key, content_type)


def _reads(operation: str | None, method: str) -> bool:
    if operation is None:
        return method in ("GET", "HEAD")
    return operation.startswith(READ_PREFIXES)


def _form(environ: dict[str, Any]) -> dict[str, str]:
    """The form body's parameters; the body is put back for whoever reads it next."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    body = environ["wsgi.input"].read(length) if length > 0 else b""
    environ["wsgi.input"] = io.BytesIO(body)
    return dict(parse_qsl(body.decode("utf-8", errors="replace"), keep_blank_values=True))


@dataclass(frozen=True)
class _Route:
    method: str
    pattern: re.Pattern[str]
    query: tuple[tuple[str, str | None], ...]  # required query keys (and values when given)
    headers: tuple[str, ...]  # required headers (S3's CopyObject is PutObject with a copy source)
    weight: int  # literal characters: the most specific template wins
    operation: str


class RestRoutes:
    """Operation names of REST services (Lambda, S3, ...) from botocore's service models,
    loaded once per service on first use."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._services: dict[str, tuple[str, list[_Route]]] = {}
        self._session: Any = None

    def match(self, service: str, method: str, path: str, query: dict[str, str],
              headers: dict[str, str]) -> tuple[str, str | None]:
        """(protocol, operation name or None) of a REST request (header names in lower case)."""
        protocol, routes = self._routes(service)
        best: _Route | None = None
        for route in routes:
            if route.method != method or not route.pattern.match(path):
                continue
            if any(key not in query or (value is not None and query[key] != value)
                   for key, value in route.query):
                continue
            if any(header not in headers for header in route.headers):
                continue
            if best is None or route.weight > best.weight:
                best = route
        return protocol, best.operation if best else None

    def _routes(self, service: str) -> tuple[str, list[_Route]]:
        with self._lock:
            known = self._services.get(service)
            if known is None:
                known = self._services[service] = self._load(service)
            return known

    def _load(self, service: str) -> tuple[str, list[_Route]]:
        if not service:
            return "rest-json", []
        if self._session is None:
            import botocore.session

            self._session = botocore.session.get_session()
        try:
            model = self._session.get_service_model(_SERVICE_NAMES.get(service, service))
        except Exception:  # noqa: BLE001 - an unknown service: no operation names, still served
            return "rest-json", []
        routes = [_route(name, model.operation_model(name)) for name in model.operation_names]
        protocol = model.protocol if model.protocol in ("rest-json", "rest-xml") else "rest-json"
        return protocol, [route for route in routes if route is not None]


def _route(name: str, operation: Any) -> _Route | None:
    http = operation.http
    uri = http.get("requestUri")
    if not uri:
        return None
    path, _, query_text = uri.partition("?")
    pattern = ""
    weight = 0
    for piece in re.split(r"(\{[^}]+\})", path):
        if piece.startswith("{"):
            pattern += ".+" if piece.endswith("+}") else "[^/]+"
        else:
            pattern += re.escape(piece)
            weight += len(piece)
    query: list[tuple[str, str | None]] = []
    for part in filter(None, query_text.split("&")):
        key, equals, value = part.partition("=")
        query.append((key, value if equals else None))
        weight += len(part) + 1
    shape = operation.input_shape
    headers = tuple(shape.members[member].serialization["name"].lower()
                    for member in (shape.required_members if shape is not None else ())
                    if shape.members[member].serialization.get("location") == "header")
    weight += sum(len(header) for header in headers)
    return _Route(http.get("method", "GET").upper(), re.compile(f"^{pattern}/?$"), tuple(query),
                  headers, weight, name)
