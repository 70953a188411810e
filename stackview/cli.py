"""The command line: `stackview [options]` runs the UI; subcommands run headless.

Problems found before the UI starts (unknown profile, no credentials, no region, unreachable
endpoint, expired SSO token) print one line naming the fix and exit non-zero: never a
traceback for a user's mistake.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

from stackview import __version__
from stackview.allocator import return_large_blocks
from stackview.commands.base import EXIT_FAILURE, CliError, apply_config_defaults, connect
from stackview.commands.demo_server import add_realism_options

#: Subcommands, each a module in stackview.commands with `add_parser(subparsers, parents)`
#: that registers its parser and sets `run` (a function of the parsed args returning an exit code)
#: with `parser.set_defaults(run=...)`.
COMMANDS: tuple[str, ...] = ("demo_server", "logs", "invoke", "throttle", "audit", "config", "status", "sources",
                             "query")


def connection_options(*, for_subcommand: bool) -> argparse.ArgumentParser:
    """Options every command shares. On subcommands their defaults are suppressed so a value
    given before the subcommand (`stackview --profile p logs`) is not reset by the subparser."""
    parser = argparse.ArgumentParser(add_help=False)
    default = argparse.SUPPRESS if for_subcommand else None
    group = parser.add_argument_group("connection")
    group.add_argument("--profile", metavar="P", default=default, help="AWS profile to use")
    group.add_argument("--region", metavar="R", default=default, help="AWS region to use")
    group.add_argument(
        "--endpoint-url", metavar="URL", default=default, help="send every AWS call to this endpoint"
    )
    group.add_argument(
        "--demo",
        action="store_true",
        default=argparse.SUPPRESS if for_subcommand else False,
        help="run against the embedded demo world (no AWS account needed)",
    )
    group.add_argument(
        "--read-only",
        action="store_true",
        default=argparse.SUPPRESS if for_subcommand else False,
        help="hide every action that changes something in AWS",
    )
    add_realism_options(group, prefix="demo-", default=argparse.SUPPRESS if for_subcommand else None)
    return parser


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="stackview",
        description="Inspect and operate AWS serverless stacks from the terminal.",
        parents=[connection_options(for_subcommand=False)],
    )
    parser.add_argument("--version", action="version", version=f"stackview {__version__}")
    parser.add_argument("--project", metavar="DIR", default=None,
                        help="a SAM project whose events/*.json the invoke screen offers "
                             "(default: the current directory)")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    shared = connection_options(for_subcommand=True)
    for name in COMMANDS:
        module = importlib.import_module(f"stackview.commands.{name}")
        module.add_parser(subparsers, [shared])
    return parser


def run_ui(args: argparse.Namespace) -> int:
    from stackview.app import create_app
    from stackview.commands.config import binding_catalog
    from stackview.themes import load_settings

    project = getattr(args, "project", None)
    if project is not None and not Path(project).is_dir():
        raise CliError(f"--project: {project} is not a directory")
    settings = load_settings(binding_ids=[b.id for b in binding_catalog()])
    apply_config_defaults(args, settings.config)
    with connect(args, status=lambda m: print(f"stackview: {m}", file=sys.stderr)) as conn:
        # Read-only from the flag, the config, or the profile the session uses (the app decides
        # again for the profile `:profile` switches to); unreadable settings fail closed.
        app = create_app(conn.session, read_only=bool(args.read_only), settings=settings,
                         project_dir=Path(project) if project is not None else None)
        app.run()
        return app.return_code or 0


def apply_headless_defaults(args: argparse.Namespace) -> None:
    """The config file's `default_profile` / `default_region` for every command, as for the UI:
    the profile a command connects with is the one read-only is judged against."""
    from stackview.config import load_config

    apply_config_defaults(args, load_config()[0])


def main(argv: list[str] | None = None) -> int:
    return_large_blocks()  # before the first page is fetched: see stackview/allocator.py
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        run = getattr(args, "run", None) or run_ui
        if run is not run_ui:  # the UI applies them from the settings it loads anyway
            apply_headless_defaults(args)
        return run(args)
    except CliError as exc:
        print(f"stackview: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    except KeyboardInterrupt:
        return 130
