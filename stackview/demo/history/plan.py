"""Three hours of the demo world's past: logs of every function and their AWS/Lambda metrics.

`write_history()` is called by the seed inside the demo server (stackview.demo.server.world).
It schedules the requests that reached the account (page views, orders, the report schedule;
the follow-ups they cause are added by the per-app planners), runs them through history.sim
(versions, execution environments, cold starts), renders them with history.write and stores the
result in moto's backends. The number of log events is a target (`events`, default DEFAULT_EVENTS): the
request rates are scaled until the rendered history reaches about that many events; the
simulation is pure and cheap, so it simply runs again with the corrected rate.

The story the history tells ends in an incident: INCIDENT_MINUTES_AGO the worker's alias moved
to build 2.4.0 (the bundle discount) and a minute later the promotion it was written for sent
orders up PROMOTION_FACTOR times; the new build fails nearly every batch, so the orders queue
backs up and its dead-letter queue fills (history.queues). Earlier, someone redrove yesterday's
dead letters (REDRIVEN orders) into the queue, and the poller's burst of batches went past the
worker's reserved concurrency: those Throttles are in the metrics, and the redrive in the
queue's move tasks.
"""

from __future__ import annotations

import math
import random
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from stackview.demo.history.orders import QUEUE, old_order, orders_api, orders_worker
from stackview.demo.history.queues import QueueSim, SimMessage
from stackview.demo.history.reports import sales_report
from stackview.demo.history.sim import Invocation, Simulator, Throttle, World
from stackview.demo.history.thumbnails import convert_file, show_form, sign_upload
from stackview.demo.history.write import (
    Rendered,
    metric_data,
    queue_metric_data,
    render_all,
    store_logs,
    store_metrics,
    store_queues,
)
from stackview.demo.seed import catalog

HOURS = 3
#: At least 5,000 events by default, with a margin for the randomness of arrivals.
DEFAULT_EVENTS = 5600
#: Requests per hour at scale 1 (the follow-ups they cause come on top).
RATES = {catalog.SHOW_FORM: 90.0, catalog.ORDERS_API: 170.0}
REPORT_PERIOD_MS = 5 * 60_000
PLANNERS = {
    catalog.SHOW_FORM: show_form, catalog.SIGN_UPLOAD: sign_upload, catalog.CONVERT_FILE: convert_file,
    catalog.ORDERS_API: orders_api, catalog.ORDERS_WORKER: orders_worker,
    catalog.SALES_REPORT: sales_report,
}
#: Max Memory Used of a fresh environment (MB), and Init Duration ranges (ms): boto3's import
#: dominates the init of every handler that uses it.
BASE_MEMORY = {catalog.SHOW_FORM: 38, catalog.SIGN_UPLOAD: 79, catalog.CONVERT_FILE: 96,
               catalog.ORDERS_API: 88, catalog.ORDERS_WORKER: 84, catalog.SALES_REPORT: 81}
INIT_MS = {catalog.SHOW_FORM: (95.0, 160.0), catalog.SIGN_UPLOAD: (380.0, 620.0),
           catalog.CONVERT_FILE: (420.0, 700.0), catalog.ORDERS_API: (450.0, 760.0),
           catalog.ORDERS_WORKER: (400.0, 650.0), catalog.SALES_REPORT: (390.0, 640.0)}


#: Yesterday's dead letters, redriven into the orders queue this long after the history starts.
REDRIVEN = 60
REDRIVE_AFTER_MS = 55 * 60_000
REDRIVE_RATE = 100  # messages per second
#: The orders queue's settings in orders.yaml (VisibilityTimeout, maxReceiveCount, BatchSize).
VISIBILITY_MS, MAX_RECEIVES, BATCH_SIZE = 60_000, 3, 10


@dataclass
class History:
    """What the planned history holds: invocations and their logs, the throttled invocations,
    and the orders queue (its final state and its metrics), plus the past redrive."""

    invocations: list[Invocation]
    rendered: Rendered
    throttles: list[Throttle] = field(default_factory=list)
    queue: QueueSim | None = None
    redrive_ms: int | None = None
    redriven: int = 0


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def _queue_name(physical: dict[str, dict[str, str]], logical_id: str) -> str:
    url = physical.get(catalog.ORDERS_STACK, {}).get(logical_id, "")
    return url.rsplit("/", 1)[-1] if url else f"{catalog.ORDERS_STACK}-{logical_id}"


def world_names(physical: dict[str, dict[str, str]]) -> dict[str, str]:
    """The physical names handlers know from their environment variables."""
    thumbnails = physical.get(catalog.THUMBNAILS_STACK, {})
    reports_bucket = next((ids["ReportsBucket"] for ids in physical.values() if "ReportsBucket" in ids),
                          f"sales-reports-{catalog.ACCOUNT}-prod")
    return {"upload_bucket": thumbnails.get("UploadS3Bucket", "thumbnails-prod-uploads3bucket"),
            "results_bucket": thumbnails.get("ResultsS3Bucket", "thumbnails-prod-resultss3bucket"),
            "reports_bucket": reports_bucket,
            "orders_queue": _queue_name(physical, catalog.ORDERS_QUEUE),
            "orders_dlq": _queue_name(physical, catalog.ORDERS_DEAD_LETTER_QUEUE)}


