"""Lambda, read side: configuration, versions, aliases, concurrency, a stack's functions.

Listings go through botocore's paginators (all pages). Calls an endpoint may not offer
(GetAccountSettings and the provisioned-concurrency calls are absent from plain moto, and from
some emulators) return `Unavailable` instead of raising, so a panel can say so and the rest of
the screen still works; every other failure rises for the caller to describe.
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any

from botocore.exceptions import ClientError

from stackview.aws.errors import describe
from stackview.aws.session import AwsSession
from stackview.aws.stacks import stack_resources
from stackview.models.functions import (
    AccountConcurrency,
    Alias,
    FunctionConfiguration,
    FunctionSummary,
    FunctionVersion,
    LayerRef,
    LoggingConfig,
    ProvisionedConcurrency,
    Unavailable,
    version_sort_key,
)

#: Error codes (and message fragments) by which endpoints say "I do not have this call".
#: Plain moto answers an unknown route with a bare HTTP 404 whose code is "404".
_MISSING_CODES = {"404", "NotFound", "UnknownOperation", "UnknownOperationException",
                  "NotImplemented", "InvalidAction", "501"}
_MISSING_MESSAGES = ("not yet implemented", "not implemented", "unknown operation")
#: Per-function calls of a stack's Functions tab run this many at a time.
STACK_FUNCTION_WORKERS = 8


def endpoint_lacks(exc: BaseException) -> bool:
    """True when the error means the endpoint does not offer the call at all.

    A real "not found" answer (ResourceNotFoundException, also HTTP 404) is not this: it names
    a missing function, while a missing operation comes back without an AWS error code.
    """
    if not isinstance(exc, ClientError):
        return False
    error = exc.response.get("Error", {})
    code = str(error.get("Code", ""))
    message = str(error.get("Message", "")).lower()
    if code in _MISSING_CODES:
        return True
    return any(fragment in message for fragment in _MISSING_MESSAGES)


def _unavailable(operation: str) -> Unavailable:
    return Unavailable(f"{operation} is not available on this endpoint")


_FRACTION = re.compile(r"\.(\d+)")


def parse_time(text: str | None) -> datetime | None:
    """Lambda's timestamps are strings: `2026-11-23T10:14:51.762+0000` on AWS,
    `2026-11-23T10:14:51.762398000Z` (nanoseconds) from moto."""
    if not text:
        return None
    value = text.strip().replace("Z", "+00:00")
    value = _FRACTION.sub(lambda m: "." + m.group(1)[:6].ljust(6, "0"), value, count=1)
    value = re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", value)
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def _configuration(raw: dict[str, Any], tags: dict[str, str] | None = None) -> FunctionConfiguration:
    logging = raw.get("LoggingConfig") or {}
    variables = (raw.get("Environment") or {}).get("Variables") or {}
    return FunctionConfiguration(
        name=raw.get("FunctionName", ""),
        arn=raw.get("FunctionArn", ""),
        runtime=raw.get("Runtime", "") or "",
        handler=raw.get("Handler", "") or "",
        architectures=tuple(raw.get("Architectures") or ()),
        memory=int(raw.get("MemorySize") or 0),
        timeout=int(raw.get("Timeout") or 0),
        code_size=int(raw.get("CodeSize") or 0),
        code_sha256=raw.get("CodeSha256", "") or "",
        state=raw.get("State", "") or "",
        state_reason=raw.get("StateReason", "") or "",
        last_update_status=raw.get("LastUpdateStatus", "") or "",
        last_modified=parse_time(raw.get("LastModified")),
        role=raw.get("Role", "") or "",
        layers=tuple(LayerRef(arn=layer.get("Arn", ""), code_size=int(layer.get("CodeSize") or 0))
                     for layer in raw.get("Layers") or ()),
        logging=LoggingConfig(
            format=logging.get("LogFormat", "Text") or "Text",
            log_group=logging.get("LogGroup", "") or "",
            application_level=logging.get("ApplicationLogLevel", "") or "",
            system_level=logging.get("SystemLogLevel", "") or "",
        ),
        environment=tuple(sorted((str(k), str(v)) for k, v in variables.items())),
        tags=tuple(sorted((tags or {}).items())),
        description=raw.get("Description", "") or "",
        version=raw.get("Version", "$LATEST") or "$LATEST",
        package_type=raw.get("PackageType", "Zip") or "Zip",
    )


def get_function(session: AwsSession, name: str) -> FunctionConfiguration:
    """Configuration and tags of one function (GetFunction: one call for both).

    Lambda returns tags here only to callers allowed lambda:ListTags; without it they are empty.
    """
    response = session.client("lambda").get_function(FunctionName=name)
    return _configuration(response.get("Configuration", {}), response.get("Tags") or {})


def list_versions(session: AwsSession, name: str) -> list[FunctionVersion]:
    """Every version ($LATEST first, then published versions in ascending order)."""
    paginator = session.client("lambda").get_paginator("list_versions_by_function")
    versions = [
        FunctionVersion(
            version=raw.get("Version", ""),
            description=raw.get("Description", "") or "",
            last_modified=parse_time(raw.get("LastModified")),
            code_sha256=raw.get("CodeSha256", "") or "",
            runtime=raw.get("Runtime", "") or "",
            arn=raw.get("FunctionArn", ""),
        )
        for page in paginator.paginate(FunctionName=name)
        for raw in page.get("Versions", [])
    ]
    return sorted(versions, key=lambda v: (v.version != "$LATEST", version_sort_key(v.version)))


def parse_alias(raw: dict[str, Any]) -> Alias:
    weights = ((raw.get("RoutingConfig") or {}).get("AdditionalVersionWeights")) or {}
    # Lambda allows exactly one additional version; take the first if an endpoint sends more.
    additional, weight = next(iter(weights.items()), (None, 0.0))
    return Alias(
        name=raw.get("Name", ""),
        function_version=str(raw.get("FunctionVersion", "")),
        additional_version=str(additional) if additional is not None else None,
        additional_weight=float(weight or 0.0),
        description=raw.get("Description", "") or "",
        revision_id=raw.get("RevisionId", "") or "",
        arn=raw.get("AliasArn", ""),
    )


def list_aliases(session: AwsSession, name: str) -> list[Alias]:
    """Every alias of the function (all pages), by name."""
    paginator = session.client("lambda").get_paginator("list_aliases")
    aliases = [parse_alias(raw) for page in paginator.paginate(FunctionName=name)
               for raw in page.get("Aliases", [])]
    return sorted(aliases, key=lambda a: a.name)


def get_alias(session: AwsSession, name: str, alias: str) -> Alias:
    return parse_alias(session.client("lambda").get_alias(FunctionName=name, Name=alias))


def reserved_concurrency(session: AwsSession, name: str) -> int | None:
    """The function's reserved concurrency; None when it has no reservation."""
    response = session.client("lambda").get_function_concurrency(FunctionName=name)
    value = response.get("ReservedConcurrentExecutions")
    return None if value is None else int(value)


