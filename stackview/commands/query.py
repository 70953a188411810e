"""`stackview query`: a Logs Insights query over a stack's functions, functions or log groups.

    stackview query [STACK] [FUNCTION ...] [--log-group G ...] (--query Q | --canned NAME)
                    [--since 1h | --start T [--end T]] [--output table|json|csv]

The names are read as `stackview logs` reads them (a stack first if one has that name). The query
runs on AWS's engine, over at most 50 log groups (StartQuery's limit: the rest are named on
stderr). `--output json` prints one JSON object per result row, keyed by the field names as
Insights returns them (`count(*)`, an alias, `bin(5m)`, `@ptr`) with their values as Insights
returns them (strings); `csv` and `table` leave `@ptr` out. Rows go to stdout; progress,
warnings and the summary to stderr. A malformed query exits 2 with the message and where it
is; Ctrl+C stops the query (StopQuery) and exits 130.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import sys
import time
from typing import Any

from stackview.commands.base import EXIT_OK, EXIT_USAGE, CliError, connect
from stackview.commands.log_names import resolve_names
from stackview.commands.safe_text import clean, one_line

DEFAULT_SINCE = "1h"
EXIT_INTERRUPTED = 130
TABLE_MAX_WIDTH = 60  # columns but the last end in "…" beyond this (json and csv keep everything)


def add_parser(subparsers: Any, parents: list[argparse.ArgumentParser]) -> None:
    from stackview.logs.insights import CANNED

    parser = subparsers.add_parser(
        "query",
        parents=parents,
        help="run a Logs Insights query over a stack's functions, functions or log groups",
        description=(
            "Run a CloudWatch Logs Insights query (AWS computes it: hours of a busy stack in "
            "seconds) and print its result rows. Canned queries: "
            + ", ".join(q.name for q in CANNED) + "; your own under `queries:` in the config file."
        ),
    )
    parser.add_argument("names", nargs="*", metavar="STACK|FUNCTION",
                        help="a stack name (first only) and/or function names")
    parser.add_argument("--log-group", "-g", dest="log_groups", action="append", default=[], metavar="G",
                        help="also query this log group (repeatable)")
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument("--query", "-q", metavar="Q", help="the query text (Logs Insights query language)")
    what.add_argument("--canned", "-c", metavar="NAME",
                      help="a canned query, or one of your own saved under `queries:` in the config")
    parser.add_argument("--since", "-s", default=None, metavar="T",
                        help=f"start: 30m, 3h, 1d, or an ISO time (default {DEFAULT_SINCE})")
    parser.add_argument("--start", default=None, metavar="T", help="start time (instead of --since)")
    parser.add_argument("--end", default=None, metavar="T", help="end time (default now)")
    parser.add_argument("--output", "-o", choices=("table", "json", "csv"), default="table",
                        help="an aligned table, one JSON object per row, or CSV with a header")
    parser.set_defaults(run=run)


def _say(message: str) -> None:
    print(f"stackview: {message}", file=sys.stderr, flush=True)


def _query_text(args: argparse.Namespace) -> str:
    from stackview.config import MAX_QUERY_LENGTH, load_config
    from stackview.logs.insights import all_queries, find_query

    if args.query is not None:
        text = args.query
    else:
        config, problems = load_config()
        for problem in problems:
            if problem.key.startswith("queries"):
                _say(str(problem))
        found = find_query(args.canned, config.queries)
        if found is None:
            names = ", ".join(q.name for q in all_queries(config.queries))
            raise _Usage(f"no query named '{args.canned}' (known: {names})")
        text = found.query
    if not text.strip():
        raise _Usage("the query is empty")
    if len(text) > MAX_QUERY_LENGTH:
        raise _Usage(f"the query has {len(text):,} characters; Logs Insights takes at most {MAX_QUERY_LENGTH:,}")
    return text


class _Usage(Exception):
    """What the user typed cannot run (exit 2)."""


def time_range(args: argparse.Namespace, now_ms: int) -> tuple[int, int]:
    """(start, end) in epoch seconds, StartQuery's unit; both inclusive."""
    from stackview.logs.since import SinceError, parse_since

    if args.since is not None and args.start is not None:
        raise _Usage("give --since or --start, not both")
    option, text = ("--start", args.start) if args.start is not None else ("--since", args.since or DEFAULT_SINCE)
    try:
        start_ms = parse_since(text, now_ms)
        option, text = "--end", args.end or "now"
        end_ms = parse_since(text, now_ms)
    except SinceError as exc:
        raise _Usage(f"{option}: {exc}") from None
    if end_ms <= start_ms:
        raise _Usage("the end of the time range must come after its start")
    return start_ms // 1000, math.ceil(end_ms / 1000)


def run(args: argparse.Namespace) -> int:
    if not args.names and not args.log_groups:
        _say("name a stack, a function or --log-group")
        return EXIT_USAGE
    try:
        query = _query_text(args)
        start_s, end_s = time_range(args, int(time.time() * 1000))
    except _Usage as exc:
        _say(str(exc))
        return EXIT_USAGE
    try:
        with connect(args, status=_say if sys.stderr.isatty() else None) as conn:
            groups = _groups(conn.session, args)
            return _query(conn.session, groups, query, start_s, end_s, args.output)
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED


def _groups(session: Any, args: argparse.Namespace) -> list[str]:
    resolution = resolve_names(session, args.names, args.log_groups, _say)
    if not resolution.sources:
        raise CliError("no log group to query")
    return [source.log_group for source in resolution.sources]


