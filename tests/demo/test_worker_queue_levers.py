"""The incident's queue levers on the seeded world's orders-prod-worker, end to end from the
shell: disabling its mapping stops its queue draining (a sent order stays in the queue),
enabling drains it, and the audit log has both. A seeded world of its own: the shared one is
read by other tests and must not change under them."""

from __future__ import annotations

import json
import os
import time
import uuid
from pathlib import Path

import pytest

from stackview import audit, cli
from stackview.demo.process import DEMO_CREDENTIALS, DEMO_REGION, DemoServer

pytestmark = pytest.mark.demo
WORKER = "orders-prod-worker"


@pytest.fixture(scope="module")
def world():
    with DemoServer(traffic=False) as server:
        yield server.endpoint


@pytest.fixture
def shell(world, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    for name in [k for k in os.environ if k.startswith("AWS_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", DEMO_CREDENTIALS[0])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", DEMO_CREDENTIALS[1])
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.setenv("STACKVIEW_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("STACKVIEW_CONFIG", str(tmp_path / "no-config.yaml"))
    monkeypatch.setattr(cli, "COMMANDS", ("sources",))
    return ["--endpoint-url", world, "--region", DEMO_REGION]


def sqs(world):
    import boto3

    return boto3.client("sqs", endpoint_url=world, region_name=DEMO_REGION,
                        aws_access_key_id=DEMO_CREDENTIALS[0], aws_secret_access_key=DEMO_CREDENTIALS[1])


def queue_url(client) -> str:
    return next(u for u in client.list_queues()["QueueUrls"] if "OrdersQueue" in u)


def waiting(client, url: str) -> int:
    attributes = client.get_queue_attributes(QueueUrl=url, AttributeNames=[
        "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"])["Attributes"]
    return int(attributes["ApproximateNumberOfMessages"]) + int(attributes["ApproximateNumberOfMessagesNotVisible"])


def invoked_since(world, start_ms: int) -> bool:
    """The worker ran since `start_ms` (a START line in its log): Lambda polls its queue again."""
    import boto3

    logs = boto3.client("logs", endpoint_url=world, region_name=DEMO_REGION,
                        aws_access_key_id=DEMO_CREDENTIALS[0], aws_secret_access_key=DEMO_CREDENTIALS[1])
    events = logs.filter_log_events(logGroupName=f"/aws/lambda/{WORKER}", startTime=start_ms,
                                    filterPattern='"START RequestId"')["events"]
    return bool(events)


def send_order(client, url: str) -> None:
    client.send_message(QueueUrl=url, MessageBody=json.dumps({
        "orderId": "o-" + uuid.uuid4().hex[:10], "customerId": "c-test", "total": "12.50", "items": 1}))


def until(predicate, timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    return True


def mapping_state(world) -> str:
    import boto3

    lam = boto3.client("lambda", endpoint_url=world, region_name=DEMO_REGION,
                       aws_access_key_id=DEMO_CREDENTIALS[0], aws_secret_access_key=DEMO_CREDENTIALS[1])
    (mapping,) = lam.list_event_source_mappings(FunctionName=f"{WORKER}:live")["EventSourceMappings"]
    return mapping["State"]


def test_disable_stops_draining_and_enable_drains(world, shell, capsys) -> None:
    """In the middle of the incident: the queue holds a backlog the failing worker keeps working on."""
    client = sqs(world)
    url = queue_url(client)
    assert cli.main(["sources", "disable", WORKER, "--yes", *shell]) == 0
    assert "disabled the mapping of orders-prod-worker" in capsys.readouterr().out
    assert until(lambda: mapping_state(world) == "Disabled")
    disabled_at = int(time.time() * 1000)
    send_order(client, url)
    kept = waiting(client, url)  # visible and in flight: nothing leaves the queue while disabled
    assert kept >= 1
    time.sleep(3)  # many poller ticks: the sent order and the backlog must still be there
    assert waiting(client, url) == kept
    assert not invoked_since(world, disabled_at)  # the worker did not run while disabled

    enabled_at = int(time.time() * 1000)
    assert cli.main(["sources", "enable", WORKER, "--yes", *shell]) == 0
    assert "enabled the mapping of orders-prod-worker" in capsys.readouterr().out
    # Lambda polls again: it runs the worker on batches and orders leave the queue (charged, or
    # dead-lettered after their receives). With the failing worker backing the poller off, the
    # first batch can take a while on a loaded machine.
    assert until(lambda: invoked_since(world, enabled_at) or waiting(client, url) < kept, timeout=120)
    assert [(e["action"], e["before"]["state"]) for e in audit.entries()] == [
        ("mapping-disable", "Enabled"), ("mapping-enable", "Disabled")]


def test_maximum_concurrency_round_trips_on_the_worker(world, shell, capsys) -> None:
    assert cli.main(["sources", "max-concurrency", WORKER, "5", "--yes", *shell]) == 0
    assert cli.main(["sources", "restore-max-concurrency", WORKER, "--yes", *shell]) == 0
    assert "5 -> none (restored from the tag)" in capsys.readouterr().out
    assert cli.main(["sources", WORKER, "--output", "json", *shell]) == 0
    (mapping,) = json.loads(capsys.readouterr().out)["mappings"]
    assert mapping["maximumConcurrency"] is None and mapping["state"] == "Enabled"
