"""Follow lag: from PutLogEvents returning to the line being in the log screen's view.

    python3 bench/bench_follow.py [--groups 1] [--probes 40] [--interval 0.7]

Starts an empty demo world, creates `--groups` functions (each with its log group), opens the
real `LogsScreen` on all of them in a headless app (160x50) with the default settings (request
budget 4/s shared by the groups, poll interval 1 s, reorder window 0.5 s), and lets a writer thread
put one probe line every `--interval` seconds into one of the groups (round robin), stamped
with the current time. The UI side checks every 10 ms which probes the view holds; the lag of a
probe is (time its row was indexed by the view) - (time PutLogEvents returned). The screen
paints the next frame after indexing, so the figure is "in the view", within one frame of "on
screen". The demo endpoint has no Live Tail stream, so this is the polling path.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import statistics
import sys
import threading
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from stackview.app import create_app  # noqa: E402
from stackview.aws.session import AwsSession  # noqa: E402
from stackview.demo.process import DEMO_CREDENTIALS, DEMO_REGION, DemoServer  # noqa: E402
from stackview.models import Target  # noqa: E402
from stackview.screens.logs.screen import LogsScreen  # noqa: E402
from stackview.widgets.log_view import LogView  # noqa: E402


def client(endpoint: str, service: str):
    import boto3

    return boto3.client(service, endpoint_url=endpoint, region_name=DEMO_REGION,
                        aws_access_key_id=DEMO_CREDENTIALS[0], aws_secret_access_key=DEMO_CREDENTIALS[1])


def make_functions(endpoint: str, count: int) -> list[str]:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("h.py", "def handler(event, context):\n    return event\n")
    lam, iam, logs = client(endpoint, "lambda"), client(endpoint, "iam"), client(endpoint, "logs")
    role = iam.create_role(RoleName="bench-follow", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    names = []
    for n in range(count):
        name = f"bench-follow-{n}"
        lam.create_function(FunctionName=name, Runtime="python3.11", Role=role, Handler="h.handler",
                            Code={"ZipFile": buffer.getvalue()})
        group = f"/aws/lambda/{name}"
        try:
            logs.create_log_group(logGroupName=group)
        except logs.exceptions.ResourceAlreadyExistsException:
            pass
        logs.create_log_stream(logGroupName=group, logStreamName="probe")
        names.append(name)
    return names


def writer(endpoint: str, names: list[str], probes: int, interval: float, put_done: dict[int, float],
           stop: threading.Event) -> None:
    logs = client(endpoint, "logs")
    for n in range(probes):
        if stop.wait(interval):
            return
        group = f"/aws/lambda/{names[n % len(names)]}"
        logs.put_log_events(logGroupName=group, logStreamName="probe",
                            logEvents=[{"timestamp": int(time.time() * 1000), "message": f"lag-probe {n}"}])
        put_done[n] = time.perf_counter()


async def run(endpoint: str, names: list[str], probes: int, interval: float) -> list[float]:
    target = Target(region=DEMO_REGION, endpoint_url=endpoint, demo=True)
    app = create_app(AwsSession(target, credentials=DEMO_CREDENTIALS))
    put_done: dict[int, float] = {}
    seen: dict[int, float] = {}
    stop = threading.Event()
    async with app.run_test(size=(160, 50)) as pilot:
        screen = LogsScreen(functions=names, since="tail")
        await app.push_screen(screen)
        while screen.tail is None:
            await pilot.pause(0.05)
        await pilot.pause(2.0)  # first polls done
        thread = threading.Thread(target=writer, args=(endpoint, names, probes, interval, put_done, stop))
        thread.start()
        view = screen.query_one(LogView)
        deadline = time.perf_counter() + probes * interval + 30
        while len(seen) < probes and time.perf_counter() < deadline:
            await asyncio.sleep(0.01)
            # Every row, not only the new ones: a probe of one group can be merged in above a
            # later probe of another group that was shown first.
            for row in range(view.row_count):
                event = view.event_at(row)
                if event is not None and event.message.startswith("lag-probe "):
                    seen.setdefault(int(event.message.split()[1]), time.perf_counter())
        stop.set()
        thread.join()
    return [seen[n] - put_done[n] for n in sorted(seen) if n in put_done]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--groups", type=int, default=1)
    parser.add_argument("--probes", type=int, default=40)
    parser.add_argument("--interval", type=float, default=0.7)
    parser.add_argument("--window-ms", type=int, default=None,
                        help="experiment: the tail engine's reorder window instead of its default (500)")
    args = parser.parse_args()
    if args.window_ms is not None:
        from stackview.logs.tail import Tail

        Tail.__init__.__kwdefaults__["window_ms"] = args.window_ms
    with DemoServer(traffic=False, empty=True) as server:
        names = make_functions(server.endpoint, args.groups)
        lags = asyncio.run(run(server.endpoint, names, args.probes, args.interval))
    lags.sort()
    if not lags:
        print("no probe reached the view")
        return
    p90 = lags[min(len(lags) - 1, int(len(lags) * 0.9))]
    window = f", window {args.window_ms} ms" if args.window_ms is not None else ""
    print(f"{args.groups} group(s){window}, {len(lags)}/{args.probes} probes: follow lag median {statistics.median(lags):.2f} s, "
          f"p90 {p90:.2f} s, min {lags[0]:.2f} s, max {lags[-1]:.2f} s")


if __name__ == "__main__":
    main()
