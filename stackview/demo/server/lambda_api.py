"""A WSGI layer in front of moto's app that answers the Lambda calls the demo world owns.

Invoke (all invocation types), the legacy InvokeAsync, GetAccountSettings and the provisioned
concurrency calls are answered here with the same paths, status codes, headers and JSON shapes
as AWS, so botocore parses them like real responses; every other request goes to moto.
"""

from __future__ import annotations

import base64
import json
import random
import re
import uuid
from typing import Any, Callable, Iterable

from stackview.demo.runtime import metrics
from stackview.demo.runtime.runner import Runner, Throttled
from stackview.demo.runtime.targets import resolve
from stackview.demo.server import lambda_account
from stackview.demo.server.api_errors import REASONS, ApiError, Response, json_headers
from stackview.demo.server.async_invoke import AsyncInvoker

#: Request payload limits (bytes) for synchronous and asynchronous invocations.
MAX_SYNC_REQUEST = 6 * 1024 * 1024
MAX_ASYNC_REQUEST = 1024 * 1024

_CREDENTIAL = re.compile(r"Credential=([^/,\s]+)/\d{8}/([^/]+)/([^/]+)/")
_ROUTES: list[tuple[str, re.Pattern[str], str]] = [
    ("POST", re.compile(r"^/2015-03-31/functions/(?P<fn>[^/]+)/invocations/?$"), "invoke"),
    ("POST", re.compile(r"^/2014-11-13/functions/(?P<fn>[^/]+)/invoke-async/?$"), "invoke_async"),
    ("GET", re.compile(r"^/2016-08-19/account-settings/?$"), "account_settings"),
    ("*", re.compile(r"^/2019-09-30/functions/(?P<fn>[^/]+)/provisioned-concurrency/?$"), "provisioned"),
]

class Request:
    """The parts of a WSGI request these handlers read."""

    def __init__(self, environ: dict[str, Any], default_region: str, default_account: str) -> None:
        self.method = environ.get("REQUEST_METHOD", "GET")
        self.path = environ.get("PATH_INFO", "")
        self.query = _parse_query(environ.get("QUERY_STRING", ""))
        self.headers = {k[5:].replace("_", "-").lower(): v for k, v in environ.items()
                        if k.startswith("HTTP_")}
        length = int(environ.get("CONTENT_LENGTH") or 0)
        self.body = environ["wsgi.input"].read(length) if length else b""
        match = _CREDENTIAL.search(self.headers.get("authorization", ""))
        self.service = match.group(3) if match else "lambda"
        self.region = match.group(2) if match else default_region
        self.account = _account_for(match.group(1)) if match else default_account


def _parse_query(text: str) -> dict[str, str]:
    from urllib.parse import parse_qsl

    return dict(parse_qsl(text, keep_blank_values=True))


def _account_for(access_key: str) -> str:
    from moto.iam.models import get_account_id_from

    return get_account_id_from(access_key)


