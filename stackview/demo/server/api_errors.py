"""AWS-shaped HTTP responses for the routes the demo world answers itself (rest-json protocol:
the error code in `x-amzn-ErrorType`, the request id in `x-amzn-RequestId`, a JSON body)."""

from __future__ import annotations

import json
from typing import Any

Response = tuple[int, dict[str, str], bytes]

REASONS = {200: "OK", 201: "Created", 202: "Accepted", 204: "No Content", 400: "Bad Request",
           404: "Not Found", 405: "Method Not Allowed", 409: "Conflict", 413: "Request Entity Too Large",
           429: "Too Many Requests", 500: "Internal Server Error"}


def json_headers(request_id: str) -> dict[str, str]:
    return {"Content-Type": "application/json", "x-amzn-RequestId": request_id}


class ApiError(Exception):
    """An error response; `extra` adds members of the error shape (Reason, retryAfterSeconds)."""

    def __init__(self, status: int, code: str, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status, self.code, self.extra = status, code, extra

    def response(self, request_id: str) -> Response:
        body = {"Type": "User", "message": str(self), "Message": str(self), **self.extra}
        headers = {**json_headers(request_id), "x-amzn-ErrorType": self.code}
        if "retryAfterSeconds" in self.extra:
            headers["Retry-After"] = str(self.extra["retryAfterSeconds"])
        return self.status, headers, json.dumps(body).encode()