def _query(session: Any, groups: list[str], query: str, start_s: int, end_s: int, output: str) -> int:
    from botocore.exceptions import BotoCoreError, ClientError

    from stackview.aws.errors import AwsError, describe
    from stackview.aws.insights import MAX_LOG_GROUPS, MalformedQuery
    from stackview.aws.insights_run import QueryRun
    from stackview.models.insights import COMPLETE, QueryScope

    scope = QueryScope.of(groups, MAX_LOG_GROUPS)
    if scope.left_out:
        _say(scope.note())
    run = QueryRun(session, scope.groups, start_s, end_s, query)
    progress = _Progress(run) if sys.stderr.isatty() else None
    try:
        results = run.run() if progress is None else progress.wait()
    except MalformedQuery as exc:
        _report_malformed(query, exc)
        return EXIT_USAGE
    except (ClientError, BotoCoreError, AwsError) as exc:
        raise CliError(describe(exc, profile=session.profile).one_line()) from None
    if run.missing:
        _say(f"no log group yet, left out: {', '.join(run.missing)}")
    if results.status != COMPLETE:
        raise CliError(f"the query ended {results.status.lower()}"
                       + (" (Logs Insights stops queries after 60 minutes)" if results.status == "Timeout" else ""))
    try:
        write_rows(sys.stdout, results.rows, output)
        sys.stdout.flush()
    except BrokenPipeError:
        from stackview.commands.logs import _quiet_stdout

        _quiet_stdout()
        return EXIT_OK
    if sys.stderr.isatty():
        _say(summary(results))
    return EXIT_OK


def _report_malformed(query: str, exc: Any) -> None:
    where = exc.where(query)
    if where is None:
        _say(f"malformed query: {one_line(exc.message)}")
        return
    line, column = where
    _say(f"malformed query (line {line}, column {column}): {one_line(exc.message)}")
    text = query.splitlines()[line - 1] if query.splitlines() else ""
    print(f"  {clean(text)}\n  {' ' * (column - 1)}^", file=sys.stderr)


def summary(results: Any) -> str:
    stats = results.statistics
    rows = len(results.rows)
    return (f"{rows:,} row{'s' if rows != 1 else ''}; {stats.records_matched:,.0f} records matched of "
            f"{stats.records_scanned:,.0f} scanned ({_size(stats.bytes_scanned)})")


def _size(count: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if count < 1000 or unit == "GB":
            return f"{count:,.0f} {unit}" if unit == "B" else f"{count:,.1f} {unit}"
        count /= 1000
    return f"{count:,.1f} TB"


class _Progress:
    """Runs the query in a thread and draws its state on stderr until it ends; Ctrl+C in the
    main thread cancels it (the runner sends StopQuery) and then rises."""

    def __init__(self, run: Any) -> None:
        self.run = run

    def wait(self) -> Any:
        import threading

        outcome: dict[str, Any] = {}

        def body() -> None:
            try:
                outcome["results"] = self.run.run()
            except BaseException as exc:  # noqa: BLE001 - handed to the main thread
                outcome["error"] = exc

        worker = threading.Thread(target=body, name="stackview-query", daemon=True)
        worker.start()
        try:
            while worker.is_alive():
                worker.join(0.25)
                progress = self.run.progress
                line = (f"{progress.state} {progress.elapsed_s:4.1f}s · "
                        f"{progress.statistics.records_scanned:,.0f} records scanned · "
                        f"{_size(progress.statistics.bytes_scanned)}")
                print(f"\r\x1b[2K{line}", end="", file=sys.stderr, flush=True)
        except KeyboardInterrupt:
            self.run.cancel()
            worker.join(10)
            raise
        finally:
            print("\r\x1b[2K", end="", file=sys.stderr, flush=True)
        if "error" in outcome:
            raise outcome["error"]
        return outcome["results"]


def write_rows(out: Any, rows: Any, output: str) -> None:
    """The rows in the chosen format (pure of AWS: tested on its own)."""
    from stackview.models.insights import columns_of

    if output == "json":
        for row in rows:
            out.write(_json_line(row.as_dict()) + "\n")
        return
    columns = columns_of(rows)
    if output == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([clean(row.get(c, "")) for c in columns])
        return
    if not columns:
        return
    cells = [[one_line(row.get(c, "")) for c in columns] for row in rows]
    widths = [min(TABLE_MAX_WIDTH, max([len(c)] + [len(r[i]) for r in cells])) for i, c in enumerate(columns)]
    out.write(_table_line(columns, widths) + "\n")
    for row_cells in cells:
        out.write(_table_line(row_cells, widths) + "\n")


def _table_line(values: list[str], widths: list[int]) -> str:
    parts = []
    for index, (value, width) in enumerate(zip(values, widths)):
        last = index == len(values) - 1
        if not last and len(value) > width:
            value = value[: width - 1] + "…"
        parts.append(value if last else value.ljust(width))
    return "  ".join(parts).rstrip()


def _json_line(row: dict[str, str]) -> str:
    """One JSON object; C1 control characters escaped too (json leaves them raw with
    ensure_ascii=False, and a terminal may obey U+009B as it obeys ESC [)."""
    text = json.dumps(row, ensure_ascii=False)
    return "".join(f"\\u{ord(c):04x}" if 0x80 <= ord(c) <= 0x9F or c in "\u2028\u2029" else c for c in text)
