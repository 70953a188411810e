"""`stackview logs --follow` under every fault of issue 9's table: nothing lost, nothing doubled.

Each row runs the real command in a child process against its own empty demo world (with the
realism switches for latency, throttling and server faults; through `FaultProxy` for a stalled
call and an endpoint gone for 15 s), while a writer puts numbered events: same-millisecond
bursts of 300, and 5% stamped 20 s before they are written. Lag is not asserted here (bench/
bench_faults.py measures it).
"""

from __future__ import annotations

import uuid

import pytest

from stackview.demo.process import DemoServer

from .tail_faults import FaultProxy, logs_client, run_row

pytestmark = pytest.mark.demo

# switches, fault, seconds of writing (the writer goes on well after a stall or an outage:
# the events written after it are the ones an engine misled by the stall lost).
ROWS = {
    "none": ({}, None, 15.0),
    "latency 200 ms": ({"latency": 200}, None, 15.0),
    "throttling 30%": ({"throttle_rate": 0.3}, None, 15.0),
    "faults 10%": ({"fault_rate": 0.1}, None, 15.0),
    "one call stalled 20 s": ({}, lambda proxy: proxy.stall_next(20.0), 32.0),
    "endpoint gone 15 s": ({}, lambda proxy: proxy.go_down(15.0), 25.0),
}


@pytest.mark.parametrize("row", list(ROWS))
def test_nothing_lost_or_doubled_under(row: str) -> None:
    switches, fault, seconds = ROWS[row]
    with DemoServer(traffic=False, empty=True, **switches) as server:
        group = f"/aws/lambda/faults-{uuid.uuid4().hex[:6]}"
        logs_client(server.endpoint).create_log_group(logGroupName=group)
        proxy = FaultProxy(server.endpoint)
        try:
            outcome = run_row(server.endpoint, group, total=4_000, seconds=seconds, fault=fault, proxy=proxy)
        finally:
            proxy.close()
    if fault is not None:
        assert proxy.stalled == 1 if "stalled" in row else proxy.refused >= 1
    assert (outcome.lost, outcome.doubled) == (0, 0), outcome.err[-2000:]
    assert "Traceback" not in outcome.err
