"""The result of one invoke, laid out for reading: what ran, how it went, what it said.

Order matters when something failed: the outcome first (status, executed version, request id,
client-measured time, the REPORT summary), then the function's error as separate fields and one
stack frame per line, then the response, then the log tail. Everything that came from AWS or
from the function is drawn through `literal_text` (a handler can print Rich markup or ANSI).
"""

from __future__ import annotations

from textwrap import dedent

from rich.console import Group, RenderableType
from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual.app import App
from textual.containers import VerticalScroll
from textual.widgets import Static

from stackview.logs.parse import END, PLATFORM, REPORT, START, LogParser
from stackview.models import LogEvent
from stackview.models.invoke import DRY_RUN, EVENT, InvokeReport, InvokeResult
from stackview.widgets.literal import literal_text
from stackview.widgets.styles import style_for

_LABEL_WIDTH = 13


def qualifier_label(qualifier: str | None) -> str:
    return qualifier or "$LATEST"


class _Styles:
    """The theme's colours for a result, read once per render."""

    def __init__(self, app: App) -> None:
        self.muted = style_for(app, "sv-muted")
        self.error = style_for(app, "sv-level-error", bold=True)
        self.error_plain = style_for(app, "sv-level-error")
        self.warn = style_for(app, "sv-level-warn")
        self.ok = style_for(app, "sv-status-complete", bold=True)
        self.report = style_for(app, "sv-log-report")
        self.heading = Style(bold=True, underline=True)


class ResultDocument:
    """Renderables in reading order, and the same content as plain text (for tests and copy).

    Label/value fields go in a two-column grid so a long value wraps under itself, not under
    its label; stack frames hang under their first line for the same reason.
    """

    def __init__(self) -> None:
        self.parts: list[RenderableType] = []
        self.lines: list[str] = []

    def text(self, text: Text) -> None:
        self.parts.append(text)
        self.lines.append(text.plain)

    def blank(self) -> None:
        self.text(Text(""))

    def heading(self, title: str, styles: _Styles) -> None:
        self.blank()
        self.text(Text(title, style=styles.heading))

    def fields(self, rows: list[tuple[str, Text]], styles: _Styles, *, label_width: int = _LABEL_WIDTH) -> None:
        grid = Table.grid()
        grid.add_column(width=label_width, no_wrap=True, style=styles.muted)
        grid.add_column(ratio=1, overflow="fold")  # request ids and ARNs must stay whole
        for label, value in rows:
            grid.add_row(label, value)
            self.lines.append(f"{label:<{label_width}}{value.plain}")
        self.parts.append(grid)

    @property
    def renderable(self) -> Group:
        return Group(*self.parts)

    @property
    def plain(self) -> str:
        return "\n".join(self.lines)


def headline(result: InvokeResult, styles: _Styles) -> Text:
    request = result.request
    if result.throttled is not None:
        return Text(f"✗ THROTTLED  {result.status_code}", style=styles.error)
    if result.function_error is not None:
        kind = "TIMED OUT" if result.timed_out else f"FUNCTION ERROR ({result.function_error.kind})"
        return Text(f"✗ {kind}  {result.status_code}", style=styles.error)
    if request.invocation_type == EVENT:
        return Text(f"✓ QUEUED  {result.status_code}", style=styles.ok)
    if request.invocation_type == DRY_RUN:
        return Text(f"✓ CHECKED  {result.status_code}", style=styles.ok)
    return Text(f"✓ OK  {result.status_code}", style=styles.ok)


def report_fields(report: InvokeReport) -> list[tuple[str, Text]]:
    """The REPORT line as separate fields: duration and billed, memory, cold start."""
    rows: list[tuple[str, Text]] = []
    if report.duration_ms is not None:
        billed = f" (billed {report.billed_ms:g} ms)" if report.billed_ms is not None else ""
        rows.append(("duration", Text(f"{report.duration_ms:.2f} ms{billed}")))
    if report.memory_size_mb is not None or report.max_memory_mb is not None:
        used = "?" if report.max_memory_mb is None else str(report.max_memory_mb)
        size = "?" if report.memory_size_mb is None else str(report.memory_size_mb)
        rows.append(("memory", Text(f"{used} MB used of {size} MB")))
    init = report.init_duration_ms
    rows.append(("cold start", Text(f"yes, init {init:.2f} ms" if init is not None else "no")))
    if report.status and report.status != "success":
        rows.append(("status", literal_text(report.status)))
    return rows


