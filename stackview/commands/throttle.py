"""`stackview throttle` / `stackview unthrottle`: the emergency levers from the shell.

    stackview throttle FUNCTION        reserved concurrency 0, prior state recorded on the function
    stackview unthrottle FUNCTION      back to exactly that prior state
    stackview throttle --stack S       the kill switch: every function of the stack
    stackview unthrottle --stack S     each function back to its own prior state

On a terminal they show what is about to change (function, account, region, reservation) and
ask first (the stack form asks to type the stack's name); from a script (stdin not a terminal)
or with --yes they do not ask. Read-only mode (--read-only, or the config file, globally or for
the profile in use) refuses before anything is called. Exit status: 0 when everything asked
for is done (or already so), 1 on any failure or refusal.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from stackview.commands.base import EXIT_FAILURE, EXIT_OK, CliError, connect
from stackview.commands.guard import refuse_if_read_only
from stackview.commands.safe_text import clean

LEVERS = {
    "throttle": ("throttle a function, or every function of a stack (reserved concurrency 0)",
                 "Set the reserved concurrency of a function (or of every function of a stack) "
                 "to 0: every new invocation is refused with 429. The prior reservation (a number, "
                 "or none) is recorded on the function as a tag so `stackview unthrottle` can put "
                 "it back exactly, from any machine."),
    "unthrottle": ("restore the reservation a throttled function had before",
                   "Put a throttled function (or every function of a stack) back to exactly the "
                   "reserved concurrency it had before it was throttled: a number, or none."),
}


def add_parser(subparsers: Any, parents: list[argparse.ArgumentParser]) -> None:
    for name, (summary, description) in LEVERS.items():
        parser = subparsers.add_parser(name, parents=parents, help=summary, description=description)
        parser.add_argument("function", nargs="?", metavar="FUNCTION", help="function name or ARN")
        parser.add_argument("--stack", metavar="S", help="every function of the stack S")
        parser.add_argument("-y", "--yes", action="store_true",
                            help="do not ask for confirmation (never asked when not on a terminal)")
        parser.set_defaults(run=run, lever=name)


def run(args: argparse.Namespace) -> int:
    if bool(args.function) == bool(args.stack):
        raise CliError(f"`{args.lever}` needs a FUNCTION or --stack S (one of them)")
    refuse_if_read_only(args, args.lever)
    ask = sys.stdin.isatty() and not args.yes
    with connect(args, status=lambda m: print(f"stackview: {m}", file=sys.stderr)) as conn:
        try:
            if args.stack:
                return _on_stack(conn.session, args.lever, args.stack, ask)
            return _on_function(conn.session, args.lever, args.function, ask)
        except Cancelled:
            print("stackview: cancelled; nothing changed", file=sys.stderr)
            return EXIT_FAILURE


class Cancelled(Exception):
    """The person at the terminal said no."""


def _fail(exc: BaseException, session: Any) -> int:
    from stackview.aws.errors import describe

    print(f"stackview: {clean(describe(exc, profile=session.profile).one_line())}", file=sys.stderr)
    return EXIT_FAILURE


def _where(session: Any, err: Any) -> None:
    identity = session.identity()
    print(f"  account  {identity.account}", file=err)
    print(f"  region   {session.region}", file=err)
    print(f"  profile  {session.target.label}", file=err)


def _confirm(prompt: str, expected: str | None = None) -> None:
    """Ask on the terminal; raises Cancelled unless the answer is yes (or the expected text)."""
    err = sys.stderr
    print(prompt, end=" ", file=err, flush=True)
    answer = sys.stdin.readline()
    if not answer:
        print(file=err)
        raise Cancelled()
    answer = answer.strip()
    if expected is not None:
        if answer != expected:
            raise Cancelled()
    elif answer.lower() not in ("y", "yes"):
        raise Cancelled()


def _on_function(session: Any, lever: str, function: str, ask: bool) -> int:
    from stackview.aws import levers
    from stackview.aws.functions import reserved_concurrency
    from stackview.models.functions import reservation_text

    try:
        if ask:
            err = sys.stderr
            current = reserved_concurrency(session, function)
            print(f"{lever.capitalize()} the function {clean(function)}", file=err)
            _where(session, err)
            print(f"  reserved concurrency now  {reservation_text(current)}", file=err)
            if lever == "throttle":
                print("Every new invocation will be refused (429) until it is unthrottled.", file=err)
            else:
                arn = session.client("lambda").get_function_configuration(
                    FunctionName=function)["FunctionArn"]
                known, prior, source = levers.recorded_prior(session, arn)
                restored = f"{reservation_text(prior)} (from the {source})" if known else "unknown"
                print(f"  reservation to restore    {restored}", file=err)
            _confirm(f"{lever.capitalize()} {clean(function)}? [y/N]")
        change = (levers.throttle if lever == "throttle" else levers.unthrottle)(session, function)
    except Cancelled:
        raise
    except Exception as exc:  # noqa: BLE001 - one line on stderr, never a traceback
        return _fail(exc, session)
    print(clean(change.message))
    for warning in change.warnings:
        print(f"  warning: {clean(warning)}")
    return EXIT_OK  # already throttled / not throttled: the state asked for holds


def _on_stack(session: Any, lever: str, stack: str, ask: bool) -> int:
    from stackview.aws import levers
    from stackview.aws.functions import stack_functions
    from stackview.models.functions import reservation_text

    try:
        if ask:
            err = sys.stderr
            rows = stack_functions(session, stack)
            verb = "Throttle every function" if lever == "throttle" else "Restore every function"
            count = f"{len(rows)} function" + ("" if len(rows) == 1 else "s")
            print(f"{verb} of the stack {clean(stack)} ({count})", file=err)
            _where(session, err)
            for row in rows:
                now = reservation_text(row.reserved_concurrency) if row.reserved_known else "?"
                print(f"    {clean(row.name)}  reserved concurrency {now}", file=err)
            _confirm(f"Type the stack name ({clean(stack)}) to confirm:", expected=stack)
        result = (levers.throttle_stack if lever == "throttle" else levers.unthrottle_stack)(
            session, stack)
    except Cancelled:
        raise
    except Exception as exc:  # noqa: BLE001 - one line on stderr, never a traceback
        return _fail(exc, session)
    changed = [c for c in result.changes if c.changed]
    unchanged = [c for c in result.changes if not c.changed]
    print(f"{lever} --stack {clean(stack)}: {len(changed)} changed, {len(unchanged)} unchanged, "
          f"{len(result.failures)} failed")
    for change in changed:
        print(f"  changed    {clean(change.function)}  {reservation_text(change.before)} -> "
              f"{reservation_text(change.after)}")
        for warning in change.warnings:
            print(f"             warning: {clean(warning)}")
    for change in unchanged:
        print(f"  unchanged  {clean(change.function)}  {_why_unchanged(change)}")
    for failure in result.failures:
        print(f"  FAILED     {clean(failure.function)}  {clean(failure.message)}")
    return EXIT_OK if result.ok else EXIT_FAILURE


def _why_unchanged(change: Any) -> str:
    from stackview.models.functions import reservation_text

    if change.action == "throttle":
        if change.prior_recorded_in:
            return f"already throttled (prior state kept, in the {change.prior_recorded_in})"
        return "already throttled outside stackview (no prior state recorded)"
    return f"not throttled (reserved concurrency {reservation_text(change.before)})"
