"""Helpers for the demo-world tests: deployment packages built in memory, log queries, and the
environment of a child Python process that imports this checkout."""

from __future__ import annotations

import io
import os
import time
import uuid
import zipfile
from pathlib import Path
from typing import Any, Callable

REPO = Path(__file__).resolve().parents[2]

#: One handler module with an action per behaviour under test.
HANDLER = '''
import json
import logging
import os
import time

logger = logging.getLogger()
logger.setLevel(logging.INFO)
print("init of", os.environ["AWS_LAMBDA_FUNCTION_NAME"])


def handler(event, context):
    action = event.get("action", "echo")
    print("action", action)
    if action == "echo":
        return {
            "event": event,
            "request_id": context.aws_request_id,
            "function_name": context.function_name,
            "function_version": context.function_version,
            "invoked_arn": context.invoked_function_arn,
            "memory": context.memory_limit_in_mb,
            "remaining": context.get_remaining_time_in_millis(),
            "log_group": context.log_group_name,
            "log_stream": context.log_stream_name,
            "tag": os.environ.get("VERSION_TAG"),
        }
    if action == "handled":
        try:
            raise KeyError("missing")
        except KeyError:
            logger.exception("could not find the order")
        return {"status": "degraded"}
    if action == "raise":
        raise ValueError("boom " + event.get("detail", ""))
    if action == "sleep":
        time.sleep(event["seconds"])
        return {"slept": event["seconds"]}
    if action == "structured":
        logger.info("order placed", extra={"order_id": "o-1", "amount": 12})
        return {}
    if action == "print":
        for i in range(event["lines"]):
            print("line", i, "x" * 80)
        return {}
    if action == "s3":
        import boto3

        s3 = boto3.client("s3")
        s3.create_bucket(Bucket=event["bucket"])
        s3.put_object(Bucket=event["bucket"], Key="k", Body=b"written by a handler")
        return {"body": s3.get_object(Bucket=event["bucket"], Key="k")["Body"].read().decode()}
    raise RuntimeError("unknown action " + action)
'''


def package(source: str = HANDLER, name: str = "app.py") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, source)
    return buffer.getvalue()


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def role_arn(iam: Any) -> str:
    name = "stackview-test-runner"
    try:
        return iam.get_role(RoleName=name)["Role"]["Arn"]
    except iam.exceptions.NoSuchEntityException:
        return iam.create_role(RoleName=name, AssumeRolePolicyDocument="{}")["Role"]["Arn"]


def create_function(lam: Any, iam: Any, name: str, **extra: Any) -> dict[str, Any]:
    spec = {
        "FunctionName": name,
        "Runtime": "python3.11",
        "Role": role_arn(iam),
        "Handler": "app.handler",
        "Code": {"ZipFile": package()},
        "Timeout": 5,
    }
    spec.update(extra)
    return lam.create_function(**spec)


def log_events(logs: Any, group: str, contains: str | None = None) -> list[dict[str, Any]]:
    """Every event of a log group (all pages), optionally only those containing a string."""
    try:
        pages = logs.get_paginator("filter_log_events").paginate(logGroupName=group)
        events = [e for page in pages for e in page["events"]]
    except logs.exceptions.ResourceNotFoundException:
        return []
    return [e for e in events if contains is None or contains in e["message"]]


def wait_for(predicate: Callable[[], Any], timeout: float = 15.0, interval: float = 0.1) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(interval)


def subprocess_env() -> dict[str, str]:
    """This process's environment with the checkout first on PYTHONPATH (`python -c` children)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH")) if p)
    return env
