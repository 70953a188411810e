"""`stackview demo-server`: the demo world alone, in the foreground, for any AWS tool.

It prints the endpoint and the environment variables that point the AWS CLI, SAM CLI or boto3
at it, then serves until Ctrl+C (a clean exit, no traceback).
"""

from __future__ import annotations

import argparse
import sys
import threading
from typing import Any

from stackview.commands.base import CliError
from stackview.demo.process import DEMO_CREDENTIALS, DEMO_REGION


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
    parser.set_defaults(run=run)


def environment(endpoint: str) -> dict[str, str]:
    """The variables that point AWS tools at the demo endpoint."""
    return {
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": DEMO_CREDENTIALS[0],
        "AWS_SECRET_ACCESS_KEY": DEMO_CREDENTIALS[1],
        "AWS_REGION": DEMO_REGION,
        "AWS_DEFAULT_REGION": DEMO_REGION,
    }


def announcement(endpoint: str) -> str:
    lines = [f"stackview demo world listening on {endpoint}", "",
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
    try:
        serve(args.port, traffic=not args.no_traffic, empty=args.empty,
              announce=lambda endpoint: print(announcement(endpoint), flush=True), stop=stop)
    except KeyboardInterrupt:
        stop.set()
        print("\nstackview: demo world stopped", file=sys.stderr)
        return 0
    except OSError as exc:  # the port is taken, or not ours to use
        reason = exc.strerror or exc
        raise CliError(f"the demo world could not listen on port {args.port}: {reason}") from None
    return 0
