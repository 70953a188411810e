"""`stackview audit`: the local audit log of every mutation, one line per entry, oldest first.

    stackview audit               readable lines
    stackview audit --limit 20    only the 20 newest
    stackview audit --json        the raw JSON lines (for jq and scripts)

It reads a file in the user state directory and talks to no AWS endpoint.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import deque
from typing import Any

from stackview.commands.base import CliError
from stackview.commands.safe_text import one_line


def add_parser(subparsers: Any, parents: list[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "audit", parents=parents, help="print the local audit log of changes made with stackview",
        description="Print every change made with stackview from this machine (throttles, "
        "reservations, alias weights, ...), oldest first: time, action, target, before -> after, "
        "outcome, and who made it where.")
    parser.add_argument("--json", action="store_true", help="print the raw JSON lines")
    parser.add_argument("--limit", type=int, metavar="N", help="only the N newest entries")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from stackview import audit, locations

    if args.limit is not None and args.limit < 1:
        raise CliError(f"--limit must be 1 or more, not {args.limit}")
    entries = deque(audit.entries(), maxlen=args.limit)  # maxlen None: every entry
    if not entries:
        print(f"stackview: the audit log is empty ({locations.audit_log_file()})", file=sys.stderr)
        return 0
    for entry in entries:
        print(json.dumps(entry, sort_keys=True, default=str) if args.json else format_entry(entry))
    return 0


def _state(value: Any) -> str:
    """A before/after value: a reservation (None is "none"), an alias, or compact JSON."""
    if value is None:
        return "none"
    if isinstance(value, dict) and "function_version" in value:
        text = f"v{value['function_version']}"
        if value.get("additional_version"):
            percent = round(float(value.get("additional_weight") or 0) * 100, 2)
            text += f" + v{value['additional_version']} at {percent:g}%"
        return text
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True, default=str)
    return str(value)


def _change(entry: dict[str, Any]) -> str:
    """What changed: before -> after, or for an invoke (which changes no setting) what was sent."""
    if entry.get("action") == "invoke":
        details = entry.get("details") or {}
        text = str(details.get("invocation_type") or "invoke")
        if details.get("event"):
            text += f" {details['event']}"
        if details.get("request_id"):
            text += f" request {details['request_id']}"
        return text
    return f"{_state(entry.get('before'))} -> {_state(entry.get('after'))}"


def format_entry(entry: dict[str, Any]) -> str:
    """One readable line: time, action, target, before -> after, outcome, who and where."""
    where = " ".join(str(entry.get(k) or "") for k in ("account", "region")).strip()
    profile = entry.get("profile")
    if profile:
        where = f"{where}, profile {profile}" if where else f"profile {profile}"
    parts = [
        str(entry.get("time", "?")),
        f"{entry.get('action', '?'):<24}",
        str(entry.get("target", "?")),
        _change(entry),
        str(entry.get("outcome", "?")),
    ]
    if entry.get("caller"):
        parts.append(f"by {entry['caller']}")
    if where:
        parts.append(f"({where})")
    return one_line("  ".join(parts))
