"""The orders queue worker: its versions and alias in the seeded world, and partial batch responses.

Issue 5's "done when" is: pick a generated SQS event, invoke the worker's alias, read the result
and the REPORT summary. The seeded world is only read here (its logs feed snapshot tests); the
handler runs from its real deployment package in the scratch world, on a table of its own.
"""

from __future__ import annotations

import base64
import copy
import json

import pytest

from stackview.demo.seed import catalog
from stackview.demo.seed.code import function_package
from stackview.events.generated import build

from .helpers import role_arn, unique

pytestmark = pytest.mark.demo

WORKER = catalog.BY_NAME[catalog.ORDERS_WORKER]


def test_seeded_worker_has_versions_a_live_alias_its_reservation_and_the_queue_on_the_alias(demo_endpoint):
    lam = demo_endpoint.client("lambda")
    versions = lam.list_versions_by_function(FunctionName=WORKER.name)["Versions"]
    assert [v["Version"] for v in versions] == ["$LATEST", "1", "2", "3"]
    # Each version runs its own package (2: partial batch responses, 3: the bundle discount).
    assert len({v["CodeSha256"] for v in versions[1:]}) == 3
    assert versions[3]["Description"] == WORKER.versions[2].description
    alias = lam.get_alias(FunctionName=WORKER.name, Name="live")
    assert alias["FunctionVersion"] == "3" and "RoutingConfig" not in alias
    assert lam.get_function_concurrency(FunctionName=WORKER.name)["ReservedConcurrentExecutions"] == 5
    mappings = lam.list_event_source_mappings(FunctionName=WORKER.name)["EventSourceMappings"]
    assert [m["FunctionArn"] for m in mappings] == [alias["AliasArn"]]
    assert ":sqs:" in mappings[0]["EventSourceArn"]


def test_seeded_stack_lists_the_worker_alias(demo_endpoint):
    cfn = demo_endpoint.client("cloudformation")
    resources = cfn.list_stack_resources(StackName=catalog.ORDERS_STACK)["StackResourceSummaries"]
    alias = next(r for r in resources if r["LogicalResourceId"] == "WorkerFunctionAliaslive")
    assert alias["ResourceType"] == "AWS::Lambda::Alias"
    assert alias["PhysicalResourceId"].endswith(f":function:{WORKER.name}:live")


def _deploy(scratch_endpoint, version: int):
    """The worker's package of `version` deployed as in the seed (JSON logs, an alias) on its own table."""
    lam = scratch_endpoint.client("lambda", read_timeout=30)
    dynamodb = scratch_endpoint.client("dynamodb")
    table = unique("orders-table")
    dynamodb.create_table(TableName=table, BillingMode="PAY_PER_REQUEST",
                          AttributeDefinitions=[{"AttributeName": "orderId", "AttributeType": "S"}],
                          KeySchema=[{"AttributeName": "orderId", "KeyType": "HASH"}])
    name = unique("orders-worker")
    lam.create_function(
        FunctionName=name, Runtime="python3.12", Role=role_arn(scratch_endpoint.client("iam")),
        Handler=WORKER.handler, Timeout=WORKER.timeout_s, MemorySize=WORKER.memory_mb,
        Code={"ZipFile": function_package(WORKER, WORKER.versions[version - 1]).data},
        LoggingConfig={"LogFormat": "JSON"},
        Environment={"Variables": {"TABLE_NAME": table, "POWERTOOLS_SERVICE_NAME": "orders",
                                   "PAYMENT_LIMIT": "900"}})
    version = lam.publish_version(FunctionName=name)["Version"]
    lam.create_alias(FunctionName=name, Name="live", FunctionVersion=version)
    return lam, dynamodb, name, table, version


@pytest.fixture(scope="module")
def worker(scratch_endpoint):
    """Build 2.3.1, the partial batch responses (the last good one)."""
    return _deploy(scratch_endpoint, 2)


@pytest.fixture(scope="module")
def bundle_worker(scratch_endpoint):
    """Build 2.4.0, the incident's."""
    return _deploy(scratch_endpoint, 3)


