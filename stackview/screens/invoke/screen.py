"""The invoke screen: pick a qualifier and an invocation type, edit an event, send it, read it.

Nothing is sent by accident: malformed JSON is blocked (the cursor goes to the mistake), an event
too large for the invocation type is refused before the confirmation, the confirmation names
function, qualifier, type, account and region with Cancel focused, and one invoke at a time runs,
in a thread worker, never retried (`stackview.aws.invoke`). Results land in the session history
(`screens.invoke_history`) for re-running and comparing.

Keys are Ctrl/F-keys because the editor takes every printable key; Esc leaves the editor first
(Textual's code editor behaviour), then goes back.
"""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, Label, Select, Static

from stackview.aws.errors import UserError
from stackview.aws.functions import list_aliases, list_versions
from stackview.aws.invoke import InvokeRefused, check_payload, invoke
from stackview.models.arns import bare_function_name
from stackview.models.functions import Alias, FunctionVersion
from stackview.models.invoke import (
    DRY_RUN,
    INVOCATION_TYPES,
    REQUEST_RESPONSE,
    InvokeRequest,
    InvokeResult,
)
from stackview.screens.invoke.actions import EventActions
from stackview.screens.invoke.history import HistoryChoice, HistoryScreen, session_state
from stackview.screens.invoke.result import ResultView, qualifier_label
from stackview.widgets.app_header import AppHeader
from stackview.widgets.confirm import ConfirmScreen
from stackview.widgets.host import Host
from stackview.widgets.json_editor import JsonEditor
from stackview.widgets.literal import literal_text

LATEST = "$LATEST"


def qualifier_options(versions: list[FunctionVersion], aliases: list[Alias],
                      keep: str | None = None) -> list[tuple[str, str]]:
    """Select options: $LATEST, each alias (with where it points), each published version."""
    options: list[tuple[str, str]] = [(LATEST, LATEST)]
    for alias in aliases:
        target = f"→ {alias.function_version}"
        if alias.is_weighted:
            target += f" ({alias.primary_percent:g}%) + {alias.additional_version} ({alias.additional_percent:g}%)"
        options.append((f"alias {alias.name} {target}", alias.name))
    for version in versions:
        if version.version != LATEST:
            label = f"version {version.version}"
            options.append((f"{label}  {version.description}"[:60] if version.description else label,
                            version.version))
    if keep and keep not in {value for _, value in options}:
        options.append((keep, keep))  # asked for by the caller: never silently dropped
    return options


