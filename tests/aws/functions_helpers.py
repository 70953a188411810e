"""Helpers for the functions and levers tests: functions, stacks and sessions of their own.

Mutating tests create their own functions (unique names) so the shared demo world's seeded
functions are never left throttled or reserved for other tests.
"""

from __future__ import annotations

import io
import json
import uuid
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from botocore.awsrequest import AWSResponse

from stackview.aws.session import AwsSession
from stackview.models import Target

HANDLER = "def handler(event, context):\n    return {'ok': True, 'version': context.function_version}\n"


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def package(source: str = HANDLER) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("app.py", source)
    return buffer.getvalue()


def role_arn(iam: Any) -> str:
    name = "stackview-functions-tests"
    try:
        return iam.get_role(RoleName=name)["Role"]["Arn"]
    except iam.exceptions.NoSuchEntityException:
        return iam.create_role(RoleName=name, AssumeRolePolicyDocument="{}")["Role"]["Arn"]


def make_function(session: AwsSession, name: str | None = None, **extra: Any) -> str:
    """Create a function that really runs in the demo world; returns its name."""
    name = name or unique("fn")
    spec: dict[str, Any] = {
        "FunctionName": name, "Runtime": "python3.11", "Role": role_arn(session.client("iam")),
        "Handler": "app.handler", "Code": {"ZipFile": package()}, "Timeout": 5,
    }
    spec.update(extra)
    session.client("lambda").create_function(**spec)
    return name


def _template(session: AwsSession, functions: int) -> dict[str, Any]:
    role = role_arn(session.client("iam"))
    resources: dict[str, Any] = {"Alarms": {"Type": "AWS::SNS::Topic"}}
    for index in range(functions):
        resources[f"Worker{index}"] = {"Type": "AWS::Lambda::Function", "Properties": {
            "Runtime": "python3.11", "Handler": "index.handler", "Role": role,
            "Code": {"ZipFile": HANDLER}}}
    return {"Resources": resources}


def _function_names(session: AwsSession, stack: str) -> list[str]:
    resources = session.client("cloudformation").describe_stack_resources(StackName=stack)["StackResources"]
    return sorted(r["PhysicalResourceId"] for r in resources if r["ResourceType"] == "AWS::Lambda::Function")


def make_stack(session: AwsSession, functions: int = 3) -> tuple[str, list[str]]:
    """A stack with `functions` inline-code functions and a topic; returns (stack, function names)."""
    stack = unique("stack")
    session.client("cloudformation").create_stack(
        StackName=stack, TemplateBody=json.dumps(_template(session, functions)))
    return stack, _function_names(session, stack)


def make_nested_stack(session: AwsSession) -> tuple[str, str, list[str], list[str]]:
    """A parent stack with one function and a nested stack `Child` with two.

    Returns (parent, child stack id, parent's function names, child's function names). moto
    reads a nested template only from its own S3, by a `https://BUCKET.s3.amazonaws.com/KEY` URL.
    """
    bucket = unique("templates")
    s3 = session.client("s3")
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="child.json", Body=json.dumps(_template(session, 2)).encode())
    parent = _template(session, 1)
    parent["Resources"]["Child"] = {"Type": "AWS::CloudFormation::Stack", "Properties": {
        "TemplateURL": f"https://{bucket}.s3.amazonaws.com/child.json"}}
    stack = unique("parent")
    cfn = session.client("cloudformation")
    cfn.create_stack(StackName=stack, TemplateBody=json.dumps(parent))
    child = next(r["PhysicalResourceId"] for r in cfn.describe_stack_resources(StackName=stack)["StackResources"]
                 if r["LogicalResourceId"] == "Child")
    return stack, child, _function_names(session, stack), _function_names(session, child)


@contextmanager
def moto_server() -> Iterator[str]:
    """A plain in-process moto server of its own (no demo world), as its URL, stopped on exit."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


def session_on(endpoint: str, region: str, credentials: tuple[str, str]) -> AwsSession:
    """A session of its own (clients not shared with other tests)."""
    return AwsSession(Target(region=region, endpoint_url=endpoint), credentials=credentials)


def fail_calls(session: AwsSession, operation: str, code: str = "AccessDeniedException",
               status: int = 403) -> None:
    """Make `operation` of this session's Lambda client fail as AWS would (before it is sent)."""

    def refuse(**_: Any) -> tuple[AWSResponse, dict[str, Any]]:
        response = AWSResponse("https://lambda", status, {}, None)
        return response, {"Error": {"Code": code, "Message": f"not allowed to call {operation}"},
                          "ResponseMetadata": {"HTTPStatusCode": status}}

    session.client("lambda").meta.events.register(f"before-call.lambda.{operation}", refuse)


def invoke_status(client: Any, name: str) -> int | str:
    """200 when the function ran, else the error code (TooManyRequestsException when throttled)."""
    try:
        return client.invoke(FunctionName=name, Payload=b"{}")["StatusCode"]
    except client.exceptions.ClientError as exc:
        return exc.response["Error"]["Code"]


def delete_stack(session: AwsSession, stack: str) -> None:
    """Delete a test stack. moto cannot delete a stack whose function was deleted behind its
    back, so such functions are put back first."""
    cfn = session.client("cloudformation")
    lam = session.client("lambda")
    for resource in cfn.describe_stack_resources(StackName=stack)["StackResources"]:
        if resource["ResourceType"] != "AWS::Lambda::Function":
            continue
        try:
            lam.get_function_configuration(FunctionName=resource["PhysicalResourceId"])
        except lam.exceptions.ResourceNotFoundException:
            make_function(session, resource["PhysicalResourceId"])
    cfn.delete_stack(StackName=stack)
