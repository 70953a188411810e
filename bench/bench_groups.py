"""Following many groups: follow lag of the active one, requests/s, repeats fetched, start-up.

    python3 bench/bench_groups.py [--groups 1,10,200] [--seconds 60]

For each count: an empty demo world with that many functions (one log group each), resolved the
way the log view does (`resolve_sources`: one ListFunctions listing beyond 8 functions, counted
and timed), then a `Tail` as the log view runs it (merge delivery into an `EventBuffer`, default
budget of 4 FilterLogEvents/s, polling: the demo endpoint has no live stream) follows them all.
One group is active: 20 lines/s plus a probe every 0.5 s; the others are idle. Lag = the probe is
in the buffer - PutLogEvents returned. "Repeats" = events fetched again and dropped by eventId,
per event delivered.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import threading
import time
import zipfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from stackview.aws.log_sources import resolve_sources  # noqa: E402
from stackview.aws.session import AwsSession  # noqa: E402
from stackview.demo.process import DEMO_CREDENTIALS, DEMO_REGION, INTERNAL_CREDENTIALS, DemoServer  # noqa: E402
from stackview.logs.buffer import EventBuffer  # noqa: E402
from stackview.logs.tail import Tail  # noqa: E402
from stackview.models import Target  # noqa: E402


def client(endpoint: str, service: str, credentials=INTERNAL_CREDENTIALS):
    import boto3

    return boto3.client(service, endpoint_url=endpoint, region_name=DEMO_REGION,
                        aws_access_key_id=credentials[0], aws_secret_access_key=credentials[1])


def make_functions(endpoint: str, count: int) -> list[str]:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("h.py", "def handler(event, context):\n    return event\n")
    lam, iam, logs = (client(endpoint, s) for s in ("lambda", "iam", "logs"))
    role = iam.create_role(RoleName="bench-groups", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    names = [f"bench-groups-{n:03}" for n in range(count)]
    for name in names:
        lam.create_function(FunctionName=name, Runtime="python3.11", Role=role, Handler="h.handler",
                            Code={"ZipFile": archive.getvalue()})
        logs.create_log_group(logGroupName=f"/aws/lambda/{name}")
    logs.create_log_stream(logGroupName=f"/aws/lambda/{names[0]}", logStreamName="s")
    return names


def session_counting(endpoint: str) -> tuple[AwsSession, Counter]:
    session = AwsSession(Target(region=DEMO_REGION, endpoint_url=endpoint, demo=True), credentials=DEMO_CREDENTIALS)
    calls: Counter = Counter()
    made = session.client

    def counted(service, **config):
        c = made(service, **config)
        if not getattr(c, "_bench_counted", False):
            c.meta.events.register("before-call", lambda model, **_: calls.update([model.name]))
            c._bench_counted = True
        return c

    session.client = counted  # type: ignore[method-assign]
    return session, calls


def run(endpoint: str, count: int, seconds: float) -> str:
    names = make_functions(endpoint, count)
    session, calls = session_counting(endpoint)
    started = time.perf_counter()
    resolution = resolve_sources(session, functions=names)
    resolve_s = time.perf_counter() - started
    resolve_calls = sum(calls.values())
    buffer: EventBuffer = EventBuffer(100_000)
    tail = Tail(session, resolution.sources, start_ms=int(time.time() * 1000) - 60_000, follow=True,
                buffer=buffer, on_batch=lambda batch: None, live_tail=False, merge=True)
    calls.clear()
    tail.start()
    begun = time.perf_counter()
    while any(p.in_history for p in tail.engine.pollers.values()):
        time.sleep(0.05)
    history_s = time.perf_counter() - begun
    logs = client(endpoint, "logs")
    group = f"/aws/lambda/{names[0]}"
    put_at: dict[str, float] = {}
    stop = threading.Event()

    def write() -> None:
        n = 0
        while not stop.wait(0.05):
            now = int(time.time() * 1000)
            message = f"probe {n}" if n % 10 == 0 else f"line {n}"
            logs.put_log_events(logGroupName=group, logStreamName="s", logEvents=[{"timestamp": now, "message": message}])
            if n % 10 == 0:
                put_at[message] = time.perf_counter()
            n += 1

    writer = threading.Thread(target=write, daemon=True)
    requests_before = tail.budget.requests
    measure_from = time.perf_counter()
    writer.start()
    seen: dict[str, float] = {}
    while time.perf_counter() - measure_from < seconds:
        time.sleep(0.01)
        for event in buffer.snapshot(-300):  # merges land near the end
            if event.message.startswith("probe ") and event.message not in seen:
                seen[event.message] = time.perf_counter()
    stop.set()
    writer.join()
    elapsed = time.perf_counter() - measure_from
    requests = tail.budget.requests - requests_before
    stats = tail.stats()
    tail.stop()
    lags = sorted(seen[m] - put_at[m] for m in seen if m in put_at)
    lost = len([m for m in put_at if m not in seen and put_at[m] < measure_from + seconds - 5])
    repeats = stats.duplicates / max(1, stats.delivered)
    return (f"| {count} | {resolve_calls} calls, {resolve_s:.1f} s | {history_s:.1f} s | "
            f"{statistics.median(lags):.2f} / {lags[int(len(lags) * 0.9)]:.2f} s | {requests / elapsed:.2f} | "
            f"{repeats:.1f} | {lost} |")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--groups", default="1,10,200")
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args()
    print("| groups | resolving | histories in | active group's lag median / p90 | FilterLogEvents/s "
          "| repeats per event | probes missing |")
    print("|---|---|---|---|---|---|---|")
    for count in (int(c) for c in args.groups.split(",")):
        with DemoServer(traffic=False, empty=True) as server:
            print(run(server.endpoint, count, args.seconds), flush=True)


if __name__ == "__main__":
    main()