def provisioned_concurrency(session: AwsSession, name: str) -> list[ProvisionedConcurrency] | Unavailable:
    """Provisioned concurrency per alias or version (all pages), or Unavailable."""
    paginator = session.client("lambda").get_paginator("list_provisioned_concurrency_configs")
    try:
        raws = [raw for page in paginator.paginate(FunctionName=name)
                for raw in page.get("ProvisionedConcurrencyConfigs", [])]
    except ClientError as exc:
        if endpoint_lacks(exc):
            return _unavailable("provisioned concurrency")
        raise
    configs = [
        ProvisionedConcurrency(
            qualifier=str(raw.get("FunctionArn", "")).rsplit(":", 1)[-1],
            requested=int(raw.get("RequestedProvisionedConcurrentExecutions") or 0),
            available=int(raw.get("AvailableProvisionedConcurrentExecutions") or 0),
            allocated=int(raw.get("AllocatedProvisionedConcurrentExecutions") or 0),
            status=raw.get("Status", "") or "",
            reason=raw.get("StatusReason", "") or "",
            last_modified=parse_time(raw.get("LastModified")),
        )
        for raw in raws
    ]
    return sorted(configs, key=lambda c: c.qualifier)


def account_concurrency(session: AwsSession) -> AccountConcurrency | Unavailable:
    """The account's concurrency limit and unreserved pool (GetAccountSettings), or Unavailable."""
    try:
        response = session.client("lambda").get_account_settings()
    except ClientError as exc:
        if endpoint_lacks(exc):
            return _unavailable("GetAccountSettings")
        raise
    limit = response.get("AccountLimit", {})
    return AccountConcurrency(
        limit=int(limit.get("ConcurrentExecutions") or 0),
        unreserved=int(limit.get("UnreservedConcurrentExecutions") or 0),
    )


