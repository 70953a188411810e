"""Generated events of the record-delivering triggers: SQS, SNS, S3, EventBridge, DynamoDB
streams, Kinesis and CloudWatch Logs subscriptions.

Fields that services derive from others are derived here too, so a handler that checks them
passes: SQS `md5OfBody` is the MD5 of the body, Kinesis `data` is base64 of the record and its
`eventID` ends with the sequence number, a Logs subscription's `awslogs.data` is base64 of the
gzipped payload, ARNs use the caller's account, region and partition.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
from datetime import timedelta
from typing import Any

from stackview.events.ids import EventContext


def sqs(ctx: EventContext) -> dict[str, Any]:
    body = json.dumps({"orderId": f"o-{ctx.digits(6)}", "item": "book-0042", "quantity": 2})
    sent = ctx.epoch_ms()
    return {"Records": [{
        "messageId": ctx.uuid(),
        "receiptHandle": "AQEB" + ctx.b64(120).replace("=", ""),
        "body": body,
        "attributes": {
            "ApproximateReceiveCount": "1",
            "SentTimestamp": str(sent - 35),
            "SenderId": ctx.iam_user_id(),
            "ApproximateFirstReceiveTimestamp": str(sent),
        },
        "messageAttributes": {},
        "md5OfBody": hashlib.md5(body.encode()).hexdigest(),
        "eventSource": "aws:sqs",
        "eventSourceARN": ctx.arn("sqs", "orders-queue"),
        "awsRegion": ctx.region,
    }]}


def sns(ctx: EventContext) -> dict[str, Any]:
    topic = ctx.arn("sns", "order-events")
    subscription = f"{topic}:{ctx.uuid()}"
    endpoint = f"https://sns.{ctx.region}.amazonaws.com"
    return {"Records": [{
        "EventSource": "aws:sns",
        "EventVersion": "1.0",
        "EventSubscriptionArn": subscription,
        "Sns": {
            "Type": "Notification",
            "MessageId": ctx.uuid(),
            "TopicArn": topic,
            "Subject": "Order shipped",
            "Message": json.dumps({"orderId": f"o-{ctx.digits(6)}", "status": "SHIPPED"}),
            "Timestamp": ctx.iso_ms(),
            "SignatureVersion": "1",
            "Signature": ctx.b64(256),
            "SigningCertUrl": f"{endpoint}/SimpleNotificationService-{ctx.hex(32)}.pem",
            "UnsubscribeUrl": f"{endpoint}/?Action=Unsubscribe&SubscriptionArn={subscription}",
            "MessageAttributes": {},
        },
    }]}


def _s3(ctx: EventContext, event_name: str, obj: dict[str, Any]) -> dict[str, Any]:
    bucket = f"uploads-{ctx.account}-{ctx.region}"
    return {"Records": [{
        "eventVersion": "2.1",
        "eventSource": "aws:s3",
        "awsRegion": ctx.region,
        "eventTime": ctx.iso_ms(),
        "eventName": event_name,
        "userIdentity": {"principalId": f"AWS:{ctx.iam_user_id()}"},
        "requestParameters": {"sourceIPAddress": ctx.ip()},
        "responseElements": {"x-amz-request-id": ctx.hex(16, upper=True), "x-amz-id-2": ctx.b64(57)},
        "s3": {
            "s3SchemaVersion": "1.0",
            "configurationId": "uploads-notification",
            "bucket": {
                "name": bucket,
                "ownerIdentity": {"principalId": ctx.alnum(14, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")},
                "arn": f"arn:{ctx.partition}:s3:::{bucket}",
            },
            "object": {"key": "uploads/2026/photo.jpg", **obj, "sequencer": ctx.hex(18, upper=True)},
        },
    }]}


def s3_put(ctx: EventContext) -> dict[str, Any]:
    content = ctx.rng.randbytes(ctx.rng.randint(20_000, 90_000))
    return _s3(ctx, "ObjectCreated:Put", {"size": len(content), "eTag": hashlib.md5(content).hexdigest()})


def s3_delete(ctx: EventContext) -> dict[str, Any]:
    return _s3(ctx, "ObjectRemoved:Delete", {})


def eventbridge(ctx: EventContext) -> dict[str, Any]:
    return {
        "version": "0",
        "id": ctx.uuid(),
        "detail-type": "OrderPlaced",
        "source": "com.example.orders",
        "account": ctx.account,
        "time": ctx.iso_s(),
        "region": ctx.region,
        "resources": [],
        "detail": {"orderId": f"o-{ctx.digits(6)}", "customerId": "c-1024", "total": 42.5, "currency": "EUR"},
    }


def scheduled(ctx: EventContext) -> dict[str, Any]:
    """A schedule rule firing (the shape EventBridge rules and CloudWatch Events send)."""
    fired = ctx.now.replace(second=0, microsecond=0)  # schedules fire on the minute
    return {
        "version": "0",
        "id": ctx.uuid(),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": ctx.account,
        "time": fired.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": ctx.region,
        "resources": [ctx.arn("events", "rule/nightly-report")],
        "detail": {},
    }


def _dynamo_size(*items: dict[str, Any]) -> int:
    """Approximate stream record size: attribute names plus values, as DynamoDB counts them."""
    total = 0
    for item in items:
        for name, typed in item.items():
            (value,) = typed.values()
            total += len(name) + (len(value.encode()) if isinstance(value, str) else 8)
    return total


def dynamodb(ctx: EventContext) -> dict[str, Any]:
    order = f"o-{ctx.digits(6)}"
    keys = {"pk": {"S": f"ORDER#{order}"}, "sk": {"S": "META"}}
    old = {**keys, "status": {"S": "PLACED"}, "total": {"N": "42.5"}}
    new = {**keys, "status": {"S": "SHIPPED"}, "total": {"N": "42.5"}}
    created = ctx.now - timedelta(days=30)
    stream = f"table/Orders/stream/{created:%Y-%m-%dT%H:%M:%S}.{created.microsecond // 1000:03d}"
    return {"Records": [{
        "eventID": ctx.hex(32),
        "eventName": "MODIFY",
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": ctx.region,
        "dynamodb": {
            "ApproximateCreationDateTime": int(ctx.now.timestamp()),
            "Keys": keys,
            "NewImage": new,
            "OldImage": old,
            "SequenceNumber": ctx.digits(21),
            "SizeBytes": _dynamo_size(keys, new, old),
            "StreamViewType": "NEW_AND_OLD_IMAGES",
        },
        "eventSourceARN": ctx.arn("dynamodb", stream),
    }]}


def kinesis(ctx: EventContext) -> dict[str, Any]:
    record = json.dumps({"page": "/checkout", "user": "c-1024", "at": ctx.iso_ms()})
    sequence = ctx.digits(56)
    return {"Records": [{
        "kinesis": {
            "kinesisSchemaVersion": "1.0",
            "partitionKey": "c-1024",
            "sequenceNumber": sequence,
            "data": base64.b64encode(record.encode()).decode(),
            "approximateArrivalTimestamp": ctx.epoch_s(),
        },
        "eventSource": "aws:kinesis",
        "eventVersion": "1.0",
        "eventID": f"shardId-000000000000:{sequence}",
        "eventName": "aws:kinesis:record",
        "invokeIdentityArn": ctx.arn("iam", "role/clickstream-consumer-role", region=False),
        "awsRegion": ctx.region,
        "eventSourceARN": ctx.arn("kinesis", "stream/clickstream"),
    }]}


def cloudwatch_logs_payload(ctx: EventContext) -> dict[str, Any]:
    """What a subscription filter delivers, before gzip and base64 (tests decode to this)."""
    request_id = ctx.uuid()
    at = ctx.epoch_ms()
    stamp = ctx.iso_ms()
    lines = [
        f"START RequestId: {request_id} Version: $LATEST\n",
        f"[ERROR]\t{stamp}\t{request_id}\tpayment declined for order o-{ctx.digits(6)}\n",
    ]
    return {
        "messageType": "DATA_MESSAGE",
        "owner": ctx.account,
        "logGroup": "/aws/lambda/orders-api",
        "logStream": f"{ctx.now:%Y/%m/%d}/[$LATEST]{ctx.hex(32)}",
        "subscriptionFilters": ["errors-to-alerts"],
        "logEvents": [{"id": ctx.digits(56), "timestamp": at + i, "message": line}
                      for i, line in enumerate(lines)],
    }


def cloudwatch_logs(ctx: EventContext) -> dict[str, Any]:
    payload = json.dumps(cloudwatch_logs_payload(ctx)).encode()
    # mtime=0: the same payload compresses to the same bytes (reproducible with a seed)
    return {"awslogs": {"data": base64.b64encode(gzip.compress(payload, mtime=0)).decode()}}
