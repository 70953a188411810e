"""The realism switches end to end: a demo server started with them, plain boto3 clients.

Latency is checked through the server's own counters (GET /_stackview/realism), never by timing.
"""

from __future__ import annotations

import json
import urllib.request
from collections import Counter
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from stackview.demo.process import DEMO_CREDENTIALS, DEMO_REGION, DemoServer

from .helpers import create_function, unique

pytestmark = pytest.mark.demo

LATENCY = "FilterLogEvents=7,logs=3,default=1"


@pytest.fixture(scope="module")
def server() -> Iterator[DemoServer]:
    with DemoServer(empty=True, traffic=False, seed=11, latency=LATENCY, throttle_rate=0.25,
                    fault_rate="10%") as running:
        yield running


def client(server: DemoServer, service: str, **retries: Any) -> Any:
    return boto3.client(service, endpoint_url=server.endpoint, region_name=DEMO_REGION,
                        aws_access_key_id=DEMO_CREDENTIALS[0], aws_secret_access_key=DEMO_CREDENTIALS[1],
                        config=Config(retries=retries or {"total_max_attempts": 1}))


def stats(server: DemoServer) -> dict[str, Any]:
    with urllib.request.urlopen(f"{server.endpoint}/_stackview/realism", timeout=10) as answer:
        return json.load(answer)


def outcome(call: Any) -> str:
    try:
        call()
        return "ok"
    except ClientError as error:
        return f"{error.response['Error']['Code']}/{error.response['ResponseMetadata']['HTTPStatusCode']}"


def test_a_client_without_retries_meets_throttles_and_faults_at_about_the_rates(server):
    logs = client(server, "logs")
    seen = Counter(outcome(lambda: logs.describe_log_groups()) for _ in range(400))
    faults = seen["ServiceUnavailableException/500"] + seen["ServiceUnavailable/503"]
    assert set(seen) <= {"ok", "ThrottlingException/400", "ServiceUnavailableException/500",
                         "ServiceUnavailable/503"}
    assert 0.04 < faults / 400 < 0.18
    # Throttling is drawn for the calls that did not fault: 25% of about 90%.
    assert 0.14 < seen["ThrottlingException/400"] / 400 < 0.32
    lam = client(server, "lambda")
    lambda_seen = Counter(outcome(lambda: lam.list_functions()) for _ in range(100))
    assert lambda_seen["TooManyRequestsException/429"] > 5


def test_writes_are_never_throttled_only_faulted(server):
    logs = client(server, "logs")
    group = unique("/realism/writes")
    seen = Counter(outcome(lambda: logs.create_log_group(logGroupName=group)) for _ in range(150))
    assert "ThrottlingException/400" not in seen
    assert seen["ok"] == 1 and seen["ResourceAlreadyExistsException/400"] > 100


def test_latency_is_applied_per_operation_as_the_server_counts_it(server):
    logs = client(server, "logs", mode="standard", max_attempts=10)
    group = unique("/realism/latency")
    logs.create_log_group(logGroupName=group)
    before = stats(server)["operations"].get("FilterLogEvents", {}).get("calls", 0)
    for _ in range(20):
        logs.filter_log_events(logGroupName=group)
    after = stats(server)
    operations = after["operations"]
    assert operations["FilterLogEvents"]["calls"] - before >= 20  # with retried ones
    for name, ms in (("FilterLogEvents", 7), ("CreateLogGroup", 3)):
        assert operations[name]["delayed"] == operations[name]["calls"]
        assert operations[name]["delay_ms"] == ms * operations[name]["calls"]
    assert after["switches"] == {"latency": {"FilterLogEvents": 7, "logs": 3, "default": 1},
                                 "throttle_rate": 0.25, "fault_rate": 0.1}


def test_botocore_standard_retries_get_through(server):
    cfn = client(server, "cloudformation", mode="standard", max_attempts=10)
    before = stats(server)["operations"].get("DescribeStacks", {})
    for _ in range(25):
        assert cfn.describe_stacks()["Stacks"] == []
    after = stats(server)["operations"]["DescribeStacks"]
    refused = (after.get("throttled", 0) + after.get("faults", 0)
               - before.get("throttled", 0) - before.get("faults", 0))
    assert refused > 0  # some calls were refused, and retried to success
    assert after["calls"] - before.get("calls", 0) == 25 + refused


def test_the_demo_worlds_own_calls_are_spared(server):
    """A function's code calls the endpoint with the world's own key: never delayed or refused,
    so the switches change what clients see, not what the world does."""
    lam = client(server, "lambda", mode="standard", max_attempts=10)
    iam = client(server, "iam", mode="standard", max_attempts=10)
    name = unique("realism-spared")
    create_function(lam, iam, name)
    spared = stats(server)["totals"].get("spared", 0)
    results = [json.loads(lam.invoke(FunctionName=name, Payload=json.dumps(
        {"action": "s3", "bucket": unique("spared")}).encode())["Payload"].read()) for _ in range(4)]
    assert all(result == {"body": "written by a handler"} for result in results)
    assert stats(server)["totals"]["spared"] >= spared + 4 * 3  # create, put, get per invoke


def test_the_same_seed_meets_the_same_errors():
    def run() -> list[str]:
        with DemoServer(empty=True, traffic=False, seed=5, throttle_rate=0.3, fault_rate=0.1) as again:
            logs = client(again, "logs")
            return [outcome(lambda: logs.describe_log_groups()) for _ in range(40)]

    first = run()
    assert first == run() and len(set(first)) >= 3