def _summary(raw: dict[str, Any], **extra: Any) -> FunctionSummary:
    return FunctionSummary(
        name=raw.get("FunctionName", ""),
        arn=raw.get("FunctionArn", ""),
        runtime=raw.get("Runtime", "") or "",
        memory=int(raw.get("MemorySize") or 0),
        timeout=int(raw.get("Timeout") or 0),
        last_modified=parse_time(raw.get("LastModified")),
        **extra,
    )


def list_functions(session: AwsSession) -> list[FunctionSummary]:
    """Every function of the region (all pages), by name.

    ListFunctions does not return reserved concurrency, and one extra call per function would
    be too many in a large account, so rows carry `reserved_known=False`.
    """
    paginator = session.client("lambda").get_paginator("list_functions")
    rows = [_summary(raw, reserved_concurrency=None, reserved_known=False)
            for page in paginator.paginate() for raw in page.get("Functions", [])]
    return sorted(rows, key=lambda s: s.name)


def function_summary(session: AwsSession, name: str, logical_id: str = "") -> FunctionSummary:
    """One row with its reserved concurrency. Never raises: a failure becomes the row's error
    (a function deleted outside CloudFormation must not blank the whole tab)."""
    client = session.client("lambda")
    try:
        raw = client.get_function_configuration(FunctionName=name)
    except Exception as exc:  # noqa: BLE001 - described on the row
        return FunctionSummary(name=name, logical_id=logical_id, reserved_known=False,
                               error=describe(exc, profile=session.profile).message)
    try:
        reserved = reserved_concurrency(session, name)
    except Exception as exc:  # noqa: BLE001 - described on the row
        return _summary(raw, logical_id=logical_id, reserved_known=False,
                        error="reserved concurrency: " + describe(exc, profile=session.profile).message)
    return _summary(raw, logical_id=logical_id, reserved_concurrency=reserved)


#: Nested stacks deeper than this are not followed (CloudFormation itself allows 5 levels).
MAX_NESTING = 5


def stack_function_names(session: AwsSession, stack: str, *, nested: bool = True,
                         _prefix: str = "", _depth: int = 0) -> list[tuple[str, str]]:
    """(logical id, function name) of every function of the stack that exists.

    With `nested` (the default) the functions of its nested stacks are included too, their
    logical ids prefixed with the nested stack's (`Api/OrdersFunction`): an application split
    into nested stacks is still one application, and the kill switch must stop all of it.
    """
    pairs: list[tuple[str, str]] = []
    for resource in stack_resources(session, stack):
        if not resource.physical_id:
            continue
        if resource.is_function:
            pairs.append((_prefix + resource.logical_id, resource.physical_id))
        elif nested and resource.is_nested_stack and _depth < MAX_NESTING:
            pairs += stack_function_names(session, resource.physical_id, nested=True,
                                          _prefix=f"{_prefix}{resource.logical_id}/", _depth=_depth + 1)
    return pairs


def stack_functions(session: AwsSession, stack: str, *, nested: bool = True) -> list[FunctionSummary]:
    """The stack's functions (from its resources: the physical id is the function name; nested
    stacks' functions included unless `nested=False`), each with its reserved concurrency, in
    logical-id order. The per-function calls run a few at a time: boto3 clients are
    thread-safe, and a stack of 20 functions is 40 calls."""
    names = stack_function_names(session, stack, nested=nested)
    if not names:
        return []
    with ThreadPoolExecutor(max_workers=min(STACK_FUNCTION_WORKERS, len(names))) as pool:
        rows = list(pool.map(lambda pair: function_summary(session, pair[1], pair[0]), names))
    return sorted(rows, key=lambda s: (s.logical_id, s.name))
