"""The functions read side without an endpoint: every page is read (botocore's Stubber plays
the pages), responses become models, and "this endpoint lacks the call" is told apart from
"this function does not exist"."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from botocore.exceptions import ClientError
from botocore.stub import Stubber

from stackview.aws import functions
from stackview.aws.session import AwsSession
from stackview.models import Target
from stackview.models.functions import Unavailable, reservation_text, version_sort_key

ARN = "arn:aws:lambda:eu-west-1:123456789012:function:orders"


@pytest.fixture
def stubbed():
    session = AwsSession(Target(region="eu-west-1"), credentials=("a", "b"))
    client = session.client("lambda")
    with Stubber(client) as stubber:
        yield session, stubber
        stubber.assert_no_pending_responses()


def version(number: str, sha: str = "abcdefghijklmnop") -> dict:
    return {"FunctionName": "orders", "FunctionArn": f"{ARN}:{number}", "Version": number,
            "Runtime": "python3.12", "CodeSha256": sha, "Description": f"v{number}",
            "LastModified": "2026-11-23T10:14:51.762+0000"}


def test_versions_are_read_from_every_page_and_ordered(stubbed) -> None:
    session, stubber = stubbed
    stubber.add_response("list_versions_by_function",
                         {"Versions": [version("$LATEST"), version("10")], "NextMarker": "m1"},
                         {"FunctionName": "orders"})
    stubber.add_response("list_versions_by_function", {"Versions": [version("2"), version("9")]},
                         {"FunctionName": "orders", "Marker": "m1"})
    versions = functions.list_versions(session, "orders")
    assert [v.version for v in versions] == ["$LATEST", "2", "9", "10"]
    assert versions[1].description == "v2" and versions[1].short_sha == "abcdefghij"
    assert versions[1].last_modified == datetime(2026, 11, 23, 10, 14, 51, 762000, tzinfo=timezone.utc)


def test_aliases_from_every_page_with_their_routing(stubbed) -> None:
    session, stubber = stubbed
    live = {"AliasArn": f"{ARN}:live", "Name": "live", "FunctionVersion": "4", "RevisionId": "r1",
            "RoutingConfig": {"AdditionalVersionWeights": {"5": 0.1}}}
    beta = {"AliasArn": f"{ARN}:beta", "Name": "beta", "FunctionVersion": "5", "RevisionId": "r2"}
    stubber.add_response("list_aliases", {"Aliases": [live], "NextMarker": "m"}, {"FunctionName": "orders"})
    stubber.add_response("list_aliases", {"Aliases": [beta]}, {"FunctionName": "orders", "Marker": "m"})
    aliases = functions.list_aliases(session, "orders")
    assert [a.name for a in aliases] == ["beta", "live"]
    beta_alias, live_alias = aliases
    assert not beta_alias.is_weighted and beta_alias.additional_version is None
    assert live_alias.is_weighted and live_alias.additional_version == "5"
    assert (live_alias.primary_percent, live_alias.additional_percent) == (90.0, 10.0)
    assert live_alias.revision_id == "r1"


def test_provisioned_configs_from_every_page(stubbed) -> None:
    session, stubber = stubbed
    first = {"FunctionArn": f"{ARN}:live", "RequestedProvisionedConcurrentExecutions": 5,
             "AvailableProvisionedConcurrentExecutions": 2, "AllocatedProvisionedConcurrentExecutions": 2,
             "Status": "IN_PROGRESS"}
    second = {"FunctionArn": f"{ARN}:3", "RequestedProvisionedConcurrentExecutions": 1,
              "Status": "FAILED", "StatusReason": "not enough capacity"}
    stubber.add_response("list_provisioned_concurrency_configs",
                         {"ProvisionedConcurrencyConfigs": [first], "NextMarker": "m"}, {"FunctionName": "orders"})
    stubber.add_response("list_provisioned_concurrency_configs",
                         {"ProvisionedConcurrencyConfigs": [second]}, {"FunctionName": "orders", "Marker": "m"})
    configs = functions.provisioned_concurrency(session, "orders")
    assert [(c.qualifier, c.requested, c.allocated, c.status) for c in configs] == [
        ("3", 1, 0, "FAILED"), ("live", 5, 2, "IN_PROGRESS")]
    assert configs[0].reason == "not enough capacity"


def test_region_functions_from_every_page(stubbed) -> None:
    session, stubber = stubbed
    stubber.add_response("list_functions", {"Functions": [{"FunctionName": "b", "MemorySize": 256}],
                                            "NextMarker": "m"}, {})
    stubber.add_response("list_functions", {"Functions": [{"FunctionName": "a", "Timeout": 30}]},
                         {"Marker": "m"})
    rows = functions.list_functions(session)
    assert [(r.name, r.memory, r.timeout) for r in rows] == [("a", 0, 30), ("b", 256, 0)]
    assert not any(r.reserved_known for r in rows) and not any(r.throttled for r in rows)


def test_configuration_fields_and_log_group(stubbed) -> None:
    session, stubber = stubbed
    config = {
        "FunctionName": "orders", "FunctionArn": ARN, "Runtime": "python3.12", "Handler": "app.handler",
        "Architectures": ["arm64"], "MemorySize": 512, "Timeout": 30, "CodeSize": 2048,
        "CodeSha256": "sha", "State": "Active", "LastModified": "2026-11-23T10:14:51.762398000Z",
        "Role": "arn:aws:iam::123456789012:role/r", "Description": "orders api",
        "Layers": [{"Arn": "arn:aws:lambda:eu-west-1:123456789012:layer:magick:3", "CodeSize": 9}],
        "Environment": {"Variables": {"TABLE": "orders", "API_KEY": "s3cret"}},
        "LoggingConfig": {"LogFormat": "JSON", "LogGroup": "/shared/orders",
                          "ApplicationLogLevel": "DEBUG", "SystemLogLevel": "WARN"},
    }
    stubber.add_response("get_function", {"Configuration": config, "Tags": {"team": "payments"}},
                         {"FunctionName": "orders"})
    fn = functions.get_function(session, "orders")
    assert (fn.runtime, fn.handler, fn.architectures, fn.memory, fn.timeout) == (
        "python3.12", "app.handler", ("arm64",), 512, 30)
    assert fn.environment == (("API_KEY", "s3cret"), ("TABLE", "orders"))
    assert fn.tag("team") == "payments" and fn.layers[0].name == "magick:3"
    assert fn.logging.format == "JSON" and fn.logging.application_level == "DEBUG"
    assert fn.log_group == "/shared/orders"
    assert fn.last_modified == datetime(2026, 11, 23, 10, 14, 51, 762398, tzinfo=timezone.utc)
    stubber.add_response("get_function", {"Configuration": {"FunctionName": "plain", "FunctionArn": ARN}},
                         {"FunctionName": "plain"})
    assert functions.get_function(session, "plain").log_group == "/aws/lambda/plain"


def test_no_reservation_is_none_and_zero_is_throttled(stubbed) -> None:
    session, stubber = stubbed
    stubber.add_response("get_function_concurrency", {}, {"FunctionName": "orders"})
    stubber.add_response("get_function_concurrency", {"ReservedConcurrentExecutions": 0}, {"FunctionName": "orders"})
    assert functions.reserved_concurrency(session, "orders") is None
    assert functions.reserved_concurrency(session, "orders") == 0
    assert [reservation_text(v) for v in (None, 0, 7)] == ["none", "0 (throttled)", "7"]


def client_error(code: str, message: str = "", status: int = 400) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": message},
                        "ResponseMetadata": {"HTTPStatusCode": status}}, "GetAccountSettings")


@pytest.mark.parametrize("error", [
    client_error("404", "<!doctype html><title>404 Not Found</title>", 404),  # plain moto
    client_error("UnknownOperationException", "", 404),
    client_error("InternalFailure", "API action 'GetAccountSettings' for service 'lambda' not yet implemented", 501),
])
def test_missing_operations_are_recognised(error: ClientError) -> None:
    assert functions.endpoint_lacks(error)


@pytest.mark.parametrize("error", [
    client_error("ResourceNotFoundException", "Function not found: arn:...", 404),
    client_error("AccessDeniedException", "no", 403),
    client_error("TooManyRequestsException", "Rate exceeded", 429),
])
def test_real_answers_are_not_mistaken_for_missing_operations(error: ClientError) -> None:
    assert not functions.endpoint_lacks(error)


def test_account_settings_missing_becomes_unavailable(stubbed) -> None:
    session, stubber = stubbed
    stubber.add_client_error("get_account_settings", service_error_code="404", http_status_code=404,
                             service_message="Not Found")
    stubber.add_client_error("get_account_settings", service_error_code="AccessDeniedException",
                             http_status_code=403)
    result = functions.account_concurrency(session)
    assert isinstance(result, Unavailable) and "not available on this endpoint" in result.reason
    with pytest.raises(ClientError):  # a real refusal is not hidden
        functions.account_concurrency(session)


@pytest.mark.parametrize("text,expected", [
    ("2026-11-23T10:14:51.762+0000", datetime(2026, 11, 23, 10, 14, 51, 762000, tzinfo=timezone.utc)),
    ("2026-11-23T10:14:51.762398000Z", datetime(2026, 11, 23, 10, 14, 51, 762398, tzinfo=timezone.utc)),
    ("2026-11-23T10:14:51+0100", datetime.fromisoformat("2026-11-23T10:14:51+01:00")),
    ("", None), (None, None), ("yesterday", None),
])
def test_lambda_timestamps(text, expected) -> None:
    assert functions.parse_time(text) == expected


def test_version_sort_key_orders_oldest_to_newest_with_latest_newest() -> None:
    versions = ["10", "$LATEST", "2", "1"]
    assert sorted(versions, key=version_sort_key) == ["1", "2", "10", "$LATEST"]
    assert sorted(versions, key=version_sort_key, reverse=True) == ["$LATEST", "10", "2", "1"]
    assert max(["9", "10"], key=version_sort_key) == "10"
