"""The seeded demo world as any AWS client sees it (read-only against the shared world)."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone

import pytest
from botocore.exceptions import ClientError

from stackview.demo.seed import catalog

pytestmark = pytest.mark.demo

STREAM = re.compile(r"^\d{4}/\d{2}/\d{2}/\[(\$LATEST|\d+)\][0-9a-f]{32}$")


@pytest.fixture(scope="module")
def cfn(demo_endpoint):
    return demo_endpoint.client("cloudformation")


@pytest.fixture(scope="module")
def lam(demo_endpoint):
    return demo_endpoint.client("lambda")


@pytest.fixture(scope="module")
def logs(demo_endpoint):
    return demo_endpoint.client("logs")


@pytest.fixture(scope="module")
def history(logs) -> dict[str, list[dict]]:
    """Every log event of every function's group, read through FilterLogEvents (all pages)."""
    out = {}
    for spec in catalog.FUNCTIONS:
        pages = logs.get_paginator("filter_log_events").paginate(logGroupName=spec.log_group)
        out[spec.name] = [event for page in pages for event in page["events"]]
    return out


def _stacks(cfn) -> dict[str, dict]:
    pages = cfn.get_paginator("describe_stacks").paginate()
    return {stack["StackName"]: stack for page in pages for stack in page["Stacks"]}


def test_stacks_statuses_parameters_and_outputs(cfn):
    stacks = _stacks(cfn)
    for spec in catalog.STACKS:
        assert spec.name in stacks
    assert stacks[catalog.FAILED_STACK]["StackStatus"] == catalog.FAILED_STACK_STATUS
    assert stacks[catalog.THUMBNAILS_STACK]["StackStatus"] == "UPDATE_COMPLETE"
    thumbnails = stacks[catalog.THUMBNAILS_STACK]
    parameters = {p["ParameterKey"]: p["ParameterValue"] for p in thumbnails["Parameters"]}
    assert parameters["AppStage"] == "api" and parameters["ImageMagickLayerArn"].startswith("arn:aws:lambda:")
    outputs = {o["OutputKey"]: o["OutputValue"] for o in thumbnails["Outputs"]}
    assert outputs["UserFormApi"].endswith(".execute-api.us-east-1.amazonaws.com/api/")
    assert outputs["ConvertFileFunction"] == f"{catalog.CONVERT_FILE}:live"
    created = thumbnails["CreationTime"]
    assert datetime.now(timezone.utc) - created > timedelta(days=40)


def test_nested_stack_is_named_and_linked_like_cloudformation(cfn):
    stacks = _stacks(cfn)
    parent = stacks[catalog.REPORTS_STACK]
    children = [s for s in stacks.values() if s.get("ParentId")]
    assert len(children) == 1
    child = children[0]
    assert re.fullmatch(rf"{catalog.REPORTS_STACK}-{catalog.REPORTS_NESTED_LOGICAL_ID}-[A-Z0-9]{{12}}",
                        child["StackName"])
    assert child["ParentId"] == parent["StackId"] and child["RootId"] == parent["StackId"]
    assert "ParentId" not in parent
    summaries = [s for page in cfn.get_paginator("list_stacks").paginate() for s in page["StackSummaries"]]
    listed = next(s for s in summaries if s["StackName"] == child["StackName"])
    assert listed["ParentId"] == parent["StackId"]


def test_failed_update_is_visible_in_the_events(cfn):
    pages = cfn.get_paginator("describe_stack_events").paginate(StackName=catalog.FAILED_STACK)
    events = [event for page in pages for event in page["StackEvents"]]
    assert events[0]["ResourceStatus"] == "UPDATE_ROLLBACK_COMPLETE"  # newest first
    failed = [e for e in events if e["ResourceStatus"] == "UPDATE_FAILED"]
    assert {e["LogicalResourceId"] for e in failed} == {"WorkerFunction", "ApiFunction"}
    worker = next(e for e in failed if e["LogicalResourceId"] == "WorkerFunction")
    assert "ReservedConcurrentExecutions" in worker["ResourceStatusReason"]
    assert any(e["ResourceStatus"] == "CREATE_COMPLETE" and e["LogicalResourceId"] == "OrdersTable"
               for e in events)
    times = [e["Timestamp"] for e in events]
    assert times == sorted(times, reverse=True)


def test_versions_aliases_and_the_canary(lam):
    spec = catalog.BY_NAME[catalog.CANARY_FUNCTION]
    versions = [v["Version"] for v in lam.list_versions_by_function(FunctionName=spec.name)["Versions"]]
    assert versions == ["$LATEST", "1", "2", "3", "4", "5"]
    alias = lam.get_alias(FunctionName=spec.name, Name="live")
    assert alias["FunctionVersion"] == "4"
    assert alias["RoutingConfig"]["AdditionalVersionWeights"] == {"5": 0.1}
    for fn in catalog.FUNCTIONS:
        if fn.alias:
            assert lam.get_alias(FunctionName=fn.name, Name=fn.alias)["FunctionVersion"] == fn.alias_version
    described = lam.get_function(FunctionName=spec.name, Qualifier="2")["Configuration"]
    assert described["Description"] == spec.versions[1].description


