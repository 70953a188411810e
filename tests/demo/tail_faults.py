"""A harness for `stackview logs --follow` under faults: a writer, a fault proxy, a reader.

Used by tests/demo/test_tail_faults.py (every row of issue 9's fault table: 0 lost, 0 doubled)
and by bench/bench_faults.py (the same rows with their follow lag). Latency, throttling and
server faults come from the demo endpoint's realism switches; a stalled call and an endpoint
that goes away come from `FaultProxy`, a TCP proxy between the command and the endpoint (the
demo server closes every connection after one answer, so one connection is one call).

The writer puts numbered events straight into the endpoint with the demo world's internal
credentials (spared by the realism switches: it stands for the application writing its logs):
same-millisecond bursts of 300, ordinary lines, and lines stamped 20 s before they are written.
"""

from __future__ import annotations

import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from stackview.demo.process import DEMO_CREDENTIALS, DEMO_REGION, INTERNAL_CREDENTIALS

ROOT = Path(__file__).resolve().parents[2]


class FaultProxy:
    """Forwards TCP connections to `target`; can hold the next call or refuse every call."""

    def __init__(self, target: str) -> None:
        host, port = target.removeprefix("http://").rsplit(":", 1)
        self.target = (host, int(port))
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.endpoint = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self._stall = 0.0
        self._down_until = 0.0
        self._lock = threading.Lock()
        self._closed = False
        self.calls = 0
        self.stalled = 0
        self.refused = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def stall_next(self, seconds: float) -> None:
        with self._lock:
            self._stall = seconds

    def go_down(self, seconds: float) -> None:
        with self._lock:
            self._down_until = time.monotonic() + seconds

    def close(self) -> None:
        self._closed = True
        self.listener.close()

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        with self._lock:
            self.calls += 1
            stall, self._stall = self._stall, 0.0
            down = time.monotonic() < self._down_until
        if down:
            self.refused += 1
            client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            client.close()  # a reset, as from an endpoint that is gone
            return
        if stall:
            self.stalled += 1
            time.sleep(stall)  # the call hangs before the service sees it
        try:
            upstream = socket.create_connection(self.target, timeout=60)
        except OSError:
            client.close()
            return
        done = threading.Event()
        threading.Thread(target=self._pipe, args=(upstream, client, done), daemon=True).start()
        self._pipe(client, upstream, done)

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket, done: threading.Event) -> None:
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                sink.sendall(data)
        except OSError:
            pass
        finally:
            try:
                sink.shutdown(socket.SHUT_WR)
            except OSError:
                pass
            if done.is_set():
                source.close()
                sink.close()
            done.set()


def logs_client(endpoint: str, credentials=INTERNAL_CREDENTIALS):
    import boto3

    return boto3.client("logs", endpoint_url=endpoint, region_name=DEMO_REGION,
                        aws_access_key_id=credentials[0], aws_secret_access_key=credentials[1])


