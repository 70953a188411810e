"""Account-level Lambda calls moto lacks: GetAccountSettings and provisioned concurrency.

Figures follow AWS's defaults: 1,000 concurrent executions per Region, of which what functions
reserve is subtracted from the unreserved pool; code storage 75 GB; package limits 50 MB zipped
and 250 MB unzipped. Provisioned concurrency configs live here (per function and qualifier),
become READY a moment after they are put, and then really keep environments initialised (a
couple per config; the rest are only counted), so invocations they serve have no cold start.
"""

from __future__ import annotations

import json
import random
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from stackview.demo.runtime.runner import ACCOUNT_CONCURRENCY, Runner
from stackview.demo.runtime.targets import lambda_backend, resolve, split_name
from stackview.demo.server.api_errors import ApiError, Response, json_headers

TOTAL_CODE_SIZE = 80530636800
CODE_SIZE_UNZIPPED = 262144000
CODE_SIZE_ZIPPED = 52428800
#: Seconds a new provisioned concurrency config stays IN_PROGRESS before it is READY.
ALLOCATION_SECONDS = 2.0


def _functions(account: str, region: str) -> list[Any]:
    return list(lambda_backend(account, region).list_functions())


def account_settings(account: str, region: str) -> dict[str, Any]:
    """The GetAccountSettings response body."""
    backend = lambda_backend(account, region)
    latest = _functions(account, region)
    reserved = sum(int(fn.reserved_concurrency) for fn in latest if fn.reserved_concurrency is not None)
    every_version = list(backend.list_functions("ALL"))
    return {
        "AccountLimit": {
            "TotalCodeSize": TOTAL_CODE_SIZE,
            "CodeSizeUnzipped": CODE_SIZE_UNZIPPED,
            "CodeSizeZipped": CODE_SIZE_ZIPPED,
            "ConcurrentExecutions": ACCOUNT_CONCURRENCY,
            "UnreservedConcurrentExecutions": ACCOUNT_CONCURRENCY - reserved,
        },
        "AccountUsage": {
            "TotalCodeSize": sum(int(fn.code_size or 0) for fn in every_version),
            "FunctionCount": len(latest),
        },
    }


def _timestamp() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + "000+0000"


@dataclass
class _Config:
    function_arn: str
    requested: int
    last_modified: str
    ready_at: float
    version: str  # the version whose environments are kept warm
    allocated: bool = False  # set once its environments are initialised

    def body(self, *, with_arn: bool) -> dict[str, Any]:
        ready = self.allocated and time.monotonic() >= self.ready_at
        body: dict[str, Any] = {
            "RequestedProvisionedConcurrentExecutions": self.requested,
            "AvailableProvisionedConcurrentExecutions": self.requested if ready else 0,
            "AllocatedProvisionedConcurrentExecutions": self.requested if ready else 0,
            "Status": "READY" if ready else "IN_PROGRESS",
            "LastModified": self.last_modified,
        }
        if with_arn:
            body = {"FunctionArn": self.function_arn, **body}
        return body


class ProvisionedConcurrency:
    """Put/Get/Delete/ListProvisionedConcurrencyConfigs."""

    def __init__(self, runner: Runner) -> None:
        self.runner = runner
        self._configs: dict[tuple[str, str, str, str], _Config] = {}
        self._lock = threading.Lock()

    def handle(self, request: Any, function: str, request_id: str) -> Response:
        name, inline = split_name(function, None)
        backend = lambda_backend(request.account, request.region)
        latest = backend.get_function(name)  # raises ResourceNotFoundException
        headers = json_headers(request_id)
        if request.method == "GET" and request.query.get("List") == "ALL":
            with self._lock:
                items = [c.body(with_arn=True) for (a, r, f, _), c in sorted(self._configs.items())
                         if (a, r, f) == (request.account, request.region, name)]
            return 200, headers, json.dumps({"ProvisionedConcurrencyConfigs": items}).encode()
        qualifier = request.query.get("Qualifier") or inline
        if not qualifier:
            raise ApiError(400, "InvalidParameterValueException", "Qualifier is required")
        key = (request.account, request.region, name, qualifier)
        if request.method == "GET":
            with self._lock:
                config = self._configs.get(key)
            if config is None:
                raise ApiError(404, "ProvisionedConcurrencyConfigNotFoundException",
                               "No Provisioned Concurrency Config found for this function")
            return 200, headers, json.dumps(config.body(with_arn=False)).encode()
        if request.method == "DELETE":
            with self._lock:
                removed = self._configs.pop(key, None)
            if removed is not None:
                self.runner.release(request.region, name, removed.version)
            return 204, headers, b""
        if request.method != "PUT":
            raise ApiError(405, "InvalidParameterValueException", f"Unsupported method {request.method}")
        requested = self._validated(request, backend, latest, name, qualifier)
        if qualifier.isdigit():
            version = qualifier
        else:
            version = backend.get_alias(qualifier, name).function_version
        arn = latest.function_arn.split(":function:")[0] + f":function:{name}:{qualifier}"
        config = _Config(arn, requested, _timestamp(), time.monotonic() + ALLOCATION_SECONDS, version)
        with self._lock:
            previous = self._configs.get(key)
            self._configs[key] = config
        if previous is not None:
            self.runner.release(request.region, name, previous.version)
        target = resolve(request.account, request.region, name, version, random.Random())
        allocate = threading.Timer(ALLOCATION_SECONDS, self._allocate, args=(config, target))
        allocate.daemon = True
        allocate.start()
        return 202, headers, json.dumps(config.body(with_arn=False)).encode()

    def _allocate(self, config: _Config, target: Any) -> None:
        try:
            self.runner.provision(target, config.requested)
        finally:
            config.allocated = True

    @staticmethod
    def _validated(request: Any, backend: Any, latest: Any, name: str, qualifier: str) -> int:
        if qualifier == "$LATEST":
            raise ApiError(400, "InvalidParameterValueException", "Provisioned Concurrency Configs "
                           "cannot be applied to unpublished function versions.")
        if qualifier.isdigit():
            backend.get_function(name, qualifier)  # raises ResourceNotFoundException
        else:
            backend.get_alias(qualifier, name)  # raises ResourceNotFoundException
        try:
            requested = int(json.loads(request.body or b"{}")["ProvisionedConcurrentExecutions"])
        except (ValueError, KeyError, TypeError):
            raise ApiError(400, "InvalidParameterValueException",
                           "ProvisionedConcurrentExecutions must be a positive integer") from None
        if requested < 1:
            raise ApiError(400, "InvalidParameterValueException",
                           "ProvisionedConcurrentExecutions must be a positive integer")
        if latest.reserved_concurrency is not None and requested > int(latest.reserved_concurrency):
            raise ApiError(400, "InvalidParameterValueException", "Requested Provisioned Concurrency "
                           "should not be greater than the reservedConcurrentExecution for function")
        return requested
