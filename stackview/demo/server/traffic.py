"""Live traffic: a daemon thread that keeps the demo world's functions busy, about once a second.

It behaves like the users and schedules of the three apps, through the public APIs only
(boto3 against the demo endpoint), so everything it causes is what a real account would see:
page views and upload grants of the thumbnails site, uploads to the bucket (which S3 hands to
the converter asynchronously, 10% of them to the canary, CMYK scans failing there), orders
created, read and listed through the orders API (some failing validation, some above the
payment limit; the API queues them and SQS runs the worker), and the sales report every five
minutes, asynchronously as EventBridge does (its hourly rollup times out).

It never dies: every error is logged at debug level and the next request follows. A throttled
function (429 TooManyRequestsException, e.g. reserved concurrency 0) is simply skipped, so its
logs stop, as on AWS. It stops within a fraction of a second of `stop` being set (a
synchronous invoke already running finishes first; the server's shutdown kills it).
"""

from __future__ import annotations

import json
import logging
import random
import threading
import time
import uuid
from datetime import datetime, timezone
from typing import Any, Callable

from stackview.demo.handlers.thumbnails.image_tools import jpeg_header, solid_png
from stackview.demo.seed import catalog

log = logging.getLogger(__name__)

#: Mean seconds between two requests (all functions together).
MEAN_INTERVAL = 1.0
#: Let the UI's first requests go first: the traffic starts a moment after the world is ready.
START_DELAY = 1.5
REPORT_PERIOD = 300.0
#: (weight, action name)
ACTIONS = ((14, "page_view"), (20, "upload"), (30, "create_order"), (10, "get_order"),
           (5, "list_orders"), (1, "bad_route"))
PRODUCTS = (("SKU-1042", "19.90"), ("SKU-2210", "4.50"), ("SKU-3307", "129.00"), ("SKU-4188", "59.95"),
            ("SKU-5020", "8.99"), ("SKU-6603", "249.00"), ("SKU-7719", "1299.00"))


def start(endpoint: str, stop: threading.Event, *, seed: int) -> threading.Thread:
    """Start the generator; it runs until `stop` is set."""
    traffic = Traffic(endpoint, random.Random(seed))
    thread = threading.Thread(target=traffic.run, args=(stop,), daemon=True, name="demo-traffic")
    thread.start()
    return thread


def _api_event(rng: random.Random, method: str, resource: str, path: str, stage: str, *,
               body: Any = None, path_parameters: dict[str, str] | None = None,
               query: dict[str, str] | None = None) -> dict[str, Any]:
    """An API Gateway REST (proxy integration) event, as API Gateway sends it."""
    return {
        "resource": resource, "path": path, "httpMethod": method,
        "headers": {"Accept": "application/json", "User-Agent": rng.choice((
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 Version/18.1 Safari/605.1.15",
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/131.0.0.0 Safari/537.36",
            "okhttp/4.12.0", "curl/8.7.1"))},
        "queryStringParameters": query, "pathParameters": path_parameters,
        "requestContext": {"stage": stage, "requestId": str(uuid.UUID(int=rng.getrandbits(128))),
                           "httpMethod": method, "resourcePath": resource,
                           "identity": {"sourceIp": f"203.0.113.{rng.randint(2, 254)}"}},
        "body": json.dumps(body) if body is not None else None,
        "isBase64Encoded": False,
    }


