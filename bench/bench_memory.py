"""Memory of a tail over a million events: the log view and `stackview logs`, RSS as they go.

    python3 bench/bench_memory.py [--events 1000000] [--small 40000] [--large 400000] [--trace]

Puts three data sets into an empty demo world, each over the last 3 hours in 4 log groups of 4
functions (Lambda-shaped lines of ~100 characters, bench_logs_cli.py's): `--events` (the view and
the CLI read it), `--small` and `--large` (the CLI's peak over 40,000 against 400,000 events).
Then, each in a fresh child process:
- the view: the real `LogsScreen` in a headless app (160x50) on the 4 functions, `since 3h`,
  default settings (100,000-line buffer), RSS (`/proc/self/statm`) when the tail has delivered
  100k, 500k and 1M events, and the peak (`VmHWM`);
- the CLI: `stackview logs -g ... --since 3h -o json` with stdout read and counted here, its RSS
  sampled every 0.1 s from `/proc/PID/status`, taken when 100k, 500k and 1M lines were read, and
  its peak (`VmHWM`).
With `--trace`, the view also reports tracemalloc's largest holders at the end (slower).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench_logs_cli import message  # noqa: E402

from stackview.demo.process import DEMO_CREDENTIALS, DEMO_REGION, INTERNAL_CREDENTIALS, DemoServer  # noqa: E402

SPAN_MS = 3 * 3600 * 1000 - 600_000
MARKS = (100_000, 500_000, 1_000_000)


def client(endpoint: str, service: str):
    import boto3

    return boto3.client(service, endpoint_url=endpoint, region_name=DEMO_REGION,
                        aws_access_key_id=INTERNAL_CREDENTIALS[0], aws_secret_access_key=INTERNAL_CREDENTIALS[1])


def seed(endpoint: str, label: str, events: int) -> list[str]:
    """4 functions, their 4 groups, `events` events over the last 3 hours; returns the names."""
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("h.py", "def handler(event, context):\n    return event\n")
    lam, iam, logs = (client(endpoint, s) for s in ("lambda", "iam", "logs"))
    role = iam.create_role(RoleName=f"bench-memory-{label}", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    now = int(time.time() * 1000)
    names = [f"bench-memory-{label}-{g}" for g in range(4)]
    for g, name in enumerate(names):
        lam.create_function(FunctionName=name, Runtime="python3.11", Role=role, Handler="h.handler",
                            Code={"ZipFile": archive.getvalue()})
        group = f"/aws/lambda/{name}"
        logs.create_log_group(logGroupName=group)
        streams = [f"2026/11/23/[$LATEST]{s:032x}" for s in range(4)]
        for stream in streams:
            logs.create_log_stream(logGroupName=group, logStreamName=stream)
        count = events // 4
        batch: dict[str, list[dict]] = {}
        for n in range(count):
            stream = streams[(n // 5) % 4]
            batch.setdefault(stream, []).append({"timestamp": now - SPAN_MS + int(n * SPAN_MS / count),
                                                 "message": message(n, f"r-{label}-{g}-{n // 5}")})
            if sum(map(len, batch.values())) >= 9_000 or n == count - 1:
                for stream_name, items in batch.items():
                    logs.put_log_events(logGroupName=group, logStreamName=stream_name, logEvents=items)
                batch = {}
    return names


_VIEW = r"""
import asyncio, json, os, sys, time
sys.path.insert(0, sys.argv[1])
endpoint, names, total, trace = sys.argv[2], json.loads(sys.argv[3]), int(sys.argv[4]), sys.argv[5] == "1"
if trace:
    import tracemalloc
    tracemalloc.start(int(os.environ.get("BENCH_TRACE_DEPTH", "3")))
