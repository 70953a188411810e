"""A small dialog asking for the value a lever needs (reserved concurrency N, an alias weight).

What the user typed is parsed in the dialog: a bad value is explained under the fields and the
dialog stays open with what was typed, so a typo costs one keystroke, not the whole flow. The
dialog dismisses with an `Answer` holding the parsed value (which may itself be None: "no
reservation"), or with None on Esc / Cancel. Nothing here calls AWS: the
lever itself still checks the value against the account after the confirmation.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from stackview.widgets.interrupt import Interruptible, interrupt_binding
from stackview.widgets.literal import literal_text


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    value: str = ""
    placeholder: str = ""


@dataclass(frozen=True)
class Answer:
    value: Any


#: Turns {field name: typed text} into the value the lever needs; ValueError says what is wrong.
Parser = Callable[[dict[str, str]], Any]


class InputDialog(Interruptible, ModalScreen["Answer | None"]):
    DEFAULT_CSS = """
    InputDialog { align: center middle; }
    InputDialog > Vertical {
        width: 72; max-width: 95%; height: auto; padding: 1 2;
        border: thick $primary 70%; background: $surface;
    }
    InputDialog .dialog-title { text-style: bold; margin-bottom: 1; }
    InputDialog .dialog-hint { color: $foreground-muted; margin-bottom: 1; }
    InputDialog #dialog-error { color: $error; height: auto; }
    InputDialog Horizontal { height: auto; align-horizontal: right; }
    InputDialog Button { margin-left: 2; }
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="dialog.cancel"), interrupt_binding("dialog")]

    def __init__(self, title: str, fields: Sequence[Field], parse: Parser, *, hint: str = "",
                 action_label: str = "Next", focus: str | None = None) -> None:
        super().__init__()
        self.title_text = title
        self.fields = list(fields)
        self.parse = parse
        self.hint = hint
        self.action_label = action_label
        #: The field that gets the focus (the one the user most likely changes); default: the first.
        self.focus_field = focus or self.fields[0].name

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(literal_text(self.title_text), classes="dialog-title")
            if self.hint:
                yield Static(literal_text(self.hint), classes="dialog-hint")
            for field in self.fields:
                yield Label(literal_text(field.label))
                yield Input(field.value, placeholder=field.placeholder, id=f"field-{field.name}")
            yield Static(id="dialog-error")
            with Horizontal():
                yield Button("Cancel", id="dialog-cancel")
                yield Button(self.action_label, id="dialog-ok", variant="primary")

    def on_mount(self) -> None:
        self.query_one(f"#field-{self.focus_field}", Input).focus()

    def values(self) -> dict[str, str]:
        return {field.name: self.query_one(f"#field-{field.name}", Input).value.strip()
                for field in self.fields}

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        inputs = list(self.query(Input))
        index = inputs.index(event.input)
        if index + 1 < len(inputs):
            inputs[index + 1].focus()
        else:
            self._accept()

    @on(Button.Pressed, "#dialog-ok")
    def _accept(self) -> None:
        try:
            value = self.parse(self.values())
        except ValueError as exc:
            self.query_one("#dialog-error", Static).update(literal_text(str(exc)))
            return
        self.dismiss(Answer(value))

    @on(Button.Pressed, "#dialog-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


# -- parsers of the levers' values --------------------------------------------------------------

#: What "no reservation" may be typed as.
NONE_WORDS = ("none", "-", "unreserved")


def parse_reservation(text: str) -> int | None:
    """A whole number 0 or more, or `none` (remove the reservation)."""
    value = text.strip().lower()
    if value in NONE_WORDS:
        return None
    if not value.isdigit():
        raise ValueError("type a whole number (0 or more), or none to remove the reservation")
    return int(value)


def parse_percent(text: str) -> float:
    """A percentage from 0 to 100 (`25`, `12.5`, `25%`)."""
    value = text.strip().rstrip("%").strip()
    try:
        percent = float(value)
    except ValueError:
        raise ValueError("type a percentage from 0 to 100") from None
    if not 0 <= percent <= 100 or percent != percent:
        raise ValueError(f"the weight must be from 0 to 100, not {value}")
    return percent


def parse_version(text: str) -> str:
    """A published version number (aliases cannot route to $LATEST)."""
    value = text.strip()
    if not value.isdigit():
        raise ValueError("the second version must be a published version number (not $LATEST)")
    return value
