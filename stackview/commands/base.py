"""What every command shares with the command line: exit codes, the one-line error, and the checked
AWS connection (with the demo world when --demo is given).

Here rather than in `stackview.cli` so that the dependency runs one way: cli imports the
commands, the commands never import cli.
"""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Iterator
from dataclasses import dataclass

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2


class CliError(Exception):
    """A problem to report on one line (already phrased for the user)."""


@dataclass
class Connection:
    """An AWS session ready to use, and whether it runs against the demo world."""

    session: object  # stackview.aws.session.AwsSession (imported lazily: keeps --help fast)
    demo: bool


@contextlib.contextmanager
def connect(args: argparse.Namespace, *, status=None) -> Iterator[Connection]:
    """Open a checked AWS session for the parsed options; starts (and always stops) the demo
    world when --demo is given. Raises CliError with a one-line message on any problem."""
    from stackview.aws.errors import describe
    from stackview.aws.session import AwsSession
    from stackview.models import Target

    say = status or (lambda message: None)
    switches = [f"--demo-{name.replace('_', '-')}"
                for name in ("latency", "throttle_rate", "fault_rate", "insights_rate")
                if getattr(args, f"demo_{name}", None) is not None]
    if switches and not getattr(args, "demo", False):
        raise CliError(f"{', '.join(switches)}: only with --demo")
    if getattr(args, "demo", False):
        if args.endpoint_url or args.profile:
            raise CliError("--demo cannot be combined with --profile or --endpoint-url")
        from stackview.demo.process import DEMO_CREDENTIALS, DEMO_REGION, DemoServer

        try:
            server = DemoServer(latency=getattr(args, "demo_latency", None),
                                throttle_rate=getattr(args, "demo_throttle_rate", None),
                                fault_rate=getattr(args, "demo_fault_rate", None),
                                insights_rate=getattr(args, "demo_insights_rate", None))
            switches = server.realism.summary()
            say(f"starting the demo world ({switches}) ..." if switches else "starting the demo world ...")
            endpoint = server.start()
        except Exception as exc:  # noqa: BLE001 - reported on one line
            raise CliError(f"the demo world did not start: {exc}") from None
        try:
            target = Target(region=DEMO_REGION, endpoint_url=endpoint, demo=True)
            session = AwsSession(target, credentials=DEMO_CREDENTIALS)
            session.identity()
            yield Connection(session, demo=True)
        finally:
            server.stop()
        return

    target = Target(profile=args.profile, region=args.region, endpoint_url=args.endpoint_url)
    try:
        session = AwsSession(target)
        if not session.region:
            from botocore.exceptions import NoRegionError

            raise NoRegionError()
        say("checking credentials ...")
        session.identity()
    except Exception as exc:  # noqa: BLE001 - every failure becomes one line
        raise CliError(describe(exc, profile=args.profile).one_line()) from None
    yield Connection(session, demo=False)


def apply_config_defaults(args: argparse.Namespace, config) -> None:
    """The config file's default profile and region, where the command line gave none."""
    if getattr(args, "demo", False):
        return
    if getattr(args, "profile", None) is None and config.default_profile:
        args.profile = config.default_profile
    if getattr(args, "region", None) is None and config.default_region:
        args.region = config.default_region
