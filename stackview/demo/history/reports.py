"""Past invocations of the scheduled sales report, line for line what its handler logs.

EventBridge runs it every five minutes. At the top of each hour the window is the whole past
hour, and 60 minutes of aggregation take longer than the function's 3-second default timeout:
those runs end in "Task timed out after 3.00 seconds" (the "Running Serverless" lesson the demo
keeps on purpose). Successful runs print a green "OK" with an ANSI colour escape.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

from stackview.demo.history.common import Entry, Plan
from stackview.demo.history.sim import Call, World
from stackview.demo.seed import catalog

#: Seconds of work per minute of window, as in the handler (WORK_PER_MINUTE).
WORK_PER_MINUTE = 0.06
GREEN, RESET = "\x1b[32m", "\x1b[0m"


def sales_report(rng: random.Random, world: World, call: Call, rid: str, version: str) -> Plan:
    report = call.params.get("report", "sales")
    if report != "sales":
        return Plan([Entry(rng.uniform(0.3, 1), "app", f"Unknown report {report!r}: expected 'sales'",
                           "ERROR")], duration_ms=rng.uniform(1, 3), handled_error=True)
    end = datetime.fromtimestamp(call.params["time_ms"] / 1000, tz=timezone.utc)
    if end.minute < 5:
        start, kind = end - timedelta(hours=1), "hourly rollup"
    else:
        start, kind = end - timedelta(minutes=5), "snapshot"
    at = rng.uniform(0.5, 1.5)
    entries = [Entry(at, "app", f"Building {kind} for {start.isoformat()} .. {end.isoformat()}")]
    work_ms = WORK_PER_MINUTE * (end - start).total_seconds() / 60 * 1000
    at += rng.uniform(60, 240) + work_ms  # the table scan, then the aggregation
    timeout_ms = catalog.BY_NAME[catalog.SALES_REPORT].timeout_s * 1000.0
    if at >= timeout_ms:
        return Plan(entries, duration_ms=timeout_ms, outcome="timeout")
    orders = rng.randint(3, 30)
    total = sum(rng.randint(900, 16000) for _ in range(orders)) / 100
    key = end.strftime("sales/%Y/%m/%d/%H%M.csv")
    at += rng.uniform(25, 70)  # PutObject and Publish
    entries.append(Entry(at, "print", f"{GREEN}OK{RESET} s3://{world.names['reports_bucket']}/{key}: "
                         f"{orders} orders, {total:.2f} EUR"))
    return Plan(entries, duration_ms=at + rng.uniform(0.5, 2))
