"""`stackview logs` end to end against a scratch demo world holding known events."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from stackview import cli

pytestmark = pytest.mark.demo

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Logs:
    function: str
    group: str
    other_group: str
    request: str
    count: int


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("h.py", "def handler(event, context):\n    return event\n")
    return buffer.getvalue()


@pytest.fixture(scope="module")
def logs(scratch_endpoint) -> Logs:
    uid = uuid.uuid4().hex[:6]
    lam, iam, client = (scratch_endpoint.client(s) for s in ("lambda", "iam", "logs"))
    role = iam.create_role(RoleName=f"logs-cli-{uid}", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    function = f"report-job-{uid}"
    group = f"/custom/{uid}/reports"
    lam.create_function(FunctionName=function, Runtime="python3.11", Role=role, Handler="h.handler",
                        Code={"ZipFile": _zip()}, LoggingConfig={"LogFormat": "Text", "LogGroup": group})
    other = f"/aws/other/{uid}"
    request = str(uuid.uuid4())
    now = int(time.time() * 1000)
    client.create_log_group(logGroupName=group)
    client.create_log_stream(logGroupName=group, logStreamName="2026/11/23/[$LATEST]aaa")
    messages = [f"START RequestId: {request} Version: $LATEST\n",
                f"[ERROR]\t2026-11-23T10:00:00.000Z\t{request}\treport failed: \x1b[31mdisk full\x1b[0m\n",
                f"END RequestId: {request}\n"]
    client.put_log_events(logGroupName=group, logStreamName="2026/11/23/[$LATEST]aaa",
                          logEvents=[{"timestamp": now - 60_000 + n, "message": m} for n, m in enumerate(messages)])
    client.create_log_group(logGroupName=other)
    client.create_log_stream(logGroupName=other, logStreamName="s")
    bulk = [{"timestamp": now - 50_000 + n, "message": f"bulk line {n:05d} " + "x" * 80} for n in range(3000)]
    client.put_log_events(logGroupName=other, logStreamName="s", logEvents=bulk)
    return Logs(function, group, other, request, count=len(messages))


@pytest.fixture(autouse=True)
def environment(scratch_endpoint, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(cli, "COMMANDS", ("logs",))
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", scratch_endpoint.credentials[0])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", scratch_endpoint.credentials[1])
    monkeypatch.delenv("AWS_PROFILE", raising=False)


def run(endpoint: str, region: str, *argv: str) -> int:
    return cli.main(["--endpoint-url", endpoint, "--region", region, "logs", *argv])


def test_text_output_of_a_function_in_its_configured_group(scratch_endpoint, logs, capsys) -> None:
    code = run(scratch_endpoint.endpoint, scratch_endpoint.region, logs.function, "--since", "5m")
    out = capsys.readouterr().out.splitlines()
    assert code == 0
    assert len(out) == logs.count
    assert all(logs.function in line for line in out)
    assert out[0].split()[0].endswith("Z")  # UTC times
    assert "report failed: \\x1b[31mdisk full\\x1b[0m" in out[1]  # escapes shown, never sent
    assert "\x1b" not in "".join(out)


def test_json_output_has_the_cloudwatch_fields(scratch_endpoint, logs, capsys) -> None:
    code = run(scratch_endpoint.endpoint, scratch_endpoint.region, logs.function, "--output", "json")
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert code == 0 and len(records) == logs.count
    for record in records:
        assert {"timestamp", "ingestionTime", "logGroup", "logStream", "eventId", "message"} <= record.keys()
        assert record["logGroup"] == logs.group and record["logStream"] == "2026/11/23/[$LATEST]aaa"
        assert isinstance(record["timestamp"], int) and record["ingestionTime"] >= record["timestamp"]
    assert records[1]["message"].startswith("[ERROR]") and "\x1b[31m" in records[1]["message"]
    assert records[1].get("requestId") == logs.request and records[1].get("level") == "ERROR"
    assert [r["timestamp"] for r in records] == sorted(r["timestamp"] for r in records)


def test_filter_and_log_groups(scratch_endpoint, logs, capsys) -> None:
    code = run(scratch_endpoint.endpoint, scratch_endpoint.region, "--log-group", logs.group,
               "--log-group", logs.other_group, "--filter", '"bulk line 0299"', "-o", "json")
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert code == 0
    assert [r["message"][:15] for r in records] == ["bulk line 02990", "bulk line 02991", "bulk line 02992",
                                                    "bulk line 02993", "bulk line 02994", "bulk line 02995",
                                                    "bulk line 02996", "bulk line 02997", "bulk line 02998",
                                                    "bulk line 02999"]


def test_invalid_filter_exits_2_before_any_request(capsys) -> None:
    # An endpoint where nothing listens: the pattern is refused before connecting.
    code = run("http://127.0.0.1:9", "us-east-1", "some-function", "--filter", "{ $.level = ")
    err = capsys.readouterr().err
    assert code == 2
    assert "invalid filter pattern" in err
    lines = err.splitlines()
    assert lines[-2] == "  { $.level = " and lines[-1].strip() == "^"


def test_a_name_that_is_no_stack_and_no_function_exits_1(scratch_endpoint, logs, capsys) -> None:
    """Issue 9: it said "no function named X; following /aws/lambda/X" and went on."""
    missing = f"no-such-stack-{uuid.uuid4().hex[:6]}"
    code = run(scratch_endpoint.endpoint, scratch_endpoint.region, missing, "--since", "1m")
    captured = capsys.readouterr()
    assert code == 1 and captured.out == ""
    assert captured.err.strip().splitlines() == [f"stackview: no stack or function named {missing}"]
    # A later name is a function or a log group: said so, nothing printed either.
    code = run(scratch_endpoint.endpoint, scratch_endpoint.region, logs.function, missing)
    captured = capsys.readouterr()
    assert code == 1 and captured.out == "" and f"no function or log group named {missing}" in captured.err


def test_a_deleted_function_is_followed_in_its_remaining_log_group(scratch_endpoint, logs, capsys) -> None:
    gone = f"deleted-fn-{uuid.uuid4().hex[:6]}"
    client = scratch_endpoint.client("logs")
    client.create_log_group(logGroupName=f"/aws/lambda/{gone}")
    client.create_log_stream(logGroupName=f"/aws/lambda/{gone}", logStreamName="s")
    client.put_log_events(logGroupName=f"/aws/lambda/{gone}", logStreamName="s",
                          logEvents=[{"timestamp": int(time.time() * 1000) - 5_000, "message": "last words\n"}])
    code = run(scratch_endpoint.endpoint, scratch_endpoint.region, gone, "--since", "1m")
    captured = capsys.readouterr()
    assert code == 0 and "last words" in captured.out
    assert f"no function named {gone}; following its log group /aws/lambda/{gone}" in captured.err


def test_a_closed_pipe_ends_quietly(scratch_endpoint, logs) -> None:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    process = subprocess.Popen(
        [sys.executable, "-m", "stackview", "--endpoint-url", scratch_endpoint.endpoint, "--region",
         scratch_endpoint.region, "logs", "--log-group", logs.other_group, "--since", "5m"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=ROOT,
    )
    first = process.stdout.readline()
    process.stdout.close()  # as `| head -1` does
    _, err = process.communicate(timeout=60)
    assert b"bulk line 00000" in first
    assert process.returncode == 0
    assert b"Traceback" not in err and b"BrokenPipe" not in err
