"""`stackview logs --follow` under issue 9's faults: events lost and doubled, and the follow lag.

    python3 bench/bench_faults.py [--events 20000] [--seconds 60] [--rows none,stall,...]

For each row: an empty demo world (with the realism switches for latency, throttling and server
faults), `stackview logs -g G --since 2m --follow -o json --no-live-tail` in a child process
(through a TCP fault proxy for the stalled call and the outage), and a writer putting `--events`
numbered events over `--seconds`: same-millisecond bursts of 300 and 5% stamped 20 s before they
are written (tests/demo/tail_faults.py). Lag = when the command printed an event - when
PutLogEvents returned for it; the late 5% are found by the engine's sweeps (every 30 s), so they
make the max, not the median.
"""

from __future__ import annotations

import argparse
import sys
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from stackview.demo.process import DemoServer  # noqa: E402
from tests.demo.tail_faults import FaultProxy, logs_client, run_row  # noqa: E402

ROWS = {
    "none": ({}, None),
    "latency": ({"latency": 200}, None),
    "throttle": ({"throttle_rate": 0.3}, None),
    "faults": ({"fault_rate": 0.1}, None),
    "stall": ({}, lambda proxy: proxy.stall_next(20.0)),
    "outage": ({}, lambda proxy: proxy.go_down(15.0)),
}
LABELS = {"none": "none", "latency": "200 ms latency per call", "throttle": "30% ThrottlingException",
          "faults": "10% HTTP 500/503", "stall": "one call stalled 20 s", "outage": "endpoint gone 15 s"}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--rows", default=",".join(ROWS))
    args = parser.parse_args()
    print("| fault | lost / doubled | lag median / max |")
    print("|---|---|---|")
    for name in args.rows.split(","):
        switches, fault = ROWS[name]
        with DemoServer(traffic=False, empty=True, **switches) as server:
            group = f"/aws/lambda/bench-faults-{uuid.uuid4().hex[:6]}"
            logs_client(server.endpoint).create_log_group(logGroupName=group)
            proxy = FaultProxy(server.endpoint)
            outcome = run_row(server.endpoint, group, total=args.events, seconds=args.seconds, fault=fault,
                              proxy=proxy, settle=90.0)
            proxy.close()
        print(f"| {LABELS[name]} | {outcome.lost} / {outcome.doubled} | "
              f"{outcome.lag_median:.2f} / {outcome.lag_max:.1f} s |", flush=True)


if __name__ == "__main__":
    main()
