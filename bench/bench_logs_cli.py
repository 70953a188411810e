"""`stackview logs --since 3h` reading 100,000 events from the demo endpoint: events/s, peak RSS.

    python3 bench/bench_logs_cli.py [--events 100000] [--groups 4] [--runs 3]

Starts an empty demo world (moto's server in a child process), puts the events itself (spread
over the last 3 hours, across `--groups` log groups, Lambda-shaped lines of ~100 characters), then
runs the real command line in a child process, once per run:

    stackview --endpoint-url URL --region us-east-1 logs -g G1 -g G2 ... --since 3h -o json

stdout is read by this script and its lines counted (every event must arrive exactly once);
"events/s" is events / wall time of the child (start to exit, demo endpoint included: moto
answers FilterLogEvents in Python and is the larger part of the time); "peak RSS" is the
child's maximum resident size (`ru_maxrss` of RUSAGE_CHILDREN, measured per run in a fresh
helper process so runs do not mask each other). Text output is measured as well (`-o text`).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from stackview.demo.process import DEMO_CREDENTIALS, DEMO_REGION, DemoServer  # noqa: E402

PUT_BATCH = 5_000

# The child: run the CLI with stdout to a pipe we count, report wall time and peak RSS as JSON.
_MEASURE = r"""
import json, resource, subprocess, sys, time
cmd = json.loads(sys.argv[1])
started = time.perf_counter()
process = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
lines = 0
for chunk in iter(lambda: process.stdout.read(1 << 20), b""):
    lines += chunk.count(b"\n")
err = process.stderr.read().decode(errors="replace")
process.wait()
elapsed = time.perf_counter() - started
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"lines": lines, "seconds": elapsed, "rss_kb": rss, "code": process.returncode, "err": err[-500:]}))
"""


def message(n: int, request: str) -> str:
    kind = n % 5
    if kind == 0:
        return f"START RequestId: {request} Version: $LATEST\n"
    if kind == 1:
        return f"[INFO]\t2026-11-23T10:00:00.000Z\t{request}\tProcessed order {n} for customer c-{n % 977}\n"
    if kind == 2:
        return ('{"level":"INFO","message":"order accepted","service":"orders","function_request_id":"%s",'
                '"order_id":"o-%d"}' % (request, n))
    if kind == 3:
        return f"END RequestId: {request}\n"
    return (f"REPORT RequestId: {request}\tDuration: {n % 900}.12 ms\tBilled Duration: {n % 900 + 1} ms\t"
            f"Memory Size: 256 MB\tMax Memory Used: 81 MB\t\n")


def seed(endpoint: str, events: int, groups: int) -> list[str]:
    import boto3

    client = boto3.client("logs", endpoint_url=endpoint, region_name=DEMO_REGION,
                          aws_access_key_id=DEMO_CREDENTIALS[0], aws_secret_access_key=DEMO_CREDENTIALS[1])
    now = int(time.time() * 1000)
    span = 3 * 3600 * 1000 - 120_000  # inside --since 3h, with room for the time the runs take
    names = [f"/aws/lambda/bench-fn-{g}" for g in range(groups)]
    per_group = events // groups
    for g, name in enumerate(names):
        client.create_log_group(logGroupName=name)
        for s in range(4):
            client.create_log_stream(logGroupName=name, logStreamName=f"2026/11/23/[$LATEST]{s:032x}")
        count = per_group + (events % groups if g == groups - 1 else 0)
        start = now - span
        step = span / count
        request = str(uuid.uuid4())
        batch: dict[str, list[dict]] = {}
        for n in range(count):
            if n % 5 == 0:
                request = str(uuid.uuid4())
            stream = f"2026/11/23/[$LATEST]{(n // 5) % 4:032x}"
            batch.setdefault(stream, []).append({"timestamp": int(start + n * step), "message": message(n, request)})
            if sum(map(len, batch.values())) >= PUT_BATCH or n == count - 1:
                for stream_name, items in batch.items():
                    client.put_log_events(logGroupName=name, logStreamName=stream_name, logEvents=items)
                batch = {}
    return names


def measure(endpoint: str, groups: list[str], output: str) -> dict:
    cmd = [sys.executable, "-m", "stackview", "--endpoint-url", endpoint, "--region", DEMO_REGION, "logs"]
    for group in groups:
        cmd += ["-g", group]
    cmd += ["--since", "3h", "-o", output]
    env = dict(os.environ, PYTHONPATH=str(ROOT), AWS_ACCESS_KEY_ID=DEMO_CREDENTIALS[0],
               AWS_SECRET_ACCESS_KEY=DEMO_CREDENTIALS[1])
    done = subprocess.run([sys.executable, "-c", _MEASURE, json.dumps(cmd)], capture_output=True, text=True,
                          env=env, check=True)
    return json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--groups", type=int, default=4)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with DemoServer(traffic=False, empty=True) as server:
        endpoint = server.endpoint
        started = time.perf_counter()
        groups = seed(endpoint, args.events, args.groups)
        print(f"put {args.events:,} events in {len(groups)} groups in {time.perf_counter() - started:.0f} s")
        for output in ("json", "text"):
            results = []
            for _ in range(args.runs):
                result = measure(endpoint, groups, output)
                if result["code"] != 0 or result["lines"] != args.events:
                    print(f"  run failed: exit {result['code']}, {result['lines']:,} lines; {result['err']}")
                results.append(result)
                print(f"  -o {output}: {result['lines']:,} lines in {result['seconds']:.1f} s, "
                      f"{result['lines'] / result['seconds']:,.0f} events/s, peak RSS {result['rss_kb'] / 1024:.0f} MB")
            rates = [r["lines"] / r["seconds"] for r in results]
            print(f"-o {output}: median {statistics.median(rates):,.0f} events/s, "
                  f"median {statistics.median(r['seconds'] for r in results):.1f} s, "
                  f"peak RSS median {statistics.median(r['rss_kb'] for r in results) / 1024:.0f} MB")


if __name__ == "__main__":
    main()
