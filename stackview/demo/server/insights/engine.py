"""Running a parsed Logs Insights query over log events: the pipeline, its statistics, results.

Commands run in the order written. The leading `fields`, `parse` and `filter` commands are
applied to each event as it is scanned (so a query over many events keeps only what matches);
`stats` groups as the events stream by; `sort`, `dedup` and `limit` work on what reached them.
When nothing but a `limit` (or the result cap) follows the scan, scanning stops once enough
events matched. Statistics (records scanned and matched, bytes scanned) are updated every
CHUNK events, when the query can also be stopped and be paced (for the realism switch that
makes queries take time).

Events come newest first, the order AWS gives results that no `sort` ordered (its `dedup`
documentation: "the default descending sort order using @timestamp"), so `limit 20` alone
returns the newest 20. Results are as GetQueryResults returns them: a row per result, each a list of (field, value)
with every value a string and fields without a value left out, then `@ptr` (a pointer
GetLogRecord accepts) unless the query aggregated. Without `fields` or `display`, a row holds
@timestamp and @message (and the fields `parse` set).
"""

from __future__ import annotations

import base64
import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from stackview.demo.server.insights import nodes
from stackview.demo.server.insights.evaluate import evaluate
from stackview.demo.server.insights.fields import Event, Record
from stackview.demo.server.insights.functions import new_aggregate
from stackview.demo.server.insights.values import render, sort_key, truthy

#: Rows a query returns unless it says otherwise (the `limit` command, StartQuery's limit).
DEFAULT_LIMIT = 10_000
CHUNK = 1000
_STREAMING = (nodes.Fields, nodes.Parse, nodes.Filter, nodes.Display)
DEFAULT_FIELDS = ("@timestamp", "@message")


class Cancelled(Exception):
    """The query was stopped (StopQuery) while it ran."""


@dataclass
class Progress:
    """What a running query has done so far (read by GetQueryResults from another thread)."""

    records_scanned: int = 0
    bytes_scanned: int = 0
    records_matched: int = 0
    stop: threading.Event = field(default_factory=threading.Event)


@dataclass
class Row:
    """A result of `stats` (its by-values and aggregates), read and written by name."""

    values: dict[str, Any]

    def get(self, name: str) -> Any:
        return self.values.get(name)

    def set(self, name: str, value: Any) -> None:
        self.values[name] = value


def pointer(event: Event) -> str:
    """The `@ptr` of an event: opaque to clients, decoded by read_pointer."""
    raw = json.dumps([event.account, event.group, event.stream, event.event_id])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def read_pointer(text: str) -> tuple[str, str, str, str] | None:
    """(account, group, stream, event id) of a pointer, or None when it is not one of ours."""
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        account, group, stream, event_id = json.loads(raw)
        return str(account), str(group), str(stream), str(event_id)
    except (ValueError, TypeError):
        return None


def run(query: nodes.Query, events: Iterable[Event], *, limit: int = DEFAULT_LIMIT,
        progress: Progress | None = None, rate: float = 0.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic) -> list[list[tuple[str, str]]]:
    """The query's result rows over `events` (newest first). `rate` > 0 scans at most that
    many events per second."""
    progress = progress or Progress()
    commands = list(query.commands)
    prefix = 0
    while prefix < len(commands) and isinstance(commands[prefix], _STREAMING):
        prefix += 1
    head, rest = commands[:prefix], commands[prefix:]
    stats = rest[0] if rest and isinstance(rest[0], nodes.Stats) else None
    enough = rest[0].count if rest and isinstance(rest[0], nodes.Limit) else (None if rest else limit)
    grouper = _Grouper(stats) if stats is not None else None
    kept: list[Any] = []
    started = clock()
    scanned = matched = size = 0
    for event in events:
        scanned += 1
        size += len(event.message.encode("utf-8", errors="replace"))
        record = Record(event)
        if _stream(head, record):
            matched += 1
            if grouper is not None:
                grouper.add(record)
            else:
                kept.append(record)
        if scanned % CHUNK == 0:
            progress.records_scanned, progress.bytes_scanned = scanned, size
            progress.records_matched = matched
            if progress.stop.is_set():
                raise Cancelled()
            if rate > 0:
                ahead = scanned / rate - (clock() - started)
                if ahead > 0:
                    sleep(ahead)
        if enough is not None and len(kept) >= enough:
            break
    progress.records_scanned, progress.bytes_scanned, progress.records_matched = scanned, size, matched
    if progress.stop.is_set():
        raise Cancelled()
    rows: list[Any] = grouper.rows() if grouper is not None else kept
    for command in rest[1:] if grouper is not None else rest:
        rows = _apply(command, rows)
    names = output_fields(query)
    aggregated = any(isinstance(command, nodes.Stats) for command in commands)
    return [_result(row, names, aggregated) for row in rows[:limit]]