def _orders_queue(rng: random.Random, world: World, scale: float) -> QueueSim:
    """The orders queue at the history's start: empty, its dead-letter queue holding yesterday's
    failures (orders the payment provider's outage made fail three times; fewer in a smaller
    history)."""
    queue = QueueSim(world.names["orders_queue"], world.names["orders_dlq"], catalog.ORDERS_WORKER,
                     rng, batch_size=BATCH_SIZE, visibility_ms=VISIBILITY_MS, max_receives=MAX_RECEIVES)
    yesterday = world.start_ms - 26 * 3_600_000
    for index in range(round(REDRIVEN * min(1.0, scale))):
        order, correlation = old_order(rng)
        sent = yesterday + index * rng.randint(20_000, 90_000)
        queue.dead.append(SimMessage(str(uuid.UUID(int=rng.getrandbits(128), version=4)), order,
                                     correlation, sent, MAX_RECEIVES, sent + 500, sent + 180_000))
    queue.sample_until(world.start_ms)
    return queue


def _deployed_ms(world: World, spec: catalog.FunctionSpec) -> int:
    """When the alias' version was published (the alias moved to it then)."""
    return world.now_ms - int(spec.versions[int(str(spec.alias_version)) - 1].days_ago * 86_400_000)


def simulate(seed: int, world: World, scale: float) -> tuple[Simulator, int, int]:
    """Every invocation of the window at `scale` times the base request rates; returns the
    simulator that ran them, when the past redrive happened and how many it moved."""
    rng = random.Random(seed)
    canary = catalog.BY_NAME[catalog.CANARY_FUNCTION]
    canary_since = world.now_ms - int(canary.versions[-1].days_ago * 86_400_000)
    worker = catalog.BY_NAME[catalog.INCIDENT_FUNCTION]
    deploy = _deployed_ms(world, worker)
    queue = _orders_queue(random.Random(seed + 1), world, scale)
    sim = Simulator(rng, world, catalog.BY_NAME, PLANNERS, {canary.name: canary_since},
                    BASE_MEMORY, INIT_MS, alias_since_ms={worker.name: deploy}, queues={QUEUE: queue})
    provisioned = catalog.BY_NAME[catalog.PROVISIONED_FUNCTION]
    sim.provision(provisioned.name, str(provisioned.alias_version), provisioned.provisioned or 0,
                  world.start_ms - 20 * 60_000)
    for function, per_hour in RATES.items():
        rate_per_ms = per_hour * scale / 3_600_000
        at = world.start_ms + rng.expovariate(rate_per_ms)
        while at < world.now_ms:
            sim.call(int(at), function, "request")
            at += rng.expovariate(rate_per_ms)
    # The promotion: orders on top of the usual traffic (created orders only), from a minute
    # after the deploy of the build written for it.
    extra_per_ms = RATES[catalog.ORDERS_API] * 0.45 * (catalog.PROMOTION_FACTOR - 1) * scale / 3_600_000
    at = deploy + 60_000 + rng.expovariate(extra_per_ms)
    while at < world.now_ms:
        sim.call(int(at), catalog.ORDERS_API, "create")
        at += rng.expovariate(extra_per_ms)
    redrive, redriven = world.start_ms + REDRIVE_AFTER_MS, len(queue.dead)
    sim.call(redrive, QUEUE, "redrive", {"rate": REDRIVE_RATE})
    every = max(1, math.ceil(1 / scale)) if scale > 0 else 1
    first_mark = -(-world.start_ms // REPORT_PERIOD_MS) * REPORT_PERIOD_MS
    for index, mark in enumerate(range(first_mark, world.now_ms, REPORT_PERIOD_MS)):
        if index % every == 0:
            sim.call(mark + rng.randint(300, 2_500), catalog.SALES_REPORT, "scheduled",
                     {"time_ms": mark}, asynchronous=True)
    if scale >= 0.5:  # someone tried another report by hand, once
        sim.call(world.start_ms + rng.randint(40, 80) * 60_000, catalog.SALES_REPORT, "manual",
                 {"report": "inventory"})
    sim.run()
    return sim, redrive, redriven


def plan_history(now: datetime, seed: int, physical: dict[str, dict[str, str]],
                 events: int | None = None) -> History:
    """The history for `now` (pure: no moto), with about `events` log events."""
    target = DEFAULT_EVENTS if events is None else max(0, events)
    world = World(_ms(now), _ms(now - timedelta(hours=HOURS)), world_names(physical))
    scale = 1.0
    sim, redrive, redriven = simulate(seed, world, scale)
    rendered = render_all(sim.invocations)
    for _ in range(3):
        if target == 0 or abs(rendered.count - target) <= max(20, target // 50):
            break
        if rendered.count >= target and events is None:
            break
        scale *= target / max(1, rendered.count)
        sim, redrive, redriven = simulate(seed, world, scale)
        rendered = render_all(sim.invocations)
    if target == 0:
        return History([], Rendered())
    return History(sim.invocations, rendered, sim.throttles, sim.queues[QUEUE], redrive, redriven)


def write_history(physical: dict[str, dict[str, str]], *, now: datetime, rng: random.Random,
                  events: int | None = None, still: bool = False) -> History:
    """Plan the history and store it in moto's logs, CloudWatch and SQS backends."""
    history = plan_history(now, rng.getrandbits(64), physical, events)
    store_logs(history.rendered)
    store_metrics(metric_data(history.invocations, history.throttles))
    if history.queue is not None:
        store_metrics(queue_metric_data(history.queue), namespace="AWS/SQS")
        store_queues(history.queue, _ms(now), still)
    return history
