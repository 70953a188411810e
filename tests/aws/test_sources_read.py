"""What invokes the demo world's functions, read as the Triggers tab reads it: the worker's SQS
mapping on its alias with its queue and DLQ, API Gateway, S3 and EventBridge permissions (once
each, though the alias answers too), the converter's asynchronous settings and SNS dead-letter
topic; a denied call degrades its own part only."""

from __future__ import annotations

import pytest

from stackview.aws.sources import read_triggers
from stackview.models.functions import Unavailable
from tests.aws.functions_helpers import fail_calls, session_on

pytestmark = pytest.mark.demo


def test_the_worker_reads_its_queue(demo_session) -> None:
    triggers = read_triggers(demo_session, "orders-prod-worker")
    (source,) = triggers.mappings
    mapping = source.mapping
    assert (mapping.kind, mapping.qualifier, mapping.batch_size) == ("sqs", "live", 10)
    assert mapping.source_name.startswith("orders-prod-OrdersQueue-")
    assert source.queue.visible is not None and source.queue.max_receive_count == 3
    assert source.queue.dead_letter_arn == source.dead_letter.arn
    assert source.dead_letter.name.startswith("orders-prod-OrdersDeadLetterQueue-")
    assert triggers.policy == () and triggers.async_configs == () and triggers.dead_letter is None
    # The incident: the worker's errors alarm is in ALARM (the demo world evaluates it).
    assert ("orders-prod-worker-errors", "ALARM") in [(a.name, a.state) for a in triggers.alarms]
    assert triggers.alarms[0].state == "ALARM"  # ALARM first


def test_policy_triggers_of_the_seeded_functions(demo_session) -> None:
    api = read_triggers(demo_session, "orders-prod-api")
    assert [(p.kind, p.source_arn.rsplit("/", 3)[-3:]) for p in api.policy] == [
        ("API Gateway", ["*", "*", "orders*"])]
    convert = read_triggers(demo_session, "thumbnails-prod-convert-file")
    assert [(p.kind, p.source_account) for p in convert.policy] == [("S3", "123456789012")]
    assert [(c.qualifier, c.max_retries) for c in convert.async_configs] == [("$LATEST", 2)]
    assert convert.dead_letter.kind == "sns" and convert.dead_letter.queue is None
    report = read_triggers(demo_session, "reports-prod-generate")
    assert [p.kind for p in report.policy] == ["EventBridge"]
    assert report.policy[0].source_arn.split(":")[5].startswith("rule/reports-prod-ReportScheduleRule-")


def test_a_denied_policy_degrades_only_its_part(demo_endpoint) -> None:
    session = session_on(demo_endpoint.endpoint, demo_endpoint.region, demo_endpoint.credentials)
    fail_calls(session, "GetPolicy")
    triggers = read_triggers(session, "orders-prod-worker")
    assert isinstance(triggers.policy, Unavailable) and "access denied to GetPolicy" in triggers.policy.reason
    assert len(triggers.mappings) == 1 and triggers.mappings[0].queue.visible is not None
