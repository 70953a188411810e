"""Every log line tied to its request, including the lines that do not name it.

Lambda's own uncaught-exception record, a traceback, a bare `print()` carry no request id, and
those are the lines an incident is about. An execution environment runs one request at a time
and writes to its own log stream, so a line of a stream between that request's START and its
END/REPORT belongs to it. A line carrying an id is attributed by the line (`LINE`); one found
between the boundaries of its stream by the stream (`STREAM`).

Two readers of the same rule:
- `RequestTracker`, streaming, for `stackview logs` (events in delivery order): remembers, per
  stream, the request open there; memory is the streams with a request in flight.
- `RequestIndex`, for the log view's buffer, where a line may be held before its START (a
  back-fill, a late event, a filter that hid it when it came): every boundary is kept per stream,
  ordered by (timestamp, sequence number), and a line's request is looked up when it is drawn;
  a boundary that lands before others of its stream bumps `version` so that drawn rows are
  redrawn. Its memory follows the buffer: `forget_before` drops boundaries that fell off it,
  keeping per stream only the one still needed by the lines held after it.

Boundaries: text `START RequestId:` opens; `END RequestId:` and `REPORT RequestId:` close; in
the JSON log format `platform.start` opens, `platform.runtimeDone` and `platform.report` close.
Another START in the stream ends the previous request (its END never came: a crash, a cut log).
"""

from __future__ import annotations

from bisect import bisect_right, insort
from collections.abc import Iterable, Sequence

from stackview.logs.parse import END, PLATFORM, REPORT, START, LogParser, LogRecord
from stackview.models import LogEvent

LINE, STREAM = "line", "stream"
OPENS, CLOSES = "opens", "closes"
_CLOSING_PLATFORM_TYPES = ("platform.runtimeDone",)
#: A streaming tracker forgets the oldest open stream past this many (streams whose END never came).
MAX_OPEN_STREAMS = 50_000


def could_be_boundary(message: str) -> bool:
    """A cheap first look: False means the line is surely not a START/END/REPORT (text or JSON)."""
    first = message[:1]
    if first in ("S", "E", "R"):
        return message.startswith(("START RequestId: ", "END RequestId: ", "REPORT RequestId: "))
    if first == "{":
        return '"platform.' in message[:160]
    return False


def boundary_of(record: LogRecord) -> str | None:
    """OPENS for a request's START, CLOSES for its END/REPORT (or JSON equivalents), else None."""
    if record.kind == START:
        return OPENS
    if record.kind in (END, REPORT):
        return CLOSES
    if record.kind == PLATFORM and (record.json or {}).get("type") in _CLOSING_PLATFORM_TYPES:
        return CLOSES
    return None


class RequestTracker:
    """Streaming attribution: feed events in the order they are printed."""

    def __init__(self) -> None:
        self._open: dict[tuple[str, str], str] = {}

    def attribute(self, event: LogEvent, record: LogRecord) -> tuple[str | None, str | None]:
        """(request id, LINE | STREAM) for `event`, or (None, None)."""
        where = (event.log_group, event.log_stream)
        boundary = boundary_of(record) if could_be_boundary(event.message) else None
        if boundary == OPENS:
            self._open.pop(where, None)
            if record.request_id:
                self._open[where] = record.request_id
                if len(self._open) > MAX_OPEN_STREAMS:
                    self._open.pop(next(iter(self._open)))
        elif boundary == CLOSES:
            self._open.pop(where, None)
        if record.request_id:
            return record.request_id, LINE
        request_id = self._open.get(where)
        return (request_id, STREAM) if request_id else (None, None)

    @property
    def open_streams(self) -> int:
        return len(self._open)


