"""`stackview logs --follow` under every fault of issue 9's table: nothing lost, nothing doubled.

Each row runs the real command in a child process against its own empty demo world (with the
realism switches for latency, throttling and server faults; through `FaultProxy` for a stalled
call and an endpoint gone for 15 s), while a writer puts numbered events: same-millisecond
bursts of 300, and 5% stamped 20 s before they are written. Lag is not asserted here (bench/
bench_faults.py measures it).
"""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

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


def _run(row: str) -> str | None:
    """One row in its own demo world; what went wrong, or None."""
    switches, fault, seconds = ROWS[row]
    with DemoServer(traffic=False, empty=True, **switches) as server:
        group = f"/aws/lambda/faults-{uuid.uuid4().hex[:6]}"
        logs_client(server.endpoint).create_log_group(logGroupName=group)
        proxy = FaultProxy(server.endpoint)
        try:
            outcome = run_row(server.endpoint, group, total=4_000, seconds=seconds, fault=fault, proxy=proxy)
        finally:
            proxy.close()
    problems = []
    if fault is not None and not (proxy.stalled == 1 if "stalled" in row else proxy.refused >= 1):
        problems.append("the fault was not applied")
    if (outcome.lost, outcome.doubled) != (0, 0):
        problems.append(f"lost {outcome.lost}, doubled {outcome.doubled}")
    if "Traceback" in outcome.err:
        problems.append("a traceback")
    return f"{row}: {', '.join(problems)}\n{outcome.err[-1500:]}" if problems else None


def test_nothing_lost_or_doubled_under_any_fault() -> None:
    # The rows run side by side, each in its own world: they mostly wait (for the writer, the
    # stall, the outage, the sweep that finds the late events), so together they take as long
    # as the longest row rather than the sum (about 60 s against 230 s).
    with ThreadPoolExecutor(max_workers=len(ROWS)) as pool:
        failures = [found for found in pool.map(_run, ROWS) if found is not None]
    assert not failures, "\n\n".join(failures)
