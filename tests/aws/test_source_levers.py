"""The queue levers against the demo world: disabling a mapping stops its queue draining and
enabling drains it, maximum concurrency round-trips exactly (a number, or none; recorded on the
mapping, or in the audit log when tags are denied), and every change is audited."""

from __future__ import annotations

import time
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


def wait_state(session, wired, state: str, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    lam = session.client("lambda")
    while lam.get_event_source_mapping(UUID=wired.uuid)["State"] != state:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    return True


def maximum(session, wired) -> int | None:
    raw = session.client("lambda").get_event_source_mapping(UUID=wired.uuid)
    return (raw.get("ScalingConfig") or {}).get("MaximumConcurrency")


def test_disable_stops_draining_and_enable_drains(session) -> None:
    wired = wire_queue(session)
    sqs = session.client("sqs")
    sqs.send_message(QueueUrl=wired.queue_url, MessageBody='{"orderId": "before"}')
    assert wait_visible(session, wired.queue_url, 0) == 0  # enabled: the worker drains it

    change = source_levers.set_mapping_enabled(session, wired.function, None, False)
    assert (change.before_state, change.changed) == ("Enabled", True)
    assert change.after_state in ("Disabling", "Disabled")  # Lambda passes through Disabling
    assert wait_state(session, wired, "Disabled")
    sqs.send_message(QueueUrl=wired.queue_url, MessageBody='{"orderId": "while-disabled"}')
    assert stays_visible(session, wired.queue_url, 1)  # nobody drains the queue

    again = source_levers.set_mapping_enabled(session, wired.function, wired.uuid, False)
    assert again.changed is False and "already disabled" in again.message

    change = source_levers.set_mapping_enabled(session, wired.function, wired.uuid, True)
    assert change.before_state == "Disabled" and change.after_state in ("Enabling", "Enabled")
    # moto polls a queue when a message arrives; the demo world may also poll on its own.
    sqs.send_message(QueueUrl=wired.queue_url, MessageBody='{"orderId": "after"}')
    assert wait_visible(session, wired.queue_url, 0) == 0

    lines = [(e["action"], e["before"]["state"], e["after"]["state"][:6], e["outcome"], e["details"]["uuid"])
             for e in audit.entries()]
    assert lines == [("mapping-disable", "Enabled", "Disabl", "ok", wired.uuid),
                     ("mapping-enable", "Disabled", "Enabli" if lines[1][2] == "Enabli" else "Enable", "ok",
                      wired.uuid)]


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
    assert not any(m.state.startswith("Disabl") for m in function_mappings(session, wired.function))


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


def wait_task(session, dlq_arn: str, status: str, timeout: float = 30.0):
    from stackview.aws.sources import move_tasks

    deadline = time.monotonic() + timeout
    while True:
        tasks = move_tasks(session, dlq_arn)
        if tasks and tasks[0].status == status:
            return tasks[0]
        assert time.monotonic() < deadline, f"no {status} task: {tasks}"
        time.sleep(0.3)


def test_redrive_moves_the_dead_letters_back_and_can_be_stopped(session) -> None:
    wired = wire_queue(session)
    source_levers.set_mapping_enabled(session, wired.function, None, False)  # keep what comes back
    assert wait_state(session, wired, "Disabled")
    sqs = session.client("sqs")
    for index in range(3):
        sqs.send_message(QueueUrl=wired.dlq_url, MessageBody=f"dead {index}")
    mapping, queue = source_levers.redrive_source(session, wired.function, None)
    assert (mapping.uuid, queue.arn, queue.dead_letter_arn) == (wired.uuid, wired.queue_arn, wired.dlq_arn)

    started = source_levers.start_redrive(session, wired.dlq_arn, wired.queue_arn, function=wired.function)
    assert (started.visible_before, started.destination_arn) == (3, wired.queue_arn) and started.task_handle
    done = wait_task(session, wired.dlq_arn, "COMPLETED")
    assert done.moved == 3 and done.progress_text() == "COMPLETED 3 of 3 moved"
    assert visible(session, wired.queue_url) == 3 and visible(session, wired.dlq_url) == 0

    # A slow one (1 message per second) is stopped half way: the rest stays in the dead-letter queue.
    for index in range(6):
        sqs.send_message(QueueUrl=wired.dlq_url, MessageBody=f"again {index}")
    source_levers.start_redrive(session, wired.dlq_arn, wired.queue_arn, rate=1)
    with pytest.raises(LeverRefused, match="already running"):
        source_levers.start_redrive(session, wired.dlq_arn, wired.queue_arn)
    running = wait_task(session, wired.dlq_arn, "RUNNING")
    moved = source_levers.cancel_redrive(session, wired.dlq_arn, running.task_handle)
    assert moved < 6
    assert wait_task(session, wired.dlq_arn, "CANCELLED").status == "CANCELLED"
    assert visible(session, wired.dlq_url) > 0
    actions = [e["action"] for e in audit.entries() if e["action"].startswith("sqs-redrive")]
    assert actions == ["sqs-redrive", "sqs-redrive", "sqs-redrive-cancel"]
