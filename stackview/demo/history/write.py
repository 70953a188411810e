"""Rendering past invocations exactly as the live runner writes them, and storing them.

Every line has the shape the live demo produces (platform_logs for START/END/REPORT and the
JSON platform records, the Python runtime's `[LEVEL]\\ttime\\trequest id\\tmessage` lines,
Powertools-style JSON, the runtime's error record), so a tail cannot tell history from live
traffic. Events go straight into moto's CloudWatch Logs backend, one put per stream in time
order (the demo server owns that backend; the HTTP API would cost a request per batch), and
the AWS/Lambda metrics of the same invocations into moto's CloudWatch backend, aggregated per
minute with StatisticValues as Lambda publishes them (Duration as raw values, which
percentiles need), the AWS/SQS metrics of the orders queue, and what is left in that queue and
its dead-letter queue at `now` into moto's SQS backend.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from stackview.demo.history.common import Entry
from stackview.demo.history.queues import QueueSim
from stackview.demo.history.sim import Invocation, Throttle
from stackview.demo.runtime.metrics import NAMESPACE, dimension_sets
from stackview.demo.runtime.platform_logs import LogSettings, PlatformFormat, Report, iso_ms
from stackview.demo.runtime.sqs_events import queue_datum
from stackview.demo.seed.catalog import ACCOUNT, FUNCTIONS, REGION

Event = tuple[int, str]  # (timestamp ms, message)


def _powertools_time(ts_ms: int) -> str:
    moment = datetime.fromtimestamp(ts_ms / 1000, tz=timezone.utc)
    return moment.strftime("%Y-%m-%d %H:%M:%S,") + f"{ts_ms % 1000:03d}+0000"


def _function_arn(name: str) -> str:
    return f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}"


def _powertools(inv: Invocation, entry: Entry, ts_ms: int) -> str:
    """One line of the worker's StructuredLogger (orders_worker.py), keys in its order."""
    extra = dict(entry.extra)
    correlation = extra.pop("correlation_id", None)
    record: dict[str, Any] = {
        "level": entry.level, "location": entry.location, "message": entry.message,
        "timestamp": _powertools_time(ts_ms), "service": "orders",
        "cold_start": inv.init_start_ms is not None,
        "function_name": inv.function.name,
        "function_memory_size": str(inv.function.memory_mb),
        "function_arn": _function_arn(inv.function.name),
        "function_request_id": inv.request_id,
    }
    if correlation is not None:
        record["correlation_id"] = correlation
    record["xray_trace_id"] = inv.trace_id
    record.update(extra)
    return json.dumps(record, default=str) + "\n"


def _entry(inv: Invocation, entry: Entry, ts_ms: int) -> str:
    if entry.kind == "powertools":
        return _powertools(inv, entry, ts_ms)
    if entry.kind == "print":
        return entry.message + "\n"
    if inv.function.json_logs:
        return json.dumps({"timestamp": iso_ms(ts_ms), "level": entry.level, "message": entry.message,
                           "logger": "root", "requestId": inv.request_id})
    return f"[{entry.level}]\t{iso_ms(ts_ms)}\t{inv.request_id}\t{entry.message}\n"


def _error_record(inv: Invocation, body: dict[str, Any], ts_ms: int) -> str:
    """The runtime's record of an unhandled exception (bootstrap.error_record's shapes)."""
    if inv.function.json_logs:
        return json.dumps({"timestamp": iso_ms(ts_ms), "level": "ERROR", "message": body,
                           "errorType": body["errorType"], "errorMessage": body["errorMessage"],
                           "stackTrace": body["stackTrace"], "requestId": inv.request_id})
    text = f"[ERROR] {body['errorType']}: {body['errorMessage']}\nTraceback (most recent call last):"
    if body["stackTrace"]:
        text += "\n" + "".join(body["stackTrace"]).rstrip()
    return text + "\n"


