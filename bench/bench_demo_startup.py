"""Start-up time of the demo world: `DemoServer().start()` until READY, as `stackview --demo`
waits for it (process start, moto import, deploy of the three stacks, history and metrics, the
orders queue's messages, alarms evaluated over the history).

    python3 bench/bench_demo_startup.py [rounds]

Also prints where the time of one in-process seed goes (history planned without moto), so a
regression can be placed. Run it on a quiet machine: the figure is CPU-bound.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from stackview.demo.history.plan import plan_history  # noqa: E402
from stackview.demo.process import DemoServer  # noqa: E402


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc), which a busy machine does
    not inflate the way it inflates wall-clock time."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    times, cpu = [], []
    for _ in range(rounds):
        started = time.monotonic()
        server = DemoServer(traffic=False)
        server.start()
        times.append(time.monotonic() - started)
        if server.pid and Path("/proc").exists():
            cpu.append(cpu_seconds(server.pid))
        server.stop()
    print(f"DemoServer().start(), {rounds} rounds: median {statistics.median(times):.2f} s, "
          f"min {min(times):.2f} s, max {max(times):.2f} s (wall clock; load average "
          f"{os.getloadavg()[0]:.1f})")
    if cpu:
        print(f"server process CPU time until READY: median {statistics.median(cpu):.2f} s")
    started = time.perf_counter()
    history = plan_history(datetime.now(timezone.utc), 7, {})
    rendered = history.rendered
    print(f"history plan alone: {time.perf_counter() - started:.2f} s for {len(history.invocations)} "
          f"invocations, {rendered.count} events in {len(rendered.streams)} streams")


if __name__ == "__main__":
    main()
