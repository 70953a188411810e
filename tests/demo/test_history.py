"""The demo history without a server: deterministic, consistent with its metrics, true to the
handlers' source, and sized by its event target."""

from __future__ import annotations

import random
from collections import Counter
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

from stackview.demo.history.plan import plan_history
from stackview.demo.history.write import metric_data
from stackview.demo.seed import catalog
from stackview.demo.seed.events import apply_history, reason_reserved_concurrency
from stackview.demo.server import world

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=timezone.utc)


def _messages(rendered) -> dict:
    return {key: list(events) for key, events in rendered.streams.items()}


def test_same_seed_and_now_give_the_same_history():
    first, again, other = (plan_history(NOW, seed, {}, 400) for seed in (11, 11, 12))
    assert _messages(first.rendered) == _messages(again.rendered)
    assert _messages(first.rendered) != _messages(other.rendered)
    assert metric_data(first.invocations, first.throttles) == metric_data(again.invocations, again.throttles)
    assert first.queue.metric_points() == again.queue.metric_points()
    assert [m.message_id for m in first.queue.messages] == [m.message_id for m in again.queue.messages]


def test_history_lies_in_the_three_hours_before_now_and_reaches_its_target():
    history = plan_history(NOW, 7, {})
    invocations, rendered = history.invocations, history.rendered
    assert rendered.count >= 5000
    start = int((NOW - timedelta(hours=3)).timestamp() * 1000)
    end = int(NOW.timestamp() * 1000)
    first_starts = [inv.start_ms for inv in invocations]
    assert min(first_starts) >= start and max(first_starts) < end
    assert {inv.function.name for inv in invocations} == {spec.name for spec in catalog.FUNCTIONS}
    small = plan_history(NOW, 7, {}, 60).rendered.count
    assert 20 <= small <= 150


def test_metrics_count_the_invocations_the_logs_show():
    history = plan_history(NOW, 3, {}, 1500)
    invocations, rendered = history.invocations, history.rendered
    starts = Counter()
    for (group, _), events in rendered.streams.items():
        starts[group] += sum(1 for _, m in events if m.startswith("START ") or '"platform.start"' in m)
    sums = Counter()
    errors = Counter()
    for datum in metric_data(invocations, history.throttles):
        dims = {d["Name"]: d["Value"] for d in datum["Dimensions"]}
        if list(dims) == ["FunctionName"]:
            if datum["MetricName"] == "Invocations":
                sums[f"/aws/lambda/{dims['FunctionName']}"] += datum["StatisticValues"]["Sum"]
            if datum["MetricName"] == "Errors":
                errors[dims["FunctionName"]] += datum["StatisticValues"]["Sum"]
    assert sums == starts
    failed = Counter(inv.function.name for inv in invocations if inv.plan.outcome != "ok")
    assert errors == failed and sum(failed.values()) > 0


def test_async_retries_reuse_the_request_id():
    invocations = plan_history(NOW, 7, {}).invocations
    failed = Counter(inv.request_id for inv in invocations
                     if inv.function.name == catalog.CONVERT_FILE and inv.plan.outcome == "error")
    # Each failed upload ran three times (the first attempt and Lambda's two retries) unless
    # the window ended before its retries.
    assert failed and max(failed.values()) == 3


def _fake_stack(name: str) -> SimpleNamespace:
    return SimpleNamespace(name=name, stack_id=f"arn:aws:cloudformation:us-east-1:{catalog.ACCOUNT}:stack/{name}/x",
                           events=[], status="CREATE_COMPLETE", creation_time=None)


def test_stack_histories_are_deterministic_and_end_in_rollback():
    spec = next(s for s in catalog.STACKS if s.name == catalog.FAILED_STACK)
    order = [("OrdersTable", "AWS::DynamoDB::Table", "t"), ("ApiFunction", "AWS::Lambda::Function", "a"),
             ("ApiFunctionAliaslive", "AWS::Lambda::Alias", "l"), ("WorkerFunction", "AWS::Lambda::Function", "w")]
    built = []
    for _ in range(2):
        rng = random.Random(5)
        stack = _fake_stack(spec.name)
        apply_history(stack, world._deploys(spec, rng), NOW, rng, order)
        built.append(stack)
    first, again = ([(e.timestamp, e.event_id, e.logical_resource_id, e.resource_status,
                      e.resource_status_reason) for e in s.events] for s in built)
    assert first == again
    assert built[0].status == catalog.FAILED_STACK_STATUS
    reasons = [reason for _, _, lid, status, reason in first if status == "UPDATE_FAILED" and lid == "WorkerFunction"]
    assert reasons and reasons[0].startswith(reason_reserved_concurrency(random.Random(0))[:60])
