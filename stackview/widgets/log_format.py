"""How one log event looks in the log view: time, function, kind or level, message.

REPORT lines become a summary (duration, billed, memory, cold start); START/END recede (a JSON
`platform.start` record reads like a text START line); errors and timeouts stand out. A request
column holds the short id of the request each line belongs to, italic when the line does not
name it and it was found from its stream (`stackview.logs.attribution`). Everything from the
event is shown literally (`literal_text`).
"""

from __future__ import annotations

from collections import OrderedDict
from datetime import datetime, timezone

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual.app import App

from stackview.logs.parse import END, REPORT, START, TIMEOUT, LogParser, LogRecord
from stackview.models import LogEvent
from stackview.widgets.literal import literal_text, neutralize
from stackview.widgets.styles import style_for

TIMESTAMP_MODES = ("relative", "local", "utc")
#: The longest a REPORT summary gets (request id, duration, billed, memory, cold start, status).
REPORT_SUMMARY_WIDTH = 100
LABEL_WIDTH = 7
MAX_FUNCTION_WIDTH = 28
REQUEST_WIDTH = 8  # the short request id: its first 8 characters


def _clip_middle(name: str, width: int) -> str:
    if len(name) <= width:
        return name.ljust(width)
    keep = width - 1
    return name[: keep // 2] + "…" + name[len(name) - (keep - keep // 2) :]


class LambdaLineFormatter:
    """Formats events for `LogView` (see its LineFormatter protocol)."""

    def __init__(
        self,
        app: App,
        parser: LogParser,
        *,
        show_function: bool = True,
        function_width: int = 20,
        timestamp_mode: str = "local",
    ) -> None:
        self.app = app
        self.parser = parser
        self.show_function = show_function
        self.function_width = min(MAX_FUNCTION_WIDTH, max(4, function_width))
        self.timestamp_mode = timestamp_mode
        self.show_request = True
        self._records: OrderedDict[int, LogRecord] = OrderedDict()

    # -- parsing (cached for the rows being drawn) -------------------------------------------
    def record(self, event: LogEvent) -> LogRecord:
        key = id(event)
        record = self._records.get(key)
        if record is None or record.event is not event:
            record = self.parser.parse(event)
            self._records[key] = record
            if len(self._records) > 8192:
                self._records.popitem(last=False)
        return record

    # -- LineFormatter ------------------------------------------------------------------------
    def prefix_width(self) -> int:
        width = self._time_width() + 1 + LABEL_WIDTH + 1
        if self.show_function:
            width += self.function_width + 1
        if self.show_request:
            width += REQUEST_WIDTH + 1
        return width

    def _time_width(self) -> int:
        return 9 if self.timestamp_mode == "relative" else (13 if self.timestamp_mode == "utc" else 12)

    def format_time(self, timestamp_ms: int) -> str:
        moment = datetime.fromtimestamp(timestamp_ms / 1000, tz=timezone.utc)
        if self.timestamp_mode == "relative":
            seconds = max(0, int((self.app.clock() - moment).total_seconds()))
            for size, unit in ((86400, "d"), (3600, "h"), (60, "m")):
                if seconds >= size:
                    return f"{seconds // size}{unit} ago".rjust(9)
            return f"{seconds}s ago".rjust(9)
        if self.timestamp_mode == "local":
            moment = moment.astimezone()
            return moment.strftime("%H:%M:%S.") + f"{moment.microsecond // 1000:03d}"
        return moment.strftime("%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"

    def prefix(self, event: LogEvent, request: tuple[str | None, str | None] = (None, None)) -> Text:
        record = self.record(event)
        app = self.app
        text = Text(no_wrap=True, end="")
        text.append(self.format_time(event.timestamp), style_for(app, "sv-log-time"))
        text.append(" ")
        if self.show_function:
            text.append(neutralize(_clip_middle(record.function, self.function_width)),
                        style_for(app, "sv-log-function"))
            text.append(" ")
        label, style = self._label(record)
        text.append(label.ljust(LABEL_WIDTH), style)
        text.append(" ")
        if self.show_request:
            request_id, source = request
            short = neutralize((request_id or "")[:REQUEST_WIDTH]).ljust(REQUEST_WIDTH)
            muted = style_for(app, "sv-log-time")
            text.append(short, muted + Style(italic=True) if source == "stream" else muted)
            text.append(" ")
        return text

    def _label(self, record: LogRecord) -> tuple[str, Style]:
        app = self.app
        if record.kind == TIMEOUT or (record.kind == REPORT and record.timed_out):
            return "TIMEOUT", style_for(app, "sv-level-error", bold=True)
        if record.kind in (START, END, REPORT):
            return record.kind.upper(), style_for(app, "sv-log-report")
        level = record.level or ""
        if level in ("ERROR", "FATAL"):
            return level, style_for(app, "sv-level-error", bold=True)
        if level == "WARN":
            return level, style_for(app, "sv-level-warn", bold=True)
        if level in ("DEBUG", "TRACE"):
            return level, style_for(app, "sv-level-debug")
        return level, style_for(app, "sv-level-info")

    def body(self, event: LogEvent) -> Text:
        record = self.record(event)
        app = self.app
        if record.kind == REPORT:
            return self._report_summary(record)
        if record.kind in (START, END):
            return literal_text(self._platform_body(record), style_for(app, "sv-log-report"), keep_newlines=True)
        style: Style | str = ""
        if record.is_error:
            style = style_for(app, "sv-level-error")
        elif record.level == "WARN":
            style = style_for(app, "sv-level-warn")
        return literal_text(record.body.rstrip("\n"), style, keep_newlines=True)

    def body_plain(self, event: LogEvent) -> str:
        """The text `body()` draws, without styles (`rows()` measures wrapped rows with it)."""
        record = self.record(event)
        if record.kind == REPORT:
            return self._report_summary(record).plain
        if record.kind in (START, END):
            return self._platform_body(record)
        return record.body.rstrip("\n")

    def rows(self, event: LogEvent, width: int) -> int:
        """How many lines the body takes when hard-wrapped at `width` cells.

        Called for every row when wrap is on, so the common cases avoid parsing: a message that
        fits is one line (the body is never longer than the message), and a REPORT summary is
        short. Everything else is measured on the body that will be drawn.
        """
        message = event.message
        if len(message) <= width and "\n" not in message.rstrip("\n"):
            return 1
        if width >= REPORT_SUMMARY_WIDTH and (
            message.startswith("REPORT RequestId: ") or '"platform.report"' in message[:64]
        ):
            return 1
        lines = 0
        for piece in self.body_plain(event).split("\n"):
            cells = len(piece) if piece.isascii() else cell_len(piece)
            lines += max(1, -(-cells // width))
        return lines

    @staticmethod
    def _platform_body(record: LogRecord) -> str:
        # "START RequestId: ..." is labelled START already: drop the repeated word.
        # Lambda ends printed lines with a newline; it is not part of what to show.
        data = record.json if record.kind == START else None
        if data is not None and isinstance(data.get("record"), dict):
            # JSON format's platform.start: said as the text line says it.
            inner = data["record"]
            text = f"RequestId: {record.request_id or ''}"
            if inner.get("version") is not None:
                text += f" Version: {inner['version']}"
            return text
        body = record.body.rstrip("\n")
        word = record.kind.upper() + " "
        return body[len(word):] if body.startswith(word) else body

    def _report_summary(self, record: LogRecord) -> Text:
        report = record.report
        muted = style_for(self.app, "sv-log-report")
        text = Text(no_wrap=True, end="")
        if not self.show_request:  # else the request column says it
            text.append(neutralize((record.request_id or "")[:REQUEST_WIDTH]) + "  ", muted)
        if report is None:
            return text
        if report.duration_ms is not None:
            text.append(f"{report.duration_ms:.2f} ms")
        if report.billed_ms is not None:
            text.append(f" (billed {report.billed_ms:.0f} ms)", muted)
        if report.max_memory_mb is not None and report.memory_size_mb:
            text.append(f"  mem {report.max_memory_mb}/{report.memory_size_mb} MB")
        if report.cold_start:
            text.append("  cold start", style_for(self.app, "sv-level-warn", bold=True))
            text.append(f" init {report.init_duration_ms:.0f} ms", muted)
        if report.timed_out:
            text.append("  timed out", style_for(self.app, "sv-level-error", bold=True))
        elif report.status and report.status != "success":
            text.append(f"  {neutralize(report.status)}", style_for(self.app, "sv-level-error", bold=True))
        return text


def hard_wrap(text: Text, width: int) -> list[Text]:
    """Cut `text` into pieces of at most `width` cells (no word wrapping: sizes stay exact)."""
    plain = text.plain
    if not plain:
        return [text]
    if plain.isascii():
        return [text[i : i + width] for i in range(0, len(plain), width)]
    pieces, start, cells = [], 0, 0
    for index, char in enumerate(plain):
        size = cell_len(char)
        if cells + size > width:
            pieces.append(text[start:index])
            start, cells = index, 0
        cells += size
    pieces.append(text[start:])
    return pieces