def render(inv: Invocation) -> list[Event]:
    """The log events of one invocation, in order."""
    spec, plan = inv.function, inv.plan
    fmt = PlatformFormat(LogSettings(spec.log_group, json_format=spec.json_logs))
    events: list[tuple[int, str | None]] = []
    if inv.init_start_ms is not None:
        events.append((inv.init_start_ms, fmt.init_start(inv.init_start_ms, spec.name, inv.version,
                                                         REGION, inv.initialization)))
    start = inv.start_ms
    events.append((start, fmt.start(start, inv.request_id, inv.version)))
    for entry in plan.entries:
        ts = start + int(entry.offset_ms)
        events.append((ts, _entry(inv, entry, ts)))
    end = start + int(plan.duration_ms)
    status, error_type = "success", None
    if plan.outcome == "timeout":
        status, error_type = "timeout", "Sandbox.Timedout"
        events.append((end, fmt.timed_out(end, inv.request_id, float(spec.timeout_s))))
    elif plan.outcome == "error" and plan.error is not None:
        status, error_type = "error", plan.error["errorType"]
        events.append((end, _error_record(inv, plan.error, end)))
    report = Report(inv.request_id, plan.duration_ms, spec.memory_mb, inv.memory_used_mb,
                    inv.init_ms, status, error_type)
    events.append((end + 1, fmt.end(end + 1, report)))
    events.append((end + 1, fmt.report(end + 1, report)))
    return [(ts, message) for ts, message in events if message is not None]


@dataclass
class Rendered:
    """Every stream's events, and where each stream lives."""

    streams: dict[tuple[str, str], list[Event]] = field(default_factory=lambda: defaultdict(list))
    created_ms: dict[tuple[str, str], int] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return sum(len(events) for events in self.streams.values())


def render_all(invocations: list[Invocation]) -> Rendered:
    out = Rendered()
    for inv in invocations:
        key = (inv.function.log_group, inv.env.stream)
        out.streams[key].extend(render(inv))
        out.created_ms.setdefault(key, inv.env.created_ms)
    for events in out.streams.values():
        events.sort(key=lambda event: event[0])  # stable: lines of one instant keep their order
    return out


def store_logs(rendered: Rendered) -> None:
    """Put every stream's events into moto's logs backend (in-process, in time order)."""
    from moto.logs.models import logs_backends

    backend = logs_backends[ACCOUNT][REGION]
    for (group, stream), events in sorted(rendered.streams.items(), key=lambda item: item[1][0][0]):
        backend.ensure_log_group(group)
        backend.ensure_log_stream(group, stream)
        log_stream = backend.groups[group].streams[stream]
        log_stream.creation_time = _naive(rendered.created_ms[(group, stream)])
        log_stream.put_log_events([{"timestamp": ts, "message": message} for ts, message in events])


def _naive(ts_ms: int) -> datetime:
    """moto keeps naive UTC datetimes."""
    return datetime.fromtimestamp(ts_ms / 1000, tz=timezone.utc).replace(tzinfo=None)


def _stats(values: list[float]) -> dict[str, float]:
    return {"SampleCount": float(len(values)), "Sum": float(sum(values)),
            "Minimum": float(min(values)), "Maximum": float(max(values))}


