"""Logs Insights on the UI thread and against the demo world.

    python3 bench/bench_insights_ui.py

1. Results table: how long the UI thread is held putting N result rows (5 columns, values as
   Insights returns them) into the Insights screen's table (`results_table` + `set_records` +
   the first paint), in a headless app at 160x50. This is why the screen shows the first
   SHOWN_ROWS rows of an answer (Insights returns up to 10,000) and says so.
2. Invocations tab: the FilterLogEvents requests and the time `read_back` takes to find the last
   50 invocations of a busy and an idle function, against a scratch demo world of its own.
3. `stackview query` wall time against the same world for a canned query over 20,000 lines.
"""

from __future__ import annotations

import asyncio
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

from textual.app import App, ComposeResult
from textual.containers import Vertical

from stackview.models.insights import ResultRow, columns_of
from stackview.screens.insights import results
from stackview.widgets.record_table import RecordTable
from stackview.widgets.styles import variable_defaults

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # tests.aws.functions_helpers
ROUNDS = 3


def rows(count: int) -> list[ResultRow]:
    return [ResultRow((
        ("@timestamp", f"2026-11-23 10:{n // 60 % 60:02d}:{n % 60:02d}.{n % 1000:03d}"),
        ("@requestId", f"{n:08x}-1c2d-4e5f-8a9b-0c1d2e3f4a5b"),
        ("@duration", f"{n % 900}.12"),
        ("@logStream", "2026/11/23/[$LATEST]0123456789abcdef"),
        ("@message", f"[ERROR]\t2026-11-23T10:00:00.000Z\t{n:08x}\tPayment declined for order o-{n} ({n % 7} retries)\n"),
        ("@ptr", f"ptr-{n}"),
    )) for n in range(count)]


class BenchApp(App):
    def get_theme_variable_defaults(self) -> dict[str, str]:
        return variable_defaults(self.current_theme.to_color_system().generate())

    def compose(self) -> ComposeResult:
        yield Vertical(id="area")


async def table_seconds(count: int) -> tuple[float, float]:
    """(set_records, set_records + the first paint) in seconds, median of ROUNDS, for `count`
    rows put in the table uncapped (the screen itself stops at SHOWN_ROWS)."""
    app = BenchApp()
    data = rows(count)
    columns = columns_of(data)
    shown = results.SHOWN_ROWS
    results.SHOWN_ROWS = count
    fills, paints = [], []
    try:
        async with app.run_test(size=(160, 50)) as pilot:
            for _ in range(ROUNDS):
                area = app.query_one("#area")
                await area.remove_children()
                table = RecordTable(columns, max_widths={c: results.CELL_WIDTH for c in columns})
                await area.mount(table)
                records = results.result_records(data, columns)
                began = time.perf_counter()
                table.set_records(records)
                fills.append(time.perf_counter() - began)
                await pilot.pause()
                paints.append(time.perf_counter() - began)
    finally:
        results.SHOWN_ROWS = shown
    return statistics.median(fills), statistics.median(paints)


def bench_table() -> None:
    print("results table: rows -> UI thread held by set_records / until painted (median of 3)")
    for count in (100, 1_000, 10_000):
        fill, paint = asyncio.run(table_seconds(count))
        print(f"  {count:>6,} rows  {fill * 1000:8.0f} ms  {paint * 1000:8.0f} ms")


def bench_world() -> None:
    from stackview.aws.recent_events import read_back
    from stackview.demo.process import DEMO_CREDENTIALS, DEMO_REGION, DemoServer
    from stackview.logs.invocations import INVOCATION_PATTERN, build_invocations, count_reports
    from tests.aws.functions_helpers import session_on

    server = DemoServer(traffic=False, empty=True)
    endpoint = server.start()
    try:
        session = session_on(endpoint, DEMO_REGION, DEMO_CREDENTIALS)
        logs = session.client("logs")
        now = int(time.time() * 1000)
        for name, every_ms, count in (("busy", 50, 20_000), ("idle", 3_600_000, 60)):
            group = f"/aws/lambda/{name}"
            logs.create_log_group(logGroupName=group)
            logs.create_log_stream(logGroupName=group, logStreamName="2026/11/23/[1]s")
            events = []
            for n in range(count):
                rid = str(uuid.uuid4())
                ts = now - (count - n) * every_ms
                events += [{"timestamp": ts, "message": f"START RequestId: {rid} Version: 1\n"},
                           {"timestamp": ts + 1, "message": f"[INFO]\t2026-11-23T10:00:00Z\t{rid}\tworking\n"},
                           {"timestamp": ts + 2, "message": f"END RequestId: {rid}\n"},
                           {"timestamp": ts + 2, "message": f"REPORT RequestId: {rid}\tDuration: 1.00 ms\t"
                                                            "Billed Duration: 2 ms\tMemory Size: 128 MB\t"
                                                            "Max Memory Used: 60 MB\t\n"}]
            for first in range(0, len(events), 10_000):
                logs.put_log_events(logGroupName=group, logStreamName="2026/11/23/[1]s",
                                    logEvents=events[first:first + 10_000])
        print("\nInvocations tab: read_back to the last 50 invocations")
        for name in ("busy", "idle"):
            began = time.perf_counter()
            found = read_back(session, f"/aws/lambda/{name}", now_ms=now, pattern=INVOCATION_PATTERN,
                              enough=lambda events: count_reports(events) >= 50)
            seconds = time.perf_counter() - began
            invocations = build_invocations(found.events)[:50]
            print(f"  {name:<5} {found.requests:>3} requests  {len(found.events):>6,} events read  "
                  f"{len(invocations)} invocations  {seconds * 1000:7.0f} ms")
        print("\nstackview query --canned slowest-invocations over the busy group (80,000 lines)")
        began = time.perf_counter()
        result = subprocess.run([sys.executable, "-m", "stackview", "--endpoint-url", endpoint, "--region",
                                 DEMO_REGION, "query", "--log-group", "/aws/lambda/busy", "--canned",
                                 "slowest-invocations", "--since", "2h", "-o", "json"],
                                capture_output=True, text=True, env={"AWS_ACCESS_KEY_ID": DEMO_CREDENTIALS[0],
                                                                     "AWS_SECRET_ACCESS_KEY": DEMO_CREDENTIALS[1],
                                                                     "PATH": "", "HOME": "/tmp"})
        seconds = time.perf_counter() - began
        print(f"  exit {result.returncode}, {len(result.stdout.splitlines())} rows, {seconds:.1f} s wall "
              "(process start included)")
    finally:
        server.stop()


if __name__ == "__main__":
    bench_table()
    bench_world()
