"""Shared fixtures: one demo world per test session (per xdist worker), and sessions on it.

The demo server is a child process on a free loopback port, started on first use and stopped at
the end of the session; under pytest-xdist every worker starts its own, so tests never share
state across processes. Live traffic is off, so what a test sees is what the seed put there, and
what moves by itself: the orders worker's incident goes on (Lambda's poller fails its batches,
its queues and alarms follow), as it does in `stackview --demo`.

`demo_endpoint` is the seeded world that UI, snapshot and AWS-layer tests read: tests must not
add stacks or functions to it (a snapshot would change with test order). Tests that create
resources use `scratch_endpoint`, an empty world of their own (it starts in about half a second).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from stackview.demo.process import DEMO_CREDENTIALS, DEMO_REGION, DemoServer


@dataclass(frozen=True)
class DemoEndpoint:
    endpoint: str
    region: str
    credentials: tuple[str, str]
    pid: int | None

    def client(self, service: str, **config: object):
        """A plain boto3 client on the demo world, without retries (tests count calls)."""
        import boto3
        from botocore.config import Config

        return boto3.client(
            service,
            endpoint_url=self.endpoint,
            region_name=self.region,
            aws_access_key_id=self.credentials[0],
            aws_secret_access_key=self.credentials[1],
            config=Config(retries={"total_max_attempts": 1}, **config),
        )


def _serve(server: DemoServer) -> Iterator[DemoEndpoint]:
    endpoint = server.start()
    try:
        yield DemoEndpoint(endpoint, DEMO_REGION, DEMO_CREDENTIALS, server.pid)
    finally:
        server.stop()


@pytest.fixture(scope="session")
def demo_endpoint() -> Iterator[DemoEndpoint]:
    """The seeded demo world, without live traffic (read it, do not add to it)."""
    yield from _serve(DemoServer(traffic=False))


@pytest.fixture(scope="session")
def scratch_endpoint() -> Iterator[DemoEndpoint]:
    """An empty demo world for tests that create their own stacks, functions and logs."""
    yield from _serve(DemoServer(traffic=False, empty=True))


@pytest.fixture
def demo_session(demo_endpoint: DemoEndpoint):
    from stackview.aws.session import AwsSession
    from stackview.models import Target

    target = Target(region=demo_endpoint.region, endpoint_url=demo_endpoint.endpoint, demo=True)
    return AwsSession(target, credentials=demo_endpoint.credentials)
