"""What the health columns and the function tables cost: requests, GetMetricData calls, time.

    python3 bench/bench_health.py [--functions 200] [--stacks 20] [--runs 3]

Builds a world on a scratch demo endpoint (an empty demo world, no traffic): one stack of
`--functions` functions ("big") and `--stacks` small stacks of 5 functions, with 15 minutes of
per-minute Lambda metrics for every function (PutMetricData). Then measures:

1. opening the big stack: the requests the previous Functions tab made (its fetch,
   `aws.functions.stack_functions`, still what the kill switch uses) against the app of today,
   driven headless: open the stack, show the Functions tab, open a function and come back;
2. a health sweep of the big stack's functions: GetMetricData requests per metrics asked for;
3. time to the first health figures on the Stacks screen (app start to the first figures drawn);
4. the Stacks list refreshing 2,000 and 10,000 stacks where 3 changed, patched in place against
   the full redraw it used to do (the UI thread is blocked for that long).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import time
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from stackview.aws.session import AwsSession  # noqa: E402
from stackview.demo.process import DEMO_CREDENTIALS, DEMO_REGION, DemoServer  # noqa: E402
from stackview.models import Target  # noqa: E402

HANDLER = "def handler(event, context):\n    return {'ok': True}\n"


def counting_session(endpoint: str, latency: float = 0.0) -> tuple[AwsSession, Counter]:
    """A session whose every request is counted by operation (all its clients), each one made
    `latency` seconds slower (a far region, a busy API)."""
    session = AwsSession(Target(region=DEMO_REGION, endpoint_url=endpoint, demo=True), credentials=DEMO_CREDENTIALS)
    counts: Counter = Counter()
    make = session.client

    def client(service: str, **options):
        created = make(service, **options)
        if not getattr(created, "_bench_counted", False):
            created.meta.events.register("before-call", lambda model, **_: counts.update([model.name]))
            if latency:
                created.meta.events.register("before-send", lambda **_: time.sleep(latency))
            created._bench_counted = True
        return created

    session.client = client  # type: ignore[method-assign]
    return session, counts


def build_world(session: AwsSession, functions: int, stacks: int) -> tuple[str, list[str]]:
    iam, cfn = session.client("iam"), session.client("cloudformation")
    role = iam.create_role(RoleName="bench-health", AssumeRolePolicyDocument="{}")["Role"]["Arn"]

    def template(count: int, prefix: str) -> str:
        resources = {f"Fn{i:03d}": {"Type": "AWS::Lambda::Function", "Properties": {
            "FunctionName": f"{prefix}-fn-{i:03d}", "Runtime": "python3.11", "Handler": "index.handler",
            "Role": role, "Code": {"ZipFile": HANDLER}}} for i in range(count)}
        return json.dumps({"Resources": resources})

    cfn.create_stack(StackName="big", TemplateBody=template(functions, "big"))
    for n in range(stacks):
        cfn.create_stack(StackName=f"small-{n:02d}", TemplateBody=template(5, f"small-{n:02d}"))
    names = [f["FunctionName"] for page in session.client("lambda").get_paginator("list_functions").paginate()
             for f in page["Functions"]]
    now = datetime.now(timezone.utc).replace(second=0, microsecond=0)
    data = []
    for index, name in enumerate(names):
        for minute in range(16):
            when = now - timedelta(minutes=minute)
            dims = [{"Name": "FunctionName", "Value": name}]
            invocations = 5 + (index + minute) % 7
            errors = 1 if (index % 13 == 0 and minute % 3 == 0) else 0
            data += [{"MetricName": "Invocations", "Dimensions": dims, "Timestamp": when, "Value": invocations, "Unit": "Count"},
                     {"MetricName": "Errors", "Dimensions": dims, "Timestamp": when, "Value": errors, "Unit": "Count"},
                     {"MetricName": "Duration", "Dimensions": dims, "Timestamp": when, "Value": 20.0 + index % 50, "Unit": "Milliseconds"},
                     {"MetricName": "ConcurrentExecutions", "Dimensions": dims, "Timestamp": when, "Value": 1, "Unit": "Count"}]
    cloudwatch = session.client("cloudwatch")
    for first in range(0, len(data), 1000):
        cloudwatch.put_metric_data(Namespace="AWS/Lambda", MetricData=data[first:first + 1000])
    return "big", names


async def open_big_stack(endpoint: str) -> dict[str, Counter]:
    """The app of today: requests by step when a user opens the big stack."""
    from stackview.app import create_app
    from stackview.screens.function.screen import FunctionScreen
    from stackview.screens.stack.functions import FunctionsPanel
    from stackview.screens.stack.screen import StackScreen
    from stackview.screens.stacks import StacksPanel
    from stackview.widgets.record_table import RecordTable

    session, counts = counting_session(endpoint)
    app = create_app(session)
    steps: dict[str, Counter] = {}

    async def until(predicate, timeout: float = 120.0) -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                raise TimeoutError("the app did not get there")
            await pilot.pause(0.05)

    def step(name: str) -> None:
        steps[name] = Counter(counts)
        counts.clear()

    async with app.run_test(size=(160, 50)) as pilot:
        panel = app.screen.query_one(StacksPanel)
        await until(lambda: panel.health is not None and not panel.poll.running)
        await pilot.pause(1.0)
        step("Stacks screen")
        app.jump("stack big")
        await until(lambda: isinstance(app.screen, StackScreen) and bool(app.screen.query(FunctionsPanel)))
        stack = app.screen
        await pilot.pause(2.0)
        step("open the stack (Functions tab not shown)")
        await pilot.press("6")
        functions = stack.query_one(FunctionsPanel)
        await until(lambda: functions.step is not None and not functions.poll.running and functions.budget is not None)
        await pilot.pause(1.0)
        step("show the Functions tab")
        functions.query_one(RecordTable).focus()
        await pilot.press("enter")
        await until(lambda: isinstance(app.screen, FunctionScreen))
        await pilot.pause(2.0)
        counts.clear()  # the function screen's own requests are not the list's
        await pilot.press("escape")
        await until(lambda: app.screen is stack)
        await pilot.pause(2.0)
        step("back from a function screen")
    return steps


def before_open(endpoint: str, stack: str) -> Counter:
    """The previous Functions tab's fetch, on mount and again on every return from a function."""
    from stackview.aws.functions import stack_functions

    session, counts = counting_session(endpoint)
    stack_functions(session, stack)
    return counts