@dataclass
class Writer:
    """Puts `total` numbered events over about `seconds`: same-millisecond bursts of 300,
    `late_share` of them stamped 20 s in the past, the rest ordinary."""

    endpoint: str
    group: str
    total: int
    seconds: float
    late_share: float = 0.05
    put_at: dict[int, float] = field(default_factory=dict)  # number -> monotonic time put
    done: threading.Event = field(default_factory=threading.Event)

    def plan(self) -> list[tuple[int, int, bool]]:
        """(count, lateness ms, same millisecond) batches, one step every 0.1 s: ordinary
        lines at each step, the bursts and ten batches of late lines spread among them."""
        late = int(self.total * self.late_share)
        bursts = max(1, (self.total - late) // 900)
        ordinary = self.total - late - bursts * 300
        steps = max(10, int(self.seconds / 0.1))
        batches: list[tuple[int, int, bool]] = []
        for step in range(steps):
            batches.append((_share(ordinary, steps, step), 0, False))
            if step * bursts // steps != (step + 1) * bursts // steps:
                batches.append((300, 0, True))
            if step * 10 // steps != (step + 1) * 10 // steps:
                batches.append((_share(late, 10, step * 10 // steps), 20_000, False))
        return [b for b in batches if b[0] > 0]

    def run(self) -> None:
        client = logs_client(self.endpoint)
        streams = ["2026/11/23/[$LATEST]aaaa", "2026/11/23/[$LATEST]bbbb", "late"]
        for stream in streams:
            client.create_log_stream(logGroupName=self.group, logStreamName=stream)
        number = 0
        plan = self.plan()
        pause = self.seconds / max(1, len(plan))
        for count, lateness, same_ms in plan:
            now = int(time.time() * 1000) - lateness
            events = [{"timestamp": now if same_ms else now + i // 50,
                       "message": f"probe {number + i:06d} {'burst' if same_ms else 'late' if lateness else 'line'}"}
                      for i in range(count)]
            stream = streams[2] if lateness else streams[number % 2]
            client.put_log_events(logGroupName=self.group, logStreamName=stream, logEvents=events)
            at = time.monotonic()
            for i in range(count):
                self.put_at[number + i] = at
            number += count
            time.sleep(pause)
        self.done.set()


def _share(total: int, parts: int, index: int) -> int:
    return total // parts + (1 if index < total % parts else 0)


@dataclass
class Reader:
    """`stackview logs --follow -o json` in a child process; when each number first showed."""

    endpoint: str
    group: str
    seen_at: dict[int, float] = field(default_factory=dict)
    repeats: int = 0
    other: list[str] = field(default_factory=list)
    process: subprocess.Popen | None = None

    def start(self) -> Reader:
        env = dict(os.environ, PYTHONPATH=str(ROOT), AWS_ACCESS_KEY_ID=DEMO_CREDENTIALS[0],
                   AWS_SECRET_ACCESS_KEY=DEMO_CREDENTIALS[1])
        env.pop("AWS_PROFILE", None)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "stackview", "--endpoint-url", self.endpoint, "--region", DEMO_REGION,
             "logs", "-g", self.group, "--since", "2m", "--follow", "-o", "json", "--no-live-tail"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=ROOT, text=True)
        threading.Thread(target=self._read, daemon=True).start()
        return self

    def _read(self) -> None:
        assert self.process is not None and self.process.stdout is not None
        for line in self.process.stdout:
            at = time.monotonic()
            message = json.loads(line)["message"]
            if not message.startswith("probe "):
                self.other.append(message)
                continue
            number = int(message.split()[1])
            if number in self.seen_at:
                self.repeats += 1
            else:
                self.seen_at[number] = at

    def stop(self) -> str:
        assert self.process is not None
        self.process.terminate()
        try:
            _, err = self.process.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            _, err = self.process.communicate()
        return err or ""


@dataclass(frozen=True)
class Outcome:
    written: int
    lost: int
    doubled: int
    lag_median: float
    lag_max: float
    err: str


def run_row(endpoint: str, group: str, *, total: int, seconds: float, fault=None, settle: float = 80.0,
            proxy: FaultProxy | None = None) -> Outcome:
    """Write, read through `proxy` (or directly), apply `fault(proxy)` a few seconds in, wait
    until every number was read (or `settle` seconds after the last write)."""
    reader = Reader(proxy.endpoint if proxy else endpoint, group).start()
    time.sleep(3.0)  # the command has started and read the (empty) history
    writer = Writer(endpoint, group, total, seconds)
    thread = threading.Thread(target=writer.run, daemon=True)
    thread.start()
    if fault is not None:
        time.sleep(3.0)
        fault(proxy)
    thread.join()
    deadline = time.monotonic() + settle
    while len(reader.seen_at) < total and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(1.0)  # a repeat would come now
    err = reader.stop()
    lags = [reader.seen_at[n] - writer.put_at[n] for n in reader.seen_at if n in writer.put_at]
    return Outcome(total, total - len(reader.seen_at), reader.repeats,
                   statistics.median(lags) if lags else float("nan"), max(lags, default=float("nan")), err)
