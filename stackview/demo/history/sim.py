"""Placing past invocations in time and in execution environments, as Lambda would have.

The per-app modules turn one Call (what invoked the function, with what) into a Plan (what the
handler did); this module decides *when* and *where* each ran: which version an alias sent it
to, whether a warm environment was free or a cold start was needed (a new log stream, an Init
Duration), how busy the function was (ConcurrentExecutions), and it feeds the follow-ups a
Plan causes (an upload to convert, an order to fulfil, an asynchronous retry) back into the
same timeline. A follow-up addressed to a queue (`queues`, e.g. an order the API queued) goes
to its QueueSim, whose poller runs the batches back through `run_batch`; an invocation beyond
the function's reserved concurrency is throttled (counted, not run). Aliases follow their
deploys: before the alias' version was published, the alias ran the version before it.
Pure computation: nothing here touches moto, so it is cheap to run twice.
"""

from __future__ import annotations

import heapq
import itertools
import random
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable

from stackview.demo.history.common import Plan, hex_id, request_id
from stackview.demo.history.queues import Batch, QueueSim
from stackview.demo.seed.catalog import FunctionSpec

#: Lambda retries a failed asynchronous invocation twice, about one then two minutes later.
ASYNC_RETRY_DELAYS_MS = (60_000, 120_000)


@dataclass
class World:
    """Names the handlers see (their environment variables) and the history's clock."""

    now_ms: int
    start_ms: int
    names: dict[str, str]  # e.g. "upload_bucket" -> its physical name
    #: Broken uploads so far: the first upload of the history is always one, so that every
    #: world, whatever its `now`, shows the converter's unhandled error with its traceback.
    broken_uploads: int = 0


@dataclass(order=True)
class Call:
    """One request to a function: at when, what kind (the planner's switch), with what."""

    at_ms: int
    seq: int
    function: str = field(compare=False)
    kind: str = field(compare=False)
    params: dict[str, Any] = field(compare=False, default_factory=dict)
    asynchronous: bool = field(compare=False, default=False)
    request_id: str | None = field(compare=False, default=None)  # set on retries
    version: str | None = field(compare=False, default=None)  # kept by retries
    attempt: int = field(compare=False, default=0)


@dataclass(frozen=True)
class FollowUp:
    """An invocation that one invocation causes, `delay_ms` after it ends (Plan.follow_ups)."""

    delay_ms: int
    function: str
    kind: str
    params: dict[str, Any]
    asynchronous: bool = False


@dataclass
class Environment:
    """One execution environment: its stream, and when it is free again."""

    stream: str
    version: str
    created_ms: int
    busy_from: int = 0
    busy_until: int = 0
    last_used: int = 0
    idle_limit_ms: int = 0
    used: bool = False  # its first invocation carries the Init Duration
    dead: bool = False
    provisioned: bool = False
    memory_mb: int = 0


@dataclass(frozen=True)
class Throttle:
    """An invocation Lambda refused for concurrency (it counts in Throttles only)."""

    at_ms: int
    function: str
    resource: str | None
    version: str


@dataclass
class Invocation:
    """One invocation that happened: everything history.write needs to render it."""

    function: FunctionSpec
    version: str
    env: Environment
    start_ms: int
    request_id: str
    plan: Plan
    init_ms: float | None
    init_start_ms: int | None
    initialization: str
    trace_id: str
    concurrent: int
    resource: str | None  # the alias the caller named (metrics' Resource dimension)
    memory_used_mb: int


#: (rng, world, call, request id, executed version) -> what the handler did.
Planner = Callable[[random.Random, World, Call, str, str], Plan]


def stream_name(rng: random.Random, version: str, at_ms: int) -> str:
    day = datetime.fromtimestamp(at_ms / 1000, tz=timezone.utc).strftime("%Y/%m/%d")
    return f"{day}/[{version}]{hex_id(rng, 32)}"


