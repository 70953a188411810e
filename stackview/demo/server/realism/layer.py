"""The WSGI layer that makes the demo endpoint behave like AWS under load.

It sits in front of everything else the server answers (the Lambda layer, moto) and, for each
call of a client (the demo world's own calls, made with INTERNAL_CREDENTIALS, are spared):
waits the latency of the call's operation, then answers a server fault (500/503) on
`fault_rate` of the calls, or a throttling error on `throttle_rate` of the read calls, before
the call reaches moto (so a refused call changed nothing, as on AWS). Each call draws its fate
from one random generator seeded with the world's seed: the same calls in the same order meet
the same errors. `GET /_stackview/realism` answers what was injected (counters per operation),
which is how tests check the latency is applied without timing anything.
"""

from __future__ import annotations

import json
import random
import threading
import time
import uuid
from collections import Counter, defaultdict
from typing import Any, Callable, Iterable

from stackview.demo.process import INTERNAL_CREDENTIALS, Realism
from stackview.demo.server.realism import errors
from stackview.demo.server.realism.calls import Call, RestRoutes, identify

STATS_PATH = "/_stackview/realism"
#: moto's own control API is never delayed or refused.
_SPARED_PREFIXES = ("/moto-api",)


class RealismLayer:
    """`app` is the WSGI app behind (the Lambda layer over moto's dispatcher)."""

    def __init__(self, app: Callable[..., Iterable[bytes]], realism: Realism, *, seed: int,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.app = app
        self.realism = realism
        self.sleep = sleep
        self.routes = RestRoutes()
        self._rng = random.Random(seed)
        self._lock = threading.Lock()
        self._counts: dict[str, Counter[str]] = defaultdict(Counter)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == STATS_PATH:
            return self._respond(start_response, (200, [("Content-Type", "application/json")],
                                                  json.dumps(self.stats()).encode()))
        if not self.realism.active or path.startswith(_SPARED_PREFIXES):
            return self.app(environ, start_response)
        call = identify(environ, self.routes)
        if call.access_key == INTERNAL_CREDENTIALS[0]:
            self._count("(internal)", "spared")
            return self.app(environ, start_response)
        name = call.operation or f"{call.service or '?'}:{environ.get('REQUEST_METHOD', '')}"
        delay_ms = self.realism.latency_ms(call.service, call.operation)
        with self._lock:  # one draw of each kind per call keeps the sequence aligned
            fault_draw, kind_draw, throttle_draw = (self._rng.random() for _ in range(3))
        self._count(name, "calls")
        if delay_ms:
            self._count(name, "delayed", delay_ms)
            self.sleep(delay_ms / 1000)
        if fault_draw < self.realism.fault_rate:
            self._count(name, "faults")
            shape = errors.fault(call.service, 500 if kind_draw < 0.5 else 503)
            return self._refuse(start_response, shape, call)
        if call.read and throttle_draw < self.realism.throttle_rate:
            self._count(name, "throttled")
            return self._refuse(start_response, errors.throttle(call.service, call.protocol), call)
        return self.app(environ, start_response)

    def stats(self) -> dict[str, Any]:
        """What was injected so far: totals and per operation (calls, delayed, delay_ms,
        throttled, faults), and the switches in force."""
        with self._lock:
            operations = {name: dict(counts) for name, counts in self._counts.items()}
        totals: Counter[str] = Counter()
        for counts in operations.values():
            totals.update(counts)
        return {"switches": {"latency": dict(self.realism.latency),
                             "throttle_rate": self.realism.throttle_rate,
                             "fault_rate": self.realism.fault_rate},
                "totals": dict(totals), "operations": operations}

    def _count(self, name: str, what: str, delay_ms: int = 0) -> None:
        with self._lock:
            counts = self._counts[name]
            counts[what] += 1
            if delay_ms:
                counts["delay_ms"] += delay_ms

    def _refuse(self, start_response: Callable[..., Any], shape: errors.Shape,
                call: Call) -> Iterable[bytes]:
        response = errors.render(shape, call.service, call.protocol, str(uuid.uuid4()),
                                 call.content_type)
        return self._respond(start_response, response)

    @staticmethod
    def _respond(start_response: Callable[..., Any], response: errors.Response) -> Iterable[bytes]:
        status, headers, body = response
        reason = {200: "OK", 400: "Bad Request", 429: "Too Many Requests",
                  500: "Internal Server Error", 503: "Service Unavailable"}.get(status, "Error")
        start_response(f"{status} {reason}", headers + [("Content-Length", str(len(body)))])
        return [body]
