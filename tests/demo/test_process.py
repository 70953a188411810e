"""The demo server as a child process: it starts, reports failures, and never outlives us."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from stackview.demo.process import DemoServer, DemoServerError

from .helpers import subprocess_env

pytestmark = pytest.mark.demo

#: A parent that starts a demo world, leaves one execution environment busy (a handler
#: sleeping) and one idle, reports the pids, then waits to be killed.
PARENT = r"""
import io, json, sys, threading, time, zipfile
import boto3
from botocore.config import Config
from stackview.demo.process import DemoServer, DEMO_CREDENTIALS

source = "import time\ndef handler(event, context):\n    time.sleep(event.get('sleep', 0))\n    return 1\n"
buffer = io.BytesIO()
with zipfile.ZipFile(buffer, "w") as archive:
    archive.writestr("app.py", source)
with DemoServer(empty=True, traffic=False) as server:
    kw = dict(endpoint_url=server.endpoint, region_name="us-east-1", aws_access_key_id=DEMO_CREDENTIALS[0],
              aws_secret_access_key=DEMO_CREDENTIALS[1], config=Config(retries={"total_max_attempts": 1}))
    role = boto3.client("iam", **kw).create_role(RoleName="r", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    lam = boto3.client("lambda", **kw)
    lam.create_function(FunctionName="f", Runtime="python3.11", Role=role, Handler="app.handler",
                        Code={"ZipFile": buffer.getvalue()}, Timeout=60)
    threading.Thread(target=lam.invoke, kwargs={"FunctionName": "f", "Payload": b'{"sleep": 50}'},
                     daemon=True).start()
    time.sleep(1.0)
    lam.invoke(FunctionName="f", Payload=b"{}")  # the first environment is busy: a second one
    print(json.dumps({"server": server.pid}), flush=True)
    time.sleep(60)
"""


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return found


def _running(pid: int) -> bool:
    """Alive and not a zombie (a dead child not yet reaped by whoever adopted it)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _wait_gone(pids: list[int], timeout: float = 10.0) -> list[int]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        alive = [pid for pid in pids if _running(pid)]
        if not alive:
            return []
        time.sleep(0.1)
    return [pid for pid in pids if _running(pid)]


def _start_parent() -> tuple[subprocess.Popen[str], int, list[int]]:
    parent = subprocess.Popen([sys.executable, "-c", PARENT], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=subprocess_env())
    assert parent.stdout is not None
    line = parent.stdout.readline()
    if not line:
        parent.kill()
        pytest.fail("the parent did not start a demo server: " + (parent.stderr.read() if parent.stderr else ""))
    server = json.loads(line)["server"]
    environments = _children(server)
    assert len(environments) == 2, "expected one busy and one idle execution environment"
    return parent, server, environments


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM, signal.SIGINT],
                         ids=["kill-9", "sigterm", "ctrl-c"])
def test_no_orphan_when_the_parent_dies(sig):
    parent, server, environments = _start_parent()
    try:
        parent.send_signal(sig)
        parent.wait(timeout=15)
        assert _wait_gone([server, *environments]) == []
    finally:
        for pid in [parent.pid, server, *environments]:
            if _running(pid):
                os.kill(pid, signal.SIGKILL)


def test_environments_die_with_a_killed_server():
    parent, server, environments = _start_parent()
    try:
        os.kill(server, signal.SIGKILL)
        assert _wait_gone(environments) == []
    finally:
        parent.kill()
        parent.wait(timeout=10)


def test_start_reports_why_the_child_failed():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        server = DemoServer(empty=True, traffic=False)
        with pytest.raises(DemoServerError) as caught:
            server.start(port)
    message = str(caught.value)
    assert "exited with code 1" in message and "Address already in use" in message
    assert server.pid is None


def test_start_returns_a_loopback_endpoint_and_stop_ends_the_child():
    server = DemoServer(empty=True, traffic=False)
    endpoint = server.start()
    pid = server.pid
    assert endpoint.startswith("http://127.0.0.1:") and pid is not None and _running(pid)
    server.stop()
    assert server.pid is None and not _running(pid)
    server.stop()  # stopping twice is harmless
