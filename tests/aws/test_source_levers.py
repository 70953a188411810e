"""The queue levers against the demo world: disabling a mapping stops its queue draining and
enabling drains it, maximum concurrency round-trips exactly (a number, or none; recorded on the
mapping, or in the audit log when tags are denied), and every change is audited."""

from __future__ import annotations

from pathlib import Path

import pytest

from stackview import audit
from stackview.aws import source_levers
from stackview.aws.lever_context import LeverRefused, NoPriorState
from stackview.aws.source_levers import PRIOR_MAX_TAG
from stackview.aws.sources import function_mappings
from tests.aws.functions_helpers import fail_calls, moto_server, session_on
from tests.aws.sources_helpers import stays_visible, visible, wait_visible, wire_queue

pytestmark = pytest.mark.demo


@pytest.fixture(autouse=True)
def state_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("STACKVIEW_STATE_DIR", str(tmp_path / "state"))
    return tmp_path / "state"


@pytest.fixture
def session(scratch_endpoint):
    return session_on(scratch_endpoint.endpoint, scratch_endpoint.region, scratch_endpoint.credentials)


def mapping_tags(session, wired) -> dict[str, str]:
    lam = session.client("lambda")
    arn = lam.get_event_source_mapping(UUID=wired.uuid)["EventSourceMappingArn"]
    return lam.list_tags(Resource=arn)["Tags"]


def maximum(session, wired) -> int | None:
    raw = session.client("lambda").get_event_source_mapping(UUID=wired.uuid)
    return (raw.get("ScalingConfig") or {}).get("MaximumConcurrency")


def test_disable_stops_draining_and_enable_drains(session) -> None:
    wired = wire_queue(session)
    sqs = session.client("sqs")
    sqs.send_message(QueueUrl=wired.queue_url, MessageBody='{"orderId": "before"}')
    assert wait_visible(session, wired.queue_url, 0) == 0  # enabled: the worker drains it

    change = source_levers.set_mapping_enabled(session, wired.function, None, False)
    assert (change.before_state, change.after_state, change.changed) == ("Enabled", "Disabled", True)
    sqs.send_message(QueueUrl=wired.queue_url, MessageBody='{"orderId": "while-disabled"}')
    assert stays_visible(session, wired.queue_url, 1)  # nobody drains the queue

    again = source_levers.set_mapping_enabled(session, wired.function, wired.uuid, False)
    assert again.changed is False and "already disabled" in again.message

    change = source_levers.set_mapping_enabled(session, wired.function, wired.uuid, True)
    assert (change.before_state, change.after_state) == ("Disabled", "Enabled")
    # moto polls a queue when a message arrives; the demo world may also poll on its own.
    sqs.send_message(QueueUrl=wired.queue_url, MessageBody='{"orderId": "after"}')
    assert wait_visible(session, wired.queue_url, 0) == 0

    lines = [(e["action"], e["before"]["state"], e["after"]["state"], e["outcome"], e["details"]["uuid"])
             for e in audit.entries()]
    assert lines == [("mapping-disable", "Enabled", "Disabled", "ok", wired.uuid),
                     ("mapping-enable", "Disabled", "Enabled", "ok", wired.uuid)]


def test_maximum_concurrency_round_trips_from_none(session) -> None:
    wired = wire_queue(session)
    assert maximum(session, wired) is None
    first = source_levers.set_max_concurrency(session, wired.function, None, 5)
    assert (first.before_max, first.after_max, first.prior_recorded_in) == (None, 5, "tag")
    assert mapping_tags(session, wired)[PRIOR_MAX_TAG] == "none"
    second = source_levers.set_max_concurrency(session, wired.function, None, 7)
    assert (second.before_max, second.after_max) == (5, 7)
    assert mapping_tags(session, wired)[PRIOR_MAX_TAG] == "none"  # the original value is kept
    assert maximum(session, wired) == 7

    restored = source_levers.restore_max_concurrency(session, wired.function, None)
    assert (restored.before_max, restored.after_max, restored.prior_recorded_in) == (7, None, "tag")
    assert maximum(session, wired) is None
    assert PRIOR_MAX_TAG not in mapping_tags(session, wired)
    with pytest.raises(NoPriorState):
        source_levers.restore_max_concurrency(session, wired.function, None)
    actions = [(e["action"], e["before"]["max_concurrency"], e["after"]["max_concurrency"]) for e in audit.entries()]
    assert actions == [("mapping-max-concurrency", None, 5), ("mapping-max-concurrency", 5, 7),
                       ("mapping-restore-max-concurrency", 7, None)]


