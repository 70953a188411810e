"""Start and stop the demo world as a child process (`python -m stackview.demo.server`).

The UI process never imports moto: it starts the server, reads `READY <endpoint>` from its
stdout, and talks HTTP to it. Lifetime is tied to ours through a pipe: the child's stdin is our
end of it, and when we exit for any reason (normal exit, Ctrl+C, SIGTERM, SIGKILL, a crash) the
kernel closes it, the child sees end of file and stops, killing its execution environments
(which also watch their own parent). The child runs in its own session so that a Ctrl+C typed
at our terminal reaches us, not it; we decide when it stops.

The realism switches (`Realism`: latency, throttling, faults) are parsed and checked here, in
the caller's process, so a bad value is refused before anything starts; the server applies them.
"""

from __future__ import annotations

import atexit
import collections
import math
import os
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import TracebackType

DEMO_REGION = "us-east-1"
DEMO_ACCOUNT = "123456789012"
#: Any values are accepted by the demo endpoint; these name themselves in logs and configs.
DEMO_CREDENTIALS = ("stackview-demo", "stackview-demo-secret")
#: What the demo world's own clients use (the seed, live traffic, the functions' code): the same
#: account, but the realism switches spare these calls, so the world behaves the same under them.
INTERNAL_CREDENTIALS = ("stackview-demo-internal", "stackview-demo-secret")
#: The line the server prints on stdout once the world is seeded and ready.
READY_PREFIX = "READY "
STDERR_LINES_KEPT = 40


#: The longest latency a switch may add (botocore's read timeout is 60 s).
MAX_LATENCY_MS = 30000
_LATENCY_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9-]*$")
#: Service names people know, for the signing names requests carry.
_SERVICE_ALIASES = {"cloudwatch": "monitoring"}


class DemoServerError(RuntimeError):
    """The demo server did not start; the message ends with its last stderr lines."""


def parse_latency(value: object) -> dict[str, int]:
    """A latency profile: `300` (ms on every call) or `FilterLogEvents=300,logs=80,default=50`
    (an operation name, a service name, `default`). Raises ValueError saying what is wrong."""
    if value is None or value == "":
        return {}
    if isinstance(value, Mapping):
        items = [(str(key), amount) for key, amount in value.items()]
    elif isinstance(value, (int, float)):
        items = [("default", value)]
    else:
        text = str(value).strip()
        if "=" not in text:
            items = [("default", text)]
        else:
            items = []
            for part in text.split(","):
                key, equals, amount = part.partition("=")
                if not equals:
                    raise ValueError(f"{part.strip() or 'an empty entry'!r} is not NAME=MS")
                items.append((key.strip(), amount.strip()))
    profile: dict[str, int] = {}
    for key, amount in items:
        if not _LATENCY_KEY.match(key):
            raise ValueError(f"{key!r} is not an operation name, a service name or default")
        try:
            ms = float(amount)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise ValueError(f"{amount!r} is not a number of milliseconds") from None
        if not math.isfinite(ms) or not 0 <= ms <= MAX_LATENCY_MS:
            raise ValueError(f"{amount} ms is not between 0 and {MAX_LATENCY_MS} ms")
        profile[_SERVICE_ALIASES.get(key, key)] = round(ms)
    return profile


