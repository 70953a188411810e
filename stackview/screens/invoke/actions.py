"""The invoke screen's event: which one is in the editor, and the actions on it: open the
picker, save the event here, share it.

A base class of the screen so the screen module stays about sending and results; it owns the
name of the event in the editor and the text it was loaded with (to tell "edited"). What it uses
of the screen is declared below. Saving refuses invalid JSON (a saved event must be sendable) and
asks before replacing; sharing is an AWS call, made in the background, and where the registry is
unavailable it says so once and leaves everything else working.
"""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static

from stackview.aws import shared_events
from stackview.aws.errors import UserError
from stackview.events import saved
from stackview.models.invoke import SAVED, SHARED, TestEvent
from stackview.screens.invoke.history import InvokeSessionState
from stackview.screens.invoke.picker import EventPickerScreen, PickerContext
from stackview.screens.invoke.prompt import NamePrompt
from stackview.widgets.app_screen import AppScreen
from stackview.widgets.confirm import ConfirmScreen
from stackview.widgets.json_editor import JsonEditor
from stackview.widgets.literal import literal_text

#: What `generated` events are made for when the account is not known yet.
PLACEHOLDER_ACCOUNT = "123456789012"


class EventActions(AppScreen):
    """The event half of the invoke screen. The screen provides `function`, `project_dir`,
    `state`, `status()` and a Static `#invoke-event` for the event's label."""

    function: str
    project_dir: Path
    state: InvokeSessionState
    #: `source:name` of the event in the editor ("" for one typed there).
    event_name = ""
    #: The text the event was loaded or saved with: the editor differs from it once edited.
    loaded_text = "{}\n"

    @property
    def editor(self) -> JsonEditor:
        return self.query_one(JsonEditor)

    def status(self, message: str, *, error: bool = False) -> None:
        raise NotImplementedError

    # -- the event in the editor ------------------------------------------------------------------
    @property
    def edited(self) -> bool:
        return bool(self.event_name) and self.editor.text != self.loaded_text

    def load_event(self, event: TestEvent) -> None:
        """Put a picked event in the editor (undo brings the previous text back)."""
        self.editor.load(event.text)
        self.set_event(f"{event.source}:{event.name}", self.editor.text)

    def set_event(self, name: str, text: str) -> None:
        self.event_name = name
        self.loaded_text = text
        self.show_event_label()

    def on_json_editor_checked(self, _message: JsonEditor.Checked) -> None:
        self.show_event_label()

    def show_event_label(self) -> None:
        name = self.event_name or "new event"
        self.query_one("#invoke-event", Static).update(
            literal_text(f"event: {name}{' (edited)' if self.edited else ''}"))

    # -- actions ----------------------------------------------------------------------------------
    def action_events(self, tab: str = SAVED) -> None:
        identity = self.host.identity
        context = PickerContext(self.function, self.project_dir,
                                identity.account if identity else PLACEHOLDER_ACCOUNT,
                                self.host.session.region or "us-east-1")

        def picked(event: TestEvent | None) -> None:
            if event is not None:
                self.load_event(event)
                self.status(f"loaded {event.source} event {event.name}")

        self.app.push_screen(EventPickerScreen(context, self.state, tab=tab), picked)

    def _current_name(self, source: str) -> str:
        prefix = f"{source}:"
        name = self.event_name.removeprefix(prefix) if self.event_name.startswith(prefix) else ""
        return name.split(" ")[0]

    def action_save(self) -> None:
        """Save the editor's event for this function (in the user's data directory)."""
        problem = self.editor.show_problem()
        if problem is not None:
            self.status(f"not saved: line {problem.line}, column {problem.column}: {problem.message}", error=True)
            return
        text = self.editor.text

        def named(name: str | None) -> None:
            if name:
                self._save(name, text, overwrite=False)

        self.app.push_screen(NamePrompt(f"Save the event for {self.function} as:", saved.check_name,
                                        self._current_name(SAVED)), named)

    def _save(self, name: str, text: str, *, overwrite: bool) -> None:
        try:
            path = saved.save(self.function, name, text, overwrite=overwrite)
        except saved.EventExists:
            def replace(yes: bool | None) -> None:
                if yes:
                    self._save(name, text, overwrite=True)

            self.app.push_screen(ConfirmScreen(f"Replace the saved event {name}?",
                                               [("function", self.function), ("event", name)],
                                               action_label="Replace"), replace)
            return
        except (saved.EventStoreError, OSError) as exc:
            self.status(f"not saved: {exc}", error=True)
            return
        self.set_event(f"{SAVED}:{name}", text)
        self.status(f"saved as {name} ({path})")

    def action_share(self) -> None:
        """Save the editor's event as a shareable test event (console / `sam remote test-event`)."""
        shared = self.state.shared
        if shared is not None and shared.unavailable is not None:
            self.status(shared.unavailable.error.one_line(), error=True)
            return
        problem = self.editor.show_problem()
        if problem is not None:
            self.status(f"not shared: line {problem.line}, column {problem.column}: {problem.message}", error=True)
            return
        text = self.editor.text

        def named(name: str | None) -> None:
            if name:
                self.status(f"sharing {name}…")
                self._share(name, text)

        self.app.push_screen(NamePrompt(f"Share the event for {self.function} as:", shared_events.check_name,
                                        self._current_name(SHARED)), named)

    def _share(self, name: str, text: str) -> None:
        shared, function = self.state.shared, self.function

        def put() -> UserError | None:
            """None when shared; the registry's unavailability (said once) otherwise."""
            try:
                shared.put(function, name, text)
            except Exception as exc:  # noqa: BLE001 - an unavailable registry is an answer, not a failure
                unavailable = shared_events.unavailability(exc)
                if unavailable is None:
                    raise
                return unavailable.error
            return None

        def done(unavailable: UserError | None) -> None:
            if unavailable is None:
                self.set_event(f"{SHARED}:{name}", text)
                self.status(f"shared as {name} in {shared_events.REGISTRY}")
                return
            self.status(unavailable.one_line(), error=True)
            if not self.state.unavailable_told:
                self.state.unavailable_told = True
                self.notify(unavailable.one_line(), severity="warning", timeout=8, markup=False)

        self.run_in_thread("share", put, done, failed=lambda error: self.status(error.one_line(), error=True))