class LambdaApi:
    """The middleware. `app` is moto's DomainDispatcherApplication."""

    def __init__(self, app: Callable[..., Iterable[bytes]], runner: Runner, invoker: AsyncInvoker,
                 *, default_region: str, default_account: str) -> None:
        self.app = app
        self.runner = runner
        self.invoker = invoker
        self.default_region = default_region
        self.default_account = default_account
        self.provisioned = lambda_account.ProvisionedConcurrency(runner)
        self.rng = random.Random()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        method, path = environ.get("REQUEST_METHOD", ""), environ.get("PATH_INFO", "")
        for route_method, pattern, name in _ROUTES:
            match = pattern.match(path)
            if match and route_method in ("*", method):
                request = Request(environ, self.default_region, self.default_account)
                if request.service != "lambda":
                    break
                status, headers, body = self._dispatch(name, request, match.groupdict())
                start_response(f"{status} {REASONS.get(status, 'OK')}",
                               list(headers.items()) + [("Content-Length", str(len(body)))])
                return [body]
        return self.app(environ, start_response)

    def _dispatch(self, name: str, request: Request, params: dict[str, str]) -> Response:
        request_id = str(uuid.uuid4())
        try:
            if name == "invoke":
                return self.invoke(request, params["fn"], request_id)
            if name == "invoke_async":
                return self.invoke_async(request, params["fn"], request_id)
            if name == "account_settings":
                body = lambda_account.account_settings(request.account, request.region)
                return 200, json_headers(request_id), json.dumps(body).encode()
            return self.provisioned.handle(request, params["fn"], request_id)
        except ApiError as error:
            return error.response(request_id)
        except Exception as error:  # noqa: BLE001 - moto's own errors carry their AWS shape
            code = getattr(error, "error_type", None)
            if code is None:
                raise
            status = int(getattr(error, "code", 400))
            return ApiError(status, code, getattr(error, "message", str(error))).response(request_id)

    # -- Invoke -----------------------------------------------------------------------------

    def invoke(self, request: Request, function: str, request_id: str) -> Response:
        invocation_type = request.headers.get("x-amz-invocation-type", "RequestResponse")
        if invocation_type not in ("RequestResponse", "Event", "DryRun"):
            raise ApiError(400, "InvalidParameterValueException",
                           f"Unsupported invocation type {invocation_type}")
        limit = MAX_ASYNC_REQUEST if invocation_type == "Event" else MAX_SYNC_REQUEST
        if len(request.body) > limit:
            raise ApiError(413, "RequestTooLargeException",
                           f"Request must be smaller than {limit} bytes for the InvokeFunction operation")
        payload = _checked_payload(request.body)
        qualifier = request.query.get("Qualifier")
        target = resolve(request.account, request.region, function, qualifier, self.rng)
        headers = json_headers(request_id)
        if invocation_type == "DryRun":
            return 204, headers, b""
        if invocation_type == "Event":
            self.invoker.submit(target, payload, request_id)
            return 202, headers, b""
        client_context = _client_context(request.headers.get("x-amz-client-context"))
        tail = request.headers.get("x-amz-log-type", "None") == "Tail"
        try:
            result = self.runner.invoke(target, payload, request_id=request_id, tail=tail,
                                        client_context=client_context)
        except Throttled as throttle:
            metrics.record_throttle(target.account, target.region, target.name, target.resource,
                                   target.executed_version)
            raise ApiError(429, "TooManyRequestsException", "Rate Exceeded.", Reason=throttle.reason,
                           retryAfterSeconds=str(throttle.retry_after)) from None
        headers["X-Amz-Executed-Version"] = result.executed_version
        if result.function_error:
            headers["X-Amz-Function-Error"] = result.function_error
        if tail and result.log_tail is not None:
            headers["X-Amz-Log-Result"] = base64.b64encode(result.log_tail.encode()).decode()
        return 200, headers, result.payload

    def invoke_async(self, request: Request, function: str, request_id: str) -> Response:
        """The deprecated InvokeAsync call: same queue as InvocationType=Event."""
        if len(request.body) > MAX_ASYNC_REQUEST:
            raise ApiError(413, "RequestTooLargeException", f"Request must be smaller than "
                           f"{MAX_ASYNC_REQUEST} bytes for the InvokeFunction operation")
        payload = _checked_payload(request.body)
        target = resolve(request.account, request.region, function, None, self.rng)
        self.invoker.submit(target, payload, request_id)
        return 202, json_headers(request_id), json.dumps({"Status": 202}).encode()


def _checked_payload(body: bytes) -> str:
    """The payload as text; Lambda rejects a payload that is not JSON before running anything."""
    text = body.decode("utf-8", errors="replace")
    if text.strip():
        try:
            json.loads(text)
        except ValueError as exc:
            raise ApiError(400, "InvalidRequestContentException",
                           f"Could not parse request body into json: {exc}") from None
    return text


def _client_context(header: str | None) -> Any:
    if not header:
        return None
    if len(header) > 3583:
        raise ApiError(400, "InvalidParameterValueException", "Client context must be 3583 bytes or less")
    try:
        return json.loads(base64.b64decode(header))
    except ValueError:
        raise ApiError(400, "InvalidRequestContentException",
                       "Client context must be base64-encoded JSON") from None
