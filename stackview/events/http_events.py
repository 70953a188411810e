"""Generated HTTP events: API Gateway REST proxy (payload 1.0), HTTP API (payload 2.0), ALB.

One request, told three ways: `POST /customers/c-1024/orders?dryRun=false` with a small JSON
body. Path, route, path parameters, stage and domain all agree with each other, so a handler
that routes on `resource` or `routeKey` and reads `pathParameters` works unchanged.
"""

from __future__ import annotations

import json
from typing import Any

from stackview.events.ids import EventContext

_CUSTOMER = "c-1024"
_RESOURCE = "/customers/{customerId}/orders"
_PATH = f"/customers/{_CUSTOMER}/orders"
_QUERY = {"dryRun": "false"}
_USER_AGENT = "curl/8.5.0"


def _body(ctx: EventContext) -> str:
    return json.dumps({"item": "book-0042", "quantity": 2, "note": f"order from {ctx.iso_s()}"})


def api_gateway_rest(ctx: EventContext) -> dict[str, Any]:
    """The REST API `AWS_PROXY` integration event (payload format 1.0)."""
    api_id = ctx.alnum(10)
    domain = f"{api_id}.execute-api.{ctx.region}.amazonaws.com"
    ip = ctx.ip()
    body = _body(ctx)
    headers = {
        "Accept": "application/json",
        "Content-Type": "application/json",
        "Host": domain,
        "User-Agent": _USER_AGENT,
        "X-Amzn-Trace-Id": ctx.trace_id(),
        "X-Forwarded-For": ip,
        "X-Forwarded-Port": "443",
        "X-Forwarded-Proto": "https",
    }
    stage = "prod"
    return {
        "resource": _RESOURCE,
        "path": _PATH,
        "httpMethod": "POST",
        "headers": headers,
        "multiValueHeaders": {name: [value] for name, value in headers.items()},
        "queryStringParameters": dict(_QUERY),
        "multiValueQueryStringParameters": {name: [value] for name, value in _QUERY.items()},
        "pathParameters": {"customerId": _CUSTOMER},
        "stageVariables": None,
        "requestContext": {
            "accountId": ctx.account,
            "apiId": api_id,
            "domainName": domain,
            "domainPrefix": api_id,
            "extendedRequestId": ctx.b64(12)[:15] + "=",
            "httpMethod": "POST",
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
            "path": f"/{stage}{_PATH}",
            "protocol": "HTTP/1.1",
            "requestId": ctx.uuid(),
            "requestTime": ctx.clf(),
            "requestTimeEpoch": ctx.epoch_ms(),
            "resourceId": ctx.alnum(6),
            "resourcePath": _RESOURCE,
            "stage": stage,
        },
        "body": body,
        "isBase64Encoded": False,
    }


def api_gateway_http(ctx: EventContext) -> dict[str, Any]:
    """The HTTP API event (payload format 2.0), default stage."""
    api_id = ctx.alnum(10)
    domain = f"{api_id}.execute-api.{ctx.region}.amazonaws.com"
    ip = ctx.ip()
    body = _body(ctx)
    route = f"POST {_RESOURCE}"
    query = "&".join(f"{k}={v}" for k, v in _QUERY.items())
    return {
        "version": "2.0",
        "routeKey": route,
        "rawPath": _PATH,
        "rawQueryString": query,
        "cookies": [f"session={ctx.hex(32)}"],
        "headers": {
            "accept": "application/json",
            "content-length": str(len(body.encode())),
            "content-type": "application/json",
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
                "method": "POST",
                "path": _PATH,
                "protocol": "HTTP/1.1",
                "sourceIp": ip,
                "userAgent": _USER_AGENT,
            },
            "requestId": ctx.b64(12)[:15] + "=",
            "routeKey": route,
            "stage": "$default",
            "time": ctx.clf(),
            "timeEpoch": ctx.epoch_ms(),
        },
        "body": body,
        "pathParameters": {"customerId": _CUSTOMER},
        "isBase64Encoded": False,
    }


def alb(ctx: EventContext) -> dict[str, Any]:
    """An Application Load Balancer target group request (multi-value headers off)."""
    target_group = f"targetgroup/orders-api/{ctx.hex(16)}"
    balancer = f"orders-alb-{ctx.digits(10)}.{ctx.region}.elb.amazonaws.com"
    body = _body(ctx)
    return {
        "requestContext": {"elb": {"targetGroupArn": ctx.arn("elasticloadbalancing", target_group)}},
        "httpMethod": "POST",
        "path": _PATH,
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
