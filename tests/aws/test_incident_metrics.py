"""The demo world's incident as stackview's AWS layer reads it: the failing worker's series and
percentiles through `stackview.aws.metrics`, on the seeded (live) world."""

from __future__ import annotations

from datetime import timedelta

import pytest

from stackview.aws.metrics import function_metrics
from stackview.demo.seed import catalog
from stackview.models.metrics import MetricSpec

pytestmark = pytest.mark.demo


def test_the_worker_fails_nearly_every_invocation_since_its_deploy(demo_session) -> None:
    window = timedelta(minutes=catalog.INCIDENT_MINUTES_AGO - 3)
    metrics = function_metrics(demo_session, catalog.ORDERS_WORKER, window=window)
    invocations = metrics.get("Invocations", "Sum").total
    errors = metrics.get("Errors", "Sum").total
    assert invocations >= 10
    assert errors / invocations >= 0.8
    calm = function_metrics(demo_session, catalog.ORDERS_API, window=window)
    assert calm.get("Errors", "Sum").total / max(1, calm.get("Invocations", "Sum").total) < 0.3


def test_duration_percentiles_come_back_from_the_demo(demo_session) -> None:
    specs = (MetricSpec("p50", "Duration", "p50", "Milliseconds"),
             MetricSpec("p99", "Duration", "p99", "Milliseconds"),
             MetricSpec("max", "Duration", "Maximum", "Milliseconds"))
    metrics = function_metrics(demo_session, catalog.ORDERS_API, window=timedelta(hours=3), specs=specs)
    p50, p99, top = (metrics.get("Duration", stat) for stat in ("p50", "p99", "Maximum"))
    assert p50.peak is not None and p99.peak is not None
    assert p50.peak <= p99.peak <= top.peak
    assert sum(1 for value in p99.values if value is not None) >= 60