from stackview.app import create_app
from stackview.aws.session import AwsSession
from stackview.demo.process import DEMO_CREDENTIALS, DEMO_REGION
from stackview.models import Target
from stackview.screens.logs.screen import LogsScreen
from stackview.allocator import return_large_blocks
return_large_blocks()  # as `stackview` does first (stackview/cli.py)
if os.environ.get("BENCH_WORKERS"):
    import stackview.logs.tail as T
    T.DEFAULT_WORKERS = int(os.environ["BENCH_WORKERS"])
if os.environ.get("BENCH_HELD"):
    import stackview.logs.engine as E
    E.DEFAULT_MAX_HELD = int(os.environ["BENCH_HELD"])
    import stackview.logs.tail as T
    T.Tail.__init__.__kwdefaults__["max_held"] = int(os.environ["BENCH_HELD"])
if os.environ.get("BENCH_STRIPS"):
    import stackview.widgets.log_view as LV
    LV.STRIP_CACHE_SIZE = int(os.environ["BENCH_STRIPS"])

PAGE = os.sysconf("SC_PAGE_SIZE")
def rss_mb():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * PAGE / 2**20
def hwm_mb():
    with open("/proc/self/status") as f:
        return next(int(l.split()[1]) for l in f if l.startswith("VmHWM")) / 1024

async def main():
    app = create_app(AwsSession(Target(region=DEMO_REGION, endpoint_url=endpoint, demo=True), credentials=DEMO_CREDENTIALS))
    out = {"before": None, "marks": {}}
    marks = [m for m in (100_000, 500_000, 1_000_000) if m <= total]
    snapshots = []
    started = time.perf_counter()
    async with app.run_test(size=(160, 50)) as pilot:
        out["before"] = rss_mb()
        screen = LogsScreen(functions=names, since="3h")
        await app.push_screen(screen)
        while True:
            await asyncio.sleep(0.2)
            tail = screen.tail
            if tail is None:
                continue
            delivered = tail.stats().delivered
            if trace and os.environ.get("BENCH_MEMORY_PEAKS"):
                import tracemalloc
                cur, pk = tracemalloc.get_traced_memory()
                tracemalloc.reset_peak()
                engine = tail.engine
                out.setdefault("peaks", []).append((round(time.perf_counter() - started, 1), delivered, round(cur / 2**20), round(pk / 2**20), len(engine.reorder), round(rss_mb())))
            while marks and delivered >= marks[0]:
                out["marks"][marks.pop(0)] = round(rss_mb())
                if trace:
                    import tracemalloc
                    out.setdefault("traced_at", []).append(round(tracemalloc.get_traced_memory()[0] / 2**20))
                    snapshots.append(tracemalloc.take_snapshot())
                if os.environ.get("BENCH_MEMORY_COUNT"):
                    import collections, gc
                    counts = collections.Counter(type(o).__name__ for o in gc.get_objects())
                    out.setdefault("blocks", []).append(sys.getallocatedblocks())
                    out.setdefault("types", []).append(counts.most_common(8))
            if delivered >= total and not any(p.in_history for p in tail.engine.pollers.values()):
                break
            if time.perf_counter() - started > 1800:
                out["timeout"] = delivered
                break
        out["lines"] = len(screen.buffer)
        out["dropped"] = screen.buffer.dropped
        out["seconds"] = round(time.perf_counter() - started, 1)
        out["peak"] = round(hwm_mb())
        if os.environ.get("BENCH_MALLOCSTATS"):  # pymalloc's arenas: live blocks against what is held
            import tempfile
            with tempfile.TemporaryFile("w+") as err:
                saved = os.dup(2)
                os.dup2(err.fileno(), 2)
                sys._debugmallocstats()
                os.dup2(saved, 2)
                err.seek(0)
                out["mallocstats"] = [l for l in err.read().splitlines()
                                      if any(k in l for k in ("arenas", "bytes in", "Total", "fragment"))]
        if trace:
            import tracemalloc
            out["traced_peak"] = round(tracemalloc.get_traced_memory()[1] / 2**20)
            snapshot = tracemalloc.take_snapshot()
            out["top"] = [str(s) for s in snapshot.statistics("filename")[:8]]
            out["top_lines"] = [str(s) for s in snapshot.statistics("lineno")[:15]]
            if os.environ.get("BENCH_TRACE_DEPTH"):
                out["top_traces"] = [[str(s)] + s.traceback.format()[-30:]
                                     for s in snapshot.statistics("traceback")[:4]]
            if len(snapshots) >= 2:
                out["top"] += ["growth:"] + [str(s) for s in snapshots[-1].compare_to(snapshots[0], "lineno")[:10]]
    print(json.dumps(out))

