"""A one-field dialog for an event name, checked as it is typed.

The check is the store's own (`saved.check_name`, `shared_events.check_name`), so the dialog
refuses exactly what the store would refuse, with the store's words, before anything is written.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from stackview.aws.errors import AwsError
from stackview.widgets.interrupt import Interruptible, interrupt_binding
from stackview.widgets.literal import literal_text


def problem_of(check: Callable[[str], object], name: str) -> str | None:
    """The store's objection to `name`, or None when it is acceptable."""
    try:
        check(name)
    except AwsError as exc:
        return exc.error.one_line()
    except ValueError as exc:
        return str(exc)
    return None


class NamePrompt(Interruptible, ModalScreen[str | None]):
    """Returns the name on Enter when `check` accepts it; None on Esc."""

    DEFAULT_CSS = """
    NamePrompt { align: center middle; }
    NamePrompt > Vertical {
        width: 64; max-width: 95%; height: auto; padding: 1 2; border: thick $accent; background: $surface;
    }
    NamePrompt #prompt-title { text-style: bold; margin-bottom: 1; }
    NamePrompt #prompt-problem { color: $error; height: auto; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="prompt.cancel"), interrupt_binding("prompt")]

    def __init__(self, title: str, check: Callable[[str], object], initial: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.check = check
        self.initial = initial

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(literal_text(self.title_text), id="prompt-title")
            yield Input(value=self.initial, id="prompt-name")
            yield Static(id="prompt-problem")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        problem = problem_of(self.check, event.value) if event.value else None
        self.query_one("#prompt-problem", Static).update(literal_text(problem or ""))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        problem = problem_of(self.check, event.value)
        if problem:
            self.query_one("#prompt-problem", Static).update(literal_text(problem))
            return
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)