def metric_data(invocations: list[Invocation], throttles: list[Throttle] | tuple[Throttle, ...] = ()
                ) -> list[dict[str, Any]]:
    """Per minute, under each dimension set Lambda uses (`runtime.metrics.dimension_sets`: the
    function, the alias, the alias and the version it ran): Invocations, Errors, Throttles,
    ConcurrentExecutions as statistic sets, Duration as raw values (percentiles need them);
    for the account, ConcurrentExecutions and UnreservedConcurrentExecutions."""
    Key = tuple[int, tuple[tuple[str, str], ...]]
    per: dict[Key, list[Invocation]] = defaultdict(list)
    throttled: dict[Key, int] = defaultdict(int)
    peaks: dict[int, dict[str, int]] = defaultdict(dict)  # minute -> function -> its peak
    for inv in invocations:
        minute = inv.start_ms // 60_000
        for dims in dimension_sets(inv.function.name, inv.resource, inv.version):
            per[(minute, tuple((d["Name"], d["Value"]) for d in dims))].append(inv)
        peaks[minute][inv.function.name] = max(peaks[minute].get(inv.function.name, 0), inv.concurrent)
    for throttle in throttles:
        for dims in dimension_sets(throttle.function, throttle.resource, throttle.version):
            throttled[(throttle.at_ms // 60_000, tuple((d["Name"], d["Value"]) for d in dims))] += 1
    data: list[dict[str, Any]] = []
    for minute, key in sorted(set(per) | set(throttled)):
        group = per.get((minute, key), [])
        when = _naive(minute * 60_000)
        dims = [{"Name": name, "Value": value} for name, value in key]

        def datum(metric: str, unit: str, values: list[float]) -> dict[str, Any]:
            return {"MetricName": metric, "Dimensions": dims, "Timestamp": when, "Unit": unit,
                    "StatisticValues": _stats(values)}

        refused = throttled.get((minute, key), 0)
        data.append(datum("Throttles", "Count", [1.0] * refused + [0.0] * len(group)))
        if not group:
            continue
        data += [
            datum("Invocations", "Count", [1.0] * len(group)),
            datum("Errors", "Count", [1.0 if inv.plan.outcome != "ok" else 0.0 for inv in group]),
            {"MetricName": "Duration", "Dimensions": dims, "Timestamp": when, "Unit": "Milliseconds",
             "Values": [round(inv.plan.duration_ms, 2) for inv in group]},
        ]
        if len(key) < 3:  # Lambda does not break concurrency down by executed version
            data.append(datum("ConcurrentExecutions", "Count", [float(inv.concurrent) for inv in group]))
    # The account's peak: at most every function's own peak at once (an upper bound, which is
    # what a 1-minute Maximum of ConcurrentExecutions shows for short overlapping bursts).
    reserved = {spec.name for spec in FUNCTIONS if spec.reserved is not None}
    for minute, by_function in sorted(peaks.items()):
        when = _naive(minute * 60_000)
        for metric, peak in (("ConcurrentExecutions", sum(by_function.values())),
                             ("UnreservedConcurrentExecutions",
                              sum(n for f, n in by_function.items() if f not in reserved))):
            data.append({"MetricName": metric, "Dimensions": [], "Unit": "Count", "Timestamp": when,
                         "StatisticValues": _stats([float(peak)])})
    return data


def queue_metric_data(queue: QueueSim) -> list[dict[str, Any]]:
    """The AWS/SQS series of the orders queue and its dead-letter queue, minute by minute."""
    return [queue_datum(name, value, queue_name, _naive(minute))
            for queue_name, minute, name, value in queue.metric_points()]


def store_metrics(data: list[dict[str, Any]], namespace: str = NAMESPACE) -> None:
    from moto.cloudwatch.models import cloudwatch_backends

    cloudwatch_backends[ACCOUNT][REGION].put_metric_data(namespace, data)


def store_queues(queue: QueueSim, now_ms: int) -> None:
    """What is left in the orders queue and its dead-letter queue at `now`, into moto's queues.

    Sent and receive times stay in the world's time; when a message becomes visible again is
    moto's business, on its own clock: the same distance from the real present as from `now`."""
    import time

    from moto.sqs.models import Message, sqs_backends

    backend = sqs_backends[ACCOUNT][REGION]
    source, dead = backend.get_queue(queue.name), backend.get_queue(queue.dead_letter_name)
    shift = int(time.time() * 1000) - now_ms
    for target, messages in ((source, queue.messages), (dead, queue.dead)):
        for sim in messages:
            message = Message(sim.message_id, json.dumps(sim.body))
            message.message_attributes = {"correlationId": {"DataType": "String",
                                                            "StringValue": sim.correlation}}
            message.sent_timestamp = sim.sent_ms
            message.approximate_receive_count = sim.receive_count
            message.approximate_first_receive_timestamp = sim.first_receive_ms
            if target is source and sim.visible_at > now_ms:
                message.visible_at = sim.visible_at + shift
            if target is dead:
                message._stackview_dead_letter_source = source.queue_arn
            target._messages.append(message)
