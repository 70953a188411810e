"""Live traffic: a demo world started with it shows new log events within seconds."""

from __future__ import annotations

import time

import pytest

from stackview.demo.process import DEMO_CREDENTIALS, DEMO_REGION, DemoServer
from stackview.demo.seed import catalog

pytestmark = pytest.mark.demo


def test_traffic_writes_new_log_events():
    import boto3

    with DemoServer(traffic=True, history_events=30) as server:
        logs = boto3.client("logs", endpoint_url=server.endpoint, region_name=DEMO_REGION,
                            aws_access_key_id=DEMO_CREDENTIALS[0],
                            aws_secret_access_key=DEMO_CREDENTIALS[1])
        since = int(time.time() * 1000)
        groups = [spec.log_group for spec in catalog.FUNCTIONS]
        seen: set[str] = set()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and len(seen) < 2:
            for group in groups:
                try:
                    events = logs.filter_log_events(logGroupName=group, startTime=since)["events"]
                except logs.exceptions.ResourceNotFoundException:
                    continue  # a function with no history: its group appears on its first run
                if any(e["message"].startswith(("START ", '{"time"')) for e in events):
                    seen.add(group)
            time.sleep(0.5)
        assert len(seen) >= 2, seen
