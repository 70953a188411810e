"""`stackview invoke` end to end against the scratch demo world (handlers really run)."""

from __future__ import annotations

import io
import json
import uuid
import zipfile
from pathlib import Path

import pytest

from stackview import audit, cli
from stackview.events import saved

pytestmark = pytest.mark.demo

WORKER = '''
def handler(event, context):
    if event.get("fail"):
        raise RuntimeError("queue worker crashed: " + event["fail"])
    records = event.get("Records", [])
    print("processing", len(records), "records")
    return {"processed": [r["messageId"] for r in records], "source": records[0]["eventSource"] if records else None}
'''


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("worker.py", WORKER)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def worker(scratch_endpoint) -> str:
    lam, iam = scratch_endpoint.client("lambda"), scratch_endpoint.client("iam")
    role = iam.create_role(RoleName=f"worker-{uuid.uuid4().hex[:6]}", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    name = f"queue-worker-{uuid.uuid4().hex[:8]}"
    lam.create_function(FunctionName=name, Runtime="python3.11", Role=role, Handler="worker.handler",
                        Code={"ZipFile": _zip()}, Timeout=5)
    version = lam.publish_version(FunctionName=name)["Version"]
    lam.create_alias(FunctionName=name, Name="live", FunctionVersion=version)
    return name


@pytest.fixture(autouse=True)
def environment(scratch_endpoint, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(cli, "COMMANDS", ("invoke",))
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", scratch_endpoint.credentials[0])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", scratch_endpoint.credentials[1])
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.setenv("STACKVIEW_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("STACKVIEW_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("STACKVIEW_CONFIG", str(tmp_path / "config.yaml"))  # no user config: not read-only


def run(scratch_endpoint, *argv: str) -> int:
    return cli.main(["--endpoint-url", scratch_endpoint.endpoint, "--region", scratch_endpoint.region,
                     "invoke", *argv])


def test_generated_sqs_event_to_the_workers_alias(scratch_endpoint, worker, capsys) -> None:
    assert run(scratch_endpoint, worker, "--qualifier", "live", "--generate", "sqs") == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].startswith(f"{worker}:live  RequestResponse  200  version 1  request ")
    assert lines[1].startswith("REPORT  ") and "ms (billed" in lines[1] and "/128 MB" in lines[1]
    assert '"source": "aws:sqs"' in out
    assert "processing 1 records" in out and "--- log tail ---" in out
    (entry,) = list(audit.entries())
    assert entry["target"].endswith(f":function:{worker}:live") and entry["details"]["event"] == "generated:sqs"


def test_function_error_exits_1_with_the_stack_trace(scratch_endpoint, worker, capsys, monkeypatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO('{"fail": "poison message"}'))
    assert run(scratch_endpoint, worker, "--event", "-") == 1
    out = capsys.readouterr().out
    assert "FUNCTION ERROR (Unhandled): RuntimeError: queue worker crashed: poison message" in out
    assert 'File "/var/task/worker.py"' in out


def test_json_output_from_a_saved_event(scratch_endpoint, worker, capsys) -> None:
    saved.save(worker, "two-records", json.dumps({"Records": [
        {"messageId": "m-1", "eventSource": "aws:sqs"}, {"messageId": "m-2", "eventSource": "aws:sqs"}]}))
    assert run(scratch_endpoint, worker, "--saved", "two-records", "--output", "json") == 0
    document = json.loads(capsys.readouterr().out)
    assert document["outcome"] == "ok" and document["statusCode"] == 200
    assert document["payload"] == {"processed": ["m-1", "m-2"], "source": "aws:sqs"}
    assert document["report"]["memorySizeMB"] == 128 and document["executedVersion"] == "$LATEST"
    assert "processing 2 records" in document["logTail"]


def test_event_and_dry_run_types(scratch_endpoint, worker, capsys) -> None:
    assert run(scratch_endpoint, worker, "--type", "DryRun") == 0
    assert capsys.readouterr().out.startswith(f"{worker}  DryRun  204  request ")
    assert run(scratch_endpoint, worker, "--type", "Event", "--generate", "sns") == 0
    assert capsys.readouterr().out.startswith(f"{worker}  Event  202  request ")


def test_throttled_exits_1_and_says_how_to_unthrottle(scratch_endpoint, worker, capsys) -> None:
    lam = scratch_endpoint.client("lambda")
    lam.put_function_concurrency(FunctionName=worker, ReservedConcurrentExecutions=0)
    try:
        assert run(scratch_endpoint, worker) == 1
    finally:
        lam.delete_function_concurrency(FunctionName=worker)
    captured = capsys.readouterr()
    assert "THROTTLED (ReservedFunctionConcurrentInvocationLimitExceeded)" in captured.out
    assert f"unthrottle with `stackview unthrottle {worker}`" in captured.err


def test_unknown_function_is_one_line(scratch_endpoint, capsys) -> None:
    assert run(scratch_endpoint, "no-such-worker") == 1
    err = capsys.readouterr().err
    assert err.splitlines() == ["stackview: checking credentials ...",
                                "stackview: Function not found: arn:aws:lambda:us-east-1:123456789012:function:"
                                "no-such-worker"]
