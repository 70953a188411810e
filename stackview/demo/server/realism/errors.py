"""Throttling and server-fault responses shaped as each AWS service and protocol shapes them.

An injected error must look to botocore (and to any SDK) exactly like the real one: the same
HTTP status, the error code where the protocol carries it (`__type` in JSON and CBOR bodies,
`x-amzn-ErrorType` for REST-JSON, `<Code>` in XML), so that retry modes and callers recognise
ThrottlingException, TooManyRequestsException, Throttling, SlowDown, 500 and 503 as they would
against AWS. CloudWatch's CBOR answers also carry the query-compatible code header.
"""

from __future__ import annotations

import json
from typing import NamedTuple
from xml.sax.saxutils import escape

Response = tuple[int, list[tuple[str, str]], bytes]


class Shape(NamedTuple):
    status: int
    code: str
    message: str
    reason: str | None = None  # Lambda's TooManyRequestsException carries a Reason


#: Throttling by service (signing name), where it differs from its protocol's usual answer.
THROTTLES = {
    "logs": Shape(400, "ThrottlingException", "Rate exceeded"),
    "lambda": Shape(429, "TooManyRequestsException", "Rate exceeded", "CallerRateLimitExceeded"),
    "monitoring": Shape(400, "Throttling", "Rate exceeded"),
    "s3": Shape(503, "SlowDown", "Please reduce your request rate."),
    "sqs": Shape(400, "RequestThrottled", "Request is throttled."),
    "dynamodb": Shape(400, "ThrottlingException", "Rate of requests exceeds the allowed throughput."),
}
THROTTLE_BY_PROTOCOL = {
    "json": Shape(400, "ThrottlingException", "Rate exceeded"),
    "smithy-rpc-v2-cbor": Shape(400, "ThrottlingException", "Rate exceeded"),
    "query": Shape(400, "Throttling", "Rate exceeded"),
    "rest-json": Shape(429, "TooManyRequestsException", "Rate exceeded"),
    "rest-xml": Shape(503, "SlowDown", "Please reduce your request rate."),
}
#: Server faults: 500 and 503, with the service's own code where it has one.
FAULTS = {
    ("lambda", 500): Shape(500, "ServiceException", "An internal error occurred."),
    ("logs", 500): Shape(500, "ServiceUnavailableException", "An internal error occurred."),
    ("s3", 500): Shape(500, "InternalError", "We encountered an internal error. Please try again."),
}
FAULT_DEFAULTS = {
    500: Shape(500, "InternalFailure", "An internal error occurred."),
    503: Shape(503, "ServiceUnavailable", "Service is unavailable. Please try again."),
}
#: Services speaking JSON or CBOR whose error codes are the query protocol's (awsQueryCompatible).
_QUERY_COMPATIBLE = {"monitoring", "sqs"}


def throttle(service: str, protocol: str) -> Shape:
    return THROTTLES.get(service) or THROTTLE_BY_PROTOCOL.get(protocol, THROTTLE_BY_PROTOCOL["json"])


def fault(service: str, status: int) -> Shape:
    return FAULTS.get((service, status)) or FAULT_DEFAULTS[status]


def render(shape: Shape, service: str, protocol: str, request_id: str,
           content_type: str = "") -> Response:
    """The HTTP response of `shape` in `protocol`."""
    sender = "Sender" if shape.status < 500 else "Receiver"
    headers = [("x-amzn-RequestId", request_id)]
    if service in _QUERY_COMPATIBLE and protocol in ("json", "smithy-rpc-v2-cbor"):
        headers.append(("x-amzn-query-error", f"{shape.code};{sender}"))
    if protocol == "json":
        kind = content_type if content_type.startswith("application/x-amz-json") else "application/x-amz-json-1.1"
        body = json.dumps({"__type": shape.code, "message": shape.message}).encode()
        headers.append(("Content-Type", kind))
    elif protocol == "smithy-rpc-v2-cbor":
        body = cbor_map({"__type": shape.code, "message": shape.message})
        headers += [("Content-Type", "application/cbor"), ("smithy-protocol", "rpc-v2-cbor")]
    elif protocol == "query":
        body = (f"<ErrorResponse><Error><Type>{sender}</Type><Code>{escape(shape.code)}</Code>"
                f"<Message>{escape(shape.message)}</Message></Error>"
                f"<RequestId>{request_id}</RequestId></ErrorResponse>").encode()
        headers.append(("Content-Type", "text/xml"))
    elif protocol == "rest-xml":
        body = (f"<Error><Code>{escape(shape.code)}</Code><Message>{escape(shape.message)}</Message>"
                f"<RequestId>{request_id}</RequestId></Error>").encode()
        headers += [("Content-Type", "application/xml"), ("x-amz-request-id", request_id)]
    else:  # rest-json
        document = {"Type": "User" if shape.status < 500 else "Service", "message": shape.message}
        if shape.reason:
            document["Reason"] = shape.reason
        body = json.dumps(document).encode()
        headers += [("Content-Type", "application/json"), ("x-amzn-ErrorType", shape.code)]
        if shape.status == 429:
            headers.append(("Retry-After", "1"))
    return shape.status, headers, body


def cbor_map(values: dict[str, str]) -> bytes:
    """A CBOR map of short text strings (RFC 8949 major types 5 and 3): all an error body needs."""
    out = bytearray(_cbor_head(5, len(values)))
    for key, value in values.items():
        for text in (key, value):
            raw = text.encode("utf-8")
            out += _cbor_head(3, len(raw)) + raw
    return bytes(out)


def _cbor_head(major: int, length: int) -> bytes:
    if length < 24:
        return bytes([major << 5 | length])
    if length < 0x100:
        return bytes([major << 5 | 24, length])
    if length < 0x10000:
        return bytes([major << 5 | 25]) + length.to_bytes(2, "big")
    return bytes([major << 5 | 26]) + length.to_bytes(4, "big")
