"""Generated events: every kind builds, fields that derive from others agree, ARNs and times
belong to the session's account, region and now."""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import re
from datetime import datetime, timezone

import pytest

from stackview.events import generated
from stackview.events.ids import EventContext
from stackview.models.arns import partition_of

NOW = datetime(2026, 3, 4, 5, 6, 7, 891000, tzinfo=timezone.utc)
ACCOUNT, REGION = "111122223333", "eu-west-1"
ARN = re.compile(r"^arn:(aws|aws-cn|aws-us-gov):[a-z0-9-]+:([a-z0-9-]*):(\d{12})?:.+$")


def build(kind: str, **kwargs):
    return generated.build(kind, account=ACCOUNT, region=REGION, now=NOW, seed=3, **kwargs)


def arns(value) -> list[str]:
    found: list[str] = []
    if isinstance(value, dict):
        for item in value.values():
            found += arns(item)
    elif isinstance(value, list):
        for item in value:
            found += arns(item)
    elif isinstance(value, str) and value.startswith("arn:"):
        found.append(value)
    return found


def test_the_catalogue_names_twelve_triggers_with_descriptions() -> None:
    assert generated.kinds() == [
        "apigw-rest", "apigw-http", "alb", "sqs", "sns", "s3-put", "s3-delete", "eventbridge",
        "scheduled", "dynamodb", "kinesis", "cloudwatch-logs"]
    assert all(g.title and g.description for g in generated.CATALOGUE)


@pytest.mark.parametrize("kind", generated.kinds())
def test_every_kind_is_json_with_arns_in_our_account_and_region(kind: str) -> None:
    event = generated.generate(kind, account=ACCOUNT, region=REGION, now=NOW, seed=1)
    assert event.source == "generated" and event.name == kind
    value = json.loads(event.text)
    assert event.text.startswith("{\n  ")  # pretty, ready to edit
    for arn in arns(value):
        match = ARN.match(arn)
        assert match, arn
        assert match.group(2) in ("", REGION), arn
        assert match.group(3) in (None, ACCOUNT), arn


@pytest.mark.parametrize("kind", generated.kinds())
def test_a_seed_reproduces_the_event_and_another_seed_changes_ids(kind: str) -> None:
    first = generated.generate(kind, now=NOW, seed=5).text
    assert generated.generate(kind, now=NOW, seed=5).text == first
    assert generated.generate(kind, now=NOW, seed=6).text != first


def test_unknown_kind_lists_the_choices() -> None:
    with pytest.raises(generated.UnknownKind, match="choose one of: apigw-rest, apigw-http"):
        generated.generate("carrier-pigeon")


def test_sqs_md5_of_body_and_timestamps() -> None:
    record = build("sqs")["Records"][0]
    assert record["md5OfBody"] == hashlib.md5(record["body"].encode()).hexdigest()
    assert json.loads(record["body"])["quantity"] == 2
    assert record["attributes"]["ApproximateFirstReceiveTimestamp"] == str(int(NOW.timestamp() * 1000))
    assert int(record["attributes"]["SentTimestamp"]) < int(record["attributes"]["ApproximateFirstReceiveTimestamp"])
    assert record["eventSourceARN"] == f"arn:aws:sqs:{REGION}:{ACCOUNT}:orders-queue"
    assert record["awsRegion"] == REGION


def test_sns_urls_and_arns_agree() -> None:
    record = build("sns")["Records"][0]
    sns = record["Sns"]
    assert record["EventSubscriptionArn"].startswith(sns["TopicArn"] + ":")
    assert sns["UnsubscribeUrl"].endswith("SubscriptionArn=" + record["EventSubscriptionArn"])
    assert sns["SigningCertUrl"].startswith(f"https://sns.{REGION}.amazonaws.com/")
    assert sns["Timestamp"] == "2026-03-04T05:06:07.891Z"


def test_s3_put_and_delete() -> None:
    put = build("s3-put")["Records"][0]
    delete = build("s3-delete")["Records"][0]
    assert put["eventName"] == "ObjectCreated:Put" and delete["eventName"] == "ObjectRemoved:Delete"
    assert put["s3"]["object"]["size"] > 0 and re.fullmatch(r"[0-9a-f]{32}", put["s3"]["object"]["eTag"])
    assert set(delete["s3"]["object"]) == {"key", "sequencer"}
    bucket = put["s3"]["bucket"]
    assert bucket["arn"] == f"arn:aws:s3:::{bucket['name']}"
    assert put["eventTime"] == "2026-03-04T05:06:07.891Z" and put["awsRegion"] == REGION


