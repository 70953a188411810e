"""Throttle, unthrottle, reserved concurrency and the stack kill switch, against the demo world
(where reserved concurrency 0 really refuses invokes with 429)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from stackview import audit
from stackview.aws import levers
from stackview.aws.functions import account_concurrency, reserved_concurrency, stack_functions
from stackview.models.functions import AccountConcurrency
from tests.aws.functions_helpers import (
    delete_stack,
    fail_calls,
    invoke_status,
    make_function,
    make_nested_stack,
    make_stack,
    session_on,
)

pytestmark = pytest.mark.demo
THROTTLED = "TooManyRequestsException"


@pytest.fixture(autouse=True)
def state_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "state"
    monkeypatch.setenv("STACKVIEW_STATE_DIR", str(path))
    return path


@pytest.fixture
def lam(demo_endpoint):
    return demo_endpoint.client("lambda")


@pytest.fixture
def functions(demo_session, lam):
    """A factory of fresh functions, deleted afterwards (their reservations go with them)."""
    created: list[str] = []

    def make(reserved: int | None = None) -> str:
        name = make_function(demo_session)
        created.append(name)
        if reserved is not None:
            lam.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=reserved)
        return name

    yield make
    for name in created:
        try:
            lam.delete_function(FunctionName=name)
        except ClientError:
            pass


@pytest.fixture
def stacks(demo_session):
    """A factory of stacks of fresh functions, deleted afterwards (other tests list stacks)."""
    created: list[str] = []

    def make(count: int) -> tuple[str, list[str]]:
        stack, names = make_stack(demo_session, functions=count)
        created.append(stack)
        return stack, names

    yield make
    for stack in created:
        delete_stack(demo_session, stack)


def tags(lam, name: str) -> dict[str, str]:
    arn = lam.get_function_configuration(FunctionName=name)["FunctionArn"]
    return lam.list_tags(Resource=arn)["Tags"]


def entries_for(name: str) -> list[dict]:
    return [e for e in audit.entries() if e["target"].endswith(f":function:{name}")]


@pytest.mark.parametrize("prior", [3, None], ids=["reserved-3", "no-reservation"])
def test_throttle_stops_invokes_and_unthrottle_restores_exactly(demo_session, lam, functions, prior) -> None:
    name = functions(prior)
    assert invoke_status(lam, name) == 200

    change = levers.throttle(demo_session, name)
    assert (change.changed, change.before, change.after) == (True, prior, 0)
    assert change.prior_recorded_in == "tag" and not change.warnings
    recorded = tags(lam, name)
    assert recorded[levers.PRIOR_TAG] == ("none" if prior is None else str(prior))
    assert recorded[levers.BY_TAG] == demo_session.identity().arn
    assert reserved_concurrency(demo_session, name) == 0
    assert invoke_status(lam, name) == THROTTLED

    restored = levers.unthrottle(demo_session, name)
    assert (restored.changed, restored.before, restored.after) == (True, 0, prior)
    assert reserved_concurrency(demo_session, name) == prior
    assert not any(key.startswith("stackview:") for key in tags(lam, name))
    assert invoke_status(lam, name) == 200

    throttle_entry, unthrottle_entry = entries_for(name)
    assert (throttle_entry["action"], throttle_entry["before"], throttle_entry["after"]) == ("throttle", prior, 0)
    assert (unthrottle_entry["action"], unthrottle_entry["before"], unthrottle_entry["after"]) == ("unthrottle", 0, prior)
    assert throttle_entry["outcome"] == unthrottle_entry["outcome"] == "ok"
    assert throttle_entry["caller"] == demo_session.identity().arn
    assert throttle_entry["account"] == demo_session.identity().account
    assert throttle_entry["region"] == demo_session.region and throttle_entry["profile"] == "demo"


def test_throttling_twice_keeps_the_first_prior_state(demo_session, lam, functions) -> None:
    name = functions(4)
    levers.throttle(demo_session, name)
    again = levers.throttle(demo_session, name)
    assert not again.changed and "already throttled" in again.message and "4" in again.message
    assert tags(lam, name)[levers.PRIOR_TAG] == "4"
    assert levers.unthrottle(demo_session, name).after == 4
    assert [e["action"] for e in entries_for(name)] == ["throttle", "unthrottle"]


def test_unthrottle_without_a_recorded_prior_state_refuses(demo_session, lam, functions) -> None:
    name = functions(0)  # throttled outside stackview: nothing says what it was before
    with pytest.raises(levers.NoPriorState) as refused:
        levers.unthrottle(demo_session, name)
    assert "no prior state" in str(refused.value) and "reserved concurrency" in refused.value.error.hint
    assert reserved_concurrency(demo_session, name) == 0
    message = levers.throttle(demo_session, name).message
    assert "already throttled" in message and "no prior state" in message


def test_unthrottling_a_function_that_is_not_throttled_changes_nothing(demo_session, functions) -> None:
    name = functions(6)
    change = levers.unthrottle(demo_session, name)
    assert not change.changed and "not throttled" in change.message
    assert reserved_concurrency(demo_session, name) == 6
    assert entries_for(name) == []


def test_a_qualified_name_or_arn_throttles_the_whole_function(demo_session, lam, functions) -> None:
    name = functions(2)
    version = lam.publish_version(FunctionName=name)["Version"]
    arn = lam.get_function_configuration(FunctionName=name)["FunctionArn"]
    change = levers.throttle(demo_session, f"{arn}:{version}")
    assert (change.function, change.function_arn, change.before) == (name, arn, 2)
    assert tags(lam, name)[levers.PRIOR_TAG] == "2"
    assert levers.unthrottle(demo_session, f"{name}:{version}").after == 2
    assert reserved_concurrency(demo_session, name) == 2


def test_prior_state_survives_on_the_function_for_another_machine(
        demo_endpoint, demo_session, lam, functions, state_dir, monkeypatch) -> None:
    name = functions(8)
    levers.throttle(demo_session, name)
    monkeypatch.setenv("STACKVIEW_STATE_DIR", str(state_dir.parent / "teammate"))  # no audit log there
    teammate = session_on(demo_endpoint.endpoint, demo_endpoint.region, demo_endpoint.credentials)
    change = levers.unthrottle(teammate, name)
    assert (change.after, change.prior_recorded_in) == (8, "tag")
    assert reserved_concurrency(demo_session, name) == 8


def test_tags_denied_the_audit_log_keeps_the_prior_state(demo_endpoint, demo_session, lam, functions,
                                                         state_dir, monkeypatch) -> None:
    name = functions(None)
    fail_calls(demo_session, "TagResource")
    change = levers.throttle(demo_session, name)
    assert change.changed and change.prior_recorded_in == "audit log"
    assert any("audit log" in w for w in change.warnings)
    assert levers.PRIOR_TAG not in tags(lam, name)
    assert invoke_status(lam, name) == THROTTLED

    monkeypatch.setenv("STACKVIEW_STATE_DIR", str(state_dir.parent / "elsewhere"))
    with pytest.raises(levers.NoPriorState):  # another machine has neither tag nor log
        levers.unthrottle(session_on(demo_endpoint.endpoint, demo_endpoint.region, demo_endpoint.credentials), name)
    monkeypatch.setenv("STACKVIEW_STATE_DIR", str(state_dir))
    restored = levers.unthrottle(demo_session, name)
    assert (restored.after, restored.prior_recorded_in) == (None, "audit log")
    assert reserved_concurrency(demo_session, name) is None


def test_tags_unreadable_the_audit_log_is_the_fallback(demo_endpoint, demo_session, lam, functions) -> None:
    name = functions(5)
    levers.throttle(demo_session, name)
    blind = session_on(demo_endpoint.endpoint, demo_endpoint.region, demo_endpoint.credentials)
    fail_calls(blind, "ListTags")
    restored = levers.unthrottle(blind, name)
    assert (restored.after, restored.prior_recorded_in) == (5, "audit log")
    assert reserved_concurrency(demo_session, name) == 5


def test_a_newer_untagged_throttle_wins_over_a_stale_tag(demo_endpoint, demo_session, lam, functions) -> None:
    name = functions(None)
    arn = lam.get_function_configuration(FunctionName=name)["FunctionArn"]
    # A stale record from an old throttle undone outside stackview, which did not remove it.
    lam.tag_resource(Resource=arn, Tags={levers.PRIOR_TAG: "9", levers.AT_TAG: "2020-01-01T00:00:00+00:00"})
    denied = session_on(demo_endpoint.endpoint, demo_endpoint.region, demo_endpoint.credentials)
    fail_calls(denied, "TagResource")
    assert levers.throttle(denied, name).prior_recorded_in == "audit log"
    restored = levers.unthrottle(demo_session, name)
    assert (restored.after, restored.prior_recorded_in) == (None, "audit log")


def test_a_failed_throttle_removes_its_tags_and_is_audited(demo_session, lam, functions) -> None:
    name = functions(2)
    fail_calls(demo_session, "PutFunctionConcurrency")
    with pytest.raises(ClientError):
        levers.throttle(demo_session, name)
    assert reserved_concurrency(demo_session, name) == 2
    assert levers.PRIOR_TAG not in tags(lam, name)
    (entry,) = entries_for(name)
    assert entry["action"] == "throttle" and entry["outcome"].startswith("failed: access denied")
    assert (entry["before"], entry["after"]) == (2, 2)


def test_reservation_leaving_fewer_than_100_unreserved_is_refused(demo_session, functions) -> None:
    name = functions(50)
    account = account_concurrency(demo_session)
    assert isinstance(account, AccountConcurrency)
    most = account.unreserved + 50 - 100
    with pytest.raises(levers.ConcurrencyRefused) as refused:
        levers.set_reserved_concurrency(demo_session, name, most + 1)
    assert "at least 100 must stay unreserved" in str(refused.value)
    assert str(most) in refused.value.error.hint
    assert reserved_concurrency(demo_session, name) == 50
    assert account_concurrency(demo_session) == account
    (entry,) = entries_for(name)
    assert entry["outcome"].startswith("failed:") and entry["details"]["requested"] == most + 1

    change = levers.set_reserved_concurrency(demo_session, name, most)
    assert (change.before, change.after) == (50, most)
    assert account_concurrency(demo_session).unreserved == 100
    assert levers.set_reserved_concurrency(demo_session, name, None).after is None
    assert reserved_concurrency(demo_session, name) is None


@pytest.mark.parametrize("bad", [-1, 2.5, "7", True])
def test_reservation_must_be_a_whole_number(demo_session, bad) -> None:
    with pytest.raises(levers.LeverRefused):
        levers.set_reserved_concurrency(demo_session, "whatever", bad)


def test_reservation_zero_is_a_recorded_throttle_and_a_new_reservation_clears_it(
        demo_session, lam, functions) -> None:
    name = functions(12)
    change = levers.set_reserved_concurrency(demo_session, name, 0)
    assert (change.action, change.before, change.after) == ("throttle", 12, 0)
    assert tags(lam, name)[levers.PRIOR_TAG] == "12"
    levers.set_reserved_concurrency(demo_session, name, 20)
    assert levers.PRIOR_TAG not in tags(lam, name)
    assert levers.unthrottle(demo_session, name).changed is False  # not throttled any more
    assert reserved_concurrency(demo_session, name) == 20


def test_kill_switch_and_restore_on_a_stack(demo_session, lam, stacks) -> None:
    stack, names = stacks(3)
    reserved, unreserved, outside = names
    lam.put_function_concurrency(FunctionName=reserved, ReservedConcurrentExecutions=5)
    lam.put_function_concurrency(FunctionName=outside, ReservedConcurrentExecutions=0)

    result = levers.throttle_stack(demo_session, stack)
    assert result.ok and result.action == "throttle"
    by_name = {c.function: c for c in result.changes}
    assert (by_name[reserved].changed, by_name[reserved].before) == (True, 5)
    assert (by_name[unreserved].changed, by_name[unreserved].before) == (True, None)
    assert not by_name[outside].changed
    for name in names:
        assert invoke_status(lam, name) == THROTTLED
    rows = {row.name: row for row in stack_functions(demo_session, stack)}
    assert all(rows[name].throttled for name in names)
    assert {e["details"].get("stack") for e in audit.entries()} == {stack}

    restore = levers.unthrottle_stack(demo_session, stack)
    assert {c.function: c.after for c in restore.changes} == {reserved: 5, unreserved: None}
    assert [f.function for f in restore.failures] == [outside] and not restore.ok
    assert "no prior state" in restore.failures[0].message
    assert reserved_concurrency(demo_session, reserved) == 5
    assert reserved_concurrency(demo_session, unreserved) is None
    assert reserved_concurrency(demo_session, outside) == 0  # never ours to restore
    assert invoke_status(lam, reserved) == 200 and invoke_status(lam, unreserved) == 200


def test_kill_switch_reports_what_failed_and_still_throttles_the_rest(demo_session, lam, stacks) -> None:
    stack, names = stacks(2)
    gone, alive = names
    lam.delete_function(FunctionName=gone)  # deleted behind CloudFormation's back
    result = levers.throttle_stack(demo_session, stack)
    assert [c.function for c in result.changes] == [alive]
    assert [f.function for f in result.failures] == [gone]
    assert "not found" in result.failures[0].message.lower()
    assert reserved_concurrency(demo_session, alive) == 0
    assert levers.unthrottle_stack(demo_session, stack).changes[0].after is None


def test_kill_switch_reaches_nested_stacks(demo_session, lam) -> None:
    parent, child, own, nested = make_nested_stack(demo_session)
    try:
        rows = stack_functions(demo_session, parent)
        assert sorted(row.logical_id for row in rows) == ["Child/Worker0", "Child/Worker1", "Worker0"]
        assert [row.name for row in stack_functions(demo_session, parent, nested=False)] == own
        result = levers.throttle_stack(demo_session, parent)
        assert result.ok and sorted(c.function for c in result.changes) == sorted(own + nested)
        assert all(invoke_status(lam, name) == THROTTLED for name in own + nested)
        restore = levers.unthrottle_stack(demo_session, parent)
        assert restore.ok and all(c.after is None for c in restore.changes)
        assert all(reserved_concurrency(demo_session, name) is None for name in own + nested)
    finally:
        for stack in (parent, child):
            try:
                delete_stack(demo_session, stack)
            except ClientError:
                pass  # moto may have removed the child with its parent


def test_audit_entries_are_json_lines(demo_session, functions, state_dir) -> None:
    name = functions(None)
    levers.throttle(demo_session, name)
    line = json.loads((state_dir / "audit.jsonl").read_text().splitlines()[-1])
    assert line["action"] == "throttle" and line["target"].endswith(name)
    assert line["time"] and line["details"]["prior_recorded_in"] == "tag"
