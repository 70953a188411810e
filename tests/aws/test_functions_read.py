"""The functions read side against both kinds of endpoint: the demo world (which has account
settings and provisioned concurrency) and plain moto (which has neither: "not available on this
endpoint", while everything else keeps working)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from botocore.exceptions import ClientError

from stackview.aws import functions
from stackview.aws.levers import set_reserved_concurrency
from stackview.models.functions import AccountConcurrency, Unavailable
from tests.aws.functions_helpers import delete_stack, make_function, make_stack, moto_server, session_on, unique


@pytest.fixture(scope="module")
def plain_moto() -> Iterator[str]:
    with moto_server() as url:
        yield url


@pytest.fixture
def moto_session(plain_moto):
    return session_on(plain_moto, "us-east-1", ("moto-key", "moto-secret"))


def test_plain_moto_lacks_account_settings_and_provisioned_concurrency(moto_session) -> None:
    name = make_function(moto_session)
    account = functions.account_concurrency(moto_session)
    assert isinstance(account, Unavailable) and "not available on this endpoint" in account.reason
    provisioned = functions.provisioned_concurrency(moto_session, name)
    assert isinstance(provisioned, Unavailable) and "not available on this endpoint" in provisioned.reason
    # The rest of the function's screen still works there.
    assert functions.get_function(moto_session, name).name == name
    assert [v.version for v in functions.list_versions(moto_session, name)] == ["$LATEST"]
    assert functions.reserved_concurrency(moto_session, name) is None


def test_a_missing_function_is_an_error_not_an_unavailable_call(moto_session, demo_session) -> None:
    for session in (moto_session, demo_session):
        with pytest.raises(ClientError) as missing:
            functions.get_function(session, unique("nope"))
        assert missing.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_plain_moto_reservation_refused_by_the_service(moto_session, monkeypatch, tmp_path) -> None:
    """Without GetAccountSettings the service's own refusal is described (moto enforces the
    100-unreserved rule when given a quota)."""
    from stackview.aws.levers import ConcurrencyRefused

    monkeypatch.setenv("STACKVIEW_STATE_DIR", str(tmp_path))
    monkeypatch.setenv("MOTO_LAMBDA_CONCURRENCY_QUOTA", "1000")
    name = make_function(moto_session)
    with pytest.raises(ConcurrencyRefused) as refused:
        set_reserved_concurrency(moto_session, name, 950)
    message = str(refused.value)
    assert "at least 100" in message and "does not report the account's unreserved pool" in message
    assert functions.reserved_concurrency(moto_session, name) is None
    assert set_reserved_concurrency(moto_session, name, 900).after == 900
    set_reserved_concurrency(moto_session, name, None)


@pytest.mark.demo
def test_demo_account_settings_follow_reservations(demo_session) -> None:
    lam = demo_session.client("lambda")
    name = make_function(demo_session)
    before = functions.account_concurrency(demo_session)
    assert isinstance(before, AccountConcurrency) and before.limit == 1000
    lam.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=10)
    after = functions.account_concurrency(demo_session)
    assert after.unreserved == before.unreserved - 10 and after.reserved == before.reserved + 10
    lam.delete_function(FunctionName=name)


@pytest.mark.demo
def test_demo_provisioned_concurrency_per_alias(demo_session) -> None:
    lam = demo_session.client("lambda")
    name = make_function(demo_session)
    assert functions.provisioned_concurrency(demo_session, name) == []
    version = lam.publish_version(FunctionName=name)["Version"]
    lam.create_alias(FunctionName=name, Name="live", FunctionVersion=version)
    lam.put_provisioned_concurrency_config(FunctionName=name, Qualifier="live",
                                           ProvisionedConcurrentExecutions=2)
    (config,) = functions.provisioned_concurrency(demo_session, name)
    assert (config.qualifier, config.requested) == ("live", 2)
    assert config.status in ("IN_PROGRESS", "READY") and config.last_modified is not None
    lam.delete_function(FunctionName=name)


@pytest.mark.demo
def test_demo_configuration_versions_and_tags(demo_session) -> None:
    lam = demo_session.client("lambda")
    name = make_function(demo_session, Environment={"Variables": {"TABLE": "orders", "TOKEN": "t0p"}},
                         Tags={"team": "payments"}, MemorySize=256, Description="orders worker",
                         LoggingConfig={"LogFormat": "JSON", "LogGroup": "/shared/workers"})
    lam.publish_version(FunctionName=name, Description="first")
    lam.update_function_configuration(FunctionName=name, MemorySize=512)
    lam.publish_version(FunctionName=name, Description="second")
    fn = functions.get_function(demo_session, name)
    assert (fn.runtime, fn.handler, fn.memory, fn.timeout) == ("python3.11", "app.handler", 512, 5)
    assert fn.environment == (("TABLE", "orders"), ("TOKEN", "t0p"))
    assert fn.tag("team") == "payments" and fn.description == "orders worker"
    assert fn.logging.format == "JSON" and fn.log_group == "/shared/workers"
    assert fn.code_size > 0 and fn.code_sha256 and fn.state == "Active" and fn.last_modified
    versions = functions.list_versions(demo_session, name)
    assert [(v.version, v.description) for v in versions][1:] == [("1", "first"), ("2", "second")]
    assert all(v.code_sha256 == fn.code_sha256 and v.runtime == "python3.11" for v in versions)
    assert name in {row.name for row in functions.list_functions(demo_session)}
    lam.delete_function(FunctionName=name)


@pytest.mark.demo
def test_demo_stack_functions_with_reservations(demo_session) -> None:
    lam = demo_session.client("lambda")
    stack, names = make_stack(demo_session, functions=3)
    try:
        throttled, reserved, gone = names
        lam.put_function_concurrency(FunctionName=throttled, ReservedConcurrentExecutions=0)
        lam.put_function_concurrency(FunctionName=reserved, ReservedConcurrentExecutions=4)
        lam.delete_function(FunctionName=gone)
        rows = {row.name: row for row in functions.stack_functions(demo_session, stack)}
        assert set(rows) == set(names)
        assert rows[throttled].throttled and rows[throttled].reserved_concurrency == 0
        assert rows[reserved].reserved_concurrency == 4 and not rows[reserved].throttled
        assert rows[reserved].runtime == "python3.11" and rows[reserved].timeout == 3
        assert rows[reserved].logical_id.startswith("Worker") and rows[reserved].last_modified
        assert rows[gone].error and not rows[gone].reserved_known and not rows[gone].throttled
    finally:
        delete_stack(demo_session, stack)