class Traffic:
    """The generator's state: its clients, the orders it created, when the report runs next."""

    def __init__(self, endpoint: str, rng: random.Random) -> None:
        self.endpoint = endpoint
        self.rng = rng
        self.orders: list[str] = []
        self.next_report = 0.0
        self._clients: dict[str, Any] = {}
        self._upload_bucket: str | None = None

    def client(self, service: str) -> Any:
        if service not in self._clients:
            import boto3
            from botocore.config import Config

            from stackview.demo.process import INTERNAL_CREDENTIALS

            # No retries: a retried invoke would run the function twice. The read timeout is
            # above every demo function's own timeout.
            config = Config(retries={"total_max_attempts": 1}, read_timeout=45, connect_timeout=3)
            self._clients[service] = boto3.client(
                service, endpoint_url=self.endpoint, region_name=catalog.REGION, config=config,
                aws_access_key_id=INTERNAL_CREDENTIALS[0], aws_secret_access_key=INTERNAL_CREDENTIALS[1])
        return self._clients[service]

    # -- the loop ---------------------------------------------------------------------------

    def run(self, stop: threading.Event) -> None:
        if stop.wait(START_DELAY):
            return
        self.next_report = time.monotonic() + self.rng.uniform(20, 60)
        actions: dict[str, Callable[[], None]] = {name: getattr(self, name) for _, name in ACTIONS}
        weights = [weight for weight, _ in ACTIONS]
        names = [name for _, name in ACTIONS]
        while not stop.is_set():
            started = time.monotonic()
            if started >= self.next_report:
                self.next_report = started + REPORT_PERIOD
                self.step(self.scheduled_report)
            else:
                self.step(actions[self.rng.choices(names, weights)[0]])
            pause = min(4.0, self.rng.expovariate(1 / MEAN_INTERVAL)) - (time.monotonic() - started)
            if pause > 0 and stop.wait(pause):
                break

    def step(self, action: Callable[[], None]) -> None:
        """Run one action; nothing it raises may end the generator."""
        try:
            action()
        except Exception as error:  # noqa: BLE001 - the traffic must outlive any failure
            code = getattr(error, "response", {}).get("Error", {}).get("Code", "")
            if code != "TooManyRequestsException":  # a throttled function: expected, skipped
                log.debug("demo traffic: %s failed: %s", getattr(action, "__name__", action), error)

    def invoke(self, function: str, event: dict[str, Any], *, qualifier: str | None = None,
               asynchronous: bool = False) -> dict[str, Any]:
        kwargs: dict[str, Any] = {"FunctionName": function, "Payload": json.dumps(event).encode(),
                                  "InvocationType": "Event" if asynchronous else "RequestResponse"}
        if qualifier:
            kwargs["Qualifier"] = qualifier
        response = self.client("lambda").invoke(**kwargs)
        payload = response["Payload"].read() if "Payload" in response else b""
        return json.loads(payload) if payload else {}

    # -- thumbnails -------------------------------------------------------------------------

    def page_view(self) -> None:
        self.invoke(catalog.SHOW_FORM, _api_event(self.rng, "GET", "/", "/", "api"), qualifier="live")

    def upload_bucket(self) -> str:
        if self._upload_bucket is None:
            config = self.client("lambda").get_function_configuration(FunctionName=catalog.SIGN_UPLOAD)
            self._upload_bucket = config["Environment"]["Variables"]["UPLOAD_S3_BUCKET"]
        return self._upload_bucket

    def _image(self, extension: str) -> bytes:
        """A small upload whose headers say what the converter should see."""
        rng = self.rng
        if rng.random() < 0.03:
            return b"\xff\xd8\x00\x10JFIF-truncated"  # a broken upload: the converter fails
        if extension == "png":
            return solid_png(rng.choice((640, 1200)), rng.choice((480, 800)))
        width, height = rng.choice(((4032, 3024), (3024, 4032), (1920, 1080), (6000, 4000)))
        components = 4 if rng.random() < 0.15 else 3  # CMYK scans break the canary build
        return jpeg_header(width, height, components) + bytes(rng.randint(2_000, 20_000))

    def upload(self) -> None:
        extension = self.rng.choices(("jpg", "png", "heic"), (75, 20, 5))[0]
        name = f"IMG_{self.rng.randint(1000, 9999)}.{extension}"
        event = _api_event(self.rng, "GET", "/sign/{extension}", f"/sign/{extension}", "api",
                           path_parameters={"extension": extension}, query={"filename": name})
        answer = self.invoke(catalog.SIGN_UPLOAD, event, qualifier="live")
        if answer.get("statusCode") != 200 or self.rng.random() < 0.15:
            return  # refused, or the user gave up before uploading
        key = json.loads(answer["body"])["key"]
        self.client("s3").put_object(Bucket=self.upload_bucket(), Key=key, Body=self._image(extension))

    # -- orders -----------------------------------------------------------------------------

    def create_order(self) -> None:
        rng = self.rng
        items = [{"sku": sku, "price": price, "quantity": rng.choice((1, 1, 2, 3))}
                 for sku, price in rng.sample(PRODUCTS, rng.randint(1, 3))]
        order: dict[str, Any] = {"customerId": f"c-{rng.randint(1001, 1250)}", "items": items,
                                 "currency": "EUR"}
        roll = rng.random()
        if roll < 0.05:
            order["items"][0]["quantity"] = rng.choice((0, -1, "2"))
        elif roll < 0.08:
            order.pop("customerId")
        elif roll < 0.1:
            order["items"] = []
        event = _api_event(rng, "POST", "/orders", "/orders", "prod", body=order)
        answer = self.invoke(catalog.ORDERS_API, event, qualifier="live")
        if answer.get("statusCode") == 201:
            self.orders = (self.orders + [json.loads(answer["body"])["orderId"]])[-50:]

    def get_order(self) -> None:
        known = self.orders and self.rng.random() < 0.9
        order_id = self.rng.choice(self.orders) if known else f"o-{self.rng.getrandbits(40):010x}"
        event = _api_event(self.rng, "GET", "/orders/{orderId}", f"/orders/{order_id}", "prod",
                           path_parameters={"orderId": order_id})
        self.invoke(catalog.ORDERS_API, event, qualifier="live")

    def list_orders(self) -> None:
        customer = f"c-{self.rng.randint(1001, 1250)}"
        event = _api_event(self.rng, "GET", "/orders", "/orders", "prod", query={"customerId": customer})
        self.invoke(catalog.ORDERS_API, event, qualifier="live")

    def bad_route(self) -> None:
        event = _api_event(self.rng, "DELETE", "/orders/{orderId}", "/orders/o-1", "prod",
                           path_parameters={"orderId": "o-1"})
        self.invoke(catalog.ORDERS_API, event, qualifier="live")

    # -- reports ----------------------------------------------------------------------------

    def scheduled_report(self) -> None:
        """What the EventBridge rule sends (asynchronously, as EventBridge invokes)."""
        now = datetime.now(timezone.utc).replace(microsecond=0)
        rule = f"arn:aws:events:{catalog.REGION}:{catalog.ACCOUNT}:rule/{catalog.REPORTS_STACK}-ReportScheduleRule"
        event = {"version": "0", "id": str(uuid.UUID(int=self.rng.getrandbits(128))),
                 "detail-type": "Scheduled Event", "source": "aws.events", "account": catalog.ACCOUNT,
                 "time": now.strftime("%Y-%m-%dT%H:%M:%SZ"), "region": catalog.REGION,
                 "resources": [rule], "detail": {}}
        self.invoke(catalog.SALES_REPORT, event, asynchronous=True)
