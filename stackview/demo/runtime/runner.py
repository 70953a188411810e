"""The local Lambda runner that replaces moto's Docker executor.

It keeps pools of warm execution environments (one pool per function version, code package and
configuration), starts a new one (a cold start) when none is free, retires idle ones, enforces
reserved and account concurrency the way Lambda does (a throttled invoke runs nothing and logs
nothing), writes the platform log lines around each invocation, and records AWS/Lambda metrics.
"""

from __future__ import annotations

import hashlib
import json
import sys
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from typing import Any

from stackview.demo.runtime import metrics
from stackview.demo.runtime.environment import CodeCache, ExecutionEnvironment, Outcome, Spec
from stackview.demo.runtime.platform_logs import LogSettings, PlatformFormat, Report, iso_ms
from stackview.demo.runtime.targets import Target, lambda_backend

#: Lambda's default account concurrency quota (MOTO_LAMBDA_CONCURRENCY_QUOTA is set to match).
ACCOUNT_CONCURRENCY = 1000
#: Provisioned environments really started per config (the rest are only counted).
MAX_PROVISIONED = 2
#: Synchronous response payload limit; AWS quotes this exact figure in its error.
MAX_RESPONSE_BYTES = 6291556


class Throttled(Exception):
    """The invocation was refused for concurrency (HTTP 429 TooManyRequestsException)."""

    def __init__(self, reason: str, retry_after: int = 1) -> None:
        super().__init__("Rate Exceeded.")
        self.reason = reason
        self.retry_after = retry_after


@dataclass
class Result:
    """One finished invocation, as the API layer turns it into a response."""

    request_id: str
    executed_version: str
    payload: bytes
    function_error: str | None = None  # "Unhandled" or None
    status: str = "success"  # success | error | timeout
    error_type: str | None = None
    log_tail: str | None = None


def _logs_backend(account: str, region: str) -> Any:
    from moto.logs.models import logs_backends

    return logs_backends[account][region]


