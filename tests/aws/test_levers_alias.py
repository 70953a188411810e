"""Alias traffic: shift the second version's weight, promote, roll back, and conflicts reported
(never overwritten) when someone else changed the alias since it was read."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from stackview import audit
from stackview.aws import levers
from stackview.aws.functions import get_alias, list_aliases
from tests.aws.functions_helpers import make_function, moto_server, session_on


@pytest.fixture(autouse=True)
def state_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("STACKVIEW_STATE_DIR", str(tmp_path / "state"))
    return tmp_path / "state"


def canary(session) -> tuple[str, str, str]:
    """A function with versions 1 and 2 and an alias `live` on version 1."""
    lam = session.client("lambda")
    name = make_function(session)
    first = lam.publish_version(FunctionName=name)["Version"]
    lam.update_function_configuration(FunctionName=name, Description="second")
    second = lam.publish_version(FunctionName=name)["Version"]
    lam.create_alias(FunctionName=name, Name="live", FunctionVersion=first)
    return name, first, second


def executed(lam, name: str) -> str:
    return lam.invoke(FunctionName=name, Qualifier="live", Payload=b"{}")["ExecutedVersion"]


@pytest.mark.demo
def test_shift_promote_and_rollback(demo_endpoint, demo_session) -> None:
    lam = demo_endpoint.client("lambda")
    name, first, second = canary(demo_session)
    alias = get_alias(demo_session, name, "live")
    assert not alias.is_weighted and alias.function_version == first

    shifted = levers.set_alias_weight(demo_session, name, "live", 10, alias.revision_id,
                                      additional_version=second)
    assert shifted.before == alias and shifted.action == "alias-weight"
    assert (shifted.after.function_version, shifted.after.additional_version) == (first, second)
    assert shifted.after.additional_percent == 10.0 and shifted.after.primary_percent == 90.0
    assert get_alias(demo_session, name, "live").additional_weight == pytest.approx(0.1)

    everything = levers.set_alias_weight(demo_session, name, "live", 100)  # keeps the second version
    assert everything.after.additional_weight == 1.0
    assert {executed(lam, name) for _ in range(3)} == {second}
    nothing = levers.set_alias_weight(demo_session, name, "live", 0)
    assert nothing.after.is_weighted and nothing.after.additional_weight == 0.0
    assert {executed(lam, name) for _ in range(3)} == {first}

    levers.set_alias_weight(demo_session, name, "live", 25)
    rolled = levers.rollback_alias(demo_session, name, "live")
    assert rolled.after.function_version == first and not rolled.after.is_weighted
    assert executed(lam, name) == first

    levers.set_alias_weight(demo_session, name, "live", 40, additional_version=second)
    promoted = levers.promote_alias(demo_session, name, "live")
    assert promoted.after.function_version == second and not promoted.after.is_weighted
    assert [(a.name, a.function_version, a.additional_version) for a in list_aliases(demo_session, name)] == [
        ("live", second, None)]
    assert executed(lam, name) == second

    actions = [(e["action"], e["outcome"]) for e in audit.entries()]
    assert actions == [("alias-weight", "ok")] * 3 + [("alias-weight", "ok"), ("alias-rollback", "ok"),
                                                      ("alias-weight", "ok"), ("alias-promote", "ok")]
    last = list(audit.entries())[-1]
    assert last["target"].endswith(f":function:{name}:live")
    assert last["before"]["additional_version"] == second and last["after"]["function_version"] == second


@pytest.mark.demo
def test_a_stale_revision_is_a_conflict_and_changes_nothing(demo_session) -> None:
    name, first, second = canary(demo_session)
    read = get_alias(demo_session, name, "live")
    with pytest.raises(levers.AliasConflict) as conflict:
        levers.set_alias_weight(demo_session, name, "live", 50, "a-revision-read-long-ago",
                                additional_version=second)
    assert conflict.value.error.kind == "conflict" and "someone else" in str(conflict.value)
    for lever in (levers.promote_alias, levers.rollback_alias):
        with pytest.raises(levers.AliasConflict):
            lever(demo_session, name, "live", "a-revision-read-long-ago")
    assert get_alias(demo_session, name, "live") == read


@pytest.mark.demo
@pytest.mark.parametrize("percent,second,fragment", [
    (101, "2", "0 to 100"), (-1, "2", "0 to 100"), (50, None, "no second version"),
    (50, "1", "already the alias' main version"), (50, "$LATEST", "published version"),
])
def test_invalid_shifts_are_refused(demo_session, percent, second, fragment) -> None:
    name, first, _ = canary(demo_session)
    assert first == "1"
    with pytest.raises(levers.LeverRefused) as refused:
        levers.set_alias_weight(demo_session, name, "live", percent, additional_version=second)
    assert fragment in str(refused.value)
    assert not get_alias(demo_session, name, "live").is_weighted


@pytest.mark.demo
def test_promote_needs_a_second_version(demo_session) -> None:
    name, _, _ = canary(demo_session)
    with pytest.raises(levers.LeverRefused, match="no second version"):
        levers.promote_alias(demo_session, name, "live")


@pytest.mark.demo
def test_demo_world_checks_revision_ids(demo_endpoint, demo_session) -> None:
    lam = demo_endpoint.client("lambda")
    name, _, second = canary(demo_session)
    read = lam.get_alias(FunctionName=name, Name="live")["RevisionId"]
    lam.update_alias(FunctionName=name, Name="live", Description="changed by a teammate")
    with pytest.raises(ClientError) as stale:
        lam.update_alias(FunctionName=name, Name="live", RevisionId=read, Description="ours")
    assert stale.value.response["Error"]["Code"] == "PreconditionFailedException"


# -- moto in-process, with the demo world's RevisionId patch -----------------------------------


@pytest.fixture(scope="module")
def patched_moto() -> Iterator[str]:
    from stackview.demo.server import alias_revisions

    alias_revisions.install()
    with moto_server() as url:
        yield url


@pytest.fixture
def moto_session(patched_moto):
    return session_on(patched_moto, "us-east-1", ("moto-key", "moto-secret"))


def test_revision_changes_on_every_update_and_stale_ones_fail(moto_session) -> None:
    lam = moto_session.client("lambda", max_attempts=1)
    name, first, second = canary(moto_session)
    created = lam.get_alias(FunctionName=name, Name="live")["RevisionId"]
    updated = lam.update_alias(FunctionName=name, Name="live", RevisionId=created,
                               RoutingConfig={"AdditionalVersionWeights": {second: 0.2}})
    assert updated["RevisionId"] != created
    with pytest.raises(ClientError) as stale:
        lam.update_alias(FunctionName=name, Name="live", RevisionId=created, FunctionVersion=second)
    assert stale.value.response["Error"]["Code"] == "PreconditionFailedException"
    assert stale.value.response["ResponseMetadata"]["HTTPStatusCode"] == 412
    assert lam.get_alias(FunctionName=name, Name="live")["FunctionVersion"] == first
    without = lam.update_alias(FunctionName=name, Name="live", Description="no revision given")
    assert without["RevisionId"] != updated["RevisionId"]


def test_a_change_between_read_and_write_is_reported_not_overwritten(patched_moto, moto_session) -> None:
    name, first, second = canary(moto_session)
    read = get_alias(moto_session, name, "live")
    teammate = session_on(patched_moto, "us-east-1", ("moto-key", "moto-secret")).client("lambda")

    def teammate_changes_it_first(**_: object) -> None:
        teammate.update_alias(FunctionName=name, Name="live", FunctionVersion=second)

    moto_session.client("lambda").meta.events.register("before-call.lambda.UpdateAlias",
                                                       teammate_changes_it_first)
    with pytest.raises(levers.AliasConflict):
        levers.set_alias_weight(moto_session, name, "live", 30, read.revision_id,
                                additional_version=second)
    now = get_alias(moto_session, name, "live")
    assert (now.function_version, now.additional_version) == (second, None)  # the teammate's change
    (entry,) = audit.entries()
    assert entry["action"] == "alias-weight" and entry["outcome"].startswith("failed:")
