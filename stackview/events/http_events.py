"""Generated HTTP events: API Gateway REST proxy (payload 1.0), HTTP API (payload 2.0), ALB.

One request, told three ways. Without a route it is `POST /customers/c-1024/orders?dryRun=false`
with a small JSON body; given one of the function's own routes (`stackview.events.routes`, read
from its stack's template), it is a request for that route: method, resource or route key, the
path with sample values for its `{parameters}`, and a body only for methods that carry one. Path,
route, path parameters, stage and domain always agree with each other, so a handler that routes
on `resource` or `routeKey` and reads `pathParameters` finds its own route.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from stackview.events.ids import EventContext
from stackview.models.invoke import HttpRoute

_DEFAULT = HttpRoute("rest", "POST", "/customers/{customerId}/orders")
_QUERY = {"dryRun": "false"}
_USER_AGENT = "curl/8.5.0"
_PARAMETER = re.compile(r"\{([A-Za-z0-9_.-]+)(\+?)\}")
_WITH_BODY = ("POST", "PUT", "PATCH")


@dataclass(frozen=True)
class _Request:
    method: str
    resource: str  # the route's path, parameters in braces
    path: str  # the same path with sample values
    path_parameters: dict[str, str] | None
    body: str | None


def sample_value(name: str) -> str:
    """A plausible value for a path parameter: `orderId` -> `o-1024`, `proxy` -> a path."""
    if name.lower().endswith("id") and len(name) > 2:
        return f"{name[0].lower()}-1024"
    return "sample"


def _request(ctx: EventContext, route: HttpRoute | None) -> _Request:
    route = route or _DEFAULT
    method = "GET" if route.method == "ANY" else route.method
    parameters: dict[str, str] = {}

    def fill(found: re.Match[str]) -> str:
        name, greedy = found.group(1), found.group(2)
        value = "sample/path" if greedy else sample_value(name)
        parameters[name] = value
        return value

    path = _PARAMETER.sub(fill, route.path)
    body = _body(ctx) if method in _WITH_BODY else None
    return _Request(method, route.path, path, parameters or None, body)


def _body(ctx: EventContext) -> str:
    return json.dumps({"item": "book-0042", "quantity": 2, "note": f"order from {ctx.iso_s()}"})


def api_gateway_rest(ctx: EventContext, route: HttpRoute | None = None) -> dict[str, Any]:
    """The REST API `AWS_PROXY` integration event (payload format 1.0)."""
    request = _request(ctx, route)
    api_id = ctx.alnum(10)
    domain = f"{api_id}.execute-api.{ctx.region}.amazonaws.com"
    ip = ctx.ip()
    headers = {
        "Accept": "application/json",
        **({"Content-Type": "application/json"} if request.body is not None else {}),
        "Host": domain,
        "User-Agent": _USER_AGENT,
        "X-Amzn-Trace-Id": ctx.trace_id(),
        "X-Forwarded-For": ip,
        "X-Forwarded-Port": "443",
        "X-Forwarded-Proto": "https",
    }
    stage = "prod"
    return {
        "resource": request.resource,
        "path": request.path,
        "httpMethod": request.method,
        "headers": headers,
        "multiValueHeaders": {name: [value] for name, value in headers.items()},
        "queryStringParameters": dict(_QUERY),
        "multiValueQueryStringParameters": {name: [value] for name, value in _QUERY.items()},
        "pathParameters": request.path_parameters,
        "stageVariables": None,
        "requestContext": {
            "accountId": ctx.account,
            "apiId": api_id,
            "domainName": domain,
            "domainPrefix": api_id,
            "extendedRequestId": ctx.b64(12)[:15] + "=",
            "httpMethod": request.method,
            "identity": {
                "accessKey": None,
                "accountId": None,
                "caller": None,
                "cognitoAuthenticationProvider": None,
                "cognitoAuthenticationType": None,
                "cognitoIdentityId": None,
                "cognitoIdentityPoolId": None,
                "principalOrgId": None,
                "sourceIp": ip,
                "user": None,
                "userAgent": _USER_AGENT,
                "userArn": None,
            },
            "path": f"/{stage}{request.path}",
            "protocol": "HTTP/1.1",
            "requestId": ctx.uuid(),
            "requestTime": ctx.clf(),
            "requestTimeEpoch": ctx.epoch_ms(),
            "resourceId": ctx.alnum(6),
            "resourcePath": request.resource,
            "stage": stage,
        },
        "body": request.body,
        "isBase64Encoded": False,
    }


def api_gateway_http(ctx: EventContext, route: HttpRoute | None = None) -> dict[str, Any]:
    """The HTTP API event (payload format 2.0), default stage."""
    request = _request(ctx, route)
    api_id = ctx.alnum(10)
    domain = f"{api_id}.execute-api.{ctx.region}.amazonaws.com"
    ip = ctx.ip()
    route_key = f"{route.method if route else request.method} {request.resource}"
    query = "&".join(f"{k}={v}" for k, v in _QUERY.items())
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": route_key,
        "rawPath": request.path,
        "rawQueryString": query,
        "cookies": [f"session={ctx.hex(32)}"],
        "headers": {
            "accept": "application/json",
            **_content_headers(request.body),
            "host": domain,
            "user-agent": _USER_AGENT,
            "x-amzn-trace-id": ctx.trace_id(),
            "x-forwarded-for": ip,
            "x-forwarded-port": "443",
            "x-forwarded-proto": "https",
        },
        "queryStringParameters": dict(_QUERY),
        "requestContext": {
            "accountId": ctx.account,
            "apiId": api_id,
            "domainName": domain,
            "domainPrefix": api_id,
            "http": {
                "method": request.method,
                "path": request.path,
                "protocol": "HTTP/1.1",
                "sourceIp": ip,
                "userAgent": _USER_AGENT,
            },
            "requestId": ctx.b64(12)[:15] + "=",
            "routeKey": route_key,
            "stage": "$default",
            "time": ctx.clf(),
            "timeEpoch": ctx.epoch_ms(),
        },
    }
    # Payload 2.0 leaves out what the request has not got.
    if request.body is not None:
        event["body"] = request.body
    if request.path_parameters:
        event["pathParameters"] = request.path_parameters
    event["isBase64Encoded"] = False
    return event


def _content_headers(body: str | None) -> dict[str, str]:
    if body is None:
        return {}
    return {"content-length": str(len(body.encode())), "content-type": "application/json"}


def alb(ctx: EventContext) -> dict[str, Any]:
    """An Application Load Balancer target group request (multi-value headers off)."""
    target_group = f"targetgroup/orders-api/{ctx.hex(16)}"
    balancer = f"orders-alb-{ctx.digits(10)}.{ctx.region}.elb.amazonaws.com"
    request = _request(ctx, None)
    body = request.body
    return {
        "requestContext": {"elb": {"targetGroupArn": ctx.arn("elasticloadbalancing", target_group)}},
        "httpMethod": request.method,
        "path": request.path,
        "queryStringParameters": dict(_QUERY),
        "headers": {
            "accept": "application/json",
            "content-length": str(len(body.encode())),
            "content-type": "application/json",
            "host": balancer,
            "user-agent": _USER_AGENT,
            "x-amzn-trace-id": ctx.trace_id(),
            "x-forwarded-for": ctx.ip(),
            "x-forwarded-port": "443",
            "x-forwarded-proto": "https",
        },
        "body": body,
        "isBase64Encoded": False,
    }
