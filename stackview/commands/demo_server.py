"""`stackview demo-server`: the demo world alone, in the foreground, for any AWS tool.

It prints the endpoint and the environment variables that point the AWS CLI, SAM CLI or boto3
at it, then serves until Ctrl+C (a clean exit, no traceback). The realism switches (`--latency`,
`--throttle-rate`, `--fault-rate`; `--demo-latency`, ... on the main command, through
`add_realism_options`) make it behave like AWS under load.
"""

from __future__ import annotations

import argparse
import sys
import threading
from typing import Any, Callable

from stackview.commands.base import CliError
from stackview.demo.process import (
    DEMO_CREDENTIALS,
    DEMO_REGION,
    Realism,
    parse_events_rate,
    parse_latency,
    parse_rate,
)


def add_parser(subparsers: Any, parents: list[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "demo-server",
        parents=parents,
        help="run the demo world alone on loopback (an AWS-compatible endpoint)",
        description="Run stackview's demo world (stacks, functions that really run, logs, "
        "metrics, live traffic) on 127.0.0.1 so the AWS CLI, SAM CLI or boto3 can use it.",
    )
    parser.add_argument("--port", type=int, default=0, metavar="N",
                        help="port to listen on (default: a free one)")
    parser.add_argument("--no-traffic", action="store_true", help="do not generate live traffic")
    parser.add_argument("--empty", action="store_true",
                        help="start an empty account (no stacks, no history)")
    add_realism_options(parser)
    parser.set_defaults(run=run)


def add_realism_options(parser: Any, prefix: str = "", default: Any = None) -> None:
    """The realism switches as options of `parser` (a parser or an argument group):
    `--latency`, or `--demo-latency` with prefix "demo-". A bad value is a usage error (exit 2)."""

    def checked(parse: Callable[[str], Any], name: str) -> Callable[[str], Any]:
        def convert(text: str) -> Any:
            try:
                return parse(text)
            except ValueError as error:
                raise argparse.ArgumentTypeError(str(error)) from None
        convert.__name__ = name  # argparse names the type in "invalid <name> value"
        return convert

    parser.add_argument(f"--{prefix}latency", type=checked(parse_latency, "latency"),
                        default=default, metavar="MS|OP=MS,...",
                        help="milliseconds added to every call of the demo endpoint, or per "
                             "operation or service: FilterLogEvents=300,logs=100,default=50")
    parser.add_argument(f"--{prefix}throttle-rate", type=checked(parse_rate, "rate"),
                        default=default, metavar="P",
                        help="share of read calls refused as throttled, as each service does "
                             "(ThrottlingException, TooManyRequestsException, ...): 0.1 or 10%%")
    parser.add_argument(f"--{prefix}fault-rate", type=checked(parse_rate, "rate"),
                        default=default, metavar="P",
                        help="share of calls answered HTTP 500 or 503: 0.05 or 5%%")
    parser.add_argument(f"--{prefix}insights-rate", type=checked(parse_events_rate, "rate"),
                        default=default, metavar="N",
                        help="events per second a Logs Insights query scans, so that queries "
                             "take time (Running, partial statistics, StopQuery); default: no limit")


def realism_of(args: argparse.Namespace) -> Realism:
    """The switches asked for: `--latency` ..., or the main command's `--demo-latency` ...
    (the same thing here: the demo world is what this command runs)."""

    def given(name: str) -> Any:
        value = getattr(args, name, None)
        return value if value is not None else getattr(args, f"demo_{name}", None)

    return Realism(given("latency") or {}, given("throttle_rate") or 0.0, given("fault_rate") or 0.0,
                   given("insights_rate") or 0.0)


def environment(endpoint: str) -> dict[str, str]:
    """The variables that point AWS tools at the demo endpoint."""
    return {
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": DEMO_CREDENTIALS[0],
        "AWS_SECRET_ACCESS_KEY": DEMO_CREDENTIALS[1],
        "AWS_REGION": DEMO_REGION,
        "AWS_DEFAULT_REGION": DEMO_REGION,
    }


def announcement(endpoint: str, realism: Realism | None = None) -> str:
    switches = realism.summary() if realism is not None else ""
    lines = [f"stackview demo world listening on {endpoint}", "",
             *([f"Realism switches: {switches}.", ""] if switches else []),
             "Point the AWS CLI, SAM CLI or boto3 at it with:", ""]
    lines += [f"  export {name}={value}" for name, value in environment(endpoint).items()]
    lines += ["", f"or run: stackview --endpoint-url {endpoint} --region {DEMO_REGION}",
              "Press Ctrl+C to stop."]
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    from stackview.demo.server.endpoint import serve

    if not 0 <= args.port <= 65535:
        raise CliError(f"--port must be between 0 and 65535, not {args.port}")
    stop = threading.Event()
    print("stackview: starting the demo world ...", file=sys.stderr, flush=True)
    realism = realism_of(args)
    try:
        serve(args.port, traffic=not args.no_traffic, empty=args.empty,
              announce=lambda endpoint: print(announcement(endpoint, realism), flush=True),
              stop=stop, realism=realism)
    except KeyboardInterrupt:
        stop.set()
        print("\nstackview: demo world stopped", file=sys.stderr)
        return 0
    except OSError as exc:  # the port is taken, or not ours to use
        reason = exc.strerror or exc
        raise CliError(f"the demo world could not listen on port {args.port}: {reason}") from None
    return 0