def rows_at_latency(endpoint: str, stack: str, latency: float) -> tuple[float, float]:
    """Seconds until the Functions tab has its rows, at `latency` per request: before (a call
    per function for configuration and reservation, 8 at a time) and now (the stack's resources
    and ListFunctions; reservations come after, for the rows on screen)."""
    from stackview.aws.functions import stack_functions
    from stackview.aws.inventory import inventory
    from stackview.widgets.function_table import summaries

    session, _ = counting_session(endpoint, latency)
    started = time.perf_counter()
    stack_functions(session, stack)
    before = time.perf_counter() - started
    session, _ = counting_session(endpoint, latency)
    store = inventory(session)
    started = time.perf_counter()
    summaries(store.stack_functions(stack, nested=True), store.functions())
    return before, time.perf_counter() - started


def sweep_cost(endpoint: str, names: list[str], runs: int) -> tuple[int, int, float]:
    from stackview.aws.health import function_health

    session, counts = counting_session(endpoint)
    function_health(session, names[:1])  # the endpoint shows whether it gives percentiles
    times, calls, metrics = [], 0, 0
    for _ in range(runs):
        counts.clear()
        started = time.perf_counter()
        report = function_health(session, names)
        times.append(time.perf_counter() - started)
        calls, metrics = counts["GetMetricData"], report.metrics
    return calls, metrics, statistics.median(times)


async def first_figures(endpoint: str) -> tuple[float, float]:
    """Seconds from the app's start to the first stack rows, and to the first health figures."""
    from stackview.app import create_app
    from stackview.screens.stacks import StacksPanel

    session, _ = counting_session(endpoint)
    app = create_app(session)
    started = time.monotonic()
    rows_at = figures_at = None
    async with app.run_test(size=(160, 50)) as pilot:
        while figures_at is None and time.monotonic() - started < 120:
            panels = app.screen.query(StacksPanel)
            if panels:
                panel = panels.first()
                if rows_at is None and panel._stacks:
                    rows_at = time.monotonic() - started
                if panel.health is not None and panel.health.report and panel.health.report.functions:
                    figures_at = time.monotonic() - started
            await pilot.pause(0.01)
    return rows_at or float("nan"), figures_at or float("nan")