def render_result(result: InvokeResult, app: App) -> ResultDocument:
    """The whole result, in reading order (the view scrolls it)."""
    styles = _Styles(app)
    request = result.request
    doc = ResultDocument()
    doc.text(headline(result, styles))
    rows = [("function", literal_text(f"{request.function}:{qualifier_label(request.qualifier)}")),
            ("type", Text(request.invocation_type))]
    if result.executed_version:
        rows.append(("executed", literal_text(f"version {result.executed_version}")))
    if result.request_id:
        rows.append(("request id", literal_text(result.request_id)))
    rows.append(("round trip", Text(f"{result.duration_ms:,.1f} ms (measured by stackview)")))
    if result.report is not None:
        rows.extend(report_fields(result.report))
    elif request.invocation_type not in (EVENT, DRY_RUN) and result.throttled is None:
        rows.append(("REPORT", Text("not in the log tail", style=styles.muted)))
    if request.event_name:
        rows.append(("event", literal_text(request.event_name)))
    rows.append(("sent", Text(f"{len(request.payload):,} bytes")))
    doc.fields(rows, styles)
    if result.audit_error:
        doc.text(literal_text(f"warning: {result.audit_error}", styles.warn))
    if result.throttled is not None:
        _throttle(doc, result, styles)
        return doc
    if request.invocation_type == EVENT:
        doc.blank()
        doc.text(Text("Lambda queued the event and runs the function asynchronously: no response comes "
                      "back here. ctrl+l opens its logs."))
    elif request.invocation_type == DRY_RUN:
        doc.blank()
        doc.text(Text("Parameters and permission are valid. The function did not run."))
    if result.function_error is not None:
        _function_error(doc, result, styles)
    error = result.function_error
    # An error payload is already laid out above; show it raw only when it said nothing usable.
    if request.invocation_type not in (EVENT, DRY_RUN) and (error is None or not error.error_type):
        _payload(doc, result, styles)
    if result.log_tail:
        _log_tail(doc, result, styles)
    return doc


def _throttle(doc: ResultDocument, result: InvokeResult, styles: _Styles) -> None:
    throttle = result.throttled
    assert throttle is not None
    doc.heading("Throttled: the function did not run", styles)
    doc.text(literal_text(throttle.message, styles.error_plain))
    rows = [("reason", literal_text(throttle.reason))] if throttle.reason else []
    if throttle.reserved_concurrency is not None:
        rows.append(("reserved", Text(str(throttle.reserved_concurrency))))
    if throttle.retry_after_seconds:
        rows.append(("retry after", Text(f"{throttle.retry_after_seconds} s")))
    if rows:
        doc.fields(rows, styles)


def _function_error(doc: ResultDocument, result: InvokeResult, styles: _Styles) -> None:
    error = result.function_error
    assert error is not None
    doc.heading(f"Function error ({error.kind})", styles)
    doc.fields([("errorType", literal_text(error.error_type or "—", styles.error)),
                ("errorMessage", literal_text(error.error_message or "—", styles.error_plain))], styles)
    if error.stack_trace:
        doc.text(Text("stackTrace", style=styles.muted))
        # Python frames are `  File "...", line N, in f\n    code`: drop the common indent, keep
        # the code under its frame line.
        lines = [line for frame in error.stack_trace for line in (dedent(frame).splitlines() or [""])]
        doc.fields([("", literal_text(line)) for line in lines], styles, label_width=2)


def _payload(doc: ResultDocument, result: InvokeResult, styles: _Styles) -> None:
    kind = "JSON" if result.is_json else "text"
    doc.heading(f"Response ({kind}, {len(result.payload):,} bytes)", styles)
    if result.payload:
        doc.text(literal_text(result.pretty_payload(), keep_newlines=True))
    else:
        doc.text(Text("(empty)", style=styles.muted))


def _log_tail(doc: ResultDocument, result: InvokeResult, styles: _Styles) -> None:
    cut = ", last 4 KB: the first line is cut" if result.log_truncated else ""
    doc.heading(f"Log tail{cut}", styles)
    parser = LogParser()
    text = Text()
    for index, line in enumerate((result.log_tail or "").rstrip("\n").split("\n")):
        record = parser.parse(LogEvent(0, 0, "", "", "", line))
        style: Style | str = ""
        if record.is_error:
            style = styles.error_plain
        elif record.level == "WARN":
            style = styles.warn
        elif record.kind in (START, END, REPORT, PLATFORM):
            style = styles.report
        if index:
            text.append("\n")
        text.append_text(literal_text(line, style))
    doc.text(text)


class ResultView(VerticalScroll):
    """Scrollable result pane: a result, or a one-line message (invoking…, an error)."""

    DEFAULT_CSS = """
    ResultView { height: 1fr; padding: 0 1; }
    ResultView > #result-body { width: 100%; }
    ResultView.-error > #result-body { color: $error; }
    """
    can_focus = True

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.result: InvokeResult | None = None
        self._plain = "No invoke yet. ctrl+r sends the event."
        self.body = Static(Text(self._plain, style="dim"), id="result-body")

    def compose(self):
        yield self.body

    def show_result(self, result: InvokeResult) -> None:
        self.result = result
        self.remove_class("-error")
        document = render_result(result, self.app)
        self._show(document.renderable, document.plain)

    def show_message(self, message: str, *, error: bool = False) -> None:
        """A short message instead of a result (the last result stays in `self.result`)."""
        self.set_class(error, "-error")
        text = literal_text(message, keep_newlines=True)
        self._show(text, text.plain)

    def _show(self, renderable: RenderableType, plain: str) -> None:
        self._plain = plain
        self.body.update(renderable)
        self.scroll_home(animate=False)

    @property
    def plain(self) -> str:
        """What the pane shows, as text (tests and copy)."""
        return self._plain