class Runner:
    """All execution environments of the demo server, and the invocations running in them."""

    def __init__(self, endpoint: str, credentials: tuple[str, str], *, idle_seconds: float = 300.0,
                 max_environments: int = 24) -> None:
        self.endpoint = endpoint
        self.credentials = credentials
        self.idle_seconds = idle_seconds
        self.max_environments = max_environments
        self.code = CodeCache()
        self._lock = threading.Lock()
        self._idle: dict[str, list[ExecutionEnvironment]] = {}
        self._busy: set[ExecutionEnvironment] = set()
        self._inflight: Counter[tuple[str, str, str]] = Counter()
        self._closed = threading.Event()
        self._reaper = threading.Thread(target=self._reap_loop, daemon=True, name="env-reaper")
        self._reaper.start()

    # -- public -----------------------------------------------------------------------------

    def invoke(self, target: Target, payload: str, *, request_id: str | None = None,
               tail: bool = False, client_context: str | None = None) -> Result:
        """Run one invocation to its end. Raises Throttled before anything runs."""
        request_id = request_id or str(uuid.uuid4())
        key = (target.account, target.region, target.name)
        concurrency = self._acquire(target)
        try:
            return self._run(target, payload, request_id, tail, client_context, concurrency)
        finally:
            with self._lock:
                self._inflight[key] -= 1
                if self._inflight[key] <= 0:
                    del self._inflight[key]

    def environments(self) -> list[ExecutionEnvironment]:
        with self._lock:
            return [env for pool in self._idle.values() for env in pool] + list(self._busy)

    def close(self) -> None:
        """Kill every environment (the server is stopping) and remove extracted code."""
        self._closed.set()
        for env in self.environments():
            env.kill()
        self.code.remove()

    # -- concurrency ------------------------------------------------------------------------

    def _acquire(self, target: Target) -> tuple[int, int, int]:
        """Count the invocation in; returns the function's, the account's and the unreserved
        pool's concurrent executions with it. Raises Throttled."""
        reservations = _reservations(target)
        key = (target.account, target.region, target.name)
        with self._lock:
            mine = self._inflight[key]
            reserved = reservations.get(target.name)
            if reserved is not None:
                if mine >= reserved:
                    raise Throttled("ReservedFunctionConcurrentInvocationLimitExceeded")
            else:
                pool = ACCOUNT_CONCURRENCY - sum(reservations.values())
                used = sum(n for (a, r, f), n in self._inflight.items()
                           if a == target.account and r == target.region and f not in reservations)
                if used >= pool:
                    raise Throttled("ConcurrentInvocationLimitExceeded")
            self._inflight[key] += 1
            here = [(f, n) for (a, r, f), n in self._inflight.items()
                    if a == target.account and r == target.region]
            unreserved = sum(n for f, n in here if f not in reservations)
            return mine + 1, sum(n for _, n in here), unreserved

    # -- environments -----------------------------------------------------------------------

    def _spec(self, target: Target, settings: LogSettings) -> Spec:
        fn = target.function
        backend = lambda_backend(target.account, target.region)
        code_dir = self.code.directory("code", fn.code_sha_256, fn.code_bytes)
        layer_dirs = []
        for layer in fn.layers or []:
            version = backend.layers_versions_by_arn(layer["Arn"])
            if version is not None:
                root = self.code.directory("layer", version.code_sha_256, version.code_bytes)
                site = root / "python" / "lib" / f"python3.{sys.version_info.minor}" / "site-packages"
                layer_dirs += [root / "python", site]
        spec = Spec(
            function_name=fn.function_name,
            version=target.executed_version,
            handler=fn.handler or "",
            code_dir=code_dir,
            layer_dirs=layer_dirs,
            memory_mb=int(fn.memory_size or 128),
            timeout_s=float(fn.timeout or 3),
            variables=dict(fn.environment_vars or {}),
            log_group=settings.group,
            log_format="JSON" if settings.json_format else "Text",
            application_level=settings.application_level,
            region=target.region,
            endpoint=self.endpoint,
            credentials=self.credentials,
        )
        identity = [target.account, target.region, spec.function_name, spec.version, fn.code_sha_256,
                    spec.handler, spec.memory_mb, spec.timeout_s, spec.variables, settings.__dict__,
                    [str(p) for p in layer_dirs], fn.run_time]
        spec.fingerprint = hashlib.sha256(json.dumps(identity, default=str).encode()).hexdigest()
        return spec

    def _checkout(self, spec: Spec, target: Target, fmt: PlatformFormat) -> tuple[ExecutionEnvironment, bool]:
        dead: list[ExecutionEnvironment] = []
        warm: ExecutionEnvironment | None = None
        with self._lock:
            pool = self._idle.get(spec.fingerprint, [])
            while pool and warm is None:
                env = pool.pop()  # the most recently used first, as Lambda tends to
                if env.alive:
                    warm = env
                    self._busy.add(env)
                else:
                    dead.append(env)
            if warm is None:
                dead += self._take_stale(spec) + self._take_lru_if_full()
        for env in dead:
            env.kill()
        if warm is not None:
            return warm, False
        env = ExecutionEnvironment(spec, _logs_backend(target.account, target.region))
        with self._lock:
            self._busy.add(env)
        self._initialise(env, target, fmt, "on-demand")
        return env, True

    def _initialise(self, env: ExecutionEnvironment, target: Target, fmt: PlatformFormat,
                    initialization: str) -> None:
        spec = env.spec
        now_ms = int(time.time() * 1000)
        env.stream.write(now_ms, fmt.init_start(now_ms, spec.function_name, spec.version,
                                                spec.region, initialization))
        if not str(target.function.run_time or "python").startswith("python"):
            message = f"The demo world runs Python handlers only, not {target.function.run_time}"
            env.init_error = {"errorType": "Runtime.InvalidRuntime", "stackTrace": [],
                              "errorMessage": message}
            env.init_ms = 0.0
        else:
            env.start()

    # -- provisioned concurrency ------------------------------------------------------------

    def provision(self, target: Target, count: int) -> int:
        """Initialise environments ahead of invocations, as provisioned concurrency does: they
        stay warm until released, and invocations they serve carry no Init Duration. At most
        MAX_PROVISIONED are really started (each is a process); returns how many."""
        settings = LogSettings.of(target.function.function_name,
                                  getattr(target.function, "logging_config", None))
        fmt = PlatformFormat(settings)
        spec = self._spec(target, settings)
        started = 0
        for _ in range(min(count, MAX_PROVISIONED)):
            if self._closed.is_set():
                break
            env = ExecutionEnvironment(spec, _logs_backend(target.account, target.region))
            env.provisioned = True
            self._initialise(env, target, fmt, "provisioned-concurrency")
            if env.init_error is not None:
                env.kill()
                break
            with self._lock:
                self._idle.setdefault(spec.fingerprint, []).append(env)
            started += 1
        return started

    def release(self, region: str, function_name: str, version: str) -> None:
        """Provisioned environments of that version become ordinary ones (and may retire)."""
        with self._lock:
            for env in [e for pool in self._idle.values() for e in pool] + list(self._busy):
                spec = env.spec
                if (spec.region, spec.function_name, spec.version) == (region, function_name, version):
                    env.provisioned = False
                    env.last_used = time.monotonic()

    def _take_stale(self, spec: Spec) -> list[ExecutionEnvironment]:
        """Idle environments of the same function version whose code or configuration changed."""
        stale = []
        for fingerprint, pool in list(self._idle.items()):
            if fingerprint == spec.fingerprint:
                continue
            keep = [env for env in pool if (env.spec.function_name, env.spec.version, env.spec.region)
                    != (spec.function_name, spec.version, spec.region)]
            stale += [env for env in pool if env not in keep]
            self._idle[fingerprint] = keep
        return stale

    def _take_lru_if_full(self) -> list[ExecutionEnvironment]:
        every = [env for pool in self._idle.values() for env in pool]
        idle = [env for env in every if not env.provisioned]
        if len(every) + len(self._busy) < self.max_environments or not idle:
            return []
        oldest = min(idle, key=lambda env: env.last_used)
        self._idle[oldest.spec.fingerprint].remove(oldest)
        return [oldest]

    def _checkin(self, env: ExecutionEnvironment) -> None:
        with self._lock:
            self._busy.discard(env)
            if env.alive and env.init_error is None and not self._closed.is_set():
                self._idle.setdefault(env.spec.fingerprint, []).append(env)
                return
        env.kill()

    def _reap_loop(self) -> None:
        while not self._closed.wait(2.0):
            cutoff = time.monotonic() - self.idle_seconds
            with self._lock:
                retired = [env for pool in self._idle.values() for env in pool
                           if env.last_used < cutoff and not env.provisioned]
                for pool in self._idle.values():
                    pool[:] = [env for env in pool if env not in retired]
            for env in retired:
                env.kill()

    # -- one invocation ---------------------------------------------------------------------

    def _run(self, target: Target, payload: str, request_id: str, tail: bool,
             client_context: str | None, concurrency: tuple[int, int, int]) -> Result:
        fn = target.function
        settings = LogSettings.of(fn.function_name, getattr(fn, "logging_config", None))
        fmt = PlatformFormat(settings)
        spec = self._spec(target, settings)
        env, cold = self._checkout(spec, target, fmt)
        stream = env.stream
        try:
            if cold and env.init_error is not None:
                stream.write(_now(), _init_report(env, fmt))
            stream.begin_capture()
            started = time.time()
            stream.write(_now(), fmt.start(_now(), request_id, target.executed_version))
            if env.init_error is not None:
                error = dict(env.init_error, requestId="")
                outcome = Outcome(ok=False, error=error, max_memory_mb=env.max_memory_mb())
            else:
                deadline_ms = int((started + spec.timeout_s) * 1000)
                outcome = env.invoke(request_id, payload, target.invoked_arn, client_context, deadline_ms)
            duration = outcome.duration_ms or (time.time() - started) * 1000
            result = self._finish(target, spec, fmt, env, cold, request_id, outcome, duration)
            tail_text = stream.end_capture()
            if tail:
                result.log_tail = tail_text
        finally:
            self._checkin(env)
        concurrent, account_concurrent, unreserved = concurrency
        metrics.record_invocation(
            target.account, target.region, target.name, target.resource,
            duration_ms=duration, error=result.function_error is not None,
            concurrent=concurrent, account_concurrent=account_concurrent,
            unreserved_concurrent=unreserved, executed_version=target.executed_version,
        )
        return result

    def _finish(self, target: Target, spec: Spec, fmt: PlatformFormat, env: ExecutionEnvironment,
                cold: bool, request_id: str, outcome: Outcome, duration: float) -> Result:
        stream = env.stream
        init_ms = env.init_ms if cold else None
        status, error_type = "success", None
        result = Result(request_id, target.executed_version, outcome.payload.encode())
        if outcome.timed_out:
            status, error_type = "timeout", "Sandbox.Timedout"
            stream.write(_now(), fmt.timed_out(_now(), request_id, spec.timeout_s))
            message = f"RequestId: {request_id} Error: Task timed out after {spec.timeout_s:.2f} seconds"
            result.payload = json.dumps({"errorType": error_type, "errorMessage": message}).encode()
        elif outcome.crashed:
            status, error_type = "error", "Runtime.ExitError"
            stream.write(_now(), f"RequestId: {request_id} Error: Runtime exited without providing a reason\n"
                         if not fmt.settings.json_format else None)
            result.payload = json.dumps(outcome.error).encode()
        elif not outcome.ok:
            status = "error"
            error_type = (outcome.error or {}).get("errorType")
            result.payload = json.dumps(outcome.error).encode()
        elif len(result.payload) > MAX_RESPONSE_BYTES:
            status, error_type = "error", "Function.ResponseSizeTooLarge"
            message = ("Response payload size exceeded maximum allowed payload size "
                       f"({MAX_RESPONSE_BYTES} bytes).")
            result.payload = json.dumps({"errorMessage": message, "errorType": error_type}).encode()
        if status != "success":
            result.function_error = "Unhandled"
        result.status, result.error_type = status, error_type
        report = Report(request_id, duration, spec.memory_mb, outcome.max_memory_mb or env.max_memory_mb(),
                        init_ms, status, error_type if status != "success" else None)
        stream.write(_now(), fmt.end(_now(), report))
        stream.write(_now(), fmt.report(_now(), report))
        return result


def _reservations(target: Target) -> dict[str, int]:
    """Reserved concurrency of every function in the target's account and Region."""
    backend = lambda_backend(target.account, target.region)
    for _ in range(3):
        try:  # moto iterates its function dict unguarded; a concurrent create can disturb it
            return {fn.function_name: int(fn.reserved_concurrency) for fn in backend.list_functions()
                    if fn.reserved_concurrency is not None}
        except RuntimeError:
            continue
    return {}


def _init_report(env: ExecutionEnvironment, fmt: PlatformFormat) -> str | None:
    error_type = (env.init_error or {}).get("errorType", "Runtime.Unknown")
    if fmt.settings.json_format:
        return json.dumps({"time": iso_ms(_now()), "type": "platform.initReport", "record": {
            "initializationType": "on-demand", "phase": "init", "status": "error",
            "errorType": error_type, "metrics": {"durationMs": round(env.init_ms or 0.0, 3)}}})
    return (f"INIT_REPORT Init Duration: {env.init_ms or 0.0:.2f} ms\tPhase: init\tStatus: error\t"
            f"Error Type: {error_type}\n")


def _now() -> int:
    return int(time.time() * 1000)