class RequestIndex:
    """The request boundaries of the events a buffer holds, per stream (see the module doc)."""

    def __init__(self, parser: LogParser | None = None) -> None:
        self.parser = parser or LogParser()
        # (group, stream) -> sorted [(timestamp, seq, request id or "" for a close)]
        self._streams: dict[tuple[str, str], list[tuple[int, int, str]]] = {}
        self._count = 0
        self._forgotten_until = 0
        self.version = 0  # bumped when a boundary lands before another of its stream

    def __len__(self) -> int:
        return self._count

    def add(self, seq: int, event: LogEvent) -> None:
        """Note `event` (sequence number `seq`) if it opens or closes a request."""
        message = event.message
        first = message[:1]
        # Text lines are read here (the common case, and cheap); JSON records through the parser.
        if first == "S" and message.startswith("START RequestId: "):
            request_id = message[17:].split(" ", 1)[0].strip()
            if not request_id:
                return
        elif (first == "E" and message.startswith("END RequestId: ")) or (
                first == "R" and message.startswith("REPORT RequestId: ")):
            request_id = ""
        elif first == "{" and '"platform.' in message[:160]:
            record = self.parser.parse(event)
            boundary = boundary_of(record)
            if boundary is None or (boundary == OPENS and not record.request_id):
                return
            request_id = record.request_id if boundary == OPENS else ""
        else:
            return
        entry = (event.timestamp, seq, request_id)
        entries = self._streams.setdefault((event.log_group, event.log_stream), [])
        if entries and entry < entries[-1]:
            insort(entries, entry)
            self.version += 1
        else:
            entries.append(entry)
        self._count += 1

    def add_all(self, first_seq: int, events: Iterable[LogEvent]) -> None:
        for offset, event in enumerate(events):
            self.add(first_seq + offset, event)

    def request_of(self, seq: int, event: LogEvent, record: LogRecord) -> tuple[str | None, str | None]:
        """(request id, LINE | STREAM) of the held event `event` (its record already parsed)."""
        if record.request_id:
            return record.request_id, LINE
        entries = self._streams.get((event.log_group, event.log_stream))
        if not entries:
            return None, None
        at = bisect_right(entries, (event.timestamp, seq, "\uffff"))
        if at == 0:
            return None, None
        request_id = entries[at - 1][2]
        return (request_id, STREAM) if request_id else (None, None)

    def lines_of(self, request_id: str, first_seq: int, events: Sequence[LogEvent]) -> list[LogEvent]:
        """The events of `request_id` among the held `events` (sequence numbers from
        `first_seq`), in their order: those naming it, and those its streams attribute to it."""
        streams = {key for key, entries in self._streams.items() if any(e[2] == request_id for e in entries)}
        parse = self.parser.parse
        out: list[LogEvent] = []
        for offset, event in enumerate(events):
            if request_id in event.message:
                out.append(event)
            elif (event.log_group, event.log_stream) in streams:
                found, _ = self.request_of(first_seq + offset, event, parse(event))
                if found == request_id:
                    out.append(event)
        return out

    def forget_before(self, first_seq: int) -> None:
        """Drop the boundaries of events no longer held (sequence numbers below `first_seq`),
        keeping per stream the last one before the held ones: a line held after a START that
        fell off the buffer still belongs to that request. Amortized: runs when a quarter of
        the entries may have gone."""
        if first_seq - self._forgotten_until < max(1024, self._count // 4):
            return
        self._forgotten_until = first_seq
        count = 0
        for key in list(self._streams):
            entries = self._streams[key]
            held = [e for e in entries if e[1] >= first_seq]
            gone = [e for e in entries if e[1] < first_seq]
            if gone:
                last = gone[-1]
                if last[2] and (not held or last < held[0]):
                    held.insert(0, last)  # an open request whose START fell off
                if not held:
                    del self._streams[key]
                    continue
                self._streams[key] = held
            count += len(held)
        self._count = count

    def forget_from(self, seq: int) -> None:
        """Drop the boundaries of events at or after sequence number `seq` (the buffer rewrote
        them: they are added again)."""
        count = 0
        for key in list(self._streams):
            entries = [e for e in self._streams[key] if e[1] < seq]
            if entries:
                self._streams[key] = entries
            else:
                del self._streams[key]
            count += len(entries)
        self._count = count
        self.version += 1

    def clear(self) -> None:
        self._streams.clear()
        self._count = 0
        self._forgotten_until = 0
        self.version += 1
