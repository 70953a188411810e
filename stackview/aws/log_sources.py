"""What to tail: a stack's functions, named functions, or explicit log groups -> log groups.

A Lambda function writes to `/aws/lambda/<name>` unless its `LoggingConfig.LogGroup` names
another group (which several functions may share), so each function's configuration is read
rather than guessed. For more than a few functions (a 200-function stack) one ListFunctions
listing gives every configuration, 50 to a page, instead of one GetFunctionConfiguration call
each (200 calls: ten seconds before the first line); names the listing does not show (ARNs,
functions listed elsewhere) are still read one by one.

A function that cannot be read (no permission) still gets its default group, with a warning.
A name that is no function at all is followed if its default group exists (a deleted function's
logs), with a warning; otherwise it is `unknown`: the view warns and keeps following (the group
may appear), `stackview logs` says no stack or function has that name.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from botocore.exceptions import ClientError

from stackview.aws.errors import describe
from stackview.aws.logs import log_group_arns
from stackview.aws.session import AwsSession
from stackview.aws.stacks import describe_stack, stack_resources

LAMBDA_GROUP_PREFIX = "/aws/lambda/"
MAX_NESTING = 5  # nested stacks deeper than this are not followed (cycles cannot happen, depth can)
BULK_FROM = 8  # more functions than this: one ListFunctions listing, not a call each


@dataclass(frozen=True)
class LogSource:
    """One log group to follow and the functions known to write to it."""

    log_group: str
    functions: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """What the view shows as the "function" column for this group."""
        if self.functions:
            return ",".join(self.functions)
        if self.log_group.startswith(LAMBDA_GROUP_PREFIX):
            return self.log_group[len(LAMBDA_GROUP_PREFIX) :]
        return self.log_group


@dataclass
class Resolution:
    """The sources found, and what went wrong on the way (one line each, for the user)."""

    sources: list[LogSource] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)  # neither a function nor an existing group

    @property
    def functions_by_group(self) -> dict[str, str]:
        """For `stackview.logs.parse.LogParser`: group -> function label."""
        return {s.log_group: s.label for s in self.sources if s.functions}


def default_log_group(function_name: str) -> str:
    # A function given by ARN (or partial ARN) still logs under its bare name.
    if function_name.startswith("arn:"):
        parts = function_name.split(":")
        if len(parts) >= 7:
            function_name = parts[6]
    return LAMBDA_GROUP_PREFIX + function_name


def function_log_group(session: AwsSession, function_name: str) -> str:
    """The function's log group from its configuration. Lets botocore errors rise."""
    config = session.client("lambda").get_function_configuration(FunctionName=function_name)
    logging = config.get("LoggingConfig") or {}
    return logging.get("LogGroup") or default_log_group(config.get("FunctionName", function_name))


def function_log_groups(session: AwsSession, names: list[str]) -> dict[str, str | ClientError]:
    """Each name's log group, or the error reading its configuration."""
    wanted = set(names)
    found: dict[str, str | ClientError] = {}
    if len(wanted) > BULK_FROM:
        paginator = session.client("lambda").get_paginator("list_functions")
        for page in paginator.paginate():
            for config in page.get("Functions", []):
                name = config.get("FunctionName", "")
                if name in wanted:
                    logging = config.get("LoggingConfig") or {}
                    found[name] = logging.get("LogGroup") or default_log_group(name)
            if len(found) == len(wanted):
                break
    for name in names:
        if name not in found:
            try:
                found[name] = function_log_group(session, name)
            except ClientError as exc:
                found[name] = exc
    return found


def stack_exists(session: AwsSession, name: str) -> bool:
    """True if DescribeStacks knows `name`; False when it says the stack does not exist."""
    try:
        describe_stack(session, name)
    except ClientError as exc:
        if describe(exc).kind == "not-found":
            return False
        raise
    return True


def stack_function_names(session: AwsSession, stack: str, *, _depth: int = 0) -> list[str]:
    """Physical names of the stack's Lambda functions, nested stacks included."""
    names: list[str] = []
    for resource in stack_resources(session, stack):
        if resource.is_function and resource.physical_id:
            names.append(resource.physical_id)
        elif resource.is_nested_stack and resource.physical_id and _depth < MAX_NESTING:
            names.extend(stack_function_names(session, resource.physical_id, _depth=_depth + 1))
    return names


def resolve_sources(
    session: AwsSession,
    *,
    stack: str | None = None,
    functions: Iterable[str] = (),
    log_groups: Iterable[str] = (),
) -> Resolution:
    """Every log group to follow, in the order given, each once.

    Errors listing the stack rise (nothing to tail without it); errors reading one function's
    configuration become warnings and that function falls back to its default group.
    """
    resolution = Resolution()
    by_group: dict[str, list[str]] = {}
    wanted: list[str] = []
    if stack:
        found = stack_function_names(session, stack)
        if not found:
            resolution.warnings.append(f"stack {stack} has no Lambda functions")
        wanted.extend(found)
    wanted.extend(functions)
    names = list(dict.fromkeys(wanted))
    groups = function_log_groups(session, names)
    missing = [n for n in names if isinstance(groups[n], ClientError)
               and describe(groups[n]).kind == "not-found"]  # type: ignore[arg-type]
    existing = _existing_groups(session, [default_log_group(n) for n in missing])
    for name in names:
        group_or_error = groups[name]
        if isinstance(group_or_error, ClientError):
            error = describe(group_or_error, profile=session.profile)
            group = default_log_group(name)
            if error.kind != "not-found":
                resolution.warnings.append(f"cannot read function {name} ({error.message}); following {group}")
            elif existing is None or group in existing:
                resolution.warnings.append(f"no function named {name}; following its log group {group}")
            else:
                resolution.unknown.append(name)
                resolution.warnings.append(f"no function named {name}; following {group}")
        else:
            group = group_or_error
        short = default_log_group(name)[len(LAMBDA_GROUP_PREFIX) :]
        by_group.setdefault(group, [])
        if short not in by_group[group]:
            by_group[group].append(short)
    for group in log_groups:
        by_group.setdefault(group, [])
    resolution.sources = [LogSource(group, tuple(fns)) for group, fns in by_group.items()]
    return resolution


def _existing_groups(session: AwsSession, groups: list[str]) -> set[str] | None:
    """Which of `groups` exist (None when that cannot be read: assume they might)."""
    if not groups:
        return set()
    try:
        return set(log_group_arns(session, groups))
    except ClientError:
        return None
