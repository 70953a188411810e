"""What the demo server answers beyond moto: account settings, provisioned concurrency,
LoggingConfig, FilterLogEvents as AWS orders it, and the `stackview demo-server` command."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time

import pytest
from botocore.exceptions import ClientError

from .helpers import create_function, log_events, role_arn, subprocess_env, unique, wait_for

pytestmark = pytest.mark.demo


@pytest.fixture(scope="module")
def lam(scratch_endpoint):
    return scratch_endpoint.client("lambda")


@pytest.fixture(scope="module")
def iam(scratch_endpoint):
    return scratch_endpoint.client("iam")


@pytest.fixture(scope="module")
def logs(scratch_endpoint):
    return scratch_endpoint.client("logs")


def test_account_settings_follow_reservations(lam, iam):
    name = unique("server-settings")
    create_function(lam, iam, name)
    before = lam.get_account_settings()
    assert before["AccountLimit"]["ConcurrentExecutions"] == 1000
    assert before["AccountUsage"]["FunctionCount"] >= 1
    assert before["AccountUsage"]["TotalCodeSize"] > 0
    assert before["AccountLimit"]["CodeSizeZipped"] == 52428800
    lam.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=50)
    after = lam.get_account_settings()["AccountLimit"]["UnreservedConcurrentExecutions"]
    assert after == before["AccountLimit"]["UnreservedConcurrentExecutions"] - 50
    with pytest.raises(ClientError) as caught:  # would leave fewer than 100 unreserved
        lam.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=after + 1)
    assert caught.value.response["Error"]["Code"] == "InvalidParameterValueException"
    lam.delete_function_concurrency(FunctionName=name)
    restored = lam.get_account_settings()["AccountLimit"]["UnreservedConcurrentExecutions"]
    assert restored == before["AccountLimit"]["UnreservedConcurrentExecutions"]


def test_provisioned_concurrency_configs(lam, iam, logs):
    name = unique("server-provisioned")
    create_function(lam, iam, name)
    version = lam.publish_version(FunctionName=name)["Version"]
    lam.create_alias(FunctionName=name, Name="live", FunctionVersion=version)
    put = lam.put_provisioned_concurrency_config(FunctionName=name, Qualifier="live",
                                                 ProvisionedConcurrentExecutions=3)
    assert put["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert put["RequestedProvisionedConcurrentExecutions"] == 3
    assert put["Status"] == "IN_PROGRESS" and put["AllocatedProvisionedConcurrentExecutions"] == 0

    def ready():
        config = lam.get_provisioned_concurrency_config(FunctionName=name, Qualifier="live")
        return config if config["Status"] == "READY" else None

    config = wait_for(ready, timeout=10, interval=0.5)
    assert config and config["AvailableProvisionedConcurrentExecutions"] == 3
    assert config["AllocatedProvisionedConcurrentExecutions"] == 3
    # Environments were initialised ahead: the first invocation through the alias is warm.
    invoked = lam.invoke(FunctionName=name, Qualifier="live", Payload=b"{}")
    request_id = invoked["ResponseMetadata"]["RequestId"]
    report = log_events(logs, f"/aws/lambda/{name}", f"REPORT RequestId: {request_id}")
    assert len(report) == 1 and "Init Duration" not in report[0]["message"]
    assert log_events(logs, f"/aws/lambda/{name}", "INIT_START")
    listed = lam.list_provisioned_concurrency_configs(FunctionName=name)["ProvisionedConcurrencyConfigs"]
    assert [c["FunctionArn"].rsplit(":", 1)[-1] for c in listed] == ["live"]
    with pytest.raises(ClientError) as latest:
        lam.put_provisioned_concurrency_config(FunctionName=name, Qualifier="$LATEST",
                                               ProvisionedConcurrentExecutions=1)
    assert latest.value.response["Error"]["Code"] == "InvalidParameterValueException"
    lam.delete_provisioned_concurrency_config(FunctionName=name, Qualifier="live")
    with pytest.raises(ClientError) as gone:
        lam.get_provisioned_concurrency_config(FunctionName=name, Qualifier="live")
    assert gone.value.response["Error"]["Code"] == "ProvisionedConcurrencyConfigNotFoundException"
    with pytest.raises(ClientError) as unknown:
        lam.get_provisioned_concurrency_config(FunctionName=unique("nope"), Qualifier="live")
    assert unknown.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_logging_config_is_stored_and_returned(lam, iam):
    name = unique("server-logging")
    created = create_function(lam, iam, name)
    assert created["LoggingConfig"] == {"LogFormat": "Text", "LogGroup": f"/aws/lambda/{name}"}
    lam.update_function_configuration(FunctionName=name, LoggingConfig={"LogFormat": "JSON",
                                                                        "ApplicationLogLevel": "DEBUG"})
    config = lam.get_function(FunctionName=name)["Configuration"]["LoggingConfig"]
    assert config == {"LogFormat": "JSON", "ApplicationLogLevel": "DEBUG", "SystemLogLevel": "INFO",
                      "LogGroup": f"/aws/lambda/{name}"}
    version = lam.publish_version(FunctionName=name)["Version"]
    published = lam.get_function_configuration(FunctionName=name, Qualifier=version)
    assert published["LoggingConfig"]["LogFormat"] == "JSON"
    everything = lam.list_functions(FunctionVersion="ALL")["Functions"]
    assert any(f["FunctionName"] == name and f["LoggingConfig"]["LogFormat"] == "JSON" for f in everything)


def test_filter_log_events_orders_by_time_across_streams_and_pages(logs):
    group = f"/test/{unique('order')}"
    logs.create_log_group(logGroupName=group)
    now = int(time.time() * 1000)
    for stream, offsets in (("a", [0, 30, 60]), ("b", [10, 40, 70]), ("c", [20, 50, 80])):
        logs.create_log_stream(logGroupName=group, logStreamName=stream)
        logs.put_log_events(logGroupName=group, logStreamName=stream, logEvents=[
            {"timestamp": now - 1000 + offset, "message": f"{stream}{offset}"} for offset in offsets])
    whole = logs.filter_log_events(logGroupName=group)["events"]
    assert [e["message"] for e in whole] == ["a0", "b10", "c20", "a30", "b40", "c50", "a60", "b70", "c80"]
    ids = [e["eventId"] for e in whole]
    assert len(set(ids)) == len(ids) and all(len(i) == 56 and i.isdigit() for i in ids)
    pages, token = [], None
    while True:
        kwargs = {"nextToken": token} if token else {}
        page = logs.filter_log_events(logGroupName=group, limit=4, **kwargs)
        pages.append([e["eventId"] for e in page["events"]])
        token = page.get("nextToken")
        if not token:
            break
    assert [i for page in pages for i in page] == ids and [len(p) for p in pages] == [4, 4, 1]
    paginated = logs.get_paginator("filter_log_events").paginate(logGroupName=group, filterPattern="b")
    assert [e["message"] for p in paginated for e in p["events"]] == ["b10", "b40", "b70"]
    again = logs.filter_log_events(logGroupName=group)["events"]
    assert [e["eventId"] for e in again] == ids  # stable between calls


def test_cloudformation_passes_logging_and_dead_letter_config(scratch_endpoint, iam):
    cfn = scratch_endpoint.client("cloudformation")
    lam = scratch_endpoint.client("lambda")
    topic = f"arn:aws:sns:{scratch_endpoint.region}:123456789012:{unique('dlq')}"
    template = {
        "Resources": {
            "Fn": {
                "Type": "AWS::Lambda::Function",
                "Properties": {
                    "Runtime": "python3.11", "Handler": "index.handler", "Role": role_arn(iam),
                    "Code": {"ZipFile": "def handler(event, context):\n    return 1\n"},
                    "LoggingConfig": {"LogFormat": "JSON"},
                    "DeadLetterConfig": {"TargetArn": topic},
                },
            }
        }
    }
    stack = unique("server-cfn")
    cfn.create_stack(StackName=stack, TemplateBody=json.dumps(template))
    resources = cfn.describe_stack_resources(StackName=stack)["StackResources"]
    function = next(r["PhysicalResourceId"] for r in resources if r["LogicalResourceId"] == "Fn")
    config = lam.get_function_configuration(FunctionName=function)
    assert config["LoggingConfig"]["LogFormat"] == "JSON"
    assert config["DeadLetterConfig"] == {"TargetArn": topic}
    assert json.loads(lam.invoke(FunctionName=function)["Payload"].read()) == 1


def test_demo_server_command_prints_the_environment_and_stops_cleanly_on_ctrl_c():
    script = ("import argparse, sys\n"
              "from stackview.commands import demo_server\n"
              "parser = argparse.ArgumentParser(prog='stackview')\n"
              "demo_server.add_parser(parser.add_subparsers(), [])\n"
              "args = parser.parse_args(sys.argv[1:])\n"
              "raise SystemExit(args.run(args))\n")
    process = subprocess.Popen([sys.executable, "-c", script, "demo-server", "--empty", "--no-traffic"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=subprocess_env(), text=True)
    lines = []
    try:
        assert process.stdout is not None
        for line in process.stdout:
            lines.append(line.rstrip())
            if line.startswith("Press Ctrl+C"):
                break
        endpoint = next(line.split("=", 1)[1] for line in lines if "AWS_ENDPOINT_URL=" in line)
        exports = {line.split()[1].split("=")[0] for line in lines if line.strip().startswith("export ")}
        assert exports == {"AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
                           "AWS_REGION", "AWS_DEFAULT_REGION"}
        import boto3

        sts = boto3.client("sts", endpoint_url=endpoint, region_name="us-east-1",
                           aws_access_key_id="a", aws_secret_access_key="b")
        assert sts.get_caller_identity()["Account"] == "123456789012"
    finally:
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=15)
    assert process.returncode == 0
    assert "Traceback" not in stderr


def test_shared_fixtures_point_at_the_demo_world(demo_endpoint, demo_session):
    """The session fixtures other layers use: the seeded world, reached through AwsSession."""
    assert demo_endpoint.endpoint.startswith("http://127.0.0.1:")
    assert demo_session.target.demo and demo_session.endpoint_url == demo_endpoint.endpoint
    assert demo_session.region == "us-east-1"
    assert demo_session.identity().account == "123456789012"
    functions = demo_session.client("lambda").list_functions()["Functions"]
    assert all(not f["FunctionName"].startswith(("runner-", "server-")) for f in functions)
