"""A function with a healthy version 1 and a failing version 2 behind a weighted alias, invoked
through the alias: what a canary going wrong looks like."""

from __future__ import annotations

from stackview.aws.session import AwsSession
from tests.aws.functions_helpers import make_function, package

FAILING = "def handler(event, context):\n    raise RuntimeError('v2 is broken')\n"


def failing_canary(session: AwsSession, invocations: int = 12, weight: float = 0.5) -> str:
    lam = session.client("lambda")
    name = make_function(session)
    lam.publish_version(FunctionName=name)
    lam.update_function_code(FunctionName=name, ZipFile=package(FAILING))
    lam.publish_version(FunctionName=name)
    lam.create_alias(FunctionName=name, Name="live", FunctionVersion="1",
                     RoutingConfig={"AdditionalVersionWeights": {"2": weight}})
    for _ in range(invocations):
        lam.invoke(FunctionName=name, Qualifier="live", Payload=b"{}")
    return name
