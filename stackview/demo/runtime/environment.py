"""One execution environment seen from the demo server: a bootstrap subprocess and its pipes.

An environment belongs to one function version with one code package and configuration.
It initialises once (cold start), then runs one invocation at a time until it is retired, killed
at a timeout, or the server stops. Its log events go to its own LogStream as they arrive.
"""

from __future__ import annotations

import io
import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from stackview.demo.runtime.platform_logs import LogStream

BOOTSTRAP = Path(__file__).with_name("bootstrap.py")
#: AWS gives the init phase 10 seconds.
INIT_TIMEOUT_SECONDS = 10.0
#: Variables an execution environment inherits from the server (everything else is built).
_INHERITED = ("PATH", "LANG", "LC_ALL", "LD_LIBRARY_PATH", "TMPDIR", "SYSTEMROOT")


class CodeCache:
    """Deployment packages (zip bytes) extracted once per code sha into a private temp dir."""

    PREFIX = "stackview-demo-"

    def __init__(self) -> None:
        self._sweep()
        self.root = Path(tempfile.mkdtemp(prefix=f"{self.PREFIX}{os.getpid()}-"))
        self._lock = threading.Lock()

    @classmethod
    def _sweep(cls) -> None:
        """Remove what servers killed with SIGKILL left behind (their pid is in the name)."""
        for path in Path(tempfile.gettempdir()).glob(f"{cls.PREFIX}*-*"):
            pid = path.name[len(cls.PREFIX):].split("-", 1)[0]
            if pid.isdigit() and not _pid_alive(int(pid)):
                shutil.rmtree(path, ignore_errors=True)

    def directory(self, kind: str, sha: str, zip_bytes: bytes) -> Path:
        target = self.root / kind / (sha or "empty")
        with self._lock:
            if not target.exists():
                partial = target.with_name(target.name + ".partial")
                shutil.rmtree(partial, ignore_errors=True)
                partial.mkdir(parents=True)
                try:
                    with zipfile.ZipFile(io.BytesIO(zip_bytes)) as archive:
                        archive.extractall(partial)
                except zipfile.BadZipFile:
                    pass  # no code: the handler import fails as Runtime.ImportModuleError
                partial.rename(target)
        return target

    def remove(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


@dataclass
class Spec:
    """Everything that decides how an environment is started (its pool key is derived from it)."""

    function_name: str
    version: str  # "$LATEST" or a published version number
    handler: str
    code_dir: Path
    layer_dirs: list[Path]
    memory_mb: int
    timeout_s: float
    variables: dict[str, str]
    log_group: str
    log_format: str
    application_level: str
    region: str
    endpoint: str
    credentials: tuple[str, str]
    fingerprint: str = ""


@dataclass
class Outcome:
    """What one invocation came to, as the runner needs it."""

    ok: bool
    payload: str = ""
    error: dict[str, Any] | None = None
    timed_out: bool = False
    crashed: bool = False
    max_memory_mb: int = 0
    duration_ms: float = 0.0


@dataclass
class _Call:
    replies: queue.Queue = field(default_factory=queue.Queue)


def stream_name(version: str, when: datetime | None = None) -> str:
    day = (when or datetime.now(timezone.utc)).strftime("%Y/%m/%d")
    return f"{day}/[{version}]{uuid.uuid4().hex}"


class ExecutionEnvironment:
    """A running bootstrap process. Not thread-safe for concurrent invokes: the runner hands
    an environment to one invocation at a time, which is exactly Lambda's model."""

    def __init__(self, spec: Spec, logs_backend: Any) -> None:
        self.spec = spec
        self.stream = LogStream(logs_backend, spec.log_group, stream_name(spec.version))
        self.init_ms: float | None = None
        self.init_error: dict[str, Any] | None = None
        self.created = time.monotonic()
        self.last_used = self.created
        self.invocations = 0
        self.provisioned = False  # kept warm by a provisioned concurrency config
        self._process: subprocess.Popen[bytes] | None = None
        self._ready = threading.Event()
        self._call: _Call | None = None
        self._dead = threading.Event()

    # -- life cycle -------------------------------------------------------------------------

    def _environ(self) -> dict[str, str]:
        spec = self.spec
        env = {k: os.environ[k] for k in _INHERITED if k in os.environ}
        env.update({str(k): str(v) for k, v in spec.variables.items()})
        env.update(
            {
                "_HANDLER": spec.handler,
                "LAMBDA_TASK_ROOT": str(spec.code_dir),
                "LAMBDA_RUNTIME_DIR": str(BOOTSTRAP.parent),
                "AWS_EXECUTION_ENV": f"AWS_Lambda_python{sys.version_info.major}.{sys.version_info.minor}",
                "AWS_LAMBDA_FUNCTION_NAME": spec.function_name,
                "AWS_LAMBDA_FUNCTION_VERSION": spec.version,
                "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(spec.memory_mb),
                "AWS_LAMBDA_FUNCTION_TIMEOUT": str(int(spec.timeout_s)),
                "AWS_LAMBDA_LOG_GROUP_NAME": spec.log_group,
                "AWS_LAMBDA_LOG_STREAM_NAME": self.stream.name,
                "AWS_LAMBDA_LOG_FORMAT": spec.log_format,
                "AWS_LAMBDA_LOG_LEVEL": spec.application_level,
                "AWS_REGION": spec.region,
                "AWS_DEFAULT_REGION": spec.region,
                "AWS_ENDPOINT_URL": spec.endpoint,
                "AWS_ACCESS_KEY_ID": spec.credentials[0],
                "AWS_SECRET_ACCESS_KEY": spec.credentials[1],
                # Never let a user's ~/.aws files (SSO profiles, other regions) leak in.
                "AWS_CONFIG_FILE": os.devnull,
                "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
                "AWS_EC2_METADATA_DISABLED": "true",
                "TZ": ":UTC",
                "PYTHONDONTWRITEBYTECODE": "1",
                "PYTHONUNBUFFERED": "1",
                "STACKVIEW_LAYER_PATHS": os.pathsep.join(str(p) for p in spec.layer_dirs),
            }
        )
        return env

    def start(self) -> None:
        """Spawn the process and wait for init (raises nothing: init errors are recorded)."""
        started = time.monotonic()
        self._process = subprocess.Popen(
            # -P: the bootstrap's own directory (stackview/demo) must not shadow handler imports.
            [sys.executable, "-P", str(BOOTSTRAP)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=str(self.spec.code_dir),
            env=self._environ(),
            start_new_session=True,  # its own process group: killed as a whole, deaf to ^C
        )
        threading.Thread(target=self._read_protocol, daemon=True, name="env-proto").start()
        threading.Thread(target=self._read_stderr, daemon=True, name="env-stderr").start()
        if not self._ready.wait(INIT_TIMEOUT_SECONDS) and self.init_error is None:
            self.init_error = {
                "errorType": "Runtime.InitTimeout" if self.alive else "Runtime.ExitError",
                "errorMessage": "Init phase did not complete" if self.alive else "Runtime exited",
                "stackTrace": [],
            }
        self.init_ms = (time.monotonic() - started) * 1000

    @property
    def alive(self) -> bool:
        return self._process is not None and self._process.poll() is None and not self._dead.is_set()

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    def kill(self) -> None:
        """Kill the process group (handler subprocesses too) and reap it."""
        self._dead.set()
        process = self._process
        if process is None:
            return
        if process.poll() is None:
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                process.kill()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        for pipe in (process.stdin, process.stdout, process.stderr):
            try:
                if pipe:
                    pipe.close()
            except OSError:
                pass

    def max_memory_mb(self) -> int:
        """Peak resident memory of the environment (VmHWM), as Lambda's Max Memory Used."""
        pid = self.pid
        if pid is None:
            return 0
        try:
            with open(f"/proc/{pid}/status", encoding="ascii") as status:
                for line in status:
                    if line.startswith("VmHWM:"):
                        return max(1, int(line.split()[1]) // 1024)
        except (OSError, ValueError, IndexError):
            pass
        return 0

    # -- invocation -------------------------------------------------------------------------

    def invoke(self, request_id: str, payload: str, invoked_arn: str, client_context: Any,
               deadline_ms: int) -> Outcome:
        """Run one invocation; returns on result, crash or the deadline (then kills itself)."""
        call = _Call()
        self._call = call
        self.invocations += 1
        message = {
            "t": "invoke",
            "id": request_id,
            "payload": payload,
            "deadline": deadline_ms,
            "arn": invoked_arn,
            "cc": client_context,
            "trace": _trace_header(),
        }
        started = time.monotonic()
        try:
            assert self._process is not None and self._process.stdin is not None
            self._process.stdin.write((json.dumps(message) + "\n").encode())
            self._process.stdin.flush()
        except (OSError, AssertionError, ValueError):
            self._call = None
            return Outcome(ok=False, crashed=True, error=_exit_error(request_id))
        wait_s = max(0.0, deadline_ms / 1000 - time.time())
        try:
            reply = call.replies.get(timeout=wait_s)
        except queue.Empty:
            reply = None
        duration = (time.monotonic() - started) * 1000
        memory = self.max_memory_mb()
        self._call = None
        self.last_used = time.monotonic()
        if reply is None:
            self.kill()
            return Outcome(ok=False, timed_out=True, max_memory_mb=memory, duration_ms=duration)
        if reply.get("t") == "exit":
            self.kill()
            return Outcome(ok=False, crashed=True, error=_exit_error(request_id),
                           max_memory_mb=memory, duration_ms=duration)
        return Outcome(ok=bool(reply["ok"]), payload=reply.get("payload", ""), error=reply.get("error"),
                       max_memory_mb=memory, duration_ms=duration)

    # -- reader threads ---------------------------------------------------------------------

    def _read_protocol(self) -> None:
        process = self._process
        assert process is not None and process.stdout is not None
        for raw in process.stdout:
            try:
                message = json.loads(raw)
            except ValueError:
                continue
            kind = message.get("t")
            if kind == "log":
                self.stream.write(int(message["ts"]), message["m"])
            elif kind == "ready":
                self._ready.set()
            elif kind == "init_error":
                self.init_error = message["error"]
                self.stream.write(int(time.time() * 1000), message.get("record"))
                self._ready.set()
            elif kind == "result":
                call = self._call
                if call is not None:
                    call.replies.put(message)
        self._dead.set()
        self._ready.set()
        call = self._call
        if call is not None:
            call.replies.put({"t": "exit"})

    def _read_stderr(self) -> None:
        process = self._process
        assert process is not None and process.stderr is not None
        for raw in process.stderr:
            self.stream.write(int(time.time() * 1000), raw.decode("utf-8", errors="replace"))


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _trace_header() -> str:
    """An X-Ray trace header as Lambda passes it in _X_AMZN_TRACE_ID (not sampled)."""
    return (f"Root=1-{int(time.time()):08x}-{uuid.uuid4().hex[:24]};"
            f"Parent={uuid.uuid4().hex[:16]};Sampled=0")


def _exit_error(request_id: str) -> dict[str, Any]:
    return {
        "errorType": "Runtime.ExitError",
        "errorMessage": f"RequestId: {request_id} Error: Runtime exited without providing a reason",
    }
