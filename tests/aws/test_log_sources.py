"""Finding the log groups of many functions without a call per function (issue 12, item 3b)."""

from __future__ import annotations

import io
import uuid
import zipfile
from collections import Counter

import pytest

from stackview.aws.log_sources import resolve_sources
from stackview.aws.logs import log_group_arns
from stackview.aws.session import AwsSession
from stackview.models import Target

pytestmark = pytest.mark.demo


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("h.py", "def handler(event, context):\n    return event\n")
    return buffer.getvalue()


def counting_session(endpoint) -> tuple[AwsSession, Counter]:
    target = Target(region=endpoint.region, endpoint_url=endpoint.endpoint, demo=True)
    session = AwsSession(target, credentials=endpoint.credentials)
    calls: Counter = Counter()
    made = session.client

    def client(service, **config):
        c = made(service, **config)
        if not getattr(c, "_counted", False):
            c.meta.events.register("before-call", lambda model, **_: calls.update([model.name]))
            c._counted = True
        return c

    session.client = client  # type: ignore[method-assign]
    return session, calls


def test_many_functions_are_resolved_from_one_listing(scratch_endpoint) -> None:
    uid = uuid.uuid4().hex[:6]
    lam, iam, logs = (scratch_endpoint.client(s) for s in ("lambda", "iam", "logs"))
    role = iam.create_role(RoleName=f"sources-{uid}", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    names = [f"bulk-{uid}-{n:02}" for n in range(12)]
    for n, name in enumerate(names):
        extra = {"LoggingConfig": {"LogFormat": "Text", "LogGroup": f"/shared/{uid}"}} if n < 3 else {}
        lam.create_function(FunctionName=name, Runtime="python3.11", Role=role, Handler="h.handler",
                            Code={"ZipFile": _zip()}, **extra)
    for name in names[3:]:
        logs.create_log_group(logGroupName=f"/aws/lambda/{name}")
    session, calls = counting_session(scratch_endpoint)
    resolution = resolve_sources(session, functions=names)
    groups = {s.log_group: s.functions for s in resolution.sources}
    assert groups[f"/shared/{uid}"] == tuple(names[:3])  # three functions share one group
    assert all(groups[f"/aws/lambda/{name}"] == (name,) for name in names[3:])
    assert calls["GetFunctionConfiguration"] == 0 and calls["ListFunctions"] >= 1
    assert resolution.warnings == [] and resolution.unknown == []
    # Their ARNs (for Live Tail): one listing under the common prefix, not a call per group.
    calls.clear()
    arns = log_group_arns(session, [f"/aws/lambda/{name}" for name in names[3:]])
    assert sorted(arns) == sorted(f"/aws/lambda/{name}" for name in names[3:])
    assert calls["DescribeLogGroups"] == 1


def test_a_name_that_is_nothing_is_unknown(scratch_endpoint) -> None:
    session, _ = counting_session(scratch_endpoint)
    missing = f"nothing-{uuid.uuid4().hex[:6]}"
    resolution = resolve_sources(session, functions=[missing])
    assert resolution.unknown == [missing]
    assert [s.log_group for s in resolution.sources] == [f"/aws/lambda/{missing}"]
