"""What to tail: a stack's functions, named functions, or explicit log groups -> log groups.

A Lambda function writes to `/aws/lambda/<name>` unless its `LoggingConfig.LogGroup` names
another group (which several functions may share), so each function's configuration is read
rather than guessed. A function that cannot be read (deleted, no permission) still gets its
default group, with a warning: its old logs may well be there.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from botocore.exceptions import ClientError

from stackview.aws.errors import describe
from stackview.aws.session import AwsSession
from stackview.aws.stacks import describe_stack, stack_resources

LAMBDA_GROUP_PREFIX = "/aws/lambda/"
MAX_NESTING = 5  # nested stacks deeper than this are not followed (cycles cannot happen, depth can)


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
    for name in dict.fromkeys(wanted):
        try:
            group = function_log_group(session, name)
        except ClientError as exc:
            error = describe(exc, profile=session.profile)
            group = default_log_group(name)
            what = "no function named" if error.kind == "not-found" else "cannot read function"
            detail = "" if error.kind == "not-found" else f" ({error.message})"
            resolution.warnings.append(f"{what} {name}{detail}; following {group}")
        short = default_log_group(name)[len(LAMBDA_GROUP_PREFIX) :]
        by_group.setdefault(group, [])
        if short not in by_group[group]:
            by_group[group].append(short)
    for group in log_groups:
        by_group.setdefault(group, [])
    resolution.sources = [LogSource(group, tuple(fns)) for group, fns in by_group.items()]
    return resolution
