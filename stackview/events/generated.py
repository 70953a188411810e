"""The catalogue of generated events, for the picker and `stackview invoke --generate KIND`.

Each entry names a trigger, says in a few words what the event is, and builds it for the
session's account and region at the current time (the builders live in `http_events` and
`record_events`). The result is pretty JSON text, ready to edit before sending.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from stackview.events import http_events, record_events
from stackview.events.ids import EventContext
from stackview.events.validate import dumps
from stackview.models.invoke import GENERATED, HTTP_API, REST_API, HttpRoute, TestEvent


@dataclass(frozen=True)
class Generator:
    kind: str  # the name used on the command line and in the picker
    title: str
    description: str
    build: Callable[..., dict[str, Any]]
    #: The API Gateway flavour whose routes this event can be made for (REST_API, HTTP_API),
    #: None when it takes no route; its builder then takes `route=` too.
    api: str | None = None


CATALOGUE: tuple[Generator, ...] = (
    Generator("apigw-rest", "API Gateway REST (proxy)",
              "REST API proxy integration, payload 1.0: POST with path parameters and a JSON body",
              http_events.api_gateway_rest, REST_API),
    Generator("apigw-http", "API Gateway HTTP API (v2)",
              "HTTP API, payload 2.0: routeKey, rawPath, cookies, JSON body",
              http_events.api_gateway_http, HTTP_API),
    Generator("alb", "Application Load Balancer",
              "ALB target group request with headers and a JSON body", http_events.alb),
    Generator("sqs", "SQS message", "one queue message with its attributes and MD5 of the body",
              record_events.sqs),
    Generator("sns", "SNS notification", "one topic notification with subject and JSON message",
              record_events.sns),
    Generator("s3-put", "S3 object created", "ObjectCreated:Put of an upload (size, eTag, sequencer)",
              record_events.s3_put),
    Generator("s3-delete", "S3 object deleted", "ObjectRemoved:Delete of the same upload",
              record_events.s3_delete),
    Generator("eventbridge", "EventBridge event", "a custom application event on the default bus",
              record_events.eventbridge),
    Generator("scheduled", "Scheduled event", "a schedule rule firing (EventBridge / CloudWatch Events)",
              record_events.scheduled),
    Generator("dynamodb", "DynamoDB stream", "a MODIFY record with old and new images",
              record_events.dynamodb),
    Generator("kinesis", "Kinesis record", "one stream record, data base64-encoded",
              record_events.kinesis),
    Generator("cloudwatch-logs", "CloudWatch Logs subscription",
              "log events from a subscription filter, gzipped and base64-encoded",
              record_events.cloudwatch_logs),
)

_BY_KIND = {g.kind: g for g in CATALOGUE}


class UnknownKind(ValueError):
    pass


def kinds() -> list[str]:
    return [g.kind for g in CATALOGUE]


def get(kind: str) -> Generator:
    try:
        return _BY_KIND[kind]
    except KeyError:
        raise UnknownKind(f"no generated event '{kind}'; choose one of: {', '.join(kinds())}") from None


def build(kind: str, *, account: str = "123456789012", region: str = "us-east-1",
          now: datetime | None = None, seed: int | None = None,
          route: HttpRoute | None = None) -> dict[str, Any]:
    """The event as data (for callers that want to change a field before showing it). `route`
    (one of the function's own, for the kinds that take one) is the request the event makes."""
    when: dict[str, Any] = {"now": now} if now is not None else {}
    context = EventContext(account=account, region=region, rng=random.Random(seed), **when)
    generator = get(kind)
    if generator.api is not None and route is not None:
        return generator.build(context, route=route)
    return generator.build(context)


def generate(kind: str, *, account: str = "123456789012", region: str = "us-east-1",
             now: datetime | None = None, seed: int | None = None,
             route: HttpRoute | None = None) -> TestEvent:
    """A generated event as pretty JSON text, named by its kind (and its route, if any)."""
    generator = get(kind)
    value = build(kind, account=account, region=region, now=now, seed=seed, route=route)
    description = generator.description
    if route is not None and generator.api is not None:
        description = f"{route.label}, a route of the function"
    return TestEvent(name=generator.kind, source=GENERATED, text=dumps(value), description=description)


#: Which routes go first when one must be chosen: a read (GET) without path parameters assumes
#: the least about the handler (no body it must accept, no id that must exist).
def route_preference(route: HttpRoute) -> tuple[int, int]:
    method_rank = {"GET": 0, "ANY": 1, "HEAD": 2}.get(route.method, 3)
    return (method_rank, route.path.count("{"))


def routes_for(kind: str, routes: list[HttpRoute]) -> list[HttpRoute]:
    """The routes `kind` can be made for, best first (see route_preference); [] for kinds
    without routes."""
    api = get(kind).api
    if api is None:
        return []
    return sorted((r for r in routes if r.api == api), key=route_preference)