def trace_id(rng: random.Random, at_ms: int) -> str:
    return f"1-{at_ms // 1000:08x}-{hex_id(rng, 24)}"


class Simulator:
    """Runs Calls in time order through their planners; collects the Invocations."""

    def __init__(self, rng: random.Random, world: World, specs: dict[str, FunctionSpec],
                 planners: dict[str, Planner], canary_since_ms: dict[str, int],
                 base_memory: dict[str, int], init_ms: dict[str, tuple[float, float]],
                 *, alias_since_ms: dict[str, int] | None = None,
                 queues: dict[str, QueueSim] | None = None) -> None:
        self.rng = rng
        self.world = world
        self.specs = specs
        self.planners = planners
        self.canary_since_ms = canary_since_ms
        self.alias_since_ms = alias_since_ms or {}
        self.queues = queues or {}
        self.base_memory = base_memory
        self.init_ms = init_ms
        self.pools: dict[tuple[str, str], list[Environment]] = {}
        self.invocations: list[Invocation] = []
        self.throttles: list[Throttle] = []
        self._queue: list[Call] = []
        self._seq = itertools.count()

    def call(self, at_ms: int, function: str, kind: str, params: dict[str, Any] | None = None,
             *, asynchronous: bool = False, request: str | None = None, version: str | None = None,
             attempt: int = 0) -> None:
        if at_ms >= self.world.now_ms:
            return  # the future belongs to the live traffic
        heapq.heappush(self._queue, Call(at_ms, next(self._seq), function, kind, params or {},
                                         asynchronous, request, version, attempt))

    def provision(self, function: str, version: str, count: int, at_ms: int) -> None:
        """Environments a provisioned concurrency config keeps initialised since `at_ms`."""
        pool = self.pools.setdefault((function, version), [])
        for _ in range(count):
            env = Environment(stream_name(self.rng, version, at_ms), version, at_ms,
                              idle_limit_ms=10**12, provisioned=True,
                              memory_mb=self.base_memory[function])
            pool.append(env)

    def run(self) -> list[Invocation]:
        while self._queue:
            call = heapq.heappop(self._queue)
            if call.function in self.queues:
                self._queue_call(call)
            else:
                self._invoke(call)
        for source in self.queues.values():
            source.sample_until(self.world.now_ms)
        self.invocations.sort(key=lambda inv: inv.start_ms)
        return self.invocations

    # -- queues ------------------------------------------------------------------------------

    def _queue_call(self, call: Call) -> None:
        source = self.queues[call.function]
        if call.kind == "send":
            source.send(call.at_ms, call.params["order"], call.params["correlation"])
            source.token += 1
            self.call(call.at_ms + self.rng.randint(5, 40), call.function, "poll", {"token": source.token})
        elif call.kind == "redrive":
            source.redrive(call.at_ms, call.params["rate"])
            source.token += 1
            self.call(call.at_ms + self.rng.randint(200, 900), call.function, "poll", {"token": source.token})
        elif call.kind == "poll" and call.params.get("token") == source.token:
            source.poll(call.at_ms, lambda batch: self.run_batch(source, batch),
                        lambda at, token: self.call(at, call.function, "poll", {"token": token}))

    def run_batch(self, source: QueueSim, batch: Batch) -> tuple[str, int, list[str]]:
        """One batch of the queue's mapping: (ok | error | throttled, end ms, ids kept)."""
        records = [{"message_id": m.message_id, "receive_count": m.receive_count, "order": m.body,
                    "correlation": m.correlation, "sent_ms": m.sent_ms} for m in batch.records]
        invocation = self._invoke(Call(batch.at_ms, next(self._seq), source.function, "batch",
                                       {"records": records}))
        if invocation is None:
            return "throttled", batch.at_ms, []
        end = invocation.start_ms + int(invocation.plan.duration_ms)
        if invocation.plan.outcome != "ok":
            return "error", end, []
        return "ok", end, list(invocation.plan.kept)

    # -- one invocation ----------------------------------------------------------------------

    def _version(self, spec: FunctionSpec, call: Call) -> tuple[str, str | None]:
        if call.version is not None:
            return call.version, spec.alias
        if not spec.alias:
            return "$LATEST", None
        version = str(spec.alias_version)
        if call.at_ms < self.alias_since_ms.get(spec.name, call.at_ms):
            version = str(int(version) - 1)  # the deploy that moved the alias came later
        since = self.canary_since_ms.get(spec.name)
        if spec.canary_version and since is not None and call.at_ms >= since:
            if self.rng.random() < spec.canary_weight:
                version = str(spec.canary_version)
        return version, spec.alias

    def _environment(self, spec: FunctionSpec, version: str, at_ms: int) -> tuple[Environment, bool]:
        pool = self.pools.setdefault((spec.name, version), [])
        free = [env for env in pool if not env.dead and env.busy_until <= at_ms
                and (env.provisioned or at_ms - env.last_used <= env.idle_limit_ms)]
        if free:
            return max(free, key=lambda env: env.last_used), False
        env = Environment(stream_name(self.rng, version, at_ms), version, at_ms,
                          idle_limit_ms=self.rng.randint(5, 25) * 60_000,
                          memory_mb=self.base_memory[spec.name] + self.rng.randint(0, 6))
        pool.append(env)
        return env, True

    def _busy(self, function: str, at_ms: int) -> int:
        return sum(1 for env in self._all(function) if env.busy_from <= at_ms < env.busy_until)

    def _invoke(self, call: Call) -> Invocation | None:
        spec = self.specs[call.function]
        version, resource = self._version(spec, call)
        if spec.reserved is not None and self._busy(spec.name, call.at_ms) >= spec.reserved:
            self.throttles.append(Throttle(call.at_ms, spec.name, resource, version))
            return None
        rid = call.request_id or request_id(self.rng)
        plan = self.planners[call.function](self.rng, self.world, call, rid, version)
        env, cold = self._environment(spec, version, call.at_ms)
        init_ms = init_start = None
        initialization = "provisioned-concurrency" if env.provisioned else "on-demand"
        start = call.at_ms
        if cold:
            low, high = self.init_ms[spec.name]
            init_ms = round(self.rng.uniform(low, high), 2)
            init_start = call.at_ms
            start = call.at_ms + int(init_ms) + 1
        elif not env.used:
            init_start = env.created_ms  # a provisioned environment's init, long before
        env.used = True
        end = start + int(plan.duration_ms) + 2
        env.busy_from, env.busy_until, env.last_used = call.at_ms, end, end
        env.memory_mb += self.rng.choice((0, 0, 0, 1))
        if plan.outcome == "timeout":
            env.dead = True  # the runtime is killed and the next call starts afresh
        concurrent = 1 + sum(1 for e in self._all(spec.name)
                             if e is not env and e.busy_from <= start < e.busy_until)
        self.invocations.append(Invocation(
            spec, version, env, start, rid, plan, init_ms, init_start, initialization,
            trace_id(self.rng, start), concurrent, resource, env.memory_mb,
        ))
        for follow in plan.follow_ups:
            self.call(end + follow.delay_ms, follow.function, follow.kind, follow.params,
                      asynchronous=follow.asynchronous)
        if call.asynchronous and plan.outcome != "ok" and call.attempt < len(ASYNC_RETRY_DELAYS_MS):
            delay = ASYNC_RETRY_DELAYS_MS[call.attempt] + self.rng.randint(0, 20_000)
            self.call(end + delay, call.function, call.kind, call.params, asynchronous=True,
                      request=rid, version=version, attempt=call.attempt + 1)
        return self.invocations[-1]

    def _all(self, function: str) -> list[Environment]:
        return [env for (name, _), pool in self.pools.items() if name == function for env in pool]
