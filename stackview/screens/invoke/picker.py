"""The event picker: saved, SAM project, shared and generated events, one tab each.

Saved and project events are small local files and generated ones are pure Python, so they are
listed at once; shared events are an AWS call, made in a thread worker, and so are the function's
HTTP routes (its stack's template): when they arrive, the API Gateway events are listed once per
route, so a generated request reaches a route the handler serves. When the shared-events
registry cannot be used (always in the demo world: moto has no EventBridge Schemas), its tab says
why, the user is notified once per session, and the other tabs keep working.

The picker dismisses with the chosen `TestEvent` (None on Esc); renaming and deleting happen here
and the lists reload in place.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, OptionList, Static, TabbedContent, TabPane
from textual.widgets.option_list import Option

from stackview.aws.errors import UserError
from stackview.aws.routes import function_routes
from stackview.aws.shared_events import unavailability
from stackview.events import generated, project, saved
from stackview.models.invoke import GENERATED, PROJECT, SAVED, SHARED, HttpRoute, TestEvent
from stackview.screens.invoke.history import InvokeSessionState
from stackview.screens.invoke.prompt import NamePrompt
from stackview.widgets.background import Background
from stackview.widgets.confirm import ConfirmScreen
from stackview.widgets.interrupt import Interruptible, interrupt_binding
from stackview.widgets.literal import literal_text, neutralize

TABS = (SAVED, PROJECT, SHARED, GENERATED)
TITLES = {SAVED: "Saved", PROJECT: "Project", SHARED: "Shared", GENERATED: "Generated"}


@dataclass(frozen=True)
class PickerContext:
    """Who the events are for: the function, the SAM project directory, account and region."""

    function: str
    project_dir: Path
    account: str
    region: str


class EventList(OptionList):
    """An option list whose Enter says what it does here (the footer shows it)."""

    BINDINGS = [Binding("enter", "select", "Load", id="events.load")]


class EventPickerScreen(Interruptible, Background, ModalScreen[TestEvent | None]):
    DEFAULT_CSS = """
    EventPickerScreen { align: center middle; }
    EventPickerScreen > Vertical {
        width: 100; max-width: 98%; height: 85%; border: thick $accent; background: $surface;
    }
    EventPickerScreen TabbedContent { height: 1fr; }
    EventPickerScreen TabPane { padding: 0; }
    EventPickerScreen OptionList { height: 1fr; }
    EventPickerScreen .picker-note { height: auto; padding: 0 1; color: $text-muted; }
    EventPickerScreen .picker-note.-error { color: $warning; }
    """
    BINDINGS = [
        Binding("escape", "close", "Close", id="events.close"),
        interrupt_binding("events"),
        Binding("r", "rename", "Rename", id="events.rename"),
        Binding("d", "delete", "Delete", id="events.delete"),
        *(Binding(str(n), f"tab('{tab}')", TITLES[tab], show=False, id=f"events.tab.{tab}")
          for n, tab in enumerate(TABS, start=1)),
    ]
    interrupt_action = "close"

    def __init__(self, context: PickerContext, state: InvokeSessionState, *, tab: str = SAVED) -> None:
        super().__init__()
        self.context = context
        self.state = state
        self.initial_tab = tab if tab in TABS else SAVED
        self.events: dict[str, list[TestEvent]] = {tab: [] for tab in TABS}
        #: The route each generated entry is made for (None: the kind's sample request).
        self.generated_routes: list[HttpRoute | None] = []

    def compose(self) -> ComposeResult:
        with Vertical():
            with TabbedContent(initial=self.initial_tab, id="picker-tabs"):
                for tab in TABS:
                    with TabPane(f"{TABS.index(tab) + 1} {TITLES[tab]}", id=tab):
                        yield Static(classes="picker-note", id=f"{tab}-note")
                        yield EventList(id=f"{tab}-list")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(Vertical).border_title = f"test events: {neutralize(self.context.function)}"
        self.load_saved()
        self.load_project()
        self.load_generated()
        self.load_routes()
        self.load_shared()
        self.call_after_refresh(self._focus_list)

    # -- the lists ----------------------------------------------------------------------------
    def _list(self, tab: str) -> OptionList:
        return self.query_one(f"#{tab}-list", OptionList)

    def _note(self, tab: str, text: str, *, error: bool = False) -> None:
        note = self.query_one(f"#{tab}-note", Static)
        note.update(literal_text(text))
        note.set_class(error, "-error")

    def _fill(self, tab: str, events: list[TestEvent]) -> None:
        self.events[tab] = events
        options = self._list(tab)
        highlighted = options.highlighted
        options.set_options(Option(self._row(event)) for event in events)
        if events:
            options.highlighted = min(highlighted or 0, len(events) - 1)

    @staticmethod
    def _row(event: TestEvent) -> Text:
        text = literal_text(event.name, "bold")
        if event.description:
            text.append("  ")
            text.append_text(literal_text(event.description, "dim"))
        return text

    def load_saved(self) -> None:
        try:
            events = saved.list_events(self.context.function)
        except saved.EventStoreError as exc:
            self._fill(SAVED, [])
            self._note(SAVED, str(exc), error=True)
            return
        self._fill(SAVED, events)
        folder = saved.events_dir(self.context.function)
        self._note(SAVED, f"{len(events)} saved in {folder}  ·  r rename  ·  d delete  ·  ctrl+s in the "
                   "editor saves" if events else f"none yet in {folder}: ctrl+s in the editor saves one")

    def load_project(self) -> None:
        where = self.context.project_dir
        found = project.find_project(where)
        if found is None:
            self._fill(PROJECT, [])
            self._note(PROJECT, f"no SAM project in {where} (no template.yaml): start stackview in the "
                       "project's directory to see its events/ folder")
            return
        events = project.events(found, self.context.function)
        self._fill(PROJECT, events)
        self._note(PROJECT, f"{len(events)} in {found.events_dir}" if events
                   else f"no events/*.json beside {found.template}")

    def load_generated(self, routes: list[HttpRoute] | None = None, routes_note: str = "") -> None:
        """The catalogue; an HTTP kind is listed once per route of the function that fits it
        (from its stack's template), so the event requests a route the handler serves."""
        events: list[TestEvent] = []
        self.generated_routes = []
        for g in generated.CATALOGUE:
            for route in generated.routes_for(g.kind, routes or []) or [None]:
                what = f"{route.label}, a route of this function" if route else g.description
                events.append(TestEvent(name=g.kind, source=GENERATED, text="", description=f"{g.title}: {what}"))
                self.generated_routes.append(route)
        self._fill(GENERATED, events)
        note = f"made for account {self.context.account}, {self.context.region}, now; Enter puts one in the editor"
        self._note(GENERATED, f"{note}  ·  {routes_note}" if routes_note else note)

    def load_routes(self) -> None:
        """The function's HTTP routes, from its stack's template (in the background)."""
        session, function = self.host.session, self.context.function
        self.run_in_thread("routes", lambda: function_routes(session, function), self._routes_found,
                           failed=self._routes_unknown)

    def _routes_found(self, routes: list[HttpRoute]) -> None:
        self.load_generated(routes, "HTTP events for its routes (stack template)" if routes
                            else "no HTTP route of this function in its stack's template: HTTP events use a sample route")

    def _routes_unknown(self, error: UserError) -> None:
        self.load_generated(None, f"its HTTP routes are not known ({error.one_line()}): HTTP events use a sample route")

    def load_shared(self) -> None:
        shared = self.state.shared
        if shared is not None and shared.unavailable is not None:
            self._shared_unavailable(shared.unavailable.error)
            return
        self._note(SHARED, "loading shared events…")
        self._shared()

    def _shared(self, delete: str | None = None) -> None:
        """List the shared events (after deleting one), in the background."""
        shared, function = self.state.shared, self.context.function
        assert shared is not None

        def work() -> list[TestEvent] | UserError:
            try:
                if delete is not None:
                    shared.delete(function, delete)
                return shared.list(function)
            except Exception as exc:  # noqa: BLE001 - an unavailable registry is an answer, not a failure
                unavailable = unavailability(exc)
                if unavailable is None:
                    raise
                return unavailable.error

        self.run_in_thread("shared", work, self._shared_listed, failed=self._shared_failed)

    def _shared_listed(self, events: list[TestEvent] | UserError) -> None:
        if isinstance(events, UserError):
            self._shared_unavailable(events)
            return
        self._fill(SHARED, events)
        self._note(SHARED, f"{len(events)} in the lambda-testevent-schemas registry  ·  d delete  ·  "
                   "ctrl+t in the editor shares" if events
                   else "no shared events for this function: ctrl+t in the editor shares one")

    def _shared_failed(self, error: UserError) -> None:  # described in the tab, never a traceback
        self._fill(SHARED, [])
        self._note(SHARED, error.one_line(), error=True)

    def _shared_unavailable(self, error: UserError) -> None:
        self._fill(SHARED, [])
        self._note(SHARED, error.one_line(), error=True)
        if not self.state.unavailable_told:
            self.state.unavailable_told = True
            self.notify(error.one_line(), severity="warning", timeout=8, markup=False)

    # -- tabs and keys ------------------------------------------------------------------------
    @property
    def active_tab(self) -> str:
        return self.query_one(TabbedContent).active

    def _focus_list(self) -> None:
        self._list(self.active_tab).focus()

    def on_tabbed_content_tab_activated(self, _event: TabbedContent.TabActivated) -> None:
        self.call_after_refresh(self._focus_list)
        self.refresh_bindings()

    def action_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "rename":
            return self.active_tab == SAVED
        if action == "delete":
            return self.active_tab in (SAVED, SHARED)
        return True

    def _highlighted(self) -> TestEvent | None:
        tab = self.active_tab
        index = self._list(tab).highlighted
        events = self.events[tab]
        return events[index] if index is not None and 0 <= index < len(events) else None

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_load()

    def action_load(self) -> None:
        event = self._highlighted()
        if event is None:
            return
        if event.source == GENERATED:
            index = self._list(GENERATED).highlighted or 0
            route = self.generated_routes[index] if index < len(self.generated_routes) else None
            event = generated.generate(event.name, account=self.context.account, region=self.context.region,
                                       route=route)
        self.dismiss(event)

    def action_rename(self) -> None:
        event = self._highlighted()
        if event is None or event.source != SAVED:
            return

        def renamed(name: str | None) -> None:
            if not name or name == event.name:
                return
            try:
                saved.rename(self.context.function, event.name, name)
            except (saved.EventStoreError, OSError) as exc:
                self.notify(str(exc), severity="error", markup=False)
                return
            self.load_saved()

        self.app.push_screen(NamePrompt(f"Rename the saved event {event.name} to:", saved.check_name, event.name),
                             renamed)

    def action_delete(self) -> None:
        event = self._highlighted()
        if event is None or event.source not in (SAVED, SHARED):
            return
        where = "from this machine" if event.source == SAVED else "from the shared registry (for everyone)"

        def confirmed(yes: bool | None) -> None:
            if yes:
                self._delete(event)

        self.app.push_screen(ConfirmScreen(f"Delete the {event.source} event {event.name}?",
                                           [("function", self.context.function), ("event", event.name),
                                            ("where", where)], action_label="Delete"), confirmed)

    def _delete(self, event: TestEvent) -> None:
        if event.source == SAVED:
            try:
                saved.delete(self.context.function, event.name)
            except (saved.EventStoreError, OSError) as exc:
                self.notify(str(exc), severity="error", markup=False)
            self.load_saved()
            return
        self._note(SHARED, f"deleting {event.name}…")
        self._shared(delete=event.name)

    def action_close(self) -> None:
        self.dismiss(None)