def _stream(commands: list[nodes.Command], record: Any) -> bool:
    """Apply fields/parse/filter to one record; False when a filter drops it."""
    for command in commands:
        kind = type(command)
        if kind is nodes.Filter:
            if not truthy(evaluate(command.condition, record)):  # type: ignore[union-attr]
                return False
        elif kind is nodes.Fields:
            for item in command.items:  # type: ignore[union-attr]
                if not (isinstance(item.expr, nodes.FieldRef) and item.expr.name == item.name):
                    record.set(item.name, evaluate(item.expr, record))
        elif kind is nodes.Parse:
            _parse(command, record)  # type: ignore[arg-type]
    return True


def _parse(command: nodes.Parse, record: Any) -> None:
    value = record.get(command.source)
    if value is None:
        return
    found = command.regex.search(render(value))
    if found is None:
        return
    if command.glob:
        for name, text in zip(command.names, found.groups()):
            record.set(name, text)
    else:
        for name in command.names:
            text = found.group(name)
            if text is not None:
                record.set(name, text)


def _apply(command: nodes.Command, rows: list[Any]) -> list[Any]:
    if isinstance(command, _STREAMING):
        return [row for row in rows if _stream([command], row)]
    if isinstance(command, nodes.Limit):
        return rows[:command.count]
    if isinstance(command, nodes.Sort):
        ordered = list(rows)
        for key in reversed(command.keys):
            ordered.sort(key=_sort_key(key), reverse=key.descending)
        return ordered
    if isinstance(command, nodes.Dedup):
        seen: set[tuple[str, ...]] = set()
        unique = []
        for row in rows:
            values = [row.get(name) for name in command.names]
            if any(value is None for value in values):
                unique.append(row)  # no value: never a duplicate
                continue
            marker = tuple(render(value) for value in values)
            if marker not in seen:
                seen.add(marker)
                unique.append(row)
        return unique
    grouper = _Grouper(command)  # type: ignore[arg-type]
    for row in rows:
        grouper.add(row)
    return grouper.rows()


def _sort_key(key: nodes.SortKey) -> Callable[[Any], tuple[Any, ...]]:
    """Missing values last, in either direction."""
    def of(row: Any) -> tuple[Any, ...]:
        value = evaluate(key.expr, row)
        missing = value is None
        return ((0 if missing else 1) if key.descending else (1 if missing else 0),
                () if missing else sort_key(value))
    return of


class _Grouper:
    """The groups of one `stats` command and their aggregates."""

    def __init__(self, stats: nodes.Stats) -> None:
        self.stats = stats
        self.groups: dict[tuple[Any, ...], list[Any]] = {}

    def add(self, record: Any) -> None:
        key = tuple(evaluate(named.expr, record) for named in self.stats.by)
        accumulators = self.groups.get(key)
        if accumulators is None:
            accumulators = self.groups[key] = [
                new_aggregate(call.name, call.star, call.args[1].value
                              if len(call.args) > 1 and isinstance(call.args[1], nodes.Literal) else None)
                for call in self.stats.aggregates]
        stamp = record.get("@timestamp")
        timestamp = int(stamp) if isinstance(stamp, (int, float)) else 0
        for call, accumulator in zip(self.stats.aggregates, accumulators):
            value = None if call.star else evaluate(call.args[0], record) if call.args else None
            accumulator.add(value, timestamp)

    def rows(self) -> list[Row]:
        rows = []
        for key in sorted(self.groups, key=lambda values: tuple(
                (1, ()) if value is None else (0, sort_key(value)) for value in values)):
            results = {call: accumulator.result()
                       for call, accumulator in zip(self.stats.aggregates, self.groups[key])}
            row = Row({named.name: value for named, value in zip(self.stats.by, key)})
            for named in self.stats.items:
                row.set(named.name, evaluate(named.expr, row, results))
            rows.append(row)
        return rows


def output_fields(query: nodes.Query) -> list[str]:
    """The fields a result row shows, in order."""
    display = [c for c in query.commands if isinstance(c, nodes.Display)]
    if display:
        return list(display[-1].names)
    names: list[str] = []
    stats_seen = False
    for command in query.commands:
        if isinstance(command, nodes.Stats):
            stats_seen = True
            names = [named.name for named in (*command.by, *command.items)]
        elif isinstance(command, nodes.Fields):
            names += [item.name for item in command.items if item.name not in names]
    if not stats_seen and not any(isinstance(c, nodes.Fields) for c in query.commands):
        names = list(DEFAULT_FIELDS)
        for command in query.commands:
            if isinstance(command, nodes.Parse):
                names += [name for name in command.names if name not in names]
    return names


def _result(row: Any, names: list[str], aggregated: bool) -> list[tuple[str, str]]:
    cells = []
    for name in names:
        value = row.get(name)
        if value is not None:
            cells.append((name, render(value)))
    if not aggregated and isinstance(row, Record):
        cells.append(("@ptr", pointer(row.event)))
    return cells
