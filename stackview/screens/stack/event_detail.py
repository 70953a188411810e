"""One stack event, whole: Enter on a row of the Events tab opens it.

A failure reason is often the longest value of a stack's history (a nested stack's reason
quotes its child's, a hook's reason quotes the hook), and in the table it is one cell among
five. Here every field the event has is shown, the reason first and wrapped to the width of
the screen, and `c` copies it (as shown: control characters as their visible stand-ins).
The dialog scrolls when the event is longer than the screen; Esc (or Ctrl+C) closes it.
"""

from __future__ import annotations

import json

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from stackview.models import StackEvent
from stackview.widgets.format import short_time
from stackview.widgets.interrupt import Interruptible, interrupt_binding
from stackview.widgets.literal import literal_text, neutralize
from stackview.widgets.styles import status_style, style_for


def event_fields(event: StackEvent, now_text: str) -> list[tuple[str, str]]:
    """(label, value) of every field the event has, in reading order; empty ones left out."""
    properties = event.resource_properties
    try:
        properties = json.dumps(json.loads(properties), indent=2) if properties else ""
    except ValueError:
        pass  # shown as it came
    fields = [
        ("Time", f"{short_time(event.timestamp)} ({now_text})"),
        ("Status", event.status),
        ("Detailed status", event.detailed_status),
        ("Logical ID", event.logical_id),
        ("Physical ID", event.physical_id),
        ("Type", event.resource_type),
        ("Stack", event.stack_name),
        ("Hook", event.hook_type),
        ("Hook status", event.hook_status),
        ("Hook reason", event.hook_status_reason),
        ("Hook point", event.hook_invocation_point),
        ("Hook failure mode", event.hook_failure_mode),
        ("Request token", event.client_request_token),
        ("Event ID", event.event_id),
        ("Properties", properties),
    ]
    return [(label, value) for label, value in fields if value]


class EventDetailScreen(Interruptible, ModalScreen[None]):
    DEFAULT_CSS = """
    EventDetailScreen { align: center middle; }
    EventDetailScreen > Vertical {
        width: 110; max-width: 100%; height: auto; max-height: 100%;
        border: thick $accent; background: $surface; padding: 0 1;
    }
    EventDetailScreen #event-title { text-style: bold; height: auto; }
    EventDetailScreen VerticalScroll { height: auto; }
    EventDetailScreen #event-reason { margin: 1 0; }
    EventDetailScreen #event-keys { color: $foreground-muted; height: 1; }
    """
    BINDINGS = [
        Binding("escape", "close", "Close", id="event.close"),
        Binding("c", "copy", "Copy the reason", id="event.copy"),
        interrupt_binding("event"),
    ]
    interrupt_action = "close"

    def __init__(self, event: StackEvent, now_text: str) -> None:
        super().__init__()
        self.event = event
        self.now_text = now_text

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(id="event-title")
            with VerticalScroll(id="event-scroll"):
                yield Static(id="event-reason")
                yield Static(id="event-fields")
            yield Static("c copy the reason · ↑ ↓ PgUp PgDn scroll · Esc close", id="event-keys")

    def on_mount(self) -> None:
        event = self.event
        style = status_style(self.app, event.family)
        title = literal_text(event.status, style)
        title.append("  ")
        title.append_text(literal_text(event.logical_id))
        self.query_one("#event-title", Static).update(title)
        reason = Text("Reason  ", style=style_for(self.app, "sv-muted"))
        reason.append_text(literal_text(event.status_reason or "(none given)", style, keep_newlines=True))
        self.query_one("#event-reason", Static).update(reason)
        self.query_one("#event-fields", Static).update(self._fields_text())
        self.query_one(VerticalScroll).focus()

    def _fields_text(self) -> Text:
        fields = event_fields(self.event, self.now_text)
        width = max(len(label) for label, _ in fields)
        muted = style_for(self.app, "sv-muted")
        text = Text()
        for index, (label, value) in enumerate(fields):
            if index:
                text.append("\n")
            text.append(f"{label:<{width}}  ", style=muted)
            # Continuation lines (pretty JSON) start under the value, not under the label.
            value_text = literal_text(value, keep_newlines=True)
            lines = value_text.split("\n")
            for number, line in enumerate(lines):
                if number:
                    text.append("\n" + " " * (width + 2))
                text.append_text(line)
        return text

    def copy_value(self) -> str:
        """The reason as shown (or, when there is none, the physical id)."""
        return neutralize(self.event.status_reason or self.event.physical_id, keep_newlines=True)

    def action_copy(self) -> None:
        value = self.copy_value()
        if value:
            self.app.copy_to_clipboard(value)
            self.notify("Copied the reason" if self.event.status_reason else "Copied the physical id",
                        timeout=2, markup=False)

    def action_close(self) -> None:
        self.dismiss(None)
