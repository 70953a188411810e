"""The result of one invoke, laid out for reading: what ran, how it went, what it said.

Order matters when something failed: the outcome first (status, executed version, request id,
client-measured time, the REPORT summary), then the function's error as separate fields and one
stack frame per line, then the response, then the log tail. Everything that came from AWS or
from the function is drawn through `literal_text` (a handler can print Rich markup or ANSI).
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.app import App
from textual.containers import VerticalScroll
from textual.widgets import Static

from stackview.logs.parse import END, PLATFORM, REPORT, START, LogParser
from stackview.models import LogEvent
from stackview.models.invoke import DRY_RUN, EVENT, InvokeResult
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


def _field(text: Text, label: str, value: Text | str, styles: _Styles) -> None:
    text.append(f"\n{label:<{_LABEL_WIDTH}}", style=styles.muted)
    text.append_text(value if isinstance(value, Text) else literal_text(value))


def _heading(text: Text, title: str, styles: _Styles) -> None:
    text.append("\n\n")
    text.append(title, style=styles.heading)


def headline(result: InvokeResult, styles: _Styles) -> Text:
    request = result.request
    if result.throttled is not None:
        return Text(f"✗ THROTTLED  {result.status_code}", style=styles.error)
    if result.function_error is not None:
        kind = "TIMED OUT" if result.timed_out else f"FUNCTION ERROR ({result.function_error.kind})"
        return Text.assemble((f"✗ {kind}  ", styles.error), (str(result.status_code), styles.error))
    if request.invocation_type == EVENT:
        return Text(f"✓ QUEUED  {result.status_code}", style=styles.ok)
    if request.invocation_type == DRY_RUN:
        return Text(f"✓ CHECKED  {result.status_code}", style=styles.ok)
    return Text(f"✓ OK  {result.status_code}", style=styles.ok)


def render_result(result: InvokeResult, app: App) -> Text:
    """The whole result as one Text (the view scrolls it)."""
    styles = _Styles(app)
    request = result.request
    text = headline(result, styles)
    _field(text, "function", f"{request.function}:{qualifier_label(request.qualifier)}", styles)
    _field(text, "type", request.invocation_type, styles)
    if result.executed_version:
        _field(text, "executed", f"version {result.executed_version}", styles)
    if result.request_id:
        _field(text, "request id", result.request_id, styles)
    _field(text, "round trip", f"{result.duration_ms:,.1f} ms (measured by stackview)", styles)
    if result.report is not None:
        _field(text, "REPORT", result.report.summary() or "(no figures)", styles)
        _field(text, "cold start", "yes" if result.report.cold_start else "no", styles)
    if request.event_name:
        _field(text, "event", request.event_name, styles)
    _field(text, "sent", f"{len(request.payload):,} bytes", styles)
    if result.audit_error:
        text.append("\n")
        text.append_text(literal_text(f"warning: {result.audit_error}", styles.warn))
    if result.throttled is not None:
        _throttle(text, result, styles)
        return text
    if request.invocation_type == EVENT:
        text.append("\n\n")
        text.append("Lambda queued the event and runs the function asynchronously: no response "
                    "comes back here. ctrl+l opens its logs.")
    elif request.invocation_type == DRY_RUN:
        text.append("\n\n")
        text.append("Parameters and permission are valid. The function did not run.")
    if result.function_error is not None:
        _function_error(text, result, styles)
    if request.invocation_type not in (EVENT, DRY_RUN):
        _payload(text, result, styles)
    if result.log_tail:
        _log_tail(text, result, styles)
    return text


def _throttle(text: Text, result: InvokeResult, styles: _Styles) -> None:
    throttle = result.throttled
    assert throttle is not None
    _heading(text, "Throttled: the function did not run", styles)
    text.append("\n")
    text.append_text(literal_text(throttle.message, styles.error_plain))
    if throttle.reason:
        _field(text, "reason", throttle.reason, styles)
    if throttle.reserved_concurrency is not None:
        _field(text, "reserved", str(throttle.reserved_concurrency), styles)
    if throttle.retry_after_seconds:
        _field(text, "retry after", f"{throttle.retry_after_seconds} s", styles)


def _function_error(text: Text, result: InvokeResult, styles: _Styles) -> None:
    error = result.function_error
    assert error is not None
    _heading(text, f"Function error ({error.kind})", styles)
    _field(text, "errorType", literal_text(error.error_type or "—", styles.error), styles)
    _field(text, "errorMessage", literal_text(error.error_message or "—", styles.error_plain), styles)
    if error.stack_trace:
        text.append("\nstackTrace", style=styles.muted)
        for frame in error.stack_trace:
            for line in frame.splitlines() or [""]:
                text.append("\n  ")
                text.append_text(literal_text(line))


def _payload(text: Text, result: InvokeResult, styles: _Styles) -> None:
    kind = "JSON" if result.is_json else "text"
    _heading(text, f"Response ({kind}, {len(result.payload):,} bytes)", styles)
    text.append("\n")
    if result.payload:
        text.append_text(literal_text(result.pretty_payload(), keep_newlines=True))
    else:
        text.append("(empty)", style=styles.muted)


def _log_tail(text: Text, result: InvokeResult, styles: _Styles) -> None:
    cut = ", last 4 KB: the first line is cut" if result.log_truncated else ""
    _heading(text, f"Log tail{cut}", styles)
    parser = LogParser()
    for line in (result.log_tail or "").rstrip("\n").split("\n"):
        record = parser.parse(LogEvent(0, 0, "", "", "", line))
        style: Style | str = ""
        if record.is_error:
            style = styles.error_plain
        elif record.level == "WARN":
            style = styles.warn
        elif record.kind in (START, END, REPORT, PLATFORM):
            style = styles.report
        text.append("\n")
        text.append_text(literal_text(line, style))


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
        self._shown = Text("No invoke yet. ctrl+r sends the event.", style="dim")
        self.body = Static(self._shown, id="result-body")

    def compose(self):
        yield self.body

    def show_result(self, result: InvokeResult) -> None:
        self.result = result
        self.remove_class("-error")
        self._show(render_result(result, self.app))

    def show_message(self, message: str, *, error: bool = False) -> None:
        """A short message instead of a result (the last result stays in `self.result`)."""
        self.set_class(error, "-error")
        self._show(literal_text(message, keep_newlines=True))

    def _show(self, text: Text) -> None:
        self._shown = text
        self.body.update(text)
        self.scroll_home(animate=False)

    @property
    def plain(self) -> str:
        """What the pane shows, as text (tests and copy)."""
        return self._shown.plain