class InvokeScreen(EventActions):
    DEFAULT_CSS = """
    InvokeScreen #invoke-bar { height: 3; padding: 0 1; }
    InvokeScreen #invoke-bar Label { padding: 1 1 0 0; }
    InvokeScreen #invoke-qualifier { width: 48; }
    InvokeScreen #invoke-type { width: 24; }
    InvokeScreen #invoke-event { width: 1fr; padding: 1 0 0 2; color: $text-muted; }
    InvokeScreen #invoke-body { height: 1fr; }
    InvokeScreen #invoke-editor-box { width: 45%; border: round $panel-lighten-2; }
    InvokeScreen #invoke-editor-box:focus-within { border: round $accent; }
    InvokeScreen ResultView { width: 1fr; border: round $panel-lighten-2; }
    InvokeScreen ResultView:focus { border: round $accent; }
    InvokeScreen #invoke-status { height: 1; padding: 0 1; }
    InvokeScreen #invoke-status.-error { color: $error; }
    """
    BINDINGS = [
        Binding("escape", "back", "Back", id="invoke.back"),
        Binding("ctrl+r", "send", "Invoke", id="invoke.send"),
        Binding("ctrl+o", "events", "Events", id="invoke.events"),
        Binding("ctrl+s", "save", "Save", id="invoke.save"),
        Binding("ctrl+t", "share", "Share", id="invoke.share"),
        Binding("ctrl+g", "history", "History", id="invoke.history"),
        Binding("ctrl+l", "logs", "Logs", id="invoke.logs"),
        Binding("f2", "qualifier", "Qualifier", id="invoke.qualifier"),
        Binding("f3", "cycle_type", "Type", id="invoke.type"),
    ]

    def __init__(self, function: str, *, qualifier: str | None = None,
                 project_dir: str | Path | None = None) -> None:
        super().__init__()
        self.function = function
        self.initial_qualifier = qualifier or LATEST
        #: The SAM project whose events/ the picker lists: `stackview --project DIR`, else the
        #: directory stackview was started in.
        self.project_dir = Path(project_dir) if project_dir is not None else Path.cwd()
        self.crumb = "invoke"
        self.state = None  # set on mount (needs the app)
        self.sending: InvokeRequest | None = None

    @classmethod
    def create(cls, host: Host, target: str = "", *, qualifier: str | None = None) -> InvokeScreen | None:
        """`i` on a function (or on a version or alias row); refused in read-only mode."""
        if host.read_only:
            host.notify_error("read-only: invoking is a mutation and is turned off")
            return None
        return cls(target, qualifier=qualifier, project_dir=host.project_dir)

    # -- layout ---------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield AppHeader()
        with Horizontal(id="invoke-bar"):
            yield Label("qualifier")
            yield Select(qualifier_options([], [], self.initial_qualifier), value=self.initial_qualifier,
                         allow_blank=False, id="invoke-qualifier")
            yield Label("type")
            yield Select([(t, t) for t in INVOCATION_TYPES], value=REQUEST_RESPONSE, allow_blank=False,
                         id="invoke-type")
            yield Static(id="invoke-event")
        with Horizontal(id="invoke-body"):
            with Vertical(id="invoke-editor-box"):
                yield JsonEditor(self.loaded_text, id="invoke-editor")
            yield ResultView(id="invoke-result")
        yield Static(id="invoke-status")
        yield Footer()

    def on_mount(self) -> None:
        self.state = session_state(self.app)
        self.query_one("#invoke-editor-box").border_title = literal_text(f"event for {self.function}")
        self.query_one(ResultView).border_title = "result"
        self.show_event_label()
        if self.host.read_only:
            self.status("read-only: invoking is a mutation and is turned off", error=True)
        else:
            self.status("loading versions and aliases…")
        self._load_qualifiers()
        self.editor.text_area.focus()

    @property
    def result_view(self) -> ResultView:
        return self.query_one(ResultView)

    @property
    def qualifier(self) -> str | None:
        """The chosen qualifier; None for $LATEST (the unqualified function)."""
        value = self.query_one("#invoke-qualifier", Select).value
        return None if value in (LATEST, Select.BLANK) else str(value)

    @property
    def invocation_type(self) -> str:
        return str(self.query_one("#invoke-type", Select).value)

    def status(self, message: str, *, error: bool = False) -> None:
        line = self.query_one("#invoke-status", Static)
        line.update(literal_text(message))
        line.set_class(error, "-error")

    @property
    def status_text(self) -> str:
        return str(self.query_one("#invoke-status", Static).render())

    # -- qualifiers -----------------------------------------------------------------------------
    def _load_qualifiers(self) -> None:
        session, name = self.host.session, bare_function_name(self.function)
        self.run_in_thread("qualifiers", lambda: (list_versions(session, name), list_aliases(session, name)),
                           lambda found: self._show_qualifiers(qualifier_options(*found, self.initial_qualifier)),
                           # $LATEST and the given qualifier stay usable
                           failed=lambda error: self._show_qualifiers(
                               qualifier_options([], [], self.initial_qualifier), error))

    def _show_qualifiers(self, options: list[tuple[str, str]], error: UserError | None = None) -> None:
        select = self.query_one("#invoke-qualifier", Select)
        current = select.value
        select.set_options(options)
        values = [value for _, value in options]
        select.value = current if current in values else self.initial_qualifier
        if self.host.read_only:
            return
        if error is not None:
            self.status(f"versions and aliases could not be read: {error.one_line()}", error=True)
        else:
            count = len(values) - 1
            self.status(f"{count} versions and aliases besides $LATEST · ctrl+r invokes" if count
                        else "no published versions or aliases · ctrl+r invokes $LATEST")

    def action_qualifier(self) -> None:
        select = self.query_one("#invoke-qualifier", Select)
        select.focus()
        select.expanded = True

    def action_cycle_type(self) -> None:
        select = self.query_one("#invoke-type", Select)
        index = INVOCATION_TYPES.index(self.invocation_type)
        select.value = INVOCATION_TYPES[(index + 1) % len(INVOCATION_TYPES)]

    # -- sending --------------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("send", "share", "save", "qualifier", "cycle_type") and self.host.read_only:
            return False  # hidden: read-only mode shows no mutating action
        if action == "logs":
            result = self.result_view.result if self.is_mounted else None
            return True if result and result.request_id and result.request.invocation_type != DRY_RUN else None
        return True

    def action_send(self) -> None:
        """Check the event, then ask; the invoke starts only after the confirmation."""
        if self._refused():
            return
        problem = self.editor.show_problem()
        if problem is not None:
            self.status(f"not sent: the event is not valid JSON at line {problem.line}, column "
                        f"{problem.column}: {problem.message}", error=True)
            return
        label = self.event_name + (" (edited)" if self.edited else "")
        request = InvokeRequest(self.function, self.editor.text.encode("utf-8"), self.qualifier,
                                self.invocation_type, label)
        self.confirm_and_send(request)

    def confirm_and_send(self, request: InvokeRequest) -> None:
        if self._refused():
            return
        try:
            check_payload(request.payload, request.invocation_type)
        except InvokeRefused as exc:
            self.status(f"not sent: {exc.error.one_line()}", error=True)
            return
        identity = self.host.identity
        details = [
            ("function", request.function),
            ("qualifier", qualifier_label(request.qualifier)),
            ("type", request.invocation_type),
            ("event", f"{request.event_name or 'typed in the editor'} · {len(request.payload):,} bytes"),
            ("account", identity.account if identity else "(not known yet)"),
            ("region", self.host.session.region or "-"),
            ("profile", self.host.session.label),
        ]
        warning = ("" if request.invocation_type == DRY_RUN else
                   "The function really runs with this event: whatever it writes, sends or charges happens.")

        def answered(yes: bool | None) -> None:
            if yes:
                self._start(request)

        self.app.push_screen(ConfirmScreen(f"Invoke {request.function}:{qualifier_label(request.qualifier)}?",
                                           details, action_label="Invoke", warning=warning), answered)

    def _refused(self) -> bool:
        if self.host.read_only:
            self.status("read-only: invoking is a mutation and is turned off", error=True)
            return True
        if self.sending is not None:
            self.status(f"an invoke of {self.sending.label} is still running; wait for its result", error=True)
            return True
        return False

    def _start(self, request: InvokeRequest) -> None:
        if self._refused():
            return
        self.sending = request
        self.status(f"invoking {request.label} ({request.invocation_type})…")
        self.result_view.show_message(f"invoking {request.label} ({request.invocation_type})…")
        session, history = self.host.session, self.state.history

        def send() -> InvokeResult:
            result = invoke(session, request.function, request.payload, qualifier=request.qualifier,
                            invocation_type=request.invocation_type, event_name=request.event_name)
            # Recorded here, not on the UI thread: leaving the screen mid-invoke keeps the result.
            history.add(result)
            return result

        # Every failure is a message in the result pane.
        self.run_in_thread("invoke", send, self._finished, failed=lambda error: self._failed(request, error))

    def _finished(self, result: InvokeResult) -> None:
        self.sending = None
        self.result_view.show_result(result)
        if result.throttled is not None:
            self.status(result.throttled.message, error=True)
        elif result.function_error is not None:
            self.status(f"function error: {result.function_error.headline()}", error=True)
        else:
            report = f" · REPORT {result.report.summary()}" if result.report else ""
            self.status(f"{result.status_code} in {result.duration_ms:,.0f} ms{report}")
        if result.audit_error:
            self.notify(result.audit_error, severity="warning", markup=False)
        self.refresh_bindings()

    def _failed(self, request: InvokeRequest, error: UserError) -> None:
        self.sending = None
        self.result_view.show_message(f"{request.label}: {error.one_line()}", error=True)
        self.status(f"invoke failed: {error.one_line()}", error=True)
        self.refresh_bindings()

    # -- history, logs, back --------------------------------------------------------------------
    def action_history(self) -> None:
        def chosen(choice: HistoryChoice | None) -> None:
            if choice is None:
                return
            if choice.action == "show":
                self.result_view.show_result(choice.result)
                self.refresh_bindings()
            else:
                self.confirm_and_send(choice.result.request)

        self.app.push_screen(HistoryScreen(self.state.history, self.function), chosen)

    def action_logs(self) -> None:
        result = self.result_view.result
        if result is None or not result.request_id:
            self.status("no invoke with a request id to show the logs of yet", error=True)
            return
        self.host.open("logs", bare_function_name(result.request.function), pattern=f'"{result.request_id}"',
                       since="15m")