def parse_events_rate(value: object) -> float:
    """Events per second (0: no limit). Raises ValueError saying what is wrong."""
    text = str(value).strip()
    try:
        rate = float(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a number of events per second") from None
    if not 0.0 <= rate < math.inf:
        raise ValueError(f"{text} is not a number of events per second (0 or more)")
    return rate


def parse_rate(value: object) -> float:
    """A share of calls: `0.1` or `10%`. Raises ValueError saying what is wrong."""
    text = str(value).strip()
    try:
        rate = float(text[:-1]) / 100 if text.endswith("%") else float(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a share of calls (0.1 or 10%)") from None
    if not 0.0 <= rate <= 1.0:  # also refuses nan
        raise ValueError(f"{text} is not between 0 and 1 (0% and 100%)")
    return rate


@dataclass(frozen=True)
class Realism:
    """The realism switches: latency added to calls, throttling of read calls, server faults,
    and the pace of Logs Insights scans (events per second; 0 scans as fast as it can).

    Applied by the server (`stackview.demo.server.realism`) to every client's calls except the
    demo world's own (INTERNAL_CREDENTIALS); decisions are drawn from the world's seed, so the
    same calls in the same order meet the same errors."""

    latency: Mapping[str, int] = field(default_factory=dict)
    throttle_rate: float = 0.0
    fault_rate: float = 0.0
    insights_rate: float = 0.0

    @classmethod
    def parse(cls, latency: object = None, throttle_rate: object = 0.0,
              fault_rate: object = 0.0, insights_rate: object = 0.0) -> Realism:
        """The switches from options' values; ValueError names the bad one and says why."""
        parsed: list[object] = []
        for name, parse, value in (("latency", parse_latency, latency),
                                   ("throttle rate", parse_rate, throttle_rate or 0.0),
                                   ("fault rate", parse_rate, fault_rate or 0.0),
                                   ("insights rate", parse_events_rate, insights_rate or 0.0)):
            try:
                parsed.append(parse(value))
            except ValueError as error:
                raise ValueError(f"{name}: {error}") from None
        return cls(*parsed)  # type: ignore[arg-type]

    @property
    def active(self) -> bool:
        return bool(any(self.latency.values()) or self.throttle_rate or self.fault_rate)

    def latency_ms(self, service: str, operation: str | None) -> int:
        """The delay for one call: its operation's entry, else its service's, else default."""
        for key in (operation, service, "default"):
            if key and key in self.latency:
                return self.latency[key]
        return 0

    def summary(self) -> str:
        """The switches in force, in words ("" when none is)."""
        parts = []
        if any(self.latency.values()):
            parts.append("latency " + ", ".join(f"{key} {ms} ms" for key, ms in self.latency.items()))
        if self.throttle_rate:
            parts.append(f"{self.throttle_rate * 100:g}% of read calls throttled")
        if self.fault_rate:
            parts.append(f"{self.fault_rate * 100:g}% of calls failing with HTTP 500/503")
        if self.insights_rate:
            parts.append(f"Logs Insights scanning {self.insights_rate:,.0f} events/s")
        return "; ".join(parts)

    def latency_text(self) -> str:
        return ",".join(f"{key}={ms}" for key, ms in self.latency.items())

    def arguments(self) -> list[str]:
        """The demo server's command-line options that ask for these switches."""
        args: list[str] = []
        if self.latency:
            args += ["--latency", self.latency_text()]
        if self.throttle_rate:
            args += ["--throttle-rate", repr(self.throttle_rate)]
        if self.fault_rate:
            args += ["--fault-rate", repr(self.fault_rate)]
        if self.insights_rate:
            args += ["--insights-rate", repr(self.insights_rate)]
        return args


class DemoServer:
    """The demo world in a child process. Use as a context manager or call start()/stop()."""

    def __init__(self, *, traffic: bool = True, empty: bool = False, now: datetime | None = None,
                 seed: int = 7, history_events: int | None = None,
                 startup_timeout: float = 120.0, latency: object = None,
                 throttle_rate: object = 0.0, fault_rate: object = 0.0,
                 insights_rate: object = 0.0) -> None:
        """`latency`, `throttle_rate`, `fault_rate` and `insights_rate` are the realism
        switches (see Realism; a bad value raises ValueError here, before anything starts)."""
        self.realism = Realism.parse(latency, throttle_rate, fault_rate, insights_rate)
        self.traffic = traffic
        self.empty = empty
        self.now = now
        self.seed = seed
        self.history_events = history_events
        self.startup_timeout = startup_timeout
        self.endpoint: str | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._stderr: collections.deque[str] = collections.deque(maxlen=STDERR_LINES_KEPT)
        self._ready = threading.Event()
        self._lock = threading.Lock()

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    def command(self, port: int) -> list[str]:
        cmd = [sys.executable, "-m", "stackview.demo.server", "--port", str(port), "--watch-parent",
               "--seed", str(self.seed)]
        if not self.traffic:
            cmd.append("--no-traffic")
        if self.empty:
            cmd.append("--empty")
        if self.now is not None:
            cmd += ["--now", self.now.isoformat()]
        if self.history_events is not None:
            cmd += ["--history-events", str(self.history_events)]
        return cmd + self.realism.arguments()

    def start(self, port: int = 0) -> str:
        """Start the server and wait until the world is ready; returns `http://127.0.0.1:PORT`."""
        with self._lock:
            if self._process is not None:
                raise DemoServerError("the demo server is already started")
            env = dict(os.environ)
            # The child must import this very stackview, installed or not.
            package_root = str(Path(__file__).resolve().parents[2])
            env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH")) if p)
            env["MOTO_LAMBDA_CONCURRENCY_QUOTA"] = "1000"
            self._process = subprocess.Popen(
                self.command(port), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                stderr=subprocess.PIPE, env=env, start_new_session=True,
            )
            threading.Thread(target=self._read_stdout, daemon=True, name="demo-stdout").start()
            threading.Thread(target=self._read_stderr, daemon=True, name="demo-stderr").start()
            atexit.register(self.stop)
        ready = self._ready.wait(self.startup_timeout)
        if self.endpoint is None:
            process = self._process
            try:  # stdout closed: the child is exiting; wait for its status
                code = process.wait(timeout=5 if ready else 0.1) if process else None
            except subprocess.TimeoutExpired:
                code = None
            self.stop()
            if code is None:
                raise DemoServerError(f"the demo server was not ready after {self.startup_timeout:.0f} s"
                                      + self._stderr_tail())
            raise DemoServerError(f"the demo server exited with code {code}" + self._stderr_tail())
        return self.endpoint

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the server (closing its pipe asks it to stop; then SIGTERM, then SIGKILL)."""
        with self._lock:
            process = self._process
            if process is None:
                return
            self._process = None
        atexit.unregister(self.stop)
        try:
            if process.stdin:
                process.stdin.close()
        except OSError:
            pass
        for sig in (None, signal.SIGTERM, getattr(signal, "SIGKILL", signal.SIGTERM)):
            if sig is not None and process.poll() is None:
                try:
                    if hasattr(os, "killpg"):
                        os.killpg(process.pid, sig)
                    else:  # Windows: no process groups; the child has no Lambda subprocesses there
                        process.kill()
                except (ProcessLookupError, PermissionError):
                    pass
            try:
                process.wait(timeout=timeout)
                break
            except subprocess.TimeoutExpired:
                continue
        self.endpoint = None

    def __enter__(self) -> DemoServer:
        self.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    def _read_stdout(self) -> None:
        process = self._process
        assert process is not None and process.stdout is not None
        for raw in process.stdout:  # keeps draining after READY so the child never blocks
            line = raw.decode("utf-8", errors="replace").strip()
            if line.startswith(READY_PREFIX) and not self._ready.is_set():
                self.endpoint = line[len(READY_PREFIX):]
                self._ready.set()
        self._ready.set()

    def _read_stderr(self) -> None:
        process = self._process
        assert process is not None and process.stderr is not None
        for raw in process.stderr:
            self._stderr.append(raw.decode("utf-8", errors="replace").rstrip())

    def _stderr_tail(self) -> str:
        lines = [line for line in self._stderr if line.strip()]
        return (":\n" + "\n".join(lines[-12:])) if lines else ""
