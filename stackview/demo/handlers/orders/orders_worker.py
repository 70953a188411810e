"""The fulfilment worker: takes orders off the SQS queue, charges them, marks them done.

Logs the way AWS Lambda Powertools' Logger does (one JSON object per line with service,
cold_start, function_request_id, xray_trace_id and correlation_id), which is why the function's
LoggingConfig is LogFormat JSON: the platform records are JSON too, and CloudWatch Logs
Insights and filter patterns such as `{ $.level = "ERROR" }` work on every line.

The event source mapping has ReportBatchItemFailures on: a message whose body is not an order
(a hand-made test message, another producer's format) is logged and reported back by its
messageId, so SQS retries and then dead-letters only that message instead of failing the
whole batch, and the good orders of the batch are charged once.

Build 2.4.0 (feature "bundle-discount") takes 5% off orders of two items or more. It multiplies
a Decimal by a float, which Python refuses with a TypeError; that error is not an InvalidOrder,
so it escapes the loop and fails the whole batch, the good orders with it.
"""

import json
import os
import random
import sys
import time
from datetime import datetime, timezone
from decimal import Decimal

import boto3
from build_info import FEATURES

table = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])
#: Orders above this are refused by the (simulated) payment provider's fraud limit.
DECLINE_ABOVE = float(os.environ.get("PAYMENT_LIMIT", "900"))
#: Orders with more items than this go through the slow manual-review path.
REVIEW_ITEMS = 20
#: 2.4.0: orders of at least BUNDLE_ITEMS items get this discount.
BUNDLE_DISCOUNT = 0.05
BUNDLE_ITEMS = 2


class StructuredLogger:
    """A small stand-in for aws_lambda_powertools.Logger (the demo ships stdlib-only code)."""

    def __init__(self, service, level="INFO"):
        self.service = service
        self.level = {"DEBUG": 10, "INFO": 20, "WARNING": 30, "ERROR": 40}.get(level.upper(), 20)
        self.keys = {}
        self.cold_start = True

    def inject_context(self, context):
        self.keys = {
            "cold_start": self.cold_start,
            "function_name": context.function_name,
            "function_memory_size": str(context.memory_limit_in_mb),
            "function_arn": context.invoked_function_arn,
            "function_request_id": context.aws_request_id,
        }
        self.cold_start = False

    def set_correlation_id(self, value):
        self.keys["correlation_id"] = value

    def _log(self, level, number, message, extra):
        if number < self.level:
            return
        caller = sys._getframe(2)
        now = datetime.now(timezone.utc)
        record = {
            "level": level,
            "location": f"{caller.f_code.co_name}:{caller.f_lineno}",
            "message": message,
            "timestamp": now.strftime("%Y-%m-%d %H:%M:%S,") + f"{now.microsecond // 1000:03d}+0000",
            "service": self.service,
            **self.keys,
        }
        trace = os.environ.get("_X_AMZN_TRACE_ID", "")
        if trace.startswith("Root="):
            record["xray_trace_id"] = trace.split(";")[0][5:]
        record.update(extra)
        print(json.dumps(record, default=str))

    def info(self, message, **extra):
        self._log("INFO", 20, message, extra)

    def warning(self, message, **extra):
        self._log("WARNING", 30, message, extra)

    def error(self, message, **extra):
        self._log("ERROR", 40, message, extra)


logger = StructuredLogger(os.environ.get("POWERTOOLS_SERVICE_NAME", "orders"),
                          os.environ.get("POWERTOOLS_LOG_LEVEL", "INFO"))


class InvalidOrder(ValueError):
    """A message body that is not an order this worker can charge (retrying cannot help)."""


def parse_order(body):
    """The order in a message body, checked for the fields charging needs."""
    try:
        order = json.loads(body)
    except (TypeError, ValueError) as error:
        raise InvalidOrder(f"body is not JSON ({error})") from None
    if not isinstance(order, dict):
        raise InvalidOrder(f"body is a JSON {type(order).__name__}, not an object")
    missing = [key for key in ("orderId", "total") if key not in order]
    if missing:
        raise InvalidOrder("missing " + ", ".join(missing))
    if not isinstance(order["orderId"], str) or not order["orderId"].startswith("o-"):
        raise InvalidOrder(f"orderId {order['orderId']!r} is not an order id")
    try:
        float(order["total"])
    except (TypeError, ValueError):
        raise InvalidOrder(f"total {order['total']!r} is not an amount") from None
    if not isinstance(order.get("items", 0), int):
        raise InvalidOrder(f"items {order['items']!r} is not a count")
    return order


def amount_due(order):
    """What to charge: the order's total, less the bundle discount on orders of several items."""
    total = Decimal(order["total"])
    if "bundle-discount" in FEATURES and order.get("items", 0) >= BUNDLE_ITEMS:
        total = total * (1 - BUNDLE_DISCOUNT)
    return total


def charge(order, due):
    """The payment provider's answer (simulated: latency, a fraud limit, manual review)."""
    time.sleep(random.uniform(0.04, 0.25))
    if order.get("items", 0) > REVIEW_ITEMS:
        logger.warning("Large order sent to manual review", items=order["items"])
        time.sleep(0.5 * order["items"])
    if float(due) > DECLINE_ABOVE:
        return False, "amount above the card's fraud limit"
    return True, "ch_" + order["orderId"][2:]


def process(record):
    attributes = record.get("messageAttributes") or {}
    correlation = attributes.get("correlationId", {}).get("stringValue") or record["messageId"]
    logger.set_correlation_id(correlation)
    order = parse_order(record["body"])
    due = amount_due(order)
    ok, detail = charge(order, due)
    if not ok:
        logger.error("Payment declined", order_id=order["orderId"], reason=detail,
                     total=order["total"])
        status = "PAYMENT_DECLINED"
    else:
        logger.info("Payment captured", order_id=order["orderId"], charge_id=detail)
        status = "FULFILLED"
    table.update_item(Key={"orderId": order["orderId"]}, UpdateExpression="SET #s = :s",
                      ExpressionAttributeNames={"#s": "status"},
                      ExpressionAttributeValues={":s": status})
    logger.info("Order updated", order_id=order["orderId"], status=status)


def handler(event, context):
    logger.inject_context(context)
    records = event.get("Records", [])
    logger.info("Processing batch", batch_size=len(records))
    failures = []
    for record in records:
        try:
            process(record)
        except InvalidOrder as problem:
            logger.error("Invalid order message", message_id=record["messageId"], reason=str(problem))
            failures.append({"itemIdentifier": record["messageId"]})
    return {"batchItemFailures": failures}
