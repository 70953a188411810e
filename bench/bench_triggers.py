"""What one refresh of the Triggers tab, the alarm screen and the canary figures costs: AWS
requests by operation and wall time, against the seeded demo world (no live traffic).

    python3 bench/bench_triggers.py [--rounds N]

Requests are counted with botocore's `before-call` event on the session's clients, so a
paginator's extra pages and botocore's retries would show up. Times include the demo endpoint's
own work (moto plus the demo's CloudWatch engine) on loopback: on AWS, add the network round trip
per request.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from stackview.aws.alarm_history import read_alarm_detail  # noqa: E402
from stackview.aws.canary import canary_health  # noqa: E402
from stackview.aws.functions import get_alias  # noqa: E402
from stackview.aws.session import AwsSession  # noqa: E402
from stackview.aws.sources import read_triggers  # noqa: E402
from stackview.demo.process import DEMO_CREDENTIALS, DEMO_REGION, DemoServer  # noqa: E402
from stackview.models import Target  # noqa: E402


def counted(session: AwsSession, counter: Counter) -> None:
    for service in ("lambda", "sqs", "cloudwatch", "apigateway"):
        client = session.client(service)
        client.meta.events.register("before-call.*.*", lambda model, **_: counter.update([model.name]))


def measure(label: str, work, counter: Counter, rounds: int) -> None:
    work()  # warm the clients
    counter.clear()
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    per = {name: count / rounds for name, count in sorted(counter.items())}
    total = sum(per.values())
    print(f"{label}: {total:g} requests per refresh, median {statistics.median(times) * 1000:.0f} ms "
          f"(min {min(times) * 1000:.0f}, max {max(times) * 1000:.0f})")
    print("    " + ", ".join(f"{name} {count:g}" for name, count in per.items()))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    with DemoServer(traffic=False) as server:
        session = AwsSession(Target(region=DEMO_REGION, endpoint_url=server.endpoint, demo=True),
                             credentials=DEMO_CREDENTIALS)
        counter: Counter = Counter()
        counted(session, counter)
        session.identity()
        measure("Triggers tab, orders-prod-worker (1 alias, 1 SQS mapping, its DLQ)",
                lambda: read_triggers(session, "orders-prod-worker"), counter, args.rounds)
        measure("Triggers tab, thumbnails-prod-convert-file (1 alias, S3 policy, async config, SNS DLQ)",
                lambda: read_triggers(session, "thumbnails-prod-convert-file"), counter, args.rounds)
        alias = get_alias(session, "thumbnails-prod-convert-file", "live")
        measure("Canary figures, thumbnails-prod-convert-file:live (2 versions)",
                lambda: canary_health(session, "thumbnails-prod-convert-file", alias), counter, args.rounds)
        measure("Alarm screen, orders-prod-worker-errors",
                lambda: read_alarm_detail(session, "orders-prod-worker-errors"), counter, args.rounds)


if __name__ == "__main__":
    main()
