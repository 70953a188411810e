"""The local Lambda runner, through plain boto3 against a real demo server.

Each test creates its own functions (unique names) from a handler module built in memory.
"""

from __future__ import annotations

import base64
import json
import re
import threading

import pytest
from botocore.exceptions import ClientError

from .helpers import create_function, log_events, unique, wait_for

pytestmark = pytest.mark.demo

STREAM_NAME = re.compile(r"^\d{4}/\d{2}/\d{2}/\[(\$LATEST|\d+)\][0-9a-f]{32}$")


@pytest.fixture(scope="module")
def clients(scratch_endpoint):
    return {
        "lambda": scratch_endpoint.client("lambda", read_timeout=30),
        "iam": scratch_endpoint.client("iam"),
        "logs": scratch_endpoint.client("logs"),
        "sqs": scratch_endpoint.client("sqs"),
        "cloudwatch": scratch_endpoint.client("cloudwatch"),
    }


@pytest.fixture(scope="module")
def echo(clients):
    """One function shared by the read-only tests of this module."""
    name = unique("runner-echo")
    create_function(clients["lambda"], clients["iam"], name)
    return name


def invoke(lam, name, event=None, **kwargs):
    response = lam.invoke(FunctionName=name, Payload=json.dumps(event or {}), **kwargs)
    body = response["Payload"].read()
    return response, (json.loads(body) if body else None)


def test_result_and_context(clients, echo):
    response, body = invoke(clients["lambda"], echo, {"action": "echo", "n": 1})
    request_id = response["ResponseMetadata"]["RequestId"]
    assert response["StatusCode"] == 200
    assert "FunctionError" not in response
    assert response["ExecutedVersion"] == "$LATEST"
    assert body["event"] == {"action": "echo", "n": 1}
    assert body["request_id"] == request_id
    assert body["function_name"] == echo and body["function_version"] == "$LATEST"
    assert body["invoked_arn"].endswith(f":function:{echo}")
    assert body["memory"] == "128" and 0 < body["remaining"] <= 5000
    assert body["log_group"] == f"/aws/lambda/{echo}"
    assert STREAM_NAME.match(body["log_stream"])


def test_request_id_of_response_is_in_the_log_lines(clients, echo):
    response, _ = invoke(clients["lambda"], echo, {"action": "echo"})
    request_id = response["ResponseMetadata"]["RequestId"]
    mine = log_events(clients["logs"], f"/aws/lambda/{echo}", request_id)
    kinds = [e["message"].split(" ", 1)[0] for e in mine]
    assert kinds == ["START", "END", "REPORT"]
    assert mine[0]["message"] == f"START RequestId: {request_id} Version: $LATEST\n"
    report = mine[2]["message"].rstrip("\n").split("\t")
    assert report[0] == f"REPORT RequestId: {request_id}"
    assert [field.split(":")[0] for field in report[1:5]] == [
        "Duration", "Billed Duration", "Memory Size", "Max Memory Used"]
    assert int(report[4].split()[-2]) > 0  # Max Memory Used, measured


def test_handled_error_is_a_success_with_one_error_record(clients, echo):
    response, body = invoke(clients["lambda"], echo, {"action": "handled"})
    request_id = response["ResponseMetadata"]["RequestId"]
    assert "FunctionError" not in response and body == {"status": "degraded"}
    records = log_events(clients["logs"], f"/aws/lambda/{echo}", "could not find the order")
    assert len(records) == 1
    message = records[0]["message"]
    assert message.startswith("[ERROR]\t") and f"\t{request_id}\tcould not find the order\n" in message
    assert "Traceback (most recent call last)" in message and "KeyError: 'missing'" in message


def test_unhandled_exception(clients, echo):
    response, body = invoke(clients["lambda"], echo, {"action": "raise", "detail": "at checkout"})
    request_id = response["ResponseMetadata"]["RequestId"]
    assert response["FunctionError"] == "Unhandled"
    assert body["errorType"] == "ValueError"
    assert body["errorMessage"] == "boom at checkout"
    assert body["requestId"] == request_id
    assert any('File "/var/task/app.py"' in frame and "in handler" in frame for frame in body["stackTrace"])
    records = log_events(clients["logs"], f"/aws/lambda/{echo}", "[ERROR] ValueError: boom at checkout")
    assert len(records) == 1
    assert "\nTraceback (most recent call last):\n" in records[0]["message"]


