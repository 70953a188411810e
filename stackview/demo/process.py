"""Start and stop the demo world as a child process (`python -m stackview.demo.server`).

The UI process never imports moto: it starts the server, reads `READY <endpoint>` from its
stdout, and talks HTTP to it. Lifetime is tied to ours through a pipe: the child's stdin is our
end of it, and when we exit for any reason (normal exit, Ctrl+C, SIGTERM, SIGKILL, a crash) the
kernel closes it, the child sees end of file and stops, killing its execution environments
(which also watch their own parent). The child runs in its own session so that a Ctrl+C typed
at our terminal reaches us, not it; we decide when it stops.
"""

from __future__ import annotations

import atexit
import collections
import os
import signal
import subprocess
import sys
import threading
from datetime import datetime
from pathlib import Path
from types import TracebackType

DEMO_REGION = "us-east-1"
DEMO_ACCOUNT = "123456789012"
#: Any values are accepted by the demo endpoint; these name themselves in logs and configs.
DEMO_CREDENTIALS = ("stackview-demo", "stackview-demo-secret")
#: The line the server prints on stdout once the world is seeded and ready.
READY_PREFIX = "READY "
STDERR_LINES_KEPT = 40


class DemoServerError(RuntimeError):
    """The demo server did not start; the message ends with its last stderr lines."""


class DemoServer:
    """The demo world in a child process. Use as a context manager or call start()/stop()."""

    def __init__(self, *, traffic: bool = True, empty: bool = False, now: datetime | None = None,
                 seed: int = 7, history_events: int | None = None,
                 startup_timeout: float = 120.0) -> None:
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
        return cmd

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
