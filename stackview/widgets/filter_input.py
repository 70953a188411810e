"""The `/` prompt: edits a filter live, Enter keeps it, Esc puts the previous one back.

The screen that owns it shows the active filter in its panel title; pressing `/` again recalls it.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input


class FilterInput(Input):
    DEFAULT_CSS = """
    FilterInput, FilterInput:focus {
        display: none; border: none; height: 1; padding: 0 1; background: $panel;
    }
    FilterInput.-open { display: block; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", show=False, id="filter.cancel")]

    @dataclass
    class Changed(Message):
        """The filter text changed (live while typing, and on cancel)."""

        filter_input: FilterInput
        text: str
        final: bool  # True on Enter / Esc: the prompt is closed

    def __init__(self, *, placeholder: str = "filter (case-insensitive)", id: str | None = None) -> None:
        super().__init__(placeholder=placeholder, id=id)
        self.applied = ""
        self._before = ""

    def open(self) -> None:
        self._before = self.applied
        self.value = self.applied
        self.add_class("-open")
        self.focus()
        self.cursor_position = len(self.value)

    def _close(self) -> None:
        # The owner moves the focus back to what it filters when it sees `final=True`.
        self.remove_class("-open")

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        if self.has_class("-open"):
            self.applied = event.value
            self.post_message(self.Changed(self, event.value, final=False))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.applied = event.value
        self._close()
        self.post_message(self.Changed(self, self.applied, final=True))

    def action_cancel(self) -> None:
        self.applied = self._before
        self._close()
        self.post_message(self.Changed(self, self.applied, final=True))
