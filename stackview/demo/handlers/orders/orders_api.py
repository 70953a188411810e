"""The orders REST API behind API Gateway: create an order, read one, list a customer's.

POST /orders stores the order (status NEW) and queues it for the fulfilment worker;
GET /orders/{orderId} reads it back; GET /orders?customerId=... scans (slowly) for a customer.
"""

import json
import logging
import os
import time
import uuid
from decimal import Decimal

import boto3
from boto3.dynamodb.conditions import Attr

logger = logging.getLogger()
logger.setLevel(logging.INFO)

table = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])
sqs = boto3.client("sqs")
QUEUE_URL = os.environ["QUEUE_URL"]


class InvalidOrder(ValueError):
    pass


def _response(status, body):
    return {"statusCode": status, "headers": {"Content-Type": "application/json"},
            "body": json.dumps(body, default=str)}


def _validated(order):
    if not order.get("customerId"):
        raise InvalidOrder("customerId is required")
    items = order.get("items") or []
    if not items:
        raise InvalidOrder("an order needs at least one item")
    for item in items:
        quantity = item.get("quantity")
        if not isinstance(quantity, int) or quantity < 1:
            raise InvalidOrder(f"quantity of {item.get('sku')} must be a positive integer, not {quantity!r}")
    return items


def create_order(event, context):
    order = json.loads(event.get("body") or "{}")
    try:
        items = _validated(order)
    except InvalidOrder as problem:
        logger.error("Invalid order from %s: %s", order.get("customerId", "?"), problem)
        return _response(400, {"message": str(problem)})
    # Prices arrive as strings; Decimal keeps cents exact (DynamoDB refuses floats anyway).
    total = sum(Decimal(str(item["price"])) * item["quantity"] for item in items)
    order_id = "o-" + uuid.uuid4().hex[:10]
    table.put_item(Item={
        "orderId": order_id, "customerId": order["customerId"], "status": "NEW",
        "items": json.dumps(items), "total": total, "currency": order.get("currency", "EUR"),
        "createdAt": int(time.time()),
    })
    sqs.send_message(
        QueueUrl=QUEUE_URL,
        MessageBody=json.dumps({"orderId": order_id, "customerId": order["customerId"],
                                "total": str(total), "items": len(items)}),
        MessageAttributes={"correlationId": {"DataType": "String",
                                             "StringValue": context.aws_request_id}},
    )
    logger.info("Created order %s for %s: %d items, total %s", order_id, order["customerId"],
                len(items), total)
    return _response(201, {"orderId": order_id, "total": str(total)})


def get_order(event, context):
    order_id = event["pathParameters"]["orderId"]
    item = table.get_item(Key={"orderId": order_id}).get("Item")
    if item is None:
        logger.warning("Order %s not found", order_id)
        return _response(404, {"message": f"order {order_id} not found"})
    return _response(200, item)


def list_orders(event, context):
    customer = (event.get("queryStringParameters") or {}).get("customerId", "")
    started = time.monotonic()
    found = table.scan(FilterExpression=Attr("customerId").eq(customer)).get("Items", [])
    elapsed = (time.monotonic() - started) * 1000
    if elapsed > 500:
        logger.warning("Slow scan for customer %s: %.0f ms", customer, elapsed)
    print(f"Listed {len(found)} orders of {customer}")
    return _response(200, {"orders": found})


ROUTES = {
    ("POST", "/orders"): create_order,
    ("GET", "/orders/{orderId}"): get_order,
    ("GET", "/orders"): list_orders,
}


def handler(event, context):
    route = ROUTES.get((event["httpMethod"], event["resource"]))
    if route is None:
        logger.error("No route for %s %s", event["httpMethod"], event["resource"])
        return _response(404, {"message": "not found"})
    return route(event, context)
