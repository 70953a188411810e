"""NAME... -g GROUP... on the command line: a stack first, or functions, or log groups.

Shared by `stackview logs` and `stackview query`: the first name is a stack if CloudFormation
knows one by it (without CloudFormation permission the names can still be functions), every
name must be something, and the resolver's warnings go to stderr.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from stackview.commands.base import CliError


def resolve_names(session: Any, names: Sequence[str], log_groups: Sequence[str],
                  say: Callable[[str], None]) -> Any:
    """The `Resolution` (stackview.aws.log_sources) of the names; CliError for an error or for a
    name that is neither a stack, a function nor a log group. May hold no source."""
    from botocore.exceptions import BotoCoreError, ClientError

    from stackview.aws.errors import describe
    from stackview.aws.log_sources import resolve_sources, stack_exists

    rest, stack = list(names), None
    try:
        if rest:
            try:
                if stack_exists(session, rest[0]):
                    stack = rest.pop(0)
            except ClientError as exc:
                if describe(exc).kind != "access-denied":
                    raise
        resolution = resolve_sources(session, stack=stack, functions=rest, log_groups=list(log_groups))
    except (ClientError, BotoCoreError) as exc:
        raise CliError(describe(exc, profile=session.profile).one_line()) from None
    if resolution.unknown:
        name = resolution.unknown[0]
        if stack is None and names and name == names[0]:
            raise CliError(f"no stack or function named {name}")
        raise CliError(f"no function or log group named {name}")
    for warning in resolution.warnings:
        say(warning)
    return resolution
