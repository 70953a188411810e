"""Read-only mode for commands that change something in AWS.

Read-only comes from --read-only, the config file's `read_only`, or the `read_only` of the AWS
profile in effect (stackview.config.read_only_reason, the same decision the app makes). The
profile judged is the profile the command then connects with: --profile, else the config's
`default_profile` (applied to every command by `base.apply_config_defaults`), else botocore's own
choice (AWS_DEFAULT_PROFILE, AWS_PROFILE, else the profile named "default"). A command that
mutates calls `refuse_if_read_only` before it connects, so nothing is ever sent in read-only
mode. When the config file cannot be read, or its read_only setting is invalid, whether read-only
was meant is unknown: the command is refused too, naming the problem (a safety setting fails
closed).
"""

from __future__ import annotations

import argparse

from stackview.commands.base import CliError


def profile_in_effect(args: argparse.Namespace, default_profile: str | None) -> str | None:
    """The AWS profile the command will use, as its session will resolve it ("default" when
    nothing chose one); None in the demo world, which has no profiles."""
    if getattr(args, "demo", False):
        return None
    from stackview.aws.session import resolve_profile

    return resolve_profile(getattr(args, "profile", None) or default_profile)


def read_only_reason(args: argparse.Namespace) -> str | None:
    """Why mutations are refused here ("--read-only", "the config file", ...), or None."""
    from stackview.config import load_config, read_only_reason as decide

    flag = bool(getattr(args, "read_only", False))
    config, problems = load_config()
    return decide(config, problems, profile_in_effect(args, config.default_profile), flag)


def refuse_if_read_only(args: argparse.Namespace, command: str, does: str = "changes AWS") -> None:
    """Raise CliError (exit 1, one line) when `command` must not run in read-only mode; `does`
    says why it counts as a mutation."""
    reason = read_only_reason(args)
    if reason:
        raise CliError(f"read-only mode: `{command}` {does}, so it is refused ({reason})")
