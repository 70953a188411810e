"""Read-only mode for commands that change something in AWS.

Read-only comes from --read-only, the config file's `read_only`, or the `read_only` of the AWS
profile in effect (stackview.config.effective_read_only). A command that mutates calls
`refuse_if_read_only` before it connects, so nothing is ever sent in read-only mode. When the
config file cannot be read, or its read_only setting is invalid, whether read-only was meant is
unknown: the command is refused too, naming the problem (a safety setting fails closed).
"""

from __future__ import annotations

import argparse
import os

from stackview.commands.base import CliError


def profile_in_effect(args: argparse.Namespace, default_profile: str | None) -> str | None:
    """The AWS profile the command will use (None in the demo world)."""
    if getattr(args, "demo", False):
        return None
    return getattr(args, "profile", None) or default_profile or os.environ.get("AWS_PROFILE") or None


def read_only_reason(args: argparse.Namespace) -> str | None:
    """Why mutations are refused here ("--read-only", "the config file", ...), or None."""
    if getattr(args, "read_only", False):
        return "--read-only is given"
    from stackview.config import effective_read_only, load_config

    config, problems = load_config()
    unreadable = [p for p in problems if p.severity == "error" and _hides_read_only(p.key)]
    if unreadable:
        return f"the config file's read-only setting cannot be trusted ({unreadable[0]})"
    profile = profile_in_effect(args, config.default_profile)
    if effective_read_only(config, profile):
        own = config.profiles.get(profile) if profile else None
        if own is not None and own.read_only:
            return f"the config file makes the profile {profile} read-only"
        return "the config file sets read_only"
    return None


def _hides_read_only(key: str) -> bool:
    """Could the problem at `key` hide a read_only setting (or change which profile is in
    effect)? The whole file, `read_only` anywhere, the profiles map or one profile's entry."""
    if not key or key in ("read_only", "default_profile", "profiles") or key.endswith(".read_only"):
        return True
    parts = key.split(".")
    return parts[0] == "profiles" and len(parts) == 2


def refuse_if_read_only(args: argparse.Namespace, command: str) -> None:
    """Raise CliError (exit 1, one line) when `command` must not run in read-only mode."""
    reason = read_only_reason(args)
    if reason:
        raise CliError(f"read-only mode: `{command}` changes AWS, so it is refused ({reason})")
