"""Throughput of the demo world's Logs Insights engine, in process and through the endpoint.

Not part of the test run. Run from the repository root:  python3 bench/bench_insights.py
1. The engine alone (`engine.run`) over 100,000 in-memory Lambda events (text START/END/REPORT
   and application lines, JSON Powertools-style records): events scanned per second of CPU time
   (process time, so that other jobs on a shared machine weigh less), best of 3.
2. End to end: an empty demo server holding the same 100,000 events in one log group; the time
   from StartQuery to Complete as a client sees it (GetQueryResults polled every 50 ms), best of 3.
"""

from __future__ import annotations

import json
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from stackview.demo.server.insights import engine  # noqa: E402
from stackview.demo.server.insights.fields import Event  # noqa: E402
from stackview.demo.server.insights.parser import parse_query  # noqa: E402

COUNT = 100_000
ROUNDS = 3
QUERIES = {
    "filter on @message, newest 20": "filter @message like /ERROR/ | sort @timestamp desc | limit 20",
    "REPORT stats by bin(5m)": 'filter @type = "REPORT" | stats count(*), avg(@duration), '
                               "pct(@duration, 99) by bin(5m)",
    "JSON field stats": "filter ispresent(level) | stats count(*) by level, service",
    "parse + stats": 'parse @message "order * took * ms" as order, took | filter ispresent(took) '
                     "| stats avg(took), max(took)",
    "all events, count": "stats count(*)",
}


def messages(rng: random.Random) -> list[str]:
    out = []
    while len(out) < COUNT:
        rid = "%08x-%04x-%04x-%04x-%012x" % tuple(rng.getrandbits(b) for b in (32, 16, 16, 16, 48))
        out.append(f"START RequestId: {rid} Version: $LATEST\n")
        if rng.random() < 0.5:
            level = "ERROR" if rng.random() < 0.1 else "INFO"
            out.append(f"[{level}]\t2026-01-01T00:00:00.000Z\t{rid}\torder o-{rng.randint(1, 9999)} "
                       f"took {rng.randint(1, 900)} ms\n")
        else:
            out.append(json.dumps({"level": rng.choice(["INFO", "INFO", "WARNING", "ERROR"]),
                                   "message": "order placed", "service": rng.choice(["orders", "pay"]),
                                   "cold_start": rng.random() < 0.1, "function_request_id": rid,
                                   "total": round(rng.uniform(1, 500), 2)}))
        duration = rng.uniform(1, 900)
        out.append(f"END RequestId: {rid}\n")
        out.append(f"REPORT RequestId: {rid}\tDuration: {duration:.2f} ms\tBilled Duration: "
                   f"{int(duration) + 1} ms\tMemory Size: 256 MB\tMax Memory Used: "
                   f"{rng.randint(60, 200)} MB\t\n")
    return out[:COUNT]


def engine_figures(texts: list[str], start_ms: int) -> None:
    events = [Event(start_ms + i * 30, start_ms + i * 30, text, f"s{i % 20}", "/aws/lambda/b", f"{i:056d}")
              for i, text in enumerate(texts)]
    print(f"engine alone, {COUNT:,} events, CPU time, best of {ROUNDS}")
    for name, text in QUERIES.items():
        parsed = parse_query(text)
        best = min(_timed(lambda: engine.run(parsed, events), time.process_time) for _ in range(ROUNDS))
        print(f"  {name:32s} {best * 1000:8.0f} ms  {COUNT / best:10,.0f} events/s")


def endpoint_figures(texts: list[str], start_ms: int) -> None:
    import boto3

    from stackview.demo.process import DEMO_CREDENTIALS, DEMO_REGION, DemoServer

    with DemoServer(empty=True, traffic=False) as server:
        logs = boto3.client("logs", endpoint_url=server.endpoint, region_name=DEMO_REGION,
                            aws_access_key_id=DEMO_CREDENTIALS[0],
                            aws_secret_access_key=DEMO_CREDENTIALS[1])
        logs.create_log_group(logGroupName="/aws/lambda/b")
        logs.create_log_stream(logGroupName="/aws/lambda/b", logStreamName="s")
        for first in range(0, COUNT, 10_000):
            logs.put_log_events(logGroupName="/aws/lambda/b", logStreamName="s", logEvents=[
                {"timestamp": start_ms + i * 30, "message": texts[i]} for i in range(first, first + 10_000)])
        print(f"through the demo endpoint (StartQuery to Complete, wall clock), {COUNT:,} events, "
              f"best of {ROUNDS}")
        for name, text in QUERIES.items():
            best = min(_timed(lambda: _complete(logs, text, start_ms)) for _ in range(ROUNDS))
            print(f"  {name:32s} {best * 1000:8.0f} ms")


def _complete(logs, text: str, start_ms: int) -> None:
    query_id = logs.start_query(logGroupName="/aws/lambda/b", startTime=start_ms // 1000,
                                endTime=start_ms // 1000 + COUNT, queryString=text)["queryId"]
    while logs.get_query_results(queryId=query_id)["status"] != "Complete":
        time.sleep(0.05)


def _timed(work, clock=time.perf_counter) -> float:
    started = clock()
    work()
    return clock() - started


def main() -> None:
    texts = messages(random.Random(7))
    start_ms = (int(time.time()) - 3600) * 1000
    engine_figures(texts, start_ms)
    endpoint_figures(texts, start_ms)


if __name__ == "__main__":
    main()