def test_timeout_kills_the_environment(clients):
    lam, logs = clients["lambda"], clients["logs"]
    name = unique("runner-timeout")
    create_function(lam, clients["iam"], name, Timeout=1)
    response, body = invoke(lam, name, {"action": "sleep", "seconds": 5})
    request_id = response["ResponseMetadata"]["RequestId"]
    assert response["FunctionError"] == "Unhandled"
    assert body["errorType"] == "Sandbox.Timedout"
    assert "Task timed out after 1.00 seconds" in body["errorMessage"]
    lines = log_events(logs, f"/aws/lambda/{name}", request_id)
    assert any(line["message"].endswith(f"{request_id} Task timed out after 1.00 seconds\n") for line in lines)
    report = next(line["message"] for line in lines if line["message"].startswith("REPORT"))
    assert "\tStatus: timeout" in report
    # The environment was killed: the next invocation is a cold start in a new stream.
    after, _ = invoke(lam, name, {"action": "echo"})
    next_report = log_events(logs, f"/aws/lambda/{name}", after["ResponseMetadata"]["RequestId"])[-1]
    assert "Init Duration:" in next_report["message"]
    assert next_report["logStreamName"] != lines[0]["logStreamName"]


def test_cold_then_warm(clients):
    lam, logs = clients["lambda"], clients["logs"]
    name = unique("runner-cold")
    create_function(lam, clients["iam"], name)
    first, _ = invoke(lam, name)
    second, _ = invoke(lam, name)
    reports = [log_events(logs, f"/aws/lambda/{name}", r["ResponseMetadata"]["RequestId"])[-1]
               for r in (first, second)]
    assert "Init Duration:" in reports[0]["message"]
    assert "Init Duration:" not in reports[1]["message"]
    assert reports[0]["logStreamName"] == reports[1]["logStreamName"]
    stream = log_events(logs, f"/aws/lambda/{name}")
    assert stream[0]["message"].startswith("INIT_START Runtime Version: python:3.")
    assert stream[1]["message"] == f"init of {name}\n"


def test_reserved_concurrency_zero_throttles_without_logging(clients):
    lam, logs = clients["lambda"], clients["logs"]
    name = unique("runner-throttled")
    create_function(lam, clients["iam"], name)
    lam.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=0)
    with pytest.raises(ClientError) as caught:
        invoke(lam, name)
    error = caught.value.response
    assert error["Error"]["Code"] == "TooManyRequestsException"
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 429
    assert error["Reason"] == "ReservedFunctionConcurrentInvocationLimitExceeded"
    assert error["Type"] == "User" and error["message"] == "Rate Exceeded."
    assert int(error["retryAfterSeconds"]) >= 1
    assert log_events(logs, f"/aws/lambda/{name}") == []
    lam.delete_function_concurrency(FunctionName=name)
    response, _ = invoke(lam, name)
    assert response["StatusCode"] == 200


