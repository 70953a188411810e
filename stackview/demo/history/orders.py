"""Past invocations of the orders app, line for line what its handlers log.

The API (text logs, through its `live` alias with provisioned concurrency) creates, reads and
lists orders; a created order is queued (history.queues simulates the queue and Lambda's
poller) and the worker (Powertools-style JSON logs, LogFormat JSON; the queue's event source
mapping names its `live` alias) charges each batch a moment later, with the API's request id as
correlation id. Every queued order is valid, so the worker's partial batch failures (messages
that are not orders) never show here: only hand-made messages cause them. Orders above the
payment limit are declined (handled, logged at ERROR); orders of more than 20 lines go to
manual review and run into the worker's 10-second timeout; a DynamoDB throttle now and then is
an unhandled ClientError with botocore's frames. Each of those fails its whole batch.
Build 2.4.0 (the incident) fails on the first order of two items or more with the TypeError the
handler really raises (a Decimal times a float), so nearly every batch fails after its deploy.
"""

from __future__ import annotations

import random
from decimal import Decimal

from stackview.demo.history.common import (
    BOTOCORE,
    Entry,
    Plan,
    botocore_frames,
    error_body,
    frame,
    hex_id,
    library_frame,
    line_of,
)
from stackview.demo.history.sim import Call, FollowUp, World
from stackview.demo.seed import catalog

APP = "orders"
#: Where created orders go: the simulated queue the worker's mapping polls.
QUEUE = f"sqs:{catalog.ORDERS_QUEUE}"
BUNDLE_ERROR = "unsupported operand type(s) for *: 'decimal.Decimal' and 'float'"
BOTO3 = BOTOCORE.replace("/botocore", "/boto3")
PAYMENT_LIMIT = Decimal("900")
#: (sku, price): the catalogue the shop sells.
PRODUCTS = (("SKU-1042", "19.90"), ("SKU-2210", "4.50"), ("SKU-3307", "129.00"), ("SKU-4188", "59.95"),
            ("SKU-5020", "8.99"), ("SKU-6603", "249.00"), ("SKU-7719", "1299.00"), ("SKU-8801", "2.49"))
THROTTLED_PUT = ("An error occurred (ProvisionedThroughputExceededException) when calling the PutItem "
                 "operation (reached max retries: 3): Throughput exceeds the current capacity of your "
                 "table or index. DynamoDB is automatically scaling your table or index so please try "
                 "again shortly. If exceptions persist, check if you have a hot partition: "
                 "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HotPartitions.html")
THROTTLED_UPDATE = ("An error occurred (ThrottlingException) when calling the UpdateItem operation "
                    "(reached max retries: 3): Rate of requests exceeds the allowed throughput.")


def _boto3_resource_frames() -> list[str]:
    """The frames of a boto3 resource action (Table.put_item) down to botocore."""
    return [
        library_frame(f"{BOTO3}/resources/factory.py", 581, "do_action",
                      "response = action(self, *args, **kwargs)"),
        library_frame(f"{BOTO3}/resources/action.py", 88, "__call__",
                      "response = getattr(parent.meta.client, operation_name)(*args, **params)"),
        *botocore_frames(),
    ]


def _customer(rng: random.Random) -> str:
    return f"c-{rng.randint(1001, 1250)}"


def _items(rng: random.Random, bulk: float = 0.005) -> list[tuple[str, str, int]]:
    if rng.random() < bulk:  # a reseller's bulk order: manual review
        return [(sku, price, rng.randint(1, 3)) for sku, price in rng.choices(PRODUCTS[:6], k=rng.randint(21, 24))]
    pool = PRODUCTS if rng.random() < 0.05 else PRODUCTS[:6] + PRODUCTS[7:]
    return [(sku, price, rng.choice((1, 1, 1, 2, 3))) for sku, price in rng.sample(pool, rng.randint(1, 4))]


def _invalid(rng: random.Random) -> tuple[str, str]:
    """(customer as logged, problem) of a request that fails validation."""
    roll = rng.random()
    if roll < 0.2:
        return "?", "customerId is required"
    if roll < 0.45:
        return _customer(rng), "an order needs at least one item"
    sku, _ = rng.choice(PRODUCTS)
    quantity = rng.choice((0, -1, "2", 1.5))
    return _customer(rng), f"quantity of {sku} must be a positive integer, not {quantity!r}"


def _create(rng: random.Random, rid: str) -> Plan:
    if rng.random() < 0.08:
        customer, problem = _invalid(rng)
        return Plan([Entry(rng.uniform(0.5, 2), "app", f"Invalid order from {customer}: {problem}",
                           "ERROR")], duration_ms=rng.uniform(2, 6), handled_error=True)
    customer, items = _customer(rng), _items(rng)
    if rng.random() < 0.005:
        frames = [frame(APP, "orders_api", "handler", "return route(event, context)"),
                  frame(APP, "orders_api", "create_order", "table.put_item(Item={"),
                  *_boto3_resource_frames()]
        return Plan([], duration_ms=rng.uniform(900, 2400), outcome="error",
                    error=error_body("ClientError", THROTTLED_PUT, frames, rid))
    total = sum(Decimal(price) * quantity for _, price, quantity in items)
    order_id = "o-" + hex_id(rng, 10)
    duration = rng.uniform(28, 95)
    plan = Plan([Entry(duration - rng.uniform(0.3, 1.5), "app",
                       f"Created order {order_id} for {customer}: {len(items)} items, total {total}")],
                duration_ms=duration)
    order = {"orderId": order_id, "customerId": customer, "total": str(total), "items": len(items)}
    # SendMessage returns a few milliseconds before the function does (-duration + a little).
    plan.follow_ups.append(FollowUp(-rng.randint(2, 8), QUEUE, "send", {"order": order, "correlation": rid}))
    return plan


