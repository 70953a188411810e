"""`stackview logs`: the tail engine, headless, printing to stdout.

    stackview logs [STACK] [FUNCTION ...] [--log-group G ...] [--filter P] [--since T]
                   [--follow] [--output text|json]

The first positional is a stack if a stack of that name exists, otherwise every positional is a
function; a name that is neither (nor the name of an existing log group) ends the command with
"no stack or function named ...", exit 1. Everything the user typed is checked before any request (an invalid filter pattern
or start time exits 2 with the position of the problem). Events go to stdout, everything else
(warnings, per-group errors) to stderr, so `stackview logs ... | jq` / `| grep` / `| head` work:
no colours off a terminal, and a closed pipe or Ctrl+C ends quietly.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from typing import Any

from stackview.commands.base import EXIT_FAILURE, EXIT_OK, EXIT_USAGE, CliError, connect
from stackview.commands.log_names import resolve_names

DEFAULT_SINCE = "10m"
EXIT_INTERRUPTED = 130


def add_parser(subparsers: Any, parents: list[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "logs",
        parents=parents,
        help="print (and follow) the logs of a stack, functions or log groups",
        description=(
            "Print CloudWatch Logs events of a stack's functions, named functions or log groups, "
            "merged in time order; with --follow, keep printing new ones. Nothing is lost or "
            "printed twice, even with late events and throttling."
        ),
    )
    parser.add_argument(
        "names",
        nargs="*",
        metavar="STACK|FUNCTION",
        help="a stack name (first only) and/or function names",
    )
    parser.add_argument(
        "--log-group", "-g", dest="log_groups", action="append", default=[], metavar="G",
        help="also follow this log group (repeatable)",
    )
    parser.add_argument(
        "--filter", dest="pattern", default="", metavar="P",
        help="CloudWatch filter pattern (terms, \"phrases\", -exclusions, %%regex%%, { JSON }, [ fields ])",
    )
    parser.add_argument(
        "--since", "-s", default=DEFAULT_SINCE, metavar="T",
        help=f"start: 30s, 5m, 2h, 1d, or an ISO time (default {DEFAULT_SINCE})",
    )
    parser.add_argument("--follow", "-f", action="store_true", help="keep printing new events")
    parser.add_argument(
        "--output", "-o", choices=("text", "json"), default="text",
        help="text (time, function, message) or one JSON object per line",
    )
    parser.add_argument(
        "--rate", type=float, default=None, metavar="N",
        help="FilterLogEvents requests per second for all groups together (default 4)",
    )
    parser.add_argument(
        "--no-live-tail", dest="live_tail", action="store_false",
        help="poll only; never open a Live Tail session (those are billed per minute)",
    )
    parser.set_defaults(run=run)


def _say(message: str) -> None:
    print(f"stackview: {message}", file=sys.stderr, flush=True)


def _check_input(args: argparse.Namespace) -> int | None:
    """The start time (epoch ms), or None once what is wrong was said; no network involved.
    The pattern is only checked here: `Tail` compiles its own matcher."""
    from stackview.logs.filter_pattern import FilterPatternError
    from stackview.logs.since import SinceError, parse_since
    from stackview.logs.tail import compile_filter

    if not args.names and not args.log_groups:
        _say("name a stack, a function or --log-group")
        return None
    try:
        compile_filter(args.pattern)
    except FilterPatternError as exc:
        _say(f"invalid filter pattern: {exc.message}")
        print(f"  {args.pattern}\n  {' ' * exc.position}^", file=sys.stderr)
        return None
    try:
        start_ms = parse_since(args.since, int(time.time() * 1000))
    except SinceError as exc:
        _say(f"--since: {exc}")
        return None
    if args.rate is not None and args.rate <= 0:
        _say("--rate must be above 0")
        return None
    return start_ms


def _resolve(session: Any, args: argparse.Namespace) -> Any:
    resolution = resolve_names(session, args.names, args.log_groups, _say)
    if not resolution.sources:
        raise CliError("nothing to tail")
    return resolution


def run(args: argparse.Namespace) -> int:
    start_ms = _check_input(args)
    if start_ms is None:
        return EXIT_USAGE
    try:
        with connect(args, status=_say if sys.stderr.isatty() else None) as conn:
            resolution = _resolve(conn.session, args)
            return _tail(conn.session, resolution, args, start_ms)
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED


def _tail(session: Any, resolution: Any, args: argparse.Namespace, start_ms: int) -> int:
    from stackview.logs.budget import DEFAULT_RATE
    from stackview.logs.output import EventWriter
    from stackview.logs.parse import LogParser
    from stackview.logs.tail import Tail

    parser = LogParser(resolution.functions_by_group)
    width = max(len(parser.function_of(s.log_group)) for s in resolution.sources)
    color = sys.stdout.isatty() and "NO_COLOR" not in os.environ
    writer = EventWriter(sys.stdout, output=args.output, color=color, parser=parser, function_width=width)
    tail = Tail(
        session,
        resolution.sources,
        start_ms=start_ms,
        pattern=args.pattern,
        follow=args.follow,
        rate=args.rate or DEFAULT_RATE,
        live_tail=args.live_tail,
    )
    reported: dict[str, str] = {}
    try:
        tail.start()
        for batch in tail.batches(heartbeat=1.0):
            writer.write(batch)
            if args.follow or not batch:
                writer.flush()
            _report_errors(tail, reported)
        writer.flush()
    except BrokenPipeError:
        _quiet_stdout()
        return EXIT_OK
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    finally:
        tail.stop(timeout=1.0)
    _report_errors(tail, reported)
    if tail.error is not None:
        if isinstance(tail.error, BrokenPipeError):
            _quiet_stdout()
            return EXIT_OK
        raise CliError(f"the tail stopped: {tail.error}")
    if len(reported) == len(resolution.sources):
        return EXIT_FAILURE  # not one group could be read
    return EXIT_OK


def _report_errors(tail: Any, reported: dict[str, str]) -> None:
    for group, message in tail.stats().group_errors.items():
        if reported.get(group) != message:
            reported[group] = message
            _say(f"{group}: {message}")


def _quiet_stdout() -> None:
    """The reader went away (`| head`): point stdout at /dev/null so that the interpreter's
    final flush does not print a BrokenPipeError of its own."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except OSError:
        pass
