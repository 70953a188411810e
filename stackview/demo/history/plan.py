"""Three hours of the demo world's past: logs of every function and their AWS/Lambda metrics.

`write_history()` is called by the seed inside the demo server (stackview.demo.server.world).
It schedules the requests that reached the account (page views, orders, the report schedule;
the follow-ups they cause are added by the per-app planners), runs them through history.sim
(versions, execution environments, cold starts), renders them with history.write and stores the
result in moto's backends. The number of log events is a target (`events`, default DEFAULT_EVENTS): the
request rates are scaled until the rendered history reaches about that many events; the
simulation is pure and cheap, so it simply runs again with the corrected rate.
"""

from __future__ import annotations

import math
import random
from datetime import datetime, timedelta
from typing import Any

from stackview.demo.history.orders import orders_api, orders_worker
from stackview.demo.history.reports import sales_report
from stackview.demo.history.sim import Invocation, Simulator, World
from stackview.demo.history.thumbnails import convert_file, show_form, sign_upload
from stackview.demo.history.write import Rendered, metric_data, render_all, store_logs, store_metrics
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


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def world_names(physical: dict[str, dict[str, str]]) -> dict[str, str]:
    """The physical names handlers know from their environment variables."""
    thumbnails = physical.get(catalog.THUMBNAILS_STACK, {})
    reports_bucket = next((ids["ReportsBucket"] for ids in physical.values() if "ReportsBucket" in ids),
                          f"sales-reports-{catalog.ACCOUNT}-prod")
    return {"upload_bucket": thumbnails.get("UploadS3Bucket", "thumbnails-prod-uploads3bucket"),
            "results_bucket": thumbnails.get("ResultsS3Bucket", "thumbnails-prod-resultss3bucket"),
            "reports_bucket": reports_bucket}


def simulate(seed: int, world: World, scale: float) -> list[Invocation]:
    """Every invocation of the window at `scale` times the base request rates."""
    rng = random.Random(seed)
    canary = catalog.BY_NAME[catalog.CANARY_FUNCTION]
    canary_since = world.now_ms - int(canary.versions[-1].days_ago * 86_400_000)
    sim = Simulator(rng, world, catalog.BY_NAME, PLANNERS, {canary.name: canary_since},
                    BASE_MEMORY, INIT_MS)
    provisioned = catalog.BY_NAME[catalog.PROVISIONED_FUNCTION]
    sim.provision(provisioned.name, str(provisioned.alias_version), provisioned.provisioned or 0,
                  world.start_ms - 20 * 60_000)
    for function, per_hour in RATES.items():
        rate_per_ms = per_hour * scale / 3_600_000
        at = world.start_ms + rng.expovariate(rate_per_ms)
        while at < world.now_ms:
            sim.call(int(at), function, "request")
            at += rng.expovariate(rate_per_ms)
    every = max(1, math.ceil(1 / scale)) if scale > 0 else 1
    first_mark = -(-world.start_ms // REPORT_PERIOD_MS) * REPORT_PERIOD_MS
    for index, mark in enumerate(range(first_mark, world.now_ms, REPORT_PERIOD_MS)):
        if index % every == 0:
            sim.call(mark + rng.randint(300, 2_500), catalog.SALES_REPORT, "scheduled",
                     {"time_ms": mark}, asynchronous=True)
    if scale >= 0.5:  # someone tried another report by hand, once
        sim.call(world.start_ms + rng.randint(40, 80) * 60_000, catalog.SALES_REPORT, "manual",
                 {"report": "inventory"})
    return sim.run()


def plan_history(now: datetime, seed: int, physical: dict[str, dict[str, str]],
                 events: int | None = None) -> tuple[list[Invocation], Rendered]:
    """The history for `now` (pure: no moto), with about `events` log events."""
    target = DEFAULT_EVENTS if events is None else max(0, events)
    world = World(_ms(now), _ms(now - timedelta(hours=HOURS)), world_names(physical))
    scale = 1.0
    invocations = simulate(seed, world, scale)
    rendered = render_all(invocations)
    for _ in range(3):
        if target == 0 or abs(rendered.count - target) <= max(20, target // 50):
            break
        if rendered.count >= target and events is None:
            break
        scale *= target / max(1, rendered.count)
        invocations = simulate(seed, world, scale)
        rendered = render_all(invocations)
    if target == 0:
        return [], Rendered()
    return invocations, rendered


def write_history(physical: dict[str, dict[str, str]], *, now: datetime, rng: random.Random,
                  events: int | None = None) -> dict[str, Any]:
    """Plan the history and store it in moto's logs and CloudWatch backends; returns counts."""
    invocations, rendered = plan_history(now, rng.getrandbits(64), physical, events)
    store_logs(rendered)
    data = metric_data(invocations)
    store_metrics(data)
    return {"invocations": len(invocations), "events": rendered.count,
            "streams": len(rendered.streams), "metric_data": len(data)}
