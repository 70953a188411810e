"""The runtime inside one demo execution environment (a long-lived Python subprocess).

It plays the part of AWS's Python runtime interface client: it imports the handler module once
(the init phase, timed by the parent as Init Duration), then serves invocations one at a time
over a private pipe, sending back log events as they happen and one result per invocation.

It is started as a plain script (`python bootstrap.py`), never as part of the stackview package,
so an environment costs one interpreter plus the handler's own imports, and imports only the
standard library itself.

Protocol: newline-delimited JSON on the original stdin (parent -> child) and stdout (child ->
parent). Those two descriptors are moved aside at start-up; fd 0 then reads /dev/null and fd 1
points at stderr, which the parent reads line by line, so output written below Python's
`sys.stdout` (C extensions, subprocesses) still reaches the log instead of corrupting the protocol.

Messages child -> parent: {"t": "ready"} | {"t": "init_error", "error": {...}} |
{"t": "log", "ts": ms, "m": text} | {"t": "result", "ok": bool, "payload": str, "error": {...}}.
Messages parent -> child: {"t": "invoke", "id", "payload", "deadline", "arn", "cc", "trace"}.
"""

from __future__ import annotations

import decimal
import importlib
import json
import logging
import os
import sys
import threading
import time
import traceback
from datetime import datetime, timezone
from typing import Any

#: Lambda presents the code directory as /var/task; tracebacks show that path, as on AWS.
PRESENTED_TASK_ROOT = "/var/task"
#: How often the parent-watch thread checks that the demo server is still alive.
PARENT_POLL_SECONDS = 0.5

_STANDARD_RECORD_ATTRS = frozenset(
    logging.LogRecord("", 0, "", 0, "", None, None).__dict__
) | {"message", "asctime", "aws_request_id"}


class Channel:
    """The private pipe to the parent; every write is one whole JSON line, under a lock,
    because log events can come from any thread the handler starts."""

    def __init__(self, out_fd: int) -> None:
        self._out = os.fdopen(out_fd, "wb", buffering=0)
        self._lock = threading.Lock()

    def send(self, message: dict[str, Any]) -> None:
        data = (json.dumps(message, separators=(",", ":"), default=str) + "\n").encode()
        with self._lock:
            self._out.write(data)

    def log(self, text: str, ts: float | None = None) -> None:
        self.send({"t": "log", "ts": int((ts or time.time()) * 1000), "m": text})


class State:
    """What the runtime knows about the invocation in progress (read by the log handler)."""

    request_id: str = ""


class LineWriter:
    """Replaces sys.stdout/sys.stderr: each completed line becomes one log event (with its
    newline, as Lambda stores them); a partial line is flushed when the invocation ends."""

    def __init__(self, channel: Channel) -> None:
        self._channel = channel
        self._buffer = ""
        self._lock = threading.Lock()

    def write(self, text: str) -> int:
        with self._lock:
            self._buffer += text
            while "\n" in self._buffer:
                line, self._buffer = self._buffer.split("\n", 1)
                self._channel.log(line + "\n")
        return len(text)

    def flush(self) -> None:
        with self._lock:
            if self._buffer:
                self._channel.log(self._buffer)
                self._buffer = ""

    def isatty(self) -> bool:
        return False

    @property
    def encoding(self) -> str:
        return "utf-8"


