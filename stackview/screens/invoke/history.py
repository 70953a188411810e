"""What the invoke screen keeps for the whole app session, and the history and compare views.

The history must outlive one invoke screen (close it, come back, re-run), and the shared-events
store must remember "unavailable" so the user is told once. The App does not hold them (it stays
thin), so they live here, one per App instance, in a weak mapping that goes away with the App.
A switch of region or profile keeps the history (it is a record of what was sent) but gets a new
shared-events store (another registry, maybe reachable).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal
from weakref import WeakKeyDictionary

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from stackview.aws.session import AwsSession
from stackview.aws.shared_events import SharedEvents
from stackview.events.history import InvokeHistory, compare
from stackview.models.invoke import InvokeResult
from stackview.screens.invoke.result import qualifier_label
from stackview.widgets.interrupt import Interruptible, interrupt_binding
from stackview.widgets.literal import literal_text, neutralize
from stackview.widgets.styles import style_for


@dataclass
class InvokeSessionState:
    history: InvokeHistory = field(default_factory=InvokeHistory)
    session: AwsSession | None = None
    shared: SharedEvents | None = None
    #: The "shared events unavailable" notice was shown (it is shown once per session).
    unavailable_told: bool = False


SHORT_TYPES = {"RequestResponse": "sync", "Event": "async", "DryRun": "dry run"}

_STATES: WeakKeyDictionary[App, InvokeSessionState] = WeakKeyDictionary()


def session_state(app: App) -> InvokeSessionState:
    """The invoke state of `app`, with a shared-events store for its current AWS session."""
    state = _STATES.setdefault(app, InvokeSessionState())
    session: AwsSession = app.session  # type: ignore[attr-defined]
    if state.session is not session:
        state.session = session
        state.shared = SharedEvents(session)
        state.unavailable_told = False
    return state


def history_row(result: InvokeResult, marked: bool = False) -> Text:
    """One line: time, outcome, status, qualifier (→ executed version), time, event, request id."""
    request = result.request
    when = result.started_at.astimezone().strftime("%H:%M:%S")
    version = qualifier_label(request.qualifier)
    if result.executed_version and result.executed_version != version:
        version = f"{version}→{result.executed_version}"
    outcome = {"ok": "✓ ok", "function-error": "✗ error", "throttled": "✗ throttled"}[result.outcome]
    text = Text("● " if marked else "  ", style="bold")
    text.append(f"{when}  {outcome:<12} {result.status_code:<4} ")
    text.append(neutralize(f"{version:<12} {SHORT_TYPES.get(request.invocation_type, request.invocation_type):<8}"))
    text.append(f"{result.duration_ms:>7.0f} ms  ")
    if result.request_id:
        text.append(f"{neutralize(result.request_id[:8])}  ", style="dim")
    text.append(neutralize(request.event_name or "—"))
    return text


class HistoryList(OptionList):
    BINDINGS = [Binding("enter", "select", "Show", id="history.show")]


@dataclass(frozen=True)
class HistoryChoice:
    action: Literal["show", "rerun"]
    result: InvokeResult


class HistoryScreen(Interruptible, ModalScreen[HistoryChoice | None]):
    """The session's invokes of one function, newest first: show, re-run, mark two and compare."""

    DEFAULT_CSS = """
    HistoryScreen { align: center middle; }
    HistoryScreen > Vertical {
        width: 110; max-width: 98%; height: 80%; border: thick $accent; background: $surface;
    }
    HistoryScreen #history-hint { height: auto; padding: 0 1; color: $text-muted; }
    HistoryScreen OptionList { height: 1fr; }
    """
    BINDINGS = [
        Binding("escape", "close", "Close", id="history.close"),
        interrupt_binding("history"),
        Binding("r", "rerun", "Re-run", id="history.rerun"),
        Binding("space", "mark", "Mark", id="history.mark"),
        Binding("c", "compare", "Compare", id="history.compare"),
    ]
    interrupt_action = "close"

    def __init__(self, history: InvokeHistory, function: str) -> None:
        super().__init__()
        self.results = history.items(function)
        self.function = function
        self.marked: int | None = None

    def compose(self) -> ComposeResult:
        with Vertical():
            hint = ("Enter shows a result, r re-runs it, space marks one and c compares it with "
                    "the highlighted one.") if self.results else "No invokes of this function yet."
            yield Static(hint, id="history-hint")
            yield HistoryList(*(Option(history_row(r)) for r in self.results), id="history-list")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(Vertical).border_title = f"history: {neutralize(self.function)}"
        self.query_one(OptionList).focus()

    def _highlighted(self) -> int | None:
        index = self.query_one(OptionList).highlighted
        return index if index is not None and 0 <= index < len(self.results) else None

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_show()

    def action_show(self) -> None:
        index = self._highlighted()
        if index is not None:
            self.dismiss(HistoryChoice("show", self.results[index]))

    def action_rerun(self) -> None:
        index = self._highlighted()
        if index is not None:
            self.dismiss(HistoryChoice("rerun", self.results[index]))

    def action_mark(self) -> None:
        index = self._highlighted()
        if index is None:
            return
        previous, self.marked = self.marked, None if self.marked == index else index
        options = self.query_one(OptionList)
        for changed in {previous, index} - {None}:
            options.replace_option_prompt_at_index(changed, history_row(self.results[changed], changed == self.marked))

    def action_compare(self) -> None:
        index = self._highlighted()
        if index is None:
            return
        other = self.marked
        if other is None or other == index:
            if len(self.results) != 2:
                self.notify("mark a result with space, then highlight another and press c", timeout=4)
                return
            other = 1 - index
        older, newer = sorted((index, other), reverse=True)  # the list is newest first
        self.app.push_screen(CompareScreen(self.results[older], self.results[newer]))

    def action_close(self) -> None:
        self.dismiss(None)