def old_order(rng: random.Random) -> tuple[dict[str, str | int], str]:
    """An order (and its API request id) queued long before the history: a redriven one."""
    from stackview.demo.history.common import request_id

    items = _items(rng, bulk=0.0)
    total = sum(Decimal(price) * quantity for _, price, quantity in items)
    order = {"orderId": "o-" + hex_id(rng, 10), "customerId": _customer(rng), "total": str(total),
             "items": len(items)}
    return order, request_id(rng)


def orders_api(rng: random.Random, world: World, call: Call, rid: str, version: str) -> Plan:
    roll = 0.0 if call.kind == "create" else rng.random()
    if roll < 0.45:
        return _create(rng, rid)
    if roll < 0.8:
        duration = rng.uniform(7, 28)
        if rng.random() < 0.04:
            order_id = "o-" + hex_id(rng, 10)
            return Plan([Entry(duration - 0.5, "app", f"Order {order_id} not found", "WARNING")],
                        duration_ms=duration, handled_error=True)
        return Plan([], duration_ms=duration)
    customer = _customer(rng)
    scan = rng.uniform(520, 1400) if rng.random() < 0.1 else rng.uniform(40, 260)
    entries = []
    if scan > 500:
        entries.append(Entry(scan + 0.2, "app", f"Slow scan for customer {customer}: {scan:.0f} ms",
                             "WARNING"))
    entries.append(Entry(scan + 0.4, "print", f"Listed {rng.randint(0, 14)} orders of {customer}"))
    return Plan(entries, duration_ms=scan + rng.uniform(1, 4))


def _powertools(at: float, level: str, function: str, code: str, message: str,
                **extra: object) -> Entry:
    location = f"{function}:{line_of(APP, 'orders_worker', code)}"
    return Entry(at, "powertools", message, level, location, dict(extra))


def _features(version: str) -> tuple[str, ...]:
    spec = catalog.BY_NAME[catalog.ORDERS_WORKER]
    if version.isdigit() and 1 <= int(version) <= len(spec.versions):
        return spec.versions[int(version) - 1].features
    return spec.versions[-1].features


def orders_worker(rng: random.Random, world: World, call: Call, rid: str, version: str) -> Plan:
    """One batch of the queue: each record charged in turn until one fails the batch."""
    records = call.params["records"]
    at = rng.uniform(0.3, 1.0)
    entries = [_powertools(at, "INFO", "handler", 'logger.info("Processing batch", batch_size=len(records))',
                           "Processing batch", batch_size=len(records))]
    correlation = None
    for index, item in enumerate(records):
        order, correlation = item["order"], item["correlation"]
        failed = _charge_one(rng, entries, at, order, correlation, _features(version), rid, index == 0)
        at = entries[-1].offset_ms
        if isinstance(failed, Plan):
            failed.entries = entries
            failed.correlation_id = correlation
            return failed
    return Plan(entries, duration_ms=at + rng.uniform(0.5, 2), correlation_id=correlation)


def _charge_one(rng: random.Random, entries: list[Entry], at: float, order: dict, correlation: str,
                features: tuple[str, ...], rid: str, first: bool) -> Plan | None:
    """Log one record's processing into `entries`; a Plan when it fails the batch."""
    if "bundle-discount" in features and order["items"] >= 2:
        frames = [frame(APP, "orders_worker", "handler", "process(record)"),
                  frame(APP, "orders_worker", "process", "due = amount_due(order)"),
                  frame(APP, "orders_worker", "amount_due", "total = total * (1 - BUNDLE_DISCOUNT)")]
        return Plan([], duration_ms=at + rng.uniform(0.4, 1.5), outcome="error",
                    error=error_body("TypeError", BUNDLE_ERROR, frames, rid))
    at += rng.uniform(40, 250)  # the payment provider
    if order["items"] > 20:
        entries.append(_powertools(at, "WARNING", "charge",
                                   'logger.warning("Large order sent to manual review", items=order["items"])',
                                   "Large order sent to manual review", correlation_id=correlation,
                                   items=order["items"]))
        spec = catalog.BY_NAME[catalog.ORDERS_WORKER]
        return Plan([], duration_ms=spec.timeout_s * 1000.0, outcome="timeout")
    if Decimal(order["total"]) > PAYMENT_LIMIT:
        entries.append(_powertools(at, "ERROR", "process",
                                   'logger.error("Payment declined", order_id=order["orderId"], reason=detail,',
                                   "Payment declined", correlation_id=correlation, order_id=order["orderId"],
                                   reason="amount above the card's fraud limit", total=order["total"]))
        status = "PAYMENT_DECLINED"
    else:
        entries.append(_powertools(at, "INFO", "process",
                                   'logger.info("Payment captured", order_id=order["orderId"], charge_id=detail)',
                                   "Payment captured", correlation_id=correlation, order_id=order["orderId"],
                                   charge_id="ch_" + order["orderId"][2:]))
        status = "FULFILLED"
    at += rng.uniform(6, 25)  # UpdateItem
    if rng.random() < 0.004:
        frames = [frame(APP, "orders_worker", "handler", "process(record)"),
                  frame(APP, "orders_worker", "process",
                        'table.update_item(Key={"orderId": order["orderId"]}, UpdateExpression="SET #s = :s",'),
                  *_boto3_resource_frames()]
        return Plan([], duration_ms=at + rng.uniform(800, 2000), outcome="error",
                    error=error_body("ClientError", THROTTLED_UPDATE, frames, rid))
    entries.append(_powertools(at, "INFO", "process",
                               'logger.info("Order updated", order_id=order["orderId"], status=status)',
                               "Order updated", correlation_id=correlation, order_id=order["orderId"],
                               status=status))
    return None