def test_reserved_concurrency_limits_simultaneous_invocations(clients):
    lam = clients["lambda"]
    name = unique("runner-reserved")
    create_function(lam, clients["iam"], name)
    lam.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=1)
    outcomes: list[str] = []

    def call() -> None:
        try:
            invoke(lam, name, {"action": "sleep", "seconds": 1.5})
            outcomes.append("ran")
        except ClientError as exc:
            outcomes.append(exc.response["Error"]["Code"])

    threads = [threading.Thread(target=call) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["TooManyRequestsException", "ran"]


def test_alias_routes_by_weight_and_reports_the_executed_version(clients):
    lam = clients["lambda"]
    name = unique("runner-alias")
    create_function(lam, clients["iam"], name, Environment={"Variables": {"VERSION_TAG": "v1"}})
    v1 = lam.publish_version(FunctionName=name)["Version"]
    lam.update_function_configuration(FunctionName=name, Environment={"Variables": {"VERSION_TAG": "v2"}})
    v2 = lam.publish_version(FunctionName=name)["Version"]
    lam.create_alias(FunctionName=name, Name="live", FunctionVersion=v1,
                     RoutingConfig={"AdditionalVersionWeights": {v2: 0.5}})
    seen = {}
    for _ in range(24):
        response, body = invoke(lam, name, {"action": "echo"}, Qualifier="live")
        seen[response["ExecutedVersion"]] = body["tag"]
        assert body["function_version"] == response["ExecutedVersion"]
        assert body["invoked_arn"].endswith(f":function:{name}:live")
    assert seen == {v1: "v1", v2: "v2"}
    pinned, body = invoke(lam, name, {"action": "echo"}, Qualifier=v2)
    assert pinned["ExecutedVersion"] == v2 and body["tag"] == "v2"


def test_event_and_dry_run_status_codes(clients, echo):
    lam, logs = clients["lambda"], clients["logs"]
    dry = lam.invoke(FunctionName=echo, InvocationType="DryRun", Payload=b"{}")
    assert dry["StatusCode"] == 204
    assert log_events(logs, f"/aws/lambda/{echo}", dry["ResponseMetadata"]["RequestId"]) == []
    event = lam.invoke(FunctionName=echo, InvocationType="Event", Payload=json.dumps({"action": "echo"}))
    assert event["StatusCode"] == 202 and event["Payload"].read() == b""
    request_id = event["ResponseMetadata"]["RequestId"]
    ran = wait_for(lambda: log_events(logs, f"/aws/lambda/{echo}", f"REPORT RequestId: {request_id}"))
    assert ran, "the asynchronous invocation never ran"


def test_async_failure_is_retried_with_the_same_request_id_then_dead_lettered(clients):
    lam, logs, sqs = clients["lambda"], clients["logs"], clients["sqs"]
    queue_url = sqs.create_queue(QueueName=unique("runner-dlq"))["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    name = unique("runner-async")
    config = create_function(lam, clients["iam"], name, DeadLetterConfig={"TargetArn": queue_arn})
    assert config["DeadLetterConfig"] == {"TargetArn": queue_arn}
    lam.put_function_event_invoke_config(FunctionName=name, MaximumRetryAttempts=1)
    payload = json.dumps({"action": "raise", "detail": "async"})
    response = lam.invoke(FunctionName=name, InvocationType="Event", Payload=payload)
    request_id = response["ResponseMetadata"]["RequestId"]

    def dead_letter():
        got = sqs.receive_message(QueueUrl=queue_url, MessageAttributeNames=["All"], WaitTimeSeconds=1)
        return got.get("Messages")

    messages = wait_for(dead_letter, timeout=20)
    assert messages, "nothing reached the dead-letter queue"
    assert messages[0]["Body"] == payload
    assert messages[0]["MessageAttributes"]["RequestID"]["StringValue"] == request_id
    starts = log_events(logs, f"/aws/lambda/{name}", f"START RequestId: {request_id}")
    assert len(starts) == 2  # the first attempt and one retry, same request id


def test_log_type_tail_returns_the_last_4_kb(clients, echo):
    lam = clients["lambda"]
    response = lam.invoke(FunctionName=echo, Payload=json.dumps({"action": "echo"}), LogType="Tail")
    request_id = response["ResponseMetadata"]["RequestId"]
    tail = base64.b64decode(response["LogResult"]).decode()
    assert tail.startswith(f"START RequestId: {request_id}")
    assert f"END RequestId: {request_id}\n" in tail and f"REPORT RequestId: {request_id}" in tail
    long = lam.invoke(FunctionName=echo, Payload=json.dumps({"action": "print", "lines": 100}), LogType="Tail")
    tail = base64.b64decode(long["LogResult"])
    assert 4000 < len(tail) <= 4096 and b"REPORT RequestId" in tail and not tail.startswith(b"START")
    plain = lam.invoke(FunctionName=echo, Payload=b"{}")
    assert "LogResult" not in plain


def test_oversized_payloads_are_refused(clients, echo):
    lam = clients["lambda"]
    big = json.dumps({"blob": "x" * (6 * 1024 * 1024)}).encode()
    with pytest.raises(ClientError) as sync:
        lam.invoke(FunctionName=echo, Payload=big)
    assert sync.value.response["Error"]["Code"] == "RequestTooLargeException"
    assert sync.value.response["ResponseMetadata"]["HTTPStatusCode"] == 413
    medium = json.dumps({"blob": "x" * (1024 * 1024)}).encode()
    with pytest.raises(ClientError) as event:
        lam.invoke(FunctionName=echo, Payload=medium, InvocationType="Event")
    assert event.value.response["Error"]["Code"] == "RequestTooLargeException"
    response, _ = invoke(lam, echo, {"blob": "x" * 1024 * 1024})  # fine synchronously
    assert response["StatusCode"] == 200


def test_json_log_format_with_structured_fields(clients):
    lam, logs = clients["lambda"], clients["logs"]
    name = unique("runner-json")
    group = f"/custom/{name}"
    created = create_function(lam, clients["iam"], name, LoggingConfig={"LogFormat": "JSON", "LogGroup": group})
    assert created["LoggingConfig"]["LogFormat"] == "JSON" and created["LoggingConfig"]["LogGroup"] == group
    response, _ = invoke(lam, name, {"action": "structured"})
    request_id = response["ResponseMetadata"]["RequestId"]
    records = [json.loads(e["message"]) for e in log_events(logs, group, request_id)
               if e["message"].startswith("{")]
    by_type = {r.get("type") or r.get("level"): r for r in records}
    assert by_type["platform.start"]["record"] == {"requestId": request_id, "version": "$LATEST"}
    report = by_type["platform.report"]["record"]
    assert report["status"] == "success" and report["metrics"]["memorySizeMB"] == 128
    assert "initDurationMs" in report["metrics"]
    app = by_type["INFO"]
    assert app["message"] == "order placed" and app["requestId"] == request_id
    assert app["order_id"] == "o-1" and app["amount"] == 12
    assert log_events(logs, f"/aws/lambda/{name}") == []


def test_handler_reaches_other_services_of_the_demo_world(clients, echo):
    bucket = unique("runner-bucket")
    response, body = invoke(clients["lambda"], echo, {"action": "s3", "bucket": bucket})
    assert "FunctionError" not in response, body
    assert body == {"body": "written by a handler"}


def test_invocations_write_lambda_metrics(clients):
    lam, cloudwatch = clients["lambda"], clients["cloudwatch"]
    name = unique("runner-metrics")
    create_function(lam, clients["iam"], name)
    invoke(lam, name)
    invoke(lam, name, {"action": "raise"})
    lam.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=0)
    with pytest.raises(ClientError):
        invoke(lam, name)
    lam.delete_function_concurrency(FunctionName=name)
    listed = cloudwatch.list_metrics(Namespace="AWS/Lambda", Dimensions=[{"Name": "FunctionName", "Value": name}])
    names = {m["MetricName"] for m in listed["Metrics"]}
    assert {"Invocations", "Errors", "Duration", "ConcurrentExecutions", "Throttles"} <= names

    def total(metric):
        from datetime import datetime, timedelta, timezone

        now = datetime.now(timezone.utc)
        stats = cloudwatch.get_metric_statistics(
            Namespace="AWS/Lambda", MetricName=metric, Statistics=["Sum"], Period=3600,
            Dimensions=[{"Name": "FunctionName", "Value": name}],
            StartTime=now - timedelta(minutes=10), EndTime=now + timedelta(minutes=1))
        return sum(point["Sum"] for point in stats["Datapoints"])

    assert (total("Invocations"), total("Errors"), total("Throttles")) == (2, 1, 1)


def test_s3_notification_invokes_asynchronously(clients, scratch_endpoint):
    lam, logs = clients["lambda"], clients["logs"]
    s3 = scratch_endpoint.client("s3")
    name = unique("runner-s3")
    arn = create_function(lam, clients["iam"], name)["FunctionArn"]
    bucket = unique("uploads")
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={
        "LambdaFunctionConfigurations": [{"LambdaFunctionArn": arn, "Events": ["s3:ObjectCreated:*"]}]})
    s3.put_object(Bucket=bucket, Key="photo.jpg", Body=b"jpeg")
    reports = wait_for(lambda: log_events(logs, f"/aws/lambda/{name}", "REPORT RequestId"))
    assert len(reports) == 1
    assert log_events(logs, f"/aws/lambda/{name}", "action echo")


def test_init_error_is_an_unhandled_runtime_error(clients):
    lam, logs = clients["lambda"], clients["logs"]
    name = unique("runner-init-error")
    create_function(lam, clients["iam"], name, Handler="missing.handler")
    response, body = invoke(lam, name)
    assert response["FunctionError"] == "Unhandled"
    assert body["errorType"] == "Runtime.ImportModuleError"
    assert body["errorMessage"].startswith("Unable to import module 'missing'")
    lines = [e["message"] for e in log_events(logs, f"/aws/lambda/{name}")]
    assert any(line.startswith("[ERROR] Runtime.ImportModuleError: Unable to import module") for line in lines)
    assert any(line.startswith("INIT_REPORT Init Duration:") and "Status: error" in line for line in lines)
    report = next(line for line in lines if line.startswith("REPORT"))
    assert "Error Type: Runtime.ImportModuleError" in report
