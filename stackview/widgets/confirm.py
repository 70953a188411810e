"""The confirmation dialog every mutation goes through.

It opens with Cancel focused, so a reflexive Enter never changes anything. The riskiest levers
(throttling a whole stack) also ask the user to type a word, usually the stack's name: the
Confirm button stays disabled until the typed text matches exactly. The dialog dismisses with
True only when confirmed; Esc, Cancel and a click outside all give False.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from stackview.widgets.literal import literal_text


class ConfirmScreen(ModalScreen[bool]):
    """Ask before a mutation. `details` are label/value pairs shown literally (AWS names may
    contain anything); `type_to_confirm` is the exact text the user must type, if any."""

    DEFAULT_CSS = """
    ConfirmScreen { align: center middle; }
    ConfirmScreen > Vertical {
        width: 72; max-width: 95%; height: auto; padding: 1 2;
        border: thick $error 70%; background: $surface;
    }
    ConfirmScreen .confirm-title { text-style: bold; margin-bottom: 1; }
    ConfirmScreen .confirm-details { margin-bottom: 1; }
    ConfirmScreen Input { margin-bottom: 1; }
    ConfirmScreen Horizontal { height: auto; align-horizontal: right; }
    ConfirmScreen Button { margin-left: 2; }
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="confirm.cancel")]

    def __init__(self, title: str, details: list[tuple[str, str]] | None = None, *,
                 action_label: str = "Confirm", type_to_confirm: str | None = None,
                 warning: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.details = details or []
        self.action_label = action_label
        self.type_to_confirm = type_to_confirm
        self.warning = warning

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(literal_text(self.title_text), classes="confirm-title")
            if self.details:
                yield Static(self._details_text(), classes="confirm-details")
            if self.warning:
                yield Static(literal_text(self.warning), classes="confirm-details")
            if self.type_to_confirm is not None:
                prompt = Text("Type ")
                prompt.append_text(literal_text(self.type_to_confirm, "bold"))
                prompt.append(" to confirm:")
                yield Static(prompt)
                yield Input(id="confirm-typed", placeholder="type it here")
            with Horizontal():
                yield Button("Cancel", id="confirm-cancel")
                yield Button(self.action_label, id="confirm-ok", variant="error",
                             disabled=self.type_to_confirm is not None)

    def _details_text(self) -> Text:
        width = max(len(label) for label, _ in self.details)
        text = Text()
        for index, (label, value) in enumerate(self.details):
            if index:
                text.append("\n")
            text.append(f"{label:<{width}}  ", style="dim")
            text.append_text(literal_text(value))
        return text

    def on_mount(self) -> None:
        self.query_one("#confirm-cancel", Button).focus()

    @on(Input.Changed, "#confirm-typed")
    def _typed(self, event: Input.Changed) -> None:
        self.query_one("#confirm-ok", Button).disabled = event.value != self.type_to_confirm

    @on(Input.Submitted, "#confirm-typed")
    def _submitted(self, event: Input.Submitted) -> None:
        if event.value == self.type_to_confirm:
            self.dismiss(True)

    @on(Button.Pressed, "#confirm-ok")
    def _confirmed(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#confirm-cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)
