"""`stackview sources`: a function's triggers and the queue levers, from the shell.

    stackview sources [list] FUNCTION [--output text|json]
    stackview sources disable FUNCTION [--uuid U] [--yes]        stop draining the queue
    stackview sources enable FUNCTION [--uuid U] [--yes]         drain it again
    stackview sources max-concurrency FUNCTION N|none [--uuid U] [--yes]
    stackview sources restore-max-concurrency FUNCTION [--uuid U] [--yes]
    stackview sources redrive FUNCTION [--uuid U] [--rate N] [--wait] [--yes]
    stackview sources cancel-redrive FUNCTION [--uuid U] [--yes]

The listing is the function's Triggers tab: event source mappings with their queue's depth and
oldest message (or a stream's iterator age), each queue's dead-letter queue, the services its
resource policy lets in, asynchronous settings and the function's own dead-letter target. The
levers follow throttle's rules: read-only mode refuses them before anything is called, a
terminal is asked first (not a pipe, nor with --yes), each prints what changed and is audited.
`--uuid` names the mapping when the function has several. Exit 0 when done (or already so), 1
on any failure or refusal, 2 for a value that is not valid (nothing is sent).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any

from stackview.commands.base import EXIT_FAILURE, EXIT_OK, EXIT_USAGE, CliError, connect
from stackview.commands.guard import refuse_if_read_only
from stackview.commands.safe_text import clean, one_line

LEVERS = ("disable", "enable", "max-concurrency", "restore-max-concurrency", "redrive", "cancel-redrive")
ACTIONS = ("list", *LEVERS)
#: Seconds between progress lines of `redrive --wait`.
WAIT_POLL = 2.0

USAGE = """stackview sources [list] FUNCTION [--output text|json]
       stackview sources disable|enable FUNCTION [--uuid U] [--yes]
       stackview sources max-concurrency FUNCTION N|none [--uuid U] [--yes]
       stackview sources restore-max-concurrency FUNCTION [--uuid U] [--yes]
       stackview sources redrive FUNCTION [--uuid U] [--rate N] [--wait] [--yes]
       stackview sources cancel-redrive FUNCTION [--uuid U] [--yes]"""


def add_parser(subparsers: Any, parents: list[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "sources", parents=parents, usage=USAGE,
        help="a function's triggers, queues and dead letters; disable/enable a mapping, cap it, redrive",
        description="List what invokes a function (event source mappings with queue depths, DLQs, "
        "resource-policy triggers, asynchronous settings), or pull a queue lever: disable or enable "
        "a mapping, set or restore an SQS mapping's maximum concurrency (2-1000, or none), redrive "
        "a dead-letter queue to its source queue.")
    parser.add_argument("words", nargs="+", metavar="ACTION FUNCTION [VALUE]",
                        help="list (default), " + ", ".join(LEVERS) + "; then the function name or ARN")
    parser.add_argument("--uuid", metavar="U", help="the event source mapping (when the function has several)")
    parser.add_argument("--rate", type=int, metavar="N", help="redrive: at most N messages per second (1-500)")
    parser.add_argument("--wait", action="store_true", help="redrive: print its progress until it ends")
    parser.add_argument("--output", "-o", choices=("text", "json"), default="text", help="list: how to print")
    parser.add_argument("-y", "--yes", action="store_true",
                        help="do not ask for confirmation (never asked when not on a terminal)")
    parser.set_defaults(run=run)


class Cancelled(Exception):
    """The person at the terminal said no."""


class Usage(Exception):
    """A value that is not valid: exit 2, nothing sent."""


def parse_words(words: list[str]) -> tuple[str, str, str | None]:
    """(action, function, value) from the positional words."""
    action = words[0] if words[0] in ACTIONS and len(words) > 1 else "list"
    rest = words[1:] if words[0] in ACTIONS and len(words) > 1 else words
    wants_value = action == "max-concurrency"
    if len(rest) != (2 if wants_value else 1):
        shape = "FUNCTION N|none" if wants_value else "FUNCTION"
        raise Usage(f"`sources {action}` takes {shape}, not {' '.join(rest) or 'nothing'}")
    return action, rest[0], rest[1] if wants_value else None


def run(args: argparse.Namespace) -> int:
    try:
        action, function, value = parse_words(args.words)
        maximum = None
        if action == "max-concurrency":
            from stackview.models.sources import parse_max_concurrency

            try:
                maximum = parse_max_concurrency(value or "")
            except ValueError as exc:
                raise Usage(str(exc)) from None
        if args.rate is not None and not 1 <= args.rate <= 500:
            raise Usage(f"--rate must be from 1 to 500 messages per second, not {args.rate}")
    except Usage as exc:
        print(f"stackview: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if action != "list":
        refuse_if_read_only(args, f"sources {action}")
    ask = sys.stdin.isatty() and not args.yes
    with connect(args, status=lambda m: print(f"stackview: {m}", file=sys.stderr)) as conn:
        session = conn.session
        try:
            if action == "list":
                return _list(session, function, args.output)
            return _lever(session, action, function, args, maximum, ask)
        except Cancelled:
            print("stackview: cancelled; nothing changed", file=sys.stderr)
            return EXIT_FAILURE
        except CliError:
            raise
        except Exception as exc:  # noqa: BLE001 - one line on stderr, never a traceback
            from stackview.aws.errors import describe

            print(f"stackview: {one_line(describe(exc, profile=session.profile).one_line())}", file=sys.stderr)
            return EXIT_FAILURE


# -- the listing ------------------------------------------------------------------------------------

def _queue_json(queue: Any) -> dict[str, Any] | None:
    if queue is None:
        return None
    return {"arn": queue.arn, "url": queue.url, "visible": queue.visible, "inFlight": queue.in_flight,
            "delayed": queue.delayed, "oldestAgeSeconds": queue.oldest_age,
            "deadLetterArn": queue.dead_letter_arn or None, "maxReceiveCount": queue.max_receive_count,
            "error": queue.error or None}


def _part(value: Any, convert) -> Any:
    from stackview.models.functions import Unavailable

    return {"unavailable": value.reason} if isinstance(value, Unavailable) else [convert(v) for v in value]


def triggers_json(triggers: Any) -> dict[str, Any]:
    """The listing as one JSON object (the shapes AWS uses, camelCase)."""
    def mapping(source: Any) -> dict[str, Any]:
        m = source.mapping
        return {"uuid": m.uuid, "eventSourceArn": m.source_arn, "functionArn": m.function_arn,
                "state": m.state, "stateReason": m.state_reason, "batchSize": m.batch_size,
                "maximumConcurrency": m.max_concurrency, "lastProcessingResult": m.last_processing_result or None,
                "queue": _queue_json(source.queue), "deadLetterQueue": _queue_json(source.dead_letter),
                "iteratorAgeMs": source.iterator_age}

    dead = triggers.dead_letter
    return {
        "function": triggers.function, "functionArn": triggers.function_arn,
        "mappings": _part(triggers.mappings, mapping),
        "policy": _part(triggers.policy, lambda p: {"kind": p.kind, "principal": p.principal,
                                                    "sourceArn": p.source_arn or None,
                                                    "sourceAccount": p.source_account or None,
                                                    "qualifier": p.qualifier or None, "sid": p.sid}),
        "async": _part(triggers.async_configs, lambda c: {
            "qualifier": c.qualifier, "maximumRetryAttempts": c.max_retries,
            "maximumEventAgeInSeconds": c.max_event_age, "onSuccess": c.on_success or None,
            "onFailure": c.on_failure or None}),
        "deadLetter": None if dead is None else {"targetArn": dead.arn, "queue": _queue_json(dead.queue)},
        "redrives": _part(triggers.redrives, lambda t: {
            "sourceArn": t.source_arn, "destinationArn": t.destination_arn or None, "status": t.status,
            "moved": t.moved, "toMove": t.to_move, "failureReason": t.failure_reason or None}),
        "metricsError": triggers.metrics_error or None,
        "alarms": _part(triggers.alarms, lambda a: {"name": a.name, "state": a.state}),
    }


def _list(session: Any, function: str, output: str) -> int:
    from stackview.aws.sources import read_triggers

    triggers = read_triggers(session, function)
    if output == "json":
        print(json.dumps(triggers_json(triggers), default=str))
    else:
        print(format_triggers(triggers))
    return EXIT_OK


def format_triggers(triggers: Any) -> str:
    from stackview.models.functions import Unavailable
    from stackview.models.sources import age_text, arn_resource_name, max_concurrency_text, messages_text

    lines = [clean(f"{triggers.function}  {triggers.function_arn}")]
    lines.append("event source mappings:")
    if isinstance(triggers.mappings, Unavailable):
        lines.append(f"  unknown: {one_line(triggers.mappings.reason)}")
    elif not triggers.mappings:
        lines.append("  none")
    for source in () if isinstance(triggers.mappings, Unavailable) else triggers.mappings:
        m = source.mapping
        on = f" -> {m.qualifier}" if m.qualifier else ""
        line = f"  {m.uuid}  {m.kind}  {m.source_name}{on}  {m.state}  batch {m.batch_size}"
        if m.is_sqs:
            line += f"  max concurrency {max_concurrency_text(m.max_concurrency)}"
            line += f"  messages {messages_text(source.queue)}"
            line += f"  oldest {age_text(source.queue.oldest_age if source.queue else None)}"
        elif m.is_stream:
            line += f"  iterator age {age_text(None if source.iterator_age is None else source.iterator_age / 1000)}"
        if m.last_processing_result:
            line += f"  last result {m.last_processing_result}"
        lines.append(one_line(line))
        if source.dead_letter is not None:
            dead = source.dead_letter
            task = triggers.redrive_of(dead.arn)
            line = (f"    dead-letter queue {dead.name}  messages {messages_text(dead)}  "
                    f"oldest {age_text(dead.oldest_age)}")
            lines.append(one_line(line + (f"  redrive {task.progress_text()}" if task else "")))
    lines.append("resource policy:")
    if isinstance(triggers.policy, Unavailable):
        lines.append(f"  unknown: {one_line(triggers.policy.reason)}")
    elif not triggers.policy:
        lines.append("  none")
    for p in () if isinstance(triggers.policy, Unavailable) else triggers.policy:
        source = p.source_arn or (f"account {p.source_account}" if p.source_account else "any source")
        lines.append(one_line(f"  {p.kind}  {source}" + (f"  (on {p.qualifier})" if p.qualifier else "")))
    lines.append("asynchronous invocation:")
    if isinstance(triggers.async_configs, Unavailable):
        lines.append(f"  unknown: {one_line(triggers.async_configs.reason)}")
    elif not triggers.async_configs:
        lines.append("  defaults (2 retries, max event age 6 h, no destinations)")
    for c in () if isinstance(triggers.async_configs, Unavailable) else triggers.async_configs:
        lines.append(one_line(
            f"  {c.qualifier}  retries {'2 (default)' if c.max_retries is None else c.max_retries}  "
            f"max event age {'6 h (default)' if c.max_event_age is None else age_text(c.max_event_age)}  "
            f"on failure {arn_resource_name(c.on_failure) or '-'}  on success {arn_resource_name(c.on_success) or '-'}"))
    if triggers.dead_letter is not None:
        dead = triggers.dead_letter
        depth = f"  messages {messages_text(dead.queue)}" if dead.queue else "  (a topic: no depth)"
        lines.append(one_line(f"dead-letter target: {dead.arn}{depth}"))
    if isinstance(triggers.alarms, Unavailable):
        lines.append(one_line(f"alarms unknown: {triggers.alarms.reason}"))
    elif triggers.alarms:
        lines.append(one_line("alarms: " + ", ".join(f"{a.name} {a.state}" for a in triggers.alarms)))
    if isinstance(triggers.redrives, Unavailable):
        lines.append(one_line(f"redrive progress unknown: {triggers.redrives.reason}"))
    if triggers.metrics_error:
        lines.append(one_line(f"ages unknown (CloudWatch): {triggers.metrics_error}"))
    return "\n".join(lines)


# -- the levers ---------------------------------------------------------------------------------------

def _confirm(prompt: str) -> None:
    print(prompt, end=" ", file=sys.stderr, flush=True)
    answer = sys.stdin.readline()
    if not answer:
        print(file=sys.stderr)
    if answer.strip().lower() not in ("y", "yes"):
        raise Cancelled()


def _describe(session: Any, what: str, mapping: Any, extra: list[tuple[str, str]]) -> None:
    err = sys.stderr
    identity = session.identity()
    print(clean(what), file=err)
    rows = [("function", mapping.function_arn), ("mapping", mapping.uuid), ("source", mapping.source_arn),
            ("account", identity.account), ("region", session.region or "-"), *extra]
    for label, value in rows:
        print(f"  {label:<12} {clean(value)}", file=err)


def _lever(session: Any, action: str, function: str, args: argparse.Namespace, maximum: int | None,
           ask: bool) -> int:
    from stackview.aws import source_levers
    from stackview.models.sources import max_concurrency_text

    if action in ("redrive", "cancel-redrive"):
        return _redrive(session, action, function, args, ask)
    mapping = source_levers.mapping_of(session, function, args.uuid)
    if action in ("disable", "enable"):
        enable = action == "enable"
        if ask and mapping.enabled != enable:
            _describe(session, f"{action.capitalize()} the {mapping.kind} mapping of {function}", mapping,
                      [("state now", mapping.state), ("after", "Enabled" if enable else "Disabled")])
            _confirm(f"{action.capitalize()} it? [y/N]")
        change = source_levers.set_mapping_enabled(session, function, mapping.uuid, enable)
    elif action == "max-concurrency":
        if ask and mapping.max_concurrency != maximum:
            _describe(session, f"Set the maximum concurrency of the mapping of {function}", mapping,
                      [("maximum now", max_concurrency_text(mapping.max_concurrency)),
                       ("after", max_concurrency_text(maximum))])
            _confirm("Set it? [y/N]")
        change = source_levers.set_max_concurrency(session, function, mapping.uuid, maximum)
    else:
        if ask:
            known, prior, source = source_levers.recorded_prior_max(session, mapping)
            _describe(session, f"Restore the maximum concurrency of the mapping of {function}", mapping,
                      [("maximum now", max_concurrency_text(mapping.max_concurrency)),
                       ("restores", f"{max_concurrency_text(prior)} (from the {source})" if known else "unknown")])
            _confirm("Restore it? [y/N]")
        change = source_levers.restore_max_concurrency(session, function, mapping.uuid)
    print(clean(change.message))
    for warning in change.warnings:
        print(f"  warning: {clean(warning)}")
    return EXIT_OK


def _redrive(session: Any, action: str, function: str, args: argparse.Namespace, ask: bool) -> int:
    from stackview.aws import source_levers
    from stackview.aws.sources import move_tasks, queue_depth
    from stackview.models.sources import messages_text

    mapping, queue = source_levers.redrive_source(session, function, args.uuid)
    dead = queue_depth(session, queue.dead_letter_arn)
    extra = [("from", dead.arn), ("to", queue.arn), ("messages", messages_text(dead))]
    if action == "cancel-redrive":
        running = next((t for t in move_tasks(session, dead.arn) if t.running), None)
        if running is None:
            print(f"no redrive of {clean(dead.name)} is running; nothing to stop")
            return EXIT_OK
        if ask:
            _describe(session, f"Stop the redrive of {dead.name}", mapping, [*extra, ("progress", running.progress_text())])
            _confirm("Stop it? [y/N]")
        moved = source_levers.cancel_redrive(session, dead.arn, running.task_handle, function=function)
        print(clean(f"stopped the redrive of {dead.name} after {moved} messages"))
        return EXIT_OK
    if ask:
        _describe(session, f"Redrive {dead.name} to {queue.name} (cannot be undone)", mapping,
                  [*extra, ("consumer", mapping.state)])
        _confirm("Redrive it? [y/N]")
    started = source_levers.start_redrive(session, dead.arn, queue.arn, rate=args.rate, function=function)
    print(clean(f"redrive of {dead.name} to {queue.name} started ({messages_text(dead)} messages); "
                f"task {started.task_handle}"))
    return _wait(session, dead.arn) if args.wait else EXIT_OK


def _wait(session: Any, dead_letter_arn: str) -> int:
    """Print the redrive's progress until it ends; 0 when it completed."""
    from stackview.aws.sources import move_tasks

    while True:
        task = next(iter(move_tasks(session, dead_letter_arn)), None)
        if task is None:
            print("stackview: the redrive is not listed by ListMessageMoveTasks", file=sys.stderr)
            return EXIT_FAILURE
        print(one_line(task.progress_text()), file=sys.stderr)
        if not task.running:
            return EXIT_OK if task.status == "COMPLETED" else EXIT_FAILURE
        time.sleep(WAIT_POLL)