def render_comparison(before: InvokeResult, after: InvokeResult, app: App) -> Text:
    """The fields that differ (durations always shown) and a unified diff of the payloads."""
    differences, diff = compare(before, after)
    muted = style_for(app, "sv-muted")
    text = Text("before  ", style=muted)
    text.append(neutralize(f"{before.request_id or '?'}  {before.started_at.astimezone():%H:%M:%S}"))
    text.append("\nafter   ", style=muted)
    text.append(neutralize(f"{after.request_id or '?'}  {after.started_at.astimezone():%H:%M:%S}"))
    text.append("\n")
    width = max(len(d.field) for d in differences)
    for difference in differences:
        text.append(f"\n{difference.field:<{width}}  ", style=muted)
        text.append_text(literal_text(difference.before))
        text.append("  →  ", style=muted)
        text.append_text(literal_text(difference.after))
    text.append("\n\n")
    if not diff:
        text.append("The responses are identical.", style="bold")
        return text
    text.append("Response diff", style="bold underline")
    removed, added = style_for(app, "sv-level-error"), style_for(app, "sv-status-complete")
    for line in diff:
        style = removed if line.startswith("-") else added if line.startswith("+") else muted if line.startswith("@@") else ""
        text.append("\n")
        text.append_text(literal_text(line, style))
    return text


class CompareScreen(Interruptible, ModalScreen[None]):
    DEFAULT_CSS = """
    CompareScreen { align: center middle; }
    CompareScreen > VerticalScroll {
        width: 110; max-width: 98%; height: 85%; border: thick $accent; background: $surface; padding: 0 1;
    }
    """
    BINDINGS = [Binding("escape", "close", "Close", id="compare.close"), interrupt_binding("compare")]
    interrupt_action = "close"

    def __init__(self, before: InvokeResult, after: InvokeResult) -> None:
        super().__init__()
        self.before = before
        self.after = after
        self.rendered = Text()

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(id="compare-body")
        yield Footer()

    def on_mount(self) -> None:
        self.rendered = render_comparison(self.before, self.after, self.app)
        self.query_one("#compare-body", Static).update(self.rendered)
        scroll = self.query_one(VerticalScroll)
        scroll.border_title = "compare two invokes"
        scroll.focus()

    def action_close(self) -> None:
        self.dismiss(None)
