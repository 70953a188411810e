"""`stackview invoke`: send one test event to a function, version or alias, from the shell.

    stackview invoke FUNCTION [--qualifier Q] [--event FILE|-] [--saved NAME] [--generate KIND]
                     [--route 'METHOD /PATH'] [--type RequestResponse|Event|DryRun]
                     [--output text|json]

The event is read and checked before anything is contacted: malformed JSON is shown with its
line and column (exit 2), an event too large for the invocation type is refused (exit 2), and
read-only mode (`--read-only`, or the config file for the profile in use) refuses the command
(exit 1), so nothing is ever sent by mistake. A generated API Gateway event requests a route the
function serves (from its stack's template; `--route` picks another), so the handler does not
answer "no route". Then the function runs once (never retried) and the result is printed:
status, executed version, request id, time, the function's error with its stack trace, the
response, and with text output the log tail and its REPORT summary. Exit 0 when the function
succeeded, 1 on a function error, a throttle or any AWS error (one line on stderr, no traceback).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, TextIO

from stackview.commands.base import EXIT_FAILURE, connect
from stackview.commands.guard import refuse_if_read_only
from stackview.commands.safe_text import clean, one_line
from stackview.events import generated, saved, validate
from stackview.models.invoke import INVOCATION_TYPES, REQUEST_RESPONSE, REST_API, HttpRoute

EXIT_INPUT = 2  # the event was refused before anything was sent


def add_parser(subparsers: Any, parents: list[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "invoke", parents=parents, help="invoke a function once with a test event and print the result",
        description="Invoke a Lambda function (or one of its versions or aliases) once, never "
        "retried, and print the result with the log tail. The event comes from a file, stdin, a "
        "saved event or a generated one; it is checked before anything is sent.",
    )
    parser.add_argument("function", metavar="FUNCTION", help="function name or ARN")
    parser.add_argument("--qualifier", "-q", metavar="Q", help="version number or alias ($LATEST by default)")
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--event", "-e", metavar="FILE", help="the event JSON file, or - for stdin (default: {})")
    source.add_argument("--saved", metavar="NAME", help="a saved event of this function")
    source.add_argument("--generate", metavar="KIND", choices=generated.kinds(),
                        help="a generated event: " + ", ".join(generated.kinds()))
    parser.add_argument("--route", metavar="'METHOD /PATH'",
                        help="with --generate apigw-rest or apigw-http: the route the event requests "
                        "(default: one the function serves, from its stack's template)")
    parser.add_argument("--type", dest="invocation_type", choices=INVOCATION_TYPES, default=REQUEST_RESPONSE,
                        help="RequestResponse (wait for the result, default), Event (queue it), "
                        "DryRun (check parameters and permission only)")
    parser.add_argument("--output", "-o", choices=("text", "json"), default="text", help="how to print the result")
    parser.set_defaults(run=run)


class InputRefused(Exception):
    """The event cannot be sent; the message says why (already phrased for the user)."""


def read_event(args: argparse.Namespace, stdin: TextIO | None = None) -> tuple[str, str] | None:
    """The event text and a label for the audit log, or None for `--generate` (made once we
    know the account and region). Raises InputRefused for anything unreadable or invalid."""
    if args.generate:
        return None
    if args.saved:
        try:
            return saved.load(args.function, args.saved).text, f"saved:{args.saved}"
        except saved.EventStoreError as exc:
            raise InputRefused(str(exc)) from None
    if args.event is None:
        return "{}", ""
    if args.event == "-":
        return (stdin or sys.stdin).read(), "stdin"
    path = Path(args.event).expanduser()
    try:
        return path.read_text(encoding="utf-8"), f"file:{path.name}"
    except FileNotFoundError:
        raise InputRefused(f"no event file {args.event}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputRefused(f"cannot read the event file {args.event}: {exc}") from None


def check_event(text: str, where: str) -> None:
    """Raise InputRefused with the line, column and a caret under the mistake."""
    problem = validate.check(text).problem
    if problem is None:
        return
    lines = text.splitlines() or [""]
    shown = lines[problem.line - 1] if problem.line <= len(lines) else ""
    caret = " " * (problem.column - 1) + "^"
    raise InputRefused(f"the event{where} is not valid JSON: {problem.describe()}; nothing was sent\n"
                       f"  {clean(shown)}\n  {caret}")


def run(args: argparse.Namespace) -> int:
    from stackview.aws.invoke import InvokeRefused, check_payload

    refuse_if_read_only(args, "invoke", "runs the function (a mutation)")
    try:
        event = read_event(args)
        _check_route(args)
        if event is not None:
            where = f" in {args.event}" if args.event and args.event != "-" else ""
            check_event(event[0], where)
            check_payload(event[0].encode("utf-8"), args.invocation_type)
    except InputRefused as exc:
        print(f"stackview: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except InvokeRefused as exc:
        print(f"stackview: {exc.error.one_line()}", file=sys.stderr)
        return EXIT_INPUT
    with connect(args, status=lambda m: print(f"stackview: {m}", file=sys.stderr)) as conn:
        session = conn.session
        try:
            if event is None:
                route = _route_for(session, args)
                made = generated.generate(args.generate, account=session.identity().account,
                                          region=session.region or "us-east-1", route=route)
                label = f"generated:{args.generate}" + (f" {route.label}" if route else "")
                event = (made.text, label)
            result = _invoke(session, args, event)
        except InvokeRefused as exc:
            print(f"stackview: {exc.error.one_line()}", file=sys.stderr)
            return EXIT_INPUT
        except Exception as exc:  # noqa: BLE001 - one line on stderr, never a traceback
            from stackview.aws.errors import describe

            print(f"stackview: {clean(describe(exc, profile=session.profile).one_line())}", file=sys.stderr)
            return EXIT_FAILURE
    if args.output == "json":
        print(json.dumps(result_document(result), indent=2, ensure_ascii=False))
    else:
        print_text(result, sys.stdout)
    if result.audit_error:
        print(f"stackview: warning: {result.audit_error}", file=sys.stderr)
    if result.throttled is not None:
        print(f"stackview: {clean(result.throttled.message)}", file=sys.stderr)
    return 0 if result.ok else EXIT_FAILURE


def parse_route(text: str, kind: str) -> HttpRoute:
    """`--route 'GET /orders/{orderId}'` for the generated event `kind`."""
    method, _, path = text.strip().partition(" ")
    path = path.strip()
    if not method.isalpha() or not path.startswith("/") or " " in path:
        raise InputRefused(f"--route: expected a method and a path, such as 'GET /orders/{{orderId}}', "
                           f"not {one_line(text)!r}")
    api = generated.get(kind).api
    return HttpRoute(api or REST_API, method.upper(), path)


def _check_route(args: argparse.Namespace) -> None:
    """--route only with a generated HTTP event, and well formed (before anything is sent)."""
    if not getattr(args, "route", None):
        return
    if not args.generate or generated.get(args.generate).api is None:
        raise InputRefused("--route goes with --generate apigw-rest or --generate apigw-http")
    parse_route(args.route, args.generate)


def _route_for(session: Any, args: argparse.Namespace) -> HttpRoute | None:
    """The route a generated HTTP event requests: --route, else the first the function serves
    (its stack's template; said on stderr), else None (the sample route, with a warning)."""
    if generated.get(args.generate).api is None:
        return None
    if args.route:
        return parse_route(args.route, args.generate)
    from stackview.aws.errors import describe
    from stackview.aws.routes import function_routes

    try:
        known = generated.routes_for(args.generate, function_routes(session, args.function))
    except Exception as exc:  # noqa: BLE001 - the sample route still makes an event
        print(f"stackview: warning: the function's routes are not known "
              f"({clean(describe(exc, profile=session.profile).one_line())}); the event uses a sample route",
              file=sys.stderr)
        return None
    if not known:
        print(f"stackview: warning: no {args.generate} route of {clean(args.function)} is known from its "
              "stack's template; the event uses a sample route (choose one with --route)", file=sys.stderr)
        return None
    others = f" (also: {', '.join(r.label for r in known[1:])})" if len(known) > 1 else ""
    print(f"stackview: the event requests {clean(known[0].label)}{clean(others)}", file=sys.stderr)
    return known[0]


def _invoke(session: Any, args: argparse.Namespace, event: tuple[str, str]) -> Any:
    from stackview.aws.invoke import invoke

    text, label = event
    return invoke(session, args.function, text.encode("utf-8"), qualifier=args.qualifier,
                  invocation_type=args.invocation_type, event_name=label)


def result_document(result: Any) -> dict[str, Any]:
    """The result as JSON for scripts (stable keys, camelCase like the AWS CLI)."""
    error = result.function_error
    report = result.report
    throttle = result.throttled
    return {
        "function": result.request.function,
        "functionArn": result.function_arn,
        "qualifier": result.request.qualifier,
        "invocationType": result.request.invocation_type,
        "outcome": result.outcome,
        "statusCode": result.status_code,
        "requestId": result.request_id,
        "executedVersion": result.executed_version,
        "durationMs": round(result.duration_ms, 2),
        "functionError": None if error is None else {
            "kind": error.kind, "errorType": error.error_type, "errorMessage": error.error_message,
            "stackTrace": list(error.stack_trace), "timedOut": error.timed_out},
        "payload": result.payload_json if result.is_json else result.payload_text,
        "payloadIsJson": result.is_json,
        "logTail": result.log_tail,
        "logTruncated": result.log_truncated,
        "report": None if report is None else {
            "durationMs": report.duration_ms, "billedDurationMs": report.billed_ms,
            "memorySizeMB": report.memory_size_mb, "maxMemoryUsedMB": report.max_memory_mb,
            "initDurationMs": report.init_duration_ms, "coldStart": report.cold_start, "status": report.status},
        "throttled": None if throttle is None else {
            "reason": throttle.reason, "message": throttle.message,
            "retryAfterSeconds": throttle.retry_after_seconds, "reservedConcurrency": throttle.reserved_concurrency},
    }


def print_text(result: Any, out: TextIO) -> None:
    """The result for a person: a status line, the error, the response, the log tail."""
    request = result.request
    parts = [clean(request.label), request.invocation_type, str(result.status_code)]
    if result.executed_version:
        parts.append(f"version {clean(result.executed_version)}")
    if result.request_id:
        parts.append(f"request {clean(result.request_id)}")
    parts.append(f"{result.duration_ms:.0f} ms")
    print("  ".join(parts), file=out)
    if result.throttled is not None:
        print(f"THROTTLED ({clean(result.throttled.reason)})", file=out)
        return
    error = result.function_error
    if error is not None:
        print(f"FUNCTION ERROR ({clean(error.kind)}): {one_line(error.headline())}", file=out)
        for frame in error.stack_trace:
            for line in frame.splitlines():
                print(f"  {clean(line)}", file=out)
    if result.report is not None:
        print(f"REPORT  {result.report.summary()}", file=out)
    if request.invocation_type == REQUEST_RESPONSE and error is None:
        print("--- response ---", file=out)
        print(clean(result.pretty_payload()), file=out)
    if result.log_tail:
        cut = " (last 4 KB; the first line is cut)" if result.log_truncated else ""
        print(f"--- log tail{cut} ---", file=out)
        print(clean(result.log_tail.rstrip("\n")), file=out)