def _record(template: dict, message_id: str, body: str, correlation: str | None = None) -> dict:
    record = copy.deepcopy(template)
    record["messageId"], record["body"] = message_id, body
    if correlation:
        record["messageAttributes"] = {"correlationId": {"stringValue": correlation, "dataType": "String"}}
    return record


def test_generated_sqs_event_through_the_alias_reports_the_bad_message_and_charges_the_good(worker):
    lam, dynamodb, name, table, version = worker
    event = build("sqs", seed=5)
    generated = event["Records"][0]
    assert "total" not in json.loads(generated["body"])  # not one of our orders
    good = _record(generated, "m-good", json.dumps({"orderId": "o-77aa", "customerId": "c-1001",
                                                    "total": "24.40", "items": 2}), "req-123")
    others = [_record(generated, "m-text", "hello"), _record(generated, "m-list", "[1, 2]"),
              _record(generated, "m-total", json.dumps({"orderId": "o-1", "total": "a lot"}))]
    event["Records"] = [generated, good, *others]

    response = lam.invoke(FunctionName=name, Qualifier="live", Payload=json.dumps(event), LogType="Tail")
    result = json.loads(response["Payload"].read())

    assert "FunctionError" not in response and response["ExecutedVersion"] == version
    bad_ids = [generated["messageId"], "m-text", "m-list", "m-total"]
    assert result == {"batchItemFailures": [{"itemIdentifier": i} for i in bad_ids]}
    lines = [json.loads(line) for line in base64.b64decode(response["LogResult"]).decode().splitlines()
             if line.startswith("{")]
    errors = [r for r in lines if r.get("level") == "ERROR"]
    assert [r["message"] for r in errors] == ["Invalid order message"] * 4
    assert [r["message_id"] for r in errors] == bad_ids
    assert errors[0]["reason"] == "missing total" and errors[0]["service"] == "orders"
    assert "not JSON" in errors[1]["reason"] and "list" in errors[2]["reason"]
    assert "'a lot' is not an amount" in errors[3]["reason"]
    assert all(r["location"].startswith("handler:") and r["function_request_id"] for r in errors)
    captured = next(r for r in lines if r.get("message") == "Payment captured")
    assert captured["order_id"] == "o-77aa" and captured["correlation_id"] == "req-123"
    report = next(r for r in lines if r.get("type") == "platform.report")
    assert report["record"]["status"] == "success" and report["record"]["metrics"]["durationMs"] > 0
    item = dynamodb.get_item(TableName=table, Key={"orderId": {"S": "o-77aa"}})["Item"]
    assert item["status"] == {"S": "FULFILLED"}


def test_the_bundle_discount_build_fails_the_whole_batch_with_a_real_traceback(bundle_worker):
    """The incident: 2.4.0 multiplies a Decimal by a float for orders of two items or more; the
    TypeError escapes the per-record handling, so the batch fails, single orders included."""
    lam, dynamodb, name, _, _ = bundle_worker
    template = build("sqs", seed=5)["Records"][0]
    single = _record(template, "m-single", json.dumps({"orderId": "o-51aa", "customerId": "c-1002",
                                                      "total": "19.90", "items": 1}), "req-1")
    bundle = _record(template, "m-bundle", json.dumps({"orderId": "o-52bb", "customerId": "c-1003",
                                                      "total": "59.80", "items": 2}), "req-2")
    response = lam.invoke(FunctionName=name, Qualifier="live", LogType="Tail",
                          Payload=json.dumps({"Records": [single, bundle]}))
    error = json.loads(response["Payload"].read())
    assert response["FunctionError"] == "Unhandled"
    assert error["errorType"] == "TypeError"
    assert error["errorMessage"] == "unsupported operand type(s) for *: 'decimal.Decimal' and 'float'"
    frames = "".join(error["stackTrace"])
    assert "in amount_due" in frames and "total = total * (1 - BUNDLE_DISCOUNT)" in frames
    lines = [json.loads(line) for line in base64.b64decode(response["LogResult"]).decode().splitlines()
             if line.startswith("{")]
    assert any(r.get("message") == "Payment captured" and r.get("order_id") == "o-51aa" for r in lines)
    report = next(r for r in lines if r.get("type") == "platform.report")
    assert report["record"]["status"] == "error"