async def patch_vs_rebuild(endpoint: str, rows: int) -> tuple[float, float]:
    """The Stacks panel's refresh (show) with `rows` stacks of which 3 changed: patched, against
    the full redraw every refresh used to be. Includes the cells DataTable measures when idle."""
    from stackview.app import create_app
    from stackview.models import StackSummary
    from stackview.screens.stacks import StacksPanel
    from stackview.widgets.record_table import RecordTable

    then = datetime.now(timezone.utc) - timedelta(days=3)

    def stacks(changed: int) -> list[StackSummary]:
        return [StackSummary(name=f"stack-{i:05d}", stack_id=f"arn:aws:cloudformation:us-east-1:1:stack/stack-{i:05d}/x",
                             status="UPDATE_IN_PROGRESS" if i < 3 and changed % 2 else "UPDATE_COMPLETE",
                             created=then, updated=then, description=f"the application number {i}")
                for i in range(rows)]

    session, _ = counting_session(endpoint)
    app = create_app(session)
    async with app.run_test(size=(160, 50)) as pilot:
        panel = app.screen.query_one(StacksPanel)
        while panel.data is None:
            await pilot.pause(0.05)
        panel.poll._stop_timer()
        panel.show(stacks(0))
        await pilot.pause()
        table = panel.query_one(RecordTable)
        patches, rebuilds = [], []
        for n in range(1, 4):
            fresh = stacks(n)
            started = time.perf_counter()
            panel.show(fresh)  # 3 rows changed: patched
            await pilot.pause()  # DataTable measures new and updated cells when idle: part of the cost
            patches.append(time.perf_counter() - started)
            again = stacks(n + 1)
            started = time.perf_counter()
            table._shown = []  # what every refresh did before: clear the table, add every row
            panel.show(again)
            await pilot.pause()
            rebuilds.append(time.perf_counter() - started)
    return statistics.median(patches), statistics.median(rebuilds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--functions", type=int, default=200)
    parser.add_argument("--stacks", type=int, default=20)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    server = DemoServer(traffic=False, empty=True)
    endpoint = server.start()
    os.environ["STACKVIEW_CONFIG"] = "/nonexistent/stackview-bench.yaml"
    try:
        session, _ = counting_session(endpoint)
        started = time.monotonic()
        stack, names = build_world(session, args.functions, args.stacks)
        big = [n for n in names if n.startswith("big-")]
        print(f"world: {len(names)} functions in {args.stacks + 1} stacks, built in {time.monotonic() - started:.0f} s "
              f"(load average {os.getloadavg()[0]:.1f})")

        before = before_open(endpoint, stack)
        print(f"\n1. opening the {len(big)}-function stack, requests by operation")
        print(f"   before (the Functions tab's fetch on mount, and again on every return): "
              f"{sum(before.values())}  {dict(before)}")
        for name, counted in asyncio.run(open_big_stack(endpoint)).items():
            print(f"   now, {name}: {sum(counted.values())}  {dict(sorted(counted.items()))}")
        before_s, now_s = rows_at_latency(endpoint, stack, 0.1)
        print(f"   the Functions tab's rows at 100 ms per request: before {before_s:.1f} s, now {now_s:.1f} s")

        calls, metrics, seconds = sweep_cost(endpoint, big, args.runs)
        print(f"\n2. health sweep of {len(big)} functions: {metrics} metrics in {calls} GetMetricData requests "
              f"({metrics / max(calls, 1):.0f} metrics per request), median {seconds * 1000:.0f} ms")

        firsts = [asyncio.run(first_figures(endpoint)) for _ in range(args.runs)]
        print(f"\n3. Stacks screen, {args.stacks + 1} stacks / {len(names)} functions, median of {args.runs}: "
              f"first rows {statistics.median(f[0] for f in firsts):.2f} s, "
              f"first health figures {statistics.median(f[1] for f in firsts):.2f} s after start")

        print("\n4. Stacks list refresh where 3 stacks changed (the UI thread is blocked that long), median of 3")
        for rows in (2_000, 10_000):
            patch, rebuild = asyncio.run(patch_vs_rebuild(endpoint, rows))
            print(f"   {rows:>6} stacks: patched {patch * 1000:.0f} ms, full redraw {rebuild * 1000:.0f} ms")
    finally:
        server.stop()


if __name__ == "__main__":
    main()
