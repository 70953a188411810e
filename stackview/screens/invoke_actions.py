"""The invoke screen's event actions: open the picker, save the event here, share it.

A mixin so the screen module stays about sending and results. Saving refuses invalid JSON (a
saved event must be sendable) and asks before replacing; sharing runs in a worker (it is an AWS
call) and, where the registry is unavailable, says so once and leaves everything else working.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

from stackview.aws import shared_events
from stackview.aws.errors import UserError, describe
from stackview.events import saved
from stackview.models.invoke import SAVED, SHARED, TestEvent
from stackview.screens.invoke_events import EventContext, EventPickerScreen
from stackview.screens.invoke_prompt import NamePrompt
from stackview.widgets.confirm import ConfirmScreen

if TYPE_CHECKING:
    from stackview.screens.invoke import InvokeScreen

#: What `generated` events are made for when the account is not known yet.
PLACEHOLDER_ACCOUNT = "123456789012"


@dataclass
class SharedSaved(Message):
    name: str
    error: UserError | None = None
    unavailable: bool = False


class EventActions:
    """Mixed into InvokeScreen (uses its editor, state, status line and load_event)."""

    def action_events(self: InvokeScreen, tab: str = SAVED) -> None:
        identity = self.app.identity
        context = EventContext(self.function, self.project_dir,
                               identity.account if identity else PLACEHOLDER_ACCOUNT,
                               self.app.session.region or "us-east-1")

        def picked(event: TestEvent | None) -> None:
            if event is not None:
                self.load_event(event)
                self.status(f"loaded {event.source} event {event.name}")

        self.app.push_screen(EventPickerScreen(context, self.state, tab=tab), picked)

    def _current_name(self: InvokeScreen, source: str) -> str:
        prefix = f"{source}:"
        name = self.event_name.removeprefix(prefix) if self.event_name.startswith(prefix) else ""
        return name.split(" ")[0]

    def action_save(self: InvokeScreen) -> None:
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

    def _save(self: InvokeScreen, name: str, text: str, *, overwrite: bool) -> None:
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
        self.event_name = f"{SAVED}:{name}"
        self._loaded_text = text
        self._show_event_label()
        self.status(f"saved as {name} ({path})")

    def action_share(self: InvokeScreen) -> None:
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
                self.run_worker(lambda: self._share(name, text), thread=True, group="shared-events",
                                exit_on_error=False)

        self.app.push_screen(NamePrompt(f"Share the event for {self.function} as:", shared_events.check_name,
                                        self._current_name(SHARED)), named)

    def _share(self: InvokeScreen, name: str, text: str) -> None:
        try:
            self.state.shared.put(self.function, name, text)
        except Exception as exc:  # noqa: BLE001 - reported on the status line
            unavailable = shared_events.unavailability(exc)
            error = unavailable.error if unavailable else describe(exc, profile=self.app.session.profile)
            self.post_message(SharedSaved(name, error, unavailable=unavailable is not None))
            return
        self.post_message(SharedSaved(name))

    def on_shared_saved(self: InvokeScreen, message: SharedSaved) -> None:
        if message.error is None:
            self.event_name = f"{SHARED}:{message.name}"
            self._loaded_text = self.editor.text
            self._show_event_label()
            self.status(f"shared as {message.name} in {shared_events.REGISTRY}")
            return
        self.status(message.error.one_line(), error=True)
        if message.unavailable and not self.state.unavailable_told:
            self.state.unavailable_told = True
            self.notify(message.error.one_line(), severity="warning", timeout=8, markup=False)