def test_maximum_concurrency_round_trips_to_a_number(session) -> None:
    wired = wire_queue(session, ScalingConfig={"MaximumConcurrency": 10})
    source_levers.set_max_concurrency(session, wired.function, wired.uuid, None)
    assert maximum(session, wired) is None
    assert source_levers.restore_max_concurrency(session, wired.function, wired.uuid).after_max == 10
    assert maximum(session, wired) == 10


@pytest.mark.parametrize("value", [1, 1001, 0, True, "5"])
def test_maximum_outside_2_to_1000_is_refused_and_nothing_changes(session, value) -> None:
    wired = wire_queue(session)
    with pytest.raises(LeverRefused, match="from 2 to 1000"):
        source_levers.set_max_concurrency(session, wired.function, None, value)
    assert maximum(session, wired) is None and not list(audit.entries())


def test_without_tag_permissions_the_audit_log_keeps_the_value_before(scratch_endpoint) -> None:
    session = session_on(scratch_endpoint.endpoint, scratch_endpoint.region, scratch_endpoint.credentials)
    wired = wire_queue(session, ScalingConfig={"MaximumConcurrency": 20})
    fail_calls(session, "TagResource")
    fail_calls(session, "ListTags")
    change = source_levers.set_max_concurrency(session, wired.function, None, 3)
    assert change.prior_recorded_in == "audit log"
    assert "audit log only" in change.warnings[0]
    source_levers.set_max_concurrency(session, wired.function, None, 4)
    restored = source_levers.restore_max_concurrency(session, wired.function, None)
    assert (restored.after_max, restored.prior_recorded_in) == (20, "audit log")
    assert maximum(session, wired) == 20


def test_which_mapping(session) -> None:
    wired = wire_queue(session)
    other = wire_queue(session)
    session.client("lambda").create_event_source_mapping(EventSourceArn=other.queue_arn,
                                                          FunctionName=wired.function)
    assert len(function_mappings(session, wired.function)) == 2
    with pytest.raises(LeverRefused, match="has 2 event source mappings") as refused:
        source_levers.set_mapping_enabled(session, wired.function, None, False)
    assert wired.uuid in str(refused.value) and refused.value.error.hint == "name one with --uuid"
    with pytest.raises(LeverRefused, match="has no event source mapping nope"):
        source_levers.set_max_concurrency(session, wired.function, "nope", 5)
    # The other function's mapping is not this function's.
    with pytest.raises(LeverRefused, match="no event source mapping"):
        source_levers.set_mapping_enabled(session, wired.function, other.uuid, False)
    assert all(m.state == "Enabled" for m in function_mappings(session, wired.function))


def test_redrive_where_the_endpoint_lacks_it_is_one_clear_refusal(tmp_path) -> None:
    with moto_server() as endpoint:
        session = session_on(endpoint, "us-east-1", ("testing", "testing"))
        sqs = session.client("sqs")
        dlq = sqs.create_queue(QueueName="dlq")["QueueUrl"]
        sqs.send_message(QueueUrl=dlq, MessageBody="x")
        arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        with pytest.raises(LeverRefused, match="does not offer StartMessageMoveTask"):
            source_levers.start_redrive(session, arn, arn.replace(":dlq", ":work"))
        assert visible(session, dlq) == 1
    (entry,) = audit.entries()
    assert entry["action"] == "sqs-redrive" and entry["outcome"].startswith("failed")
