"""Building blocks of the demo history: what one past invocation did, before it is rendered.

A Plan is what a handler did in one invocation: the lines it logged (at offsets from its
start), how long it ran, how it ended. The per-app modules (thumbnails, orders, reports) write
Plans that mirror their handlers line for line; sim places them in time and in execution
environments; write renders them exactly as the live runner does and stores them.
"""

from __future__ import annotations

import functools
import random
import uuid
from dataclasses import dataclass, field
from typing import Any

from stackview.demo.seed.code import handler_source

#: Where AWS's Python 3.12 runtime keeps botocore (frames of errors raised inside boto3 calls).
BOTOCORE = "/var/lang/lib/python3.12/site-packages/botocore"


@dataclass
class Entry:
    """One log line of the handler. kind: "app" (logging, text format), "print" (stdout),
    "powertools" (a structured JSON line; `extra` holds its fields)."""

    offset_ms: float
    kind: str
    message: str
    level: str = "INFO"
    location: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Plan:
    """What one invocation did. outcome: "ok" (including handled errors, which return an
    error response), "error" (an unhandled exception) or "timeout"."""

    entries: list[Entry]
    duration_ms: float
    outcome: str = "ok"
    error: dict[str, Any] | None = None
    handled_error: bool = False
    #: Follow-up invocations this one causes (an upload to convert, an order to fulfil).
    follow_ups: list[Any] = field(default_factory=list)
    correlation_id: str | None = None
    #: Message ids a successful batch reports in batchItemFailures (they stay in the queue).
    kept: list[str] = field(default_factory=list)


def request_id(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def hex_id(rng: random.Random, digits: int) -> str:
    return f"{rng.getrandbits(4 * digits):0{digits}x}"


@functools.lru_cache(maxsize=None)
def _source_lines(app: str, module: str) -> tuple[str, ...]:
    return tuple(handler_source(app, module).splitlines())


def line_of(app: str, module: str, code: str) -> int:
    """The line number of `code` (stripped) in a shipped handler module.

    History tracebacks and Powertools `location` fields are computed from the real source, so
    they stay true when a handler is edited; a missing line is a bug caught by the tests.
    """
    for number, text in enumerate(_source_lines(app, module), start=1):
        if text.strip() == code:
            return number
    raise LookupError(f"{code!r} not found in {app}/{module}.py")


def frame(app: str, module: str, function: str, code: str) -> str:
    """One stack frame as the runtime reports it (`stackTrace` entry)."""
    return (f'  File "/var/task/{module}.py", line {line_of(app, module, code)}, in {function}\n'
            f"    {code}\n")


def library_frame(path: str, line: int, function: str, code: str) -> str:
    return f'  File "{path}", line {line}, in {function}\n    {code}\n'


def botocore_frames() -> list[str]:
    """The frames a ClientError passes through in boto3 1.34 (as on Lambda's runtime)."""
    return [
        library_frame(f"{BOTOCORE}/client.py", 569, "_api_call",
                      "return self._make_api_call(operation_name, kwargs)"),
        library_frame(f"{BOTOCORE}/client.py", 1023, "_make_api_call",
                      "raise error_class(parsed_response, operation_name)"),
    ]


def error_body(error_type: str, message: str, frames: list[str], request: str = "") -> dict[str, Any]:
    return {"errorMessage": message, "errorType": error_type, "requestId": request,
            "stackTrace": frames}