def test_api_gateway_rest_is_self_consistent() -> None:
    event = build("apigw-rest")
    context = event["requestContext"]
    assert event["path"] == event["resource"].replace("{customerId}", event["pathParameters"]["customerId"])
    assert context["path"] == f"/{context['stage']}{event['path']}"
    assert context["domainName"] == f"{context['apiId']}.execute-api.{REGION}.amazonaws.com"
    assert event["headers"]["Host"] == context["domainName"]
    assert event["multiValueHeaders"]["Host"] == [context["domainName"]]
    assert context["requestTime"] == "04/Mar/2026:05:06:07 +0000"
    assert context["requestTimeEpoch"] == int(NOW.timestamp() * 1000)
    assert context["accountId"] == ACCOUNT
    assert json.loads(event["body"])["item"] == "book-0042"


def test_http_api_v2_is_self_consistent() -> None:
    event = build("apigw-http")
    context = event["requestContext"]
    assert event["version"] == "2.0" and event["routeKey"] == context["routeKey"]
    assert event["routeKey"].split(" ", 1) == [context["http"]["method"], "/customers/{customerId}/orders"]
    assert event["rawPath"] == context["http"]["path"] == "/customers/c-1024/orders"
    assert event["headers"]["content-length"] == str(len(event["body"].encode()))
    assert event["rawQueryString"] == "dryRun=false" and event["queryStringParameters"] == {"dryRun": "false"}
    assert context["timeEpoch"] == int(NOW.timestamp() * 1000)


def test_alb_target_group_arn() -> None:
    event = build("alb")
    arn = event["requestContext"]["elb"]["targetGroupArn"]
    assert re.fullmatch(rf"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:targetgroup/orders-api/[0-9a-f]{{16}}", arn)
    assert event["headers"]["host"].endswith(f".{REGION}.elb.amazonaws.com")


def test_eventbridge_and_scheduled() -> None:
    custom = build("eventbridge")
    assert custom["time"] == "2026-03-04T05:06:07Z" and custom["account"] == ACCOUNT
    schedule = build("scheduled")
    assert schedule["source"] == "aws.events" and schedule["detail-type"] == "Scheduled Event"
    assert schedule["time"] == "2026-03-04T05:06:00Z"  # on the minute
    assert schedule["resources"] == [f"arn:aws:events:{REGION}:{ACCOUNT}:rule/nightly-report"]


def test_dynamodb_stream_record() -> None:
    record = build("dynamodb")["Records"][0]
    stream = record["dynamodb"]
    assert record["eventName"] == "MODIFY" and stream["StreamViewType"] == "NEW_AND_OLD_IMAGES"
    for image in (stream["NewImage"], stream["OldImage"]):
        assert {k: image[k] for k in stream["Keys"]} == stream["Keys"]
    assert stream["ApproximateCreationDateTime"] == int(NOW.timestamp())
    assert stream["SizeBytes"] > 0
    assert re.fullmatch(rf"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/Orders/stream/\d{{4}}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{{3}}",
                        record["eventSourceARN"])


def test_kinesis_data_is_base64_and_event_id_carries_the_sequence() -> None:
    record = build("kinesis")["Records"][0]
    data = json.loads(base64.b64decode(record["kinesis"]["data"]))
    assert data["page"] == "/checkout"
    assert record["eventID"] == "shardId-000000000000:" + record["kinesis"]["sequenceNumber"]
    assert record["kinesis"]["approximateArrivalTimestamp"] == round(NOW.timestamp(), 3)
    assert record["invokeIdentityArn"] == f"arn:aws:iam::{ACCOUNT}:role/clickstream-consumer-role"


def test_cloudwatch_logs_data_is_base64_gzip_of_the_payload() -> None:
    data = build("cloudwatch-logs")["awslogs"]["data"]
    payload = json.loads(gzip.decompress(base64.b64decode(data)))
    assert payload["messageType"] == "DATA_MESSAGE" and payload["owner"] == ACCOUNT
    assert payload["logStream"].startswith("2026/03/04/[$LATEST]")
    request_id = payload["logEvents"][0]["message"].split()[2]
    assert all(request_id in e["message"] for e in payload["logEvents"])
    assert payload["logEvents"][0]["timestamp"] == int(NOW.timestamp() * 1000)


def test_partitions_follow_the_region() -> None:
    assert partition_of("cn-north-1") == "aws-cn" and partition_of("us-gov-west-1") == "aws-us-gov"
    china = generated.build("sqs", account=ACCOUNT, region="cn-north-1", seed=1)
    assert china["Records"][0]["eventSourceARN"].startswith("arn:aws-cn:sqs:cn-north-1:")


def test_naive_now_is_taken_as_utc() -> None:
    context = EventContext(now=datetime(2026, 1, 2, 3, 4, 5))
    assert context.iso_s() == "2026-01-02T03:04:05Z"
