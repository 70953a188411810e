"""`stackview.aws.invoke` against the demo world's local runner: handlers really run.

Every test creates its own functions in the scratch world (an empty demo world of its own),
so the seeded world other tests read stays as the seed made it.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from stackview import audit
from stackview.aws import invoke as invoke_module
from stackview.aws.errors import AwsError
from stackview.aws.invoke import InvokeRefused, invoke
from stackview.aws.session import AwsSession
from stackview.models import Target
from tests.aws.functions_helpers import package, role_arn, unique

pytestmark = pytest.mark.demo

HANDLER = '''
import logging
import time

logger = logging.getLogger()
logger.setLevel(logging.INFO)


def handler(event, context):
    action = event.get("action", "echo") if isinstance(event, dict) else "echo"
    if action == "echo":
        return {"event": event, "request_id": context.aws_request_id, "version": context.function_version}
    if action == "handled":
        try:
            raise KeyError("sku-42")
        except KeyError:
            logger.exception("could not price the order")
        return {"status": "degraded"}
    if action == "raise":
        raise ValueError("boom " + event.get("detail", ""))
    if action == "sleep":
        time.sleep(event["seconds"])
        return {"slept": event["seconds"]}
    if action == "print":
        for i in range(event["lines"]):
            print("line", i, "x" * 80)
        return {"printed": event["lines"]}
    if action == "text":
        return "plain text, not an object"
    raise RuntimeError("unknown action " + action)
'''


class World:
    """Plain boto3 clients on the scratch world, to set things up and look at the logs."""

    def __init__(self, endpoint: Any) -> None:
        self.endpoint = endpoint
        self.lam = endpoint.client("lambda", read_timeout=30)
        self.iam = endpoint.client("iam")
        self.logs = endpoint.client("logs")

    def function(self, prefix: str, **extra: Any) -> str:
        name = unique(prefix)
        spec = {"FunctionName": name, "Runtime": "python3.11", "Role": role_arn(self.iam),
                "Handler": "app.handler", "Code": {"ZipFile": package(HANDLER)}, "Timeout": 5}
        spec.update(extra)
        self.lam.create_function(**spec)
        return name

    def log_lines(self, name: str, contains: str = "") -> list[str]:
        try:
            pages = self.logs.get_paginator("filter_log_events").paginate(logGroupName=f"/aws/lambda/{name}")
            return [e["message"] for page in pages for e in page["events"] if contains in e["message"]]
        except self.logs.exceptions.ResourceNotFoundException:
            return []


@pytest.fixture(scope="module")
def world(scratch_endpoint) -> World:
    return World(scratch_endpoint)


@pytest.fixture(scope="module")
def echo(world: World) -> str:
    return world.function("invoke-echo")


@pytest.fixture
def session(scratch_endpoint) -> AwsSession:
    target = Target(region=scratch_endpoint.region, endpoint_url=scratch_endpoint.endpoint, demo=True)
    aws = AwsSession(target, credentials=scratch_endpoint.credentials)
    aws.identity()
    return aws


@pytest.fixture(autouse=True)
def state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("STACKVIEW_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("STACKVIEW_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "state"


class Sent:
    """Counts every HTTP request any client of a session sends (a botocore before-send hook)."""

    def __init__(self, session: AwsSession, monkeypatch: pytest.MonkeyPatch) -> None:
        self.requests: list[str] = []
        self.clients: list[dict[str, Any]] = []
        original = session.client

        def client(service: str, **kwargs: Any) -> Any:
            made = original(service, **kwargs)
            self.clients.append({"service": service, **kwargs})
            if not getattr(made, "_counted", False):
                made.meta.events.register("before-send", self._count)
                made._counted = True
            return made

        monkeypatch.setattr(session, "client", client)

    def _count(self, request: Any, **_: Any) -> None:
        self.requests.append(f"{request.method} {request.url}")

    def invocations(self) -> list[str]:
        return [r for r in self.requests if "/invocations" in r]


@pytest.fixture
def sent(session: AwsSession, monkeypatch: pytest.MonkeyPatch) -> Iterator[Sent]:
    yield Sent(session, monkeypatch)


def event(**fields: Any) -> bytes:
    return json.dumps(fields).encode()


def test_success_with_log_tail_report_and_audit(session, world, sent) -> None:
    name = world.function("invoke-ok")
    first = invoke(session, name, event(action="echo", n=1), event_name="hello")
    assert first.ok and first.outcome == "ok" and first.status_code == 200
    assert first.executed_version == "$LATEST"
    assert first.payload_json["event"] == {"action": "echo", "n": 1}
    assert first.payload_json["request_id"] == first.request_id
    assert first.duration_ms > 0
    assert first.function_arn == f"arn:aws:lambda:us-east-1:123456789012:function:{name}"
    assert first.log_tail.startswith(f"START RequestId: {first.request_id}") and not first.log_truncated
    assert first.report is not None and first.report.cold_start
    assert first.report.memory_size_mb == 128 and first.report.max_memory_mb > 0
    assert first.report.billed_ms >= first.report.duration_ms > 0
    second = invoke(session, name, event(action="echo"))
    assert second.report is not None and not second.report.cold_start
    # one HTTP request per invoke (plus one configuration read for the timeout): never a retry
    assert len(sent.invocations()) == 2
    lambda_clients = [c for c in sent.clients if c["service"] == "lambda" and c.get("max_attempts") == 1]
    assert lambda_clients and all(c["read_timeout"] == 5 + invoke_module.READ_TIMEOUT_MARGIN for c in lambda_clients)
    entries = list(audit.entries())
    assert [e["action"] for e in entries] == ["invoke", "invoke"]
    assert entries[0]["target"] == first.function_arn and entries[0]["outcome"] == "ok"
    assert entries[0]["details"]["request_id"] == first.request_id
    assert entries[0]["details"]["status"] == 200 and entries[0]["details"]["event"] == "hello"
    assert entries[0]["account"] == "123456789012" and entries[0]["caller"].startswith("arn:aws:")


def test_handled_error_is_a_success_with_the_error_in_the_log(session, echo) -> None:
    result = invoke(session, echo, event(action="handled"))
    assert result.ok and result.payload_json == {"status": "degraded"}
    assert "[ERROR]" in result.log_tail and "could not price the order" in result.log_tail
    assert "KeyError: 'sku-42'" in result.log_tail


def test_unhandled_exception_gives_type_message_and_stack_trace(session, echo) -> None:
    result = invoke(session, echo, event(action="raise", detail="at checkout"))
    error = result.function_error
    assert not result.ok and result.outcome == "function-error" and result.status_code == 200
    assert error.kind == "Unhandled" and error.error_type == "ValueError"
    assert error.error_message == "boom at checkout" and error.headline() == "ValueError: boom at checkout"
    assert any('/var/task/app.py"' in frame and "in handler" in frame for frame in error.stack_trace)
    assert not error.timed_out
    (entry,) = [e for e in audit.entries() if e["details"]["request_id"] == result.request_id]
    assert entry["outcome"] == "failed: function error: ValueError: boom at checkout"


def test_timeout_is_an_unhandled_error_with_a_timeout_report(session, world) -> None:
    name = world.function("invoke-timeout", Timeout=1)
    result = invoke(session, name, event(action="sleep", seconds=3))
    assert result.function_error.kind == "Unhandled" and result.timed_out
    assert result.function_error.error_type == "Sandbox.Timedout"
    assert "Task timed out after 1.00 seconds" in result.log_tail
    assert result.report is not None and result.report.status == "timeout"


def test_throttled_function_says_how_to_unthrottle(session, world, sent) -> None:
    name = world.function("invoke-throttled")
    world.lam.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=0)
    result = invoke(session, name, event(action="echo"))
    assert result.outcome == "throttled" and result.status_code == 429 and not result.ok
    throttle = result.throttled
    assert throttle.reason == "ReservedFunctionConcurrentInvocationLimitExceeded"
    assert throttle.reserved_concurrency == 0 and throttle.retry_after_seconds >= 1
    assert throttle.message == (f"throttled: reserved concurrency is 0; unthrottle with "
                                f"`stackview unthrottle {name}` or `u` in the function screen")
    assert len(sent.invocations()) == 1  # not retried, although botocore counts 429 as retryable
    assert world.log_lines(name) == []
    (entry,) = list(audit.entries())
    assert entry["outcome"] == f"failed: {throttle.message}" and entry["details"]["status"] == 429


def test_busy_reserved_concurrency_is_not_called_a_throttle_to_undo() -> None:
    message = invoke_module.throttle_message("fn", "ReservedFunctionConcurrentInvocationLimitExceeded", 5, 2)
    assert message == ("throttled: all 5 reserved concurrent executions of fn are busy; "
                       "retry in 2 s or raise its reserved concurrency")
    assert "unthrottle" not in message


def test_event_and_dry_run(session, world, echo) -> None:
    queued = invoke(session, echo, event(action="echo", tag="async"), invocation_type="Event")
    assert queued.ok and queued.status_code == 202 and queued.payload == b"" and queued.log_tail is None
    checked = invoke(session, echo, event(action="echo"), invocation_type="DryRun")
    assert checked.ok and checked.status_code == 204 and checked.report is None
    deadline = time.monotonic() + 15
    while not world.log_lines(echo, f"REPORT RequestId: {queued.request_id}") and time.monotonic() < deadline:
        time.sleep(0.2)
    assert world.log_lines(echo, f"REPORT RequestId: {queued.request_id}")
    assert world.log_lines(echo, checked.request_id) == []
    details = [e["details"] for e in audit.entries()]
    assert [(d["invocation_type"], d["status"]) for d in details] == [("Event", 202), ("DryRun", 204)]


def test_oversized_payloads_are_refused_before_any_request(session, echo, sent) -> None:
    big = event(blob="x" * (6 * 1024 * 1024))
    with pytest.raises(InvokeRefused) as sync:
        invoke(session, echo, big)
    assert "Lambda accepts at most 6.00 MB" in str(sync.value) and "nothing was sent" in str(sync.value)
    medium = event(blob="x" * (1024 * 1024))
    with pytest.raises(InvokeRefused, match="1.00 MB .* asynchronous"):
        invoke(session, echo, medium, invocation_type="Event")
    assert sent.requests == []  # not even the configuration read
    outcomes = [e["outcome"] for e in audit.entries()]
    assert len(outcomes) == 2 and all(o.startswith("failed: refused before sending: ") for o in outcomes)
    # the same medium payload is fine synchronously, and that one does go out
    assert invoke(session, echo, medium).ok
    assert len(sent.invocations()) == 1


def test_qualifier_and_executed_version(session, world) -> None:
    name = world.function("invoke-alias")
    version = world.lam.publish_version(FunctionName=name)["Version"]
    world.lam.create_alias(FunctionName=name, Name="live", FunctionVersion=version)
    result = invoke(session, name, event(action="echo"), qualifier="live")
    assert result.executed_version == version and result.payload_json["version"] == version
    assert result.request.label == f"{name}:live"
    (entry,) = list(audit.entries())
    assert entry["target"].endswith(f":function:{name}:live") and entry["details"]["qualifier"] == "live"


def test_long_logs_are_cut_to_the_last_4_kb_and_the_report_is_still_read(session, echo) -> None:
    result = invoke(session, echo, event(action="print", lines=100))
    assert result.log_truncated and not result.log_tail.startswith("START")
    assert result.report is not None and result.report.duration_ms is not None


def test_non_json_payload_is_kept_as_text(session, echo) -> None:
    result = invoke(session, echo, event(action="text"))
    assert result.is_json and result.payload_json == "plain text, not an object"
    assert result.pretty_payload() == '"plain text, not an object"'


def test_a_read_timeout_is_reported_and_never_retried(session, world, sent, monkeypatch) -> None:
    name = world.function("invoke-slow", Timeout=10)
    monkeypatch.setattr(invoke_module, "READ_TIMEOUT_MARGIN", 0)
    with pytest.raises(AwsError, match=r"no answer from Lambda within 1 s; the invoke was not retried"):
        invoke(session, name, event(action="sleep", seconds=2.5), function_timeout=1)
    assert len(sent.invocations()) == 1
    deadline = time.monotonic() + 15  # let the invocation finish in the runner
    while not world.log_lines(name, "REPORT RequestId") and time.monotonic() < deadline:
        time.sleep(0.2)
    assert world.log_lines(name, "REPORT RequestId")
    assert len(world.log_lines(name, "START RequestId")) == 1  # it ran once, not twice
    (entry,) = list(audit.entries())
    assert entry["outcome"].startswith("failed: no answer from Lambda within 1 s")


def test_unknown_function_is_a_described_client_error(session) -> None:
    from botocore.exceptions import ClientError

    from stackview.aws.errors import describe

    with pytest.raises(ClientError) as caught:
        invoke(session, "no-such-function-here", b"{}")
    assert describe(caught.value).kind == "not-found"
    (entry,) = list(audit.entries())
    assert entry["outcome"].startswith("failed: ") and entry["target"].endswith(":function:no-such-function-here")
