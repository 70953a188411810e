"""The confirmation dialog every mutation goes through.

It opens with Cancel focused, so a reflexive Enter never changes anything. The riskiest levers
(throttling a whole stack) also ask the user to type a word, usually the stack's name: then the
box to type it in has the focus (what you type lands there at once), Enter with anything but
the exact word says so under the box and changes nothing, and the Confirm button stays disabled
until the typed text matches exactly. The dialog dismisses with True only when confirmed; Esc,
Ctrl+C, Cancel and a click outside all give False.

On a small terminal the title, the question and the buttons stay on screen: the details (one
line per function for the kill switch) scroll in the space left between them.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from stackview.widgets.interrupt import Interruptible, interrupt_binding
from stackview.widgets.literal import literal_text


class ConfirmScreen(Interruptible, ModalScreen[bool]):
    """Ask before a mutation. `details` are label/value pairs shown literally (AWS names may
    contain anything); `type_to_confirm` is the exact text the user must type, if any."""

    DEFAULT_CSS = """
    ConfirmScreen { align: center middle; }
    ConfirmScreen > Vertical {
        width: 72; max-width: 95%; height: auto; max-height: 100%; padding: 1 2;
        border: thick $error 70%; background: $surface;
    }
    ConfirmScreen .confirm-title { text-style: bold; margin-bottom: 1; }
    ConfirmScreen #confirm-scroll { height: auto; }
    ConfirmScreen .confirm-details { margin-bottom: 1; }
    ConfirmScreen #confirm-problem { color: $error; height: auto; }
    ConfirmScreen Horizontal { height: auto; align-horizontal: right; }
    ConfirmScreen Button { margin-left: 2; }
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="confirm.cancel"), interrupt_binding("confirm")]

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
            with VerticalScroll(id="confirm-scroll", can_focus=False):
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
                yield Static(id="confirm-problem")
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
        if self.type_to_confirm is not None:
            self.query_one("#confirm-typed", Input).focus()
        else:
            self.query_one("#confirm-cancel", Button).focus()

    def on_resize(self) -> None:
        self.call_after_refresh(self._fit)

    def _fit(self) -> None:
        """Give the details what the title, the question and the buttons leave of the screen."""
        box = self.query_one(Vertical)
        scroll = self.query_one("#confirm-scroll", VerticalScroll)
        others = sum(child.outer_size.height + child.styles.margin.height
                     for child in box.children if child is not scroll and child.display)
        chrome = box.styles.gutter.height  # padding and border
        scroll.styles.max_height = max(self.size.height - chrome - others, 1)

    @on(Input.Changed, "#confirm-typed")
    def _typed(self, event: Input.Changed) -> None:
        self.query_one("#confirm-ok", Button).disabled = event.value != self.type_to_confirm
        self.query_one("#confirm-problem", Static).update("")

    @on(Input.Submitted, "#confirm-typed")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.value == self.type_to_confirm:
            self.dismiss(True)
            return
        expected = self.type_to_confirm or ""
        problem = Text()
        if event.value:
            problem.append_text(literal_text(event.value, "bold"))
            problem.append(" does not match: type ")
        else:
            problem.append("Nothing typed: type ")
        problem.append_text(literal_text(expected, "bold"))
        problem.append(" exactly (Esc cancels). Nothing was changed.")
        self.query_one("#confirm-problem", Static).update(problem)
        self.call_after_refresh(self._fit)

    @on(Button.Pressed, "#confirm-ok")
    def _confirmed(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#confirm-cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)