def test_reserved_and_provisioned_concurrency(lam):
    reserved = lam.get_function_concurrency(FunctionName=catalog.RESERVED_FUNCTION)
    assert reserved["ReservedConcurrentExecutions"] == 5
    assert "ReservedConcurrentExecutions" not in lam.get_function_concurrency(FunctionName=catalog.SHOW_FORM)
    config = lam.get_provisioned_concurrency_config(FunctionName=catalog.PROVISIONED_FUNCTION, Qualifier="live")
    assert config["RequestedProvisionedConcurrentExecutions"] == 2


def test_history_holds_thousands_of_events_in_one_stream_per_environment(history, logs):
    assert sum(len(events) for events in history.values()) >= 5000
    for spec in catalog.FUNCTIONS:
        events = history[spec.name]
        assert events, spec.name
        streams = {e["logStreamName"] for e in events}
        assert all(STREAM.match(name) for name in streams), streams
        # Every START has its REPORT in the same stream (the platform lines of one invocation).
        starts = [e for e in events if "START RequestId" in e["message"] or '"platform.start"' in e["message"]]
        reports = [e for e in events if "REPORT RequestId" in e["message"] or '"platform.report"' in e["message"]]
        assert len(starts) == len(reports) > 0
    convert = {e["logStreamName"] for e in history[catalog.CONVERT_FILE]}
    assert any("/[4]" in name for name in convert)
    streams = logs.describe_log_streams(logGroupName=catalog.BY_NAME[catalog.SHOW_FORM].log_group)["logStreams"]
    assert min(s["creationTime"] for s in streams) < (datetime.now(timezone.utc) - timedelta(hours=2)).timestamp() * 1000


def test_text_history_has_cold_starts_errors_timeouts_and_literal_traps(history):
    text = [e["message"] for name, events in history.items() if name != catalog.JSON_FUNCTION for e in events]
    assert any(m.startswith("REPORT") and "Init Duration:" in m for m in text)
    assert any(m.startswith("REPORT") and "Init Duration:" not in m for m in text)
    assert any("Task timed out after 3.00 seconds" in m for m in text)
    tracebacks = [m for m in text if m.startswith("[ERROR] ") and "Traceback (most recent call last):" in m]
    assert any('File "/var/task/convert_file.py", line ' in m for m in tracebacks)
    assert any(m.startswith("[ERROR]\t") for m in text)  # a handled error, logged by the handler
    assert any("\x1b[32m" in m for m in text)  # ANSI colour
    assert any("[bold]" in m for m in text)  # Rich markup, to be shown literally


def test_json_function_logs_platform_records_and_powertools_lines(history, lam):
    config = lam.get_function_configuration(FunctionName=catalog.JSON_FUNCTION)
    assert config["LoggingConfig"]["LogFormat"] == "JSON"
    records = [json.loads(e["message"]) for e in history[catalog.JSON_FUNCTION]]
    types = {r.get("type") for r in records}
    assert {"platform.start", "platform.report", "platform.initStart"} <= types
    app = [r for r in records if "service" in r]
    assert app and all({"level", "location", "message", "timestamp", "cold_start", "function_request_id",
                        "xray_trace_id"} <= set(r) for r in app)
    assert {r["level"] for r in app} >= {"INFO", "ERROR"}
    assert any(r["cold_start"] for r in app) and not all(r["cold_start"] for r in app)
    cold = [r for r in records if r.get("type") == "platform.report" and "initDurationMs" in r["record"]["metrics"]]
    assert cold


def test_filter_patterns_follow_cloudwatch_syntax(logs):
    group = catalog.BY_NAME[catalog.JSON_FUNCTION].log_group
    errors = logs.filter_log_events(logGroupName=group, filterPattern='{ $.level = "ERROR" }')["events"]
    assert errors and all(json.loads(e["message"])["level"] == "ERROR" for e in errors)
    with pytest.raises(ClientError) as invalid:
        logs.filter_log_events(logGroupName=group, filterPattern='{ $.level = ')
    assert invalid.value.response["Error"]["Code"] == "InvalidParameterException"
    assert invalid.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_metrics_cover_the_history(demo_endpoint):
    cloudwatch = demo_endpoint.client("cloudwatch")
    now = datetime.now(timezone.utc)
    for spec in catalog.FUNCTIONS:
        stats = cloudwatch.get_metric_statistics(
            Namespace="AWS/Lambda", MetricName="Invocations",
            Dimensions=[{"Name": "FunctionName", "Value": spec.name}],
            StartTime=now - timedelta(hours=3, minutes=5), EndTime=now, Period=3600, Statistics=["Sum"])
        assert sum(point["Sum"] for point in stats["Datapoints"]) > 0, spec.name
    names = {m["MetricName"] for page in cloudwatch.get_paginator("list_metrics").paginate(
        Namespace="AWS/Lambda", Dimensions=[{"Name": "FunctionName", "Value": catalog.ORDERS_API}])
        for m in page["Metrics"]}
    assert {"Invocations", "Errors", "Throttles", "Duration", "ConcurrentExecutions"} <= names
