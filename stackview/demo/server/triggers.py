"""Route moto's own Lambda call sites (S3 notifications, SNS subscriptions, SQS event source
mappings, EventBridge targets, stream and log subscriptions) to the demo runner.

moto calls `LambdaBackend.invoke` or `LambdaFunction.invoke` from inside other services'
requests. On AWS, S3, SNS and EventBridge invoke asynchronously (an event queue, retries, a
dead-letter target), while SQS, Kinesis and DynamoDB stream pollers invoke synchronously and
look at the result. The asynchronous call sites are wrapped so that, on their thread, a
function invoke is queued instead of run; everything else runs synchronously in the runner.
"""

from __future__ import annotations

import functools
import json
import random
import threading
import uuid
from typing import Any, Callable

from stackview.demo.runtime.runner import Runner, Throttled
from stackview.demo.runtime.targets import Target, resolve
from stackview.demo.server.async_invoke import AsyncInvoker

_mode = threading.local()
_rng = random.Random()


def _as_text(body: Any) -> str:
    if body is None:
        return ""
    if isinstance(body, bytes):
        return body.decode("utf-8")
    if isinstance(body, str):
        return body
    return json.dumps(body)


def target_of(fn: Any) -> Target:
    """The Target for a moto LambdaFunction object (a version or $LATEST)."""
    version = str(fn.version)
    base = fn.function_arn.split(":function:")[0] + f":function:{fn.function_name}"
    qualifier = None if version == "$LATEST" else version
    arn = f"{base}:{qualifier}" if qualifier else base
    return Target(fn.account_id, fn.region, fn, version, qualifier, arn)


def _asynchronously(function: Callable[..., Any]) -> Callable[..., Any]:
    """Run a moto call site with function invokes queued (asynchronous) on this thread."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        previous = getattr(_mode, "queued", False)
        _mode.queued = True
        try:
            return function(*args, **kwargs)
        finally:
            _mode.queued = previous

    return wrapper


def install(runner: Runner, invoker: AsyncInvoker) -> None:
    """Patch moto's Lambda invoke paths (idempotent per process: the last runner wins)."""
    import moto.events.notifications as events_notifications
    import moto.s3.notifications as s3_notifications
    from moto.awslambda.models import LambdaBackend, LambdaFunction

    def run(target: Target, body: Any, response_headers: dict[str, Any]) -> bytes:
        payload = _as_text(body)
        if getattr(_mode, "queued", False):
            invoker.submit(target, payload, str(uuid.uuid4()))
            return b""
        try:
            result = runner.invoke(target, payload)
        except Throttled as throttle:
            response_headers["x-amz-function-error"] = "Unhandled"
            body = {"errorType": "TooManyRequestsException", "Reason": throttle.reason}
            return json.dumps(body).encode()
        if result.function_error:
            response_headers["x-amz-function-error"] = result.function_error
        return result.payload

    def function_invoke(self: Any, body: Any, request_headers: Any, response_headers: Any) -> bytes:
        return run(target_of(self), body, response_headers)

    def backend_invoke(self: Any, function_name: str, qualifier: str | None, body: Any,
                       headers: Any, response_headers: Any) -> bytes:
        target = resolve(self.account_id, self.region_name, function_name, qualifier, _rng)
        return run(target, body, response_headers)

    LambdaFunction.invoke = function_invoke  # type: ignore[method-assign]
    LambdaBackend.invoke = backend_invoke  # type: ignore[method-assign]
    for owner, name in ((s3_notifications, "_invoke_awslambda"),
                        (events_notifications, "_invoke_lambda"),
                        (LambdaBackend, "send_sns_message")):
        current = getattr(owner, name)
        original = getattr(current, "__wrapped__", current)
        setattr(owner, name, _asynchronously(original))
