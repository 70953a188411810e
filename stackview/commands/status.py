"""`stackview status`: the incident cockpit in the shell, for runbooks and chat.

    stackview status [STACK ...] [--since 15m] [--output text|json]

One row per function of the stacks named (nested stacks' functions included), or of every stack
of the region: invocations, errors, throttles, error %, duration maximum and p99 (where the
endpoint gives percentiles), and the alarms in ALARM that watch the function. The figures are
CloudWatch's own for the window (GetMetricData sums, 500 queries per request; DescribeAlarms
states). `--output json` prints one object per function and line:

    {"stack": ..., "function": ..., "invocations": 12, "errors": 1, "throttles": 0,
     "errorRate": 8.33, "durationMaxMs": 912.0, "durationP99Ms": null, "concurrencyMax": 2,
     "alarms": [{"name": ..., "state": "ALARM"}], "windowStart": ..., "windowEnd": ...}

`alarms` lists every alarm watching the function, whatever its state; `durationP99Ms` is null
where the endpoint gives no percentiles (or nothing ran). An unknown stack or a bad --since
exits non-zero with one line on stderr before anything is printed.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import timedelta
from typing import Any

from stackview.commands.base import EXIT_OK, EXIT_USAGE, CliError, connect
from stackview.commands.safe_text import clean

DEFAULT_SINCE = "15m"
MAX_WINDOW = timedelta(days=15)  # CloudWatch keeps one-minute data for 15 days


def add_parser(subparsers: Any, parents: list[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "status",
        parents=parents,
        help="health of every function of some stacks (or all): invocations, errors, alarms",
        description="Print the health of each function of the stacks named (or of every stack): "
                    "invocations, errors, throttles, error rate, duration max and p99, and the "
                    "alarms in ALARM that watch it, over the last --since minutes.",
    )
    parser.add_argument("stacks", nargs="*", metavar="STACK", help="stack names (default: every stack)")
    parser.add_argument("--since", "-s", default=DEFAULT_SINCE, metavar="T",
                        help=f"the window, ending now: 5m, 1h, 1h30m (default {DEFAULT_SINCE})")
    parser.add_argument("--output", "-o", choices=("text", "json"), default="text",
                        help="a table, or one JSON object per function and line")
    parser.set_defaults(run=run)


def parse_window(text: str) -> timedelta:
    """`--since` as a window of whole minutes; raises CliError with the accepted forms."""
    from stackview.logs.since import SinceError, parse_duration_ms

    try:
        milliseconds = parse_duration_ms(text)
    except SinceError:
        raise CliError(f"--since: expected a duration such as 5m, 1h or 1h30m, got '{clean(text)}'") from None
    window = timedelta(minutes=max(1, -(-milliseconds // 60_000)))
    if window > MAX_WINDOW:
        raise CliError(f"--since: at most {MAX_WINDOW.days} days (CloudWatch keeps one-minute data that long)")
    return window


def _stack_functions(session: Any, stacks: list[str]) -> list[tuple[str, str]]:
    """(stack, function) pairs: the named stacks' (nested included), or every stack's own."""
    from botocore.exceptions import ClientError

    from stackview.aws.errors import describe
    from stackview.aws.functions import stack_function_names
    from stackview.aws.stacks import list_stacks

    pairs: list[tuple[str, str]] = []
    if not stacks:
        for summary in list_stacks(session):
            pairs += [(summary.name, name) for _, name in stack_function_names(session, summary.stack_id or summary.name,
                                                                              nested=False)]
        return pairs
    for stack in stacks:
        try:
            names = stack_function_names(session, stack, nested=True)
        except ClientError as exc:
            if describe(exc).kind == "not-found":
                raise CliError(f"no stack named {clean(stack)} in {session.region}") from None
            raise
        pairs += [(stack, name) for _, name in names]
    return pairs


def status_rows(session: Any, stacks: list[str], window: timedelta) -> tuple[list[dict[str, Any]], Any]:
    """The rows (as the JSON objects) and the health report they come from."""
    from datetime import datetime, timezone

    from stackview.aws.alarms import list_alarms
    from stackview.aws.health import function_health
    from stackview.models.alarms import alarms_by_function

    pairs = _stack_functions(session, stacks)
    report = function_health(session, [name for _, name in pairs], now=datetime.now(timezone.utc),
                             window=window, detail=True)
    watching = alarms_by_function(list_alarms(session)) if pairs else {}
    rows = []
    for stack, name in pairs:
        health = report.functions[name]
        rate = health.error_rate
        rows.append({
            "stack": stack, "function": name,
            "invocations": int(health.invocations), "errors": int(health.errors),
            "throttles": int(health.throttles),
            "errorRate": None if rate is None else round(rate, 2),
            "durationMaxMs": health.duration_max, "durationP99Ms": health.duration_p99,
            "concurrencyMax": None if health.concurrency_max is None else int(health.concurrency_max),
            "alarms": [{"name": alarm.name, "state": alarm.state} for alarm in watching.get(name, ())],
            "windowStart": report.start.isoformat(), "windowEnd": report.end.isoformat(),
        })
    return rows, report


def _table(rows: list[dict[str, Any]], percentiles: bool | None) -> list[str]:
    from stackview.models.health import count_text, ms_text, rate_text

    header = ("STACK", "FUNCTION", "INVOCATIONS", "ERRORS", "THROTTLES", "ERROR%", "MAX MS", "P99 MS", "ALARMS")
    lines = [header]
    for row in rows:
        firing = [a["name"] for a in row["alarms"] if a["state"] == "ALARM"]
        p99 = ms_text(row["durationP99Ms"]) if percentiles else "n/a"
        lines.append((clean(row["stack"]), clean(row["function"]), count_text(row["invocations"]),
                      count_text(row["errors"]), count_text(row["throttles"]), rate_text(row["errorRate"]),
                      ms_text(row["durationMaxMs"]), p99,
                      clean(", ".join(firing)) if firing else "-"))
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    right = {2, 3, 4, 5, 6, 7}
    return ["  ".join(cell.rjust(widths[i]) if i in right else cell.ljust(widths[i])
                      for i, cell in enumerate(line)).rstrip() for line in lines]


def run(args: argparse.Namespace) -> int:
    try:
        window = parse_window(args.since)
    except CliError as exc:
        print(f"stackview: {exc}", file=sys.stderr)
        return EXIT_USAGE
    with connect(args, status=lambda m: print(f"stackview: {m}", file=sys.stderr)) as conn:
        try:
            rows, report = status_rows(conn.session, list(args.stacks), window)
        except CliError:
            raise
        except Exception as exc:  # noqa: BLE001 - one line on stderr, never a traceback
            from stackview.aws.errors import describe

            raise CliError(clean(describe(exc, profile=conn.session.profile).one_line())) from None
    if args.output == "json":
        for row in rows:
            print(json.dumps(row))
    else:
        if rows:
            print("\n".join(_table(rows, report.percentiles)))
        else:
            print("no functions in " + (", ".join(map(clean, args.stacks)) or "any stack"), file=sys.stderr)
        note = "" if report.percentiles is not False else "; no p99 on this endpoint"
        print(f"stackview: {report.start:%H:%M}-{report.end:%H:%M} UTC ({report.minutes} min), "
              f"{report.calls} GetMetricData request{'s' if report.calls != 1 else ''} for {len(rows)} functions{note}",
              file=sys.stderr)
    return EXIT_OK

