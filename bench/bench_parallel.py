"""Big windows in parallel: `stackview logs --since 3h` against plain sequential paging.

    python3 bench/bench_parallel.py [--events 100000] [--groups 1] [--latency 300] [--runs 3]

Puts `--events` Lambda-shaped events over the last 3 hours into `--groups` log groups of an
empty demo world started with `--latency` ms added to every call (the realism switch; the events
are put with the world's internal credentials, which it spares), then, `--runs` times each:
- sequential: boto3's FilterLogEvents paginator, one page after the other, group after group,
  each event printed as a JSON line by a child process (what `stackview logs` did before, and
  what most tools do);
- stackview: `stackview logs -g G ... --since 3h -o json` in a child process, stdout read by this
  script: every event must be printed exactly once and in order (eventIds and timestamps checked).
Both go through the same endpoint with the same latency; stackview stays within its request
budget (4 FilterLogEvents/s by default).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench_logs_cli import message  # noqa: E402

from stackview.demo.process import DEMO_CREDENTIALS, DEMO_REGION, INTERNAL_CREDENTIALS, DemoServer  # noqa: E402

SPAN_MS = 3 * 3600 * 1000 - 180_000


def client(endpoint: str, credentials):
    import boto3

    return boto3.client("logs", endpoint_url=endpoint, region_name=DEMO_REGION,
                        aws_access_key_id=credentials[0], aws_secret_access_key=credentials[1])


def seed(endpoint: str, events: int, groups: int) -> list[str]:
    logs = client(endpoint, INTERNAL_CREDENTIALS)
    now = int(time.time() * 1000)
    names = [f"/aws/lambda/bench-parallel-{g}" for g in range(groups)]
    for g, name in enumerate(names):
        logs.create_log_group(logGroupName=name)
        streams = [f"2026/11/23/[$LATEST]{s:032x}" for s in range(4)]
        for stream in streams:
            logs.create_log_stream(logGroupName=name, logStreamName=stream)
        count = events // groups
        batch: dict[str, list[dict]] = {}
        for n in range(count):
            stream = streams[(n // 5) % 4]
            batch.setdefault(stream, []).append({"timestamp": now - SPAN_MS + int(n * SPAN_MS / count),
                                                 "message": message(n, f"r-{g}-{n // 5}")})
            if sum(map(len, batch.values())) >= 5_000 or n == count - 1:
                for stream_name, items in batch.items():
                    logs.put_log_events(logGroupName=name, logStreamName=stream_name, logEvents=items)
                batch = {}
    return names


# Sequential paging in a child process that prints every event as a JSON line, as a tool built
# on the paginator would (same process start-up and output cost as `stackview logs -o json`).
_SEQUENTIAL = r"""
import json, sys, time, boto3
endpoint, region, groups = sys.argv[1], sys.argv[2], sys.argv[3:]
logs = boto3.client("logs", endpoint_url=endpoint, region_name=region)
start_ms = int(time.time() * 1000) - 3 * 3600 * 1000
out = sys.stdout
for group in groups:
    for page in logs.get_paginator("filter_log_events").paginate(logGroupName=group, startTime=start_ms,
                                                                    interleaved=True):
        for event in page.get("events", []):
            out.write(json.dumps(event) + "\n")
"""


def sequential(endpoint: str, groups: list[str]) -> tuple[float, int]:
    env = dict(os.environ, AWS_ACCESS_KEY_ID=DEMO_CREDENTIALS[0], AWS_SECRET_ACCESS_KEY=DEMO_CREDENTIALS[1])
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _SEQUENTIAL, endpoint, DEMO_REGION, *groups],
                          capture_output=True, env=env, check=True)
    return time.perf_counter() - started, done.stdout.count(b"\n")


def stackview(endpoint: str, groups: list[str]) -> tuple[float, int, bool]:
    cmd = [sys.executable, "-m", "stackview", "--endpoint-url", endpoint, "--region", DEMO_REGION, "logs"]
    for group in groups:
        cmd += ["-g", group]
    cmd += ["--since", "3h", "-o", "json"]
    env = dict(os.environ, PYTHONPATH=str(ROOT), AWS_ACCESS_KEY_ID=DEMO_CREDENTIALS[0],
               AWS_SECRET_ACCESS_KEY=DEMO_CREDENTIALS[1])
    started = time.perf_counter()
    process = subprocess.Popen(cmd, stdout=subprocess.PIPE, env=env)
    ids, keys = set(), []
    assert process.stdout is not None
    for line in process.stdout:
        record = json.loads(line)
        ids.add(record["eventId"])
        keys.append((record["timestamp"], record["ingestionTime"], record["eventId"]))
    process.wait()
    elapsed = time.perf_counter() - started
    ordered = keys == sorted(keys)
    return elapsed, len(keys), ordered and len(ids) == len(keys) and process.returncode == 0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--groups", type=int, default=1)
    parser.add_argument("--latency", type=int, default=300)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with DemoServer(traffic=False, empty=True, latency=args.latency) as server:
        groups = seed(server.endpoint, args.events, args.groups)
        seq, par = [], []
        for _ in range(args.runs):
            elapsed, count = sequential(server.endpoint, groups)
            print(f"  sequential paging: {count:,} events in {elapsed:.1f} s", flush=True)
            seq.append(elapsed)
            elapsed, count, once = stackview(server.endpoint, groups)
            print(f"  stackview logs:    {count:,} events in {elapsed:.1f} s, each once and in order: {once}",
                  flush=True)
            par.append(elapsed)
    print(f"{args.events:,} events, {args.groups} group(s), {args.latency} ms per call: sequential "
          f"median {statistics.median(seq):.1f} s, stackview median {statistics.median(par):.1f} s "
          f"({statistics.median(seq) / statistics.median(par):.1f}x)")


if __name__ == "__main__":
    main()