def _iso(ts: float) -> str:
    moment = datetime.fromtimestamp(ts, tz=timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


class RuntimeLogHandler(logging.Handler):
    """The Python runtime's root handler: one log event per record, even when the message
    spans lines (a logged traceback stays one event), in the function's log format."""

    def __init__(self, channel: Channel, json_format: bool) -> None:
        super().__init__()
        self._channel = channel
        self._json = json_format

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = self.render(record)
        except Exception:  # noqa: BLE001 - a bad record must not kill the runtime
            self.handleError(record)
            return
        self._channel.log(text, record.created)

    def render(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        if not self._json:
            if record.exc_info:
                message += "\n" + "".join(traceback.format_exception(*record.exc_info)).rstrip()
            return f"[{record.levelname}]\t{_iso(record.created)}\t{State.request_id}\t{message}\n"
        body: dict[str, Any] = {
            "timestamp": _iso(record.created),
            "level": record.levelname,
            "message": message,
            "logger": record.name,
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD_RECORD_ATTRS and not key.startswith("_"):
                body[key] = value
        if record.exc_info and record.exc_info[0] is not None:
            body["errorType"] = record.exc_info[0].__name__
            body["errorMessage"] = str(record.exc_info[1])
            body["stackTrace"] = _stack(record.exc_info[2])
        if State.request_id:
            body["requestId"] = State.request_id
        return json.dumps(body, default=str)


def _presented(path_text: str) -> str:
    root = os.environ.get("LAMBDA_TASK_ROOT", "")
    return path_text.replace(root, PRESENTED_TASK_ROOT) if root else path_text


def _is_import_machinery(filename: str) -> bool:
    return filename.startswith("<frozen importlib") or filename.endswith(
        os.path.join("importlib", "__init__.py"))


def _stack(tb: Any) -> list[str]:
    """Stack frames as AWS's runtime reports them (`  File "...", line N, in f\\n    code\\n`),
    without this bootstrap's own frames."""
    lines = []
    for frame in traceback.extract_tb(tb):
        if frame.filename == __file__ or _is_import_machinery(frame.filename):
            continue
        text = f'  File "{_presented(frame.filename)}", line {frame.lineno}, in {frame.name}\n'
        if frame.line:
            text += f"    {frame.line.strip()}\n"
        lines.append(text)
    return lines


def error_body(exc: BaseException, error_type: str | None = None) -> dict[str, Any]:
    return {
        "errorMessage": str(exc),
        "errorType": error_type or type(exc).__name__,
        "requestId": State.request_id,
        "stackTrace": _stack(exc.__traceback__),
    }


def error_record(body: dict[str, Any], json_format: bool) -> str:
    """The single log event the runtime writes for an unhandled error."""
    if json_format:
        return json.dumps(
            {
                "timestamp": _iso(time.time()),
                "level": "ERROR",
                "message": body,
                "errorType": body["errorType"],
                "errorMessage": body["errorMessage"],
                "stackTrace": body["stackTrace"],
                "requestId": body.get("requestId", ""),
            }
        )
    text = f"[ERROR] {body['errorType']}: {body['errorMessage']}\nTraceback (most recent call last):"
    if body["stackTrace"]:
        text += "\n" + "".join(body["stackTrace"]).rstrip()
    return text + "\n"


class Context:
    """The context object handlers receive (the attributes AWS's LambdaContext offers)."""

    def __init__(self, message: dict[str, Any]) -> None:
        self.aws_request_id = message["id"]
        self.invoked_function_arn = message["arn"]
        self.function_name = os.environ["AWS_LAMBDA_FUNCTION_NAME"]
        self.function_version = os.environ["AWS_LAMBDA_FUNCTION_VERSION"]
        self.memory_limit_in_mb = os.environ["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"]
        self.log_group_name = os.environ["AWS_LAMBDA_LOG_GROUP_NAME"]
        self.log_stream_name = os.environ["AWS_LAMBDA_LOG_STREAM_NAME"]
        self.client_context = message.get("cc")
        self.identity = None
        self.tenant_id = None
        self._deadline_ms = message["deadline"]

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int(self._deadline_ms - time.time() * 1000))


def _to_json(value: Any) -> str:
    def default(obj: Any) -> Any:
        if isinstance(obj, decimal.Decimal):
            return int(obj) if obj == obj.to_integral_value() else float(obj)
        raise TypeError(f"Object of type {type(obj).__name__} is not JSON serializable")

    return json.dumps(value, default=default)


def load_handler(spec: str) -> Any:
    """Import the handler module (the init phase); errors are named as AWS names them."""
    module_name, _, function_name = spec.rpartition(".")
    try:
        module = importlib.import_module(module_name.replace("/", "."))
    except SyntaxError as exc:
        message = f"Syntax error in module '{module_name}': {exc}"
        raise RuntimeInitError(exc, "Runtime.UserCodeSyntaxError", message) from exc
    except ImportError as exc:
        message = f"Unable to import module '{module_name}': {exc}"
        raise RuntimeInitError(exc, "Runtime.ImportModuleError", message) from exc
    handler = getattr(module, function_name, None)
    if handler is None:
        message = f"Handler '{function_name}' missing on module '{module_name}'"
        raise RuntimeInitError(None, "Runtime.HandlerNotFound", message)
    return handler


class RuntimeInitError(Exception):
    def __init__(self, cause: BaseException | None, error_type: str, message: str) -> None:
        super().__init__(message)
        self.cause = cause
        self.error_type = error_type


def _watch_parent(parent_pid: int) -> None:
    """Exit when the demo server is gone, even in the middle of a handler (no orphans)."""
    while True:
        time.sleep(PARENT_POLL_SECONDS)
        if os.getppid() != parent_pid:
            os._exit(1)


def main() -> None:
    proto_in = os.fdopen(os.dup(0), "rb")
    channel = Channel(os.dup(1))
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.dup2(2, 1)
    threading.Thread(target=_watch_parent, args=(os.getppid(),), daemon=True).start()

    task_root = os.environ["LAMBDA_TASK_ROOT"]
    layers = os.environ.get("STACKVIEW_LAYER_PATHS", "")
    sys.path[:0] = [task_root] + [p for p in layers.split(os.pathsep) if p]
    os.chdir(task_root)
    json_format = os.environ.get("AWS_LAMBDA_LOG_FORMAT", "Text").upper() == "JSON"
    stdout = LineWriter(channel)
    sys.stdout = sys.stderr = stdout  # type: ignore[assignment]
    root = logging.getLogger()
    for existing in list(root.handlers):
        root.removeHandler(existing)
    root.addHandler(RuntimeLogHandler(channel, json_format))
    if json_format:
        root.setLevel(os.environ.get("AWS_LAMBDA_LOG_LEVEL", "INFO").upper())

    try:
        handler = load_handler(os.environ["_HANDLER"])
    except RuntimeInitError as exc:
        body = error_body(exc, exc.error_type)
        body["stackTrace"] = []  # AWS shows the runtime's own failures without frames
        stdout.flush()
        channel.send({"t": "init_error", "error": body, "record": error_record(body, json_format)})
        return
    except Exception as exc:  # noqa: BLE001 - any failure at import time is an init error
        body = error_body(exc)
        stdout.flush()
        channel.send({"t": "init_error", "error": body, "record": error_record(body, json_format)})
        return
    stdout.flush()
    channel.send({"t": "ready"})

    for raw in proto_in:
        message = json.loads(raw)
        if message.get("t") != "invoke":
            continue
        State.request_id = message["id"]
        os.environ["_X_AMZN_TRACE_ID"] = message.get("trace") or ""
        reply: dict[str, Any]
        try:
            event = json.loads(message["payload"]) if message["payload"] else {}
            result = handler(event, Context(message))
            try:
                reply = {"t": "result", "ok": True, "payload": _to_json(result)}
            except (TypeError, ValueError) as exc:
                body = error_body(exc, "Runtime.MarshalError")
                body["errorMessage"] = f"Unable to marshal response: {exc}"
                body["stackTrace"] = []
                reply = {"t": "result", "ok": False, "error": body}
        except Exception as exc:  # noqa: BLE001 - the handler's failure is the result
            reply = {"t": "result", "ok": False, "error": error_body(exc)}
        stdout.flush()
        if not reply["ok"]:
            channel.log(error_record(reply["error"], json_format))
        channel.send(reply)
        State.request_id = ""


if __name__ == "__main__":
    main()