asyncio.run(main())
"""


def view(endpoint: str, names: list[str], total: int, trace: bool) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-c", _VIEW, str(ROOT), endpoint, json.dumps(names), str(total),
                           "1" if trace else "0"], capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        raise SystemExit(done.stderr[-3000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def _status_mb(pid: int, key: str) -> float | None:
    try:
        with open(f"/proc/{pid}/status") as f:
            return next(int(line.split()[1]) for line in f if line.startswith(key)) / 1024
    except (OSError, StopIteration):
        return None


def cli(endpoint: str, names: list[str], total: int) -> dict:
    cmd = [sys.executable, "-m", "stackview", "--endpoint-url", endpoint, "--region", DEMO_REGION, "logs"]
    for name in names:
        cmd += ["-g", f"/aws/lambda/{name}"]
    cmd += ["--since", "3h", "-o", "json"]
    env = dict(os.environ, PYTHONPATH=str(ROOT), AWS_ACCESS_KEY_ID=DEMO_CREDENTIALS[0],
               AWS_SECRET_ACCESS_KEY=DEMO_CREDENTIALS[1])
    started = time.perf_counter()
    process = subprocess.Popen(cmd, stdout=subprocess.PIPE, env=env)
    lines, peak = 0, 0.0
    marks, at = [m for m in MARKS if m <= total], {}
    last_sample = 0.0
    assert process.stdout is not None
    for chunk in iter(lambda: process.stdout.read(1 << 16), b""):
        lines += chunk.count(b"\n")
        now = time.perf_counter()
        if now - last_sample >= 0.1 or (marks and lines >= marks[0]):
            last_sample = now
            hwm = _status_mb(process.pid, "VmHWM")
            peak = max(peak, hwm or 0.0)
            while marks and lines >= marks[0]:
                at[marks.pop(0)] = round(_status_mb(process.pid, "VmRSS") or 0.0)
    hwm = _status_mb(process.pid, "VmHWM")
    peak = max(peak, hwm or 0.0)
    process.wait()
    return {"lines": lines, "seconds": round(time.perf_counter() - started, 1), "marks": at, "peak": round(peak)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--small", type=int, default=40_000)
    parser.add_argument("--large", type=int, default=400_000)
    parser.add_argument("--trace", action="store_true")
    parser.add_argument("--skip-view", action="store_true")
    args = parser.parse_args()
    with DemoServer(traffic=False, empty=True, startup_timeout=300) as server:
        started = time.perf_counter()
        big = seed(server.endpoint, "big", args.events)
        small = seed(server.endpoint, "small", args.small)
        large = seed(server.endpoint, "large", args.large)
        print(f"seeded {args.events + args.small + args.large:,} events in {time.perf_counter() - started:.0f} s",
              flush=True)
        if not args.skip_view:
            print("view:", json.dumps(view(server.endpoint, big, args.events, args.trace)), flush=True)
        print("cli, big:", json.dumps(cli(server.endpoint, big, args.events)), flush=True)
        s = cli(server.endpoint, small, args.small)
        lg = cli(server.endpoint, large, args.large)
        print("cli, small:", json.dumps(s), flush=True)
        print("cli, large:", json.dumps(lg), flush=True)
        print(f"peak over {args.large:,} / peak over {args.small:,}: {lg['peak'] / s['peak']:.2f}")


if __name__ == "__main__":
    main()
