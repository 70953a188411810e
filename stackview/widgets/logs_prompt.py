"""The log view's one-line prompt, used for the filter pattern (`/`) and the search (`s`).

Filter: the pattern is checked as it is typed; an invalid one shows AWS's message and a caret
under the offending character, and Enter on it keeps the prompt open with the cursor there:
nothing is applied until the pattern is valid (changing the filter restarts server queries, so
it happens once, on Enter). Search: every keystroke is reported (highlighting is cheap), Enter
jumps to the next hit. Esc closes either and reports the value to restore.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Static

from stackview.widgets.literal import neutralize
from stackview.widgets.styles import style_for

#: Returns None for a valid text, else (message, position in the text).
Validator = Callable[[str], "tuple[str, int] | None"]

PLACEHOLDERS = {
    "filter": "filter pattern, CloudWatch syntax: ERROR  \"phrase\"  -exclude  ?any  %regex%  { $.level = \"ERROR\" }  [f1, f2]",
    "search": "search (case-insensitive; highlights, n / N jump, nothing hidden)",
}


class PromptInput(Input):
    BINDINGS = [Binding("escape", "cancel", "Cancel", show=False, id="logs.prompt.cancel")]

    def action_cancel(self) -> None:
        self.parent.cancel()  # type: ignore[union-attr]


class LogsPrompt(Vertical):
    DEFAULT_CSS = """
    LogsPrompt { height: auto; display: none; background: $panel; }
    LogsPrompt.-open { display: block; }
    LogsPrompt > #prompt-label { height: 1; padding: 0 1; color: $text-muted; }
    LogsPrompt > PromptInput, LogsPrompt > PromptInput:focus {
        border: none; height: 1; padding: 0 1; background: $boost;
    }
    LogsPrompt > #prompt-error { height: auto; padding: 0 1; display: none; }
    LogsPrompt > #prompt-error.-shown { display: block; }
    """

    @dataclass
    class Edited(Message):
        """The text changed while the prompt is open (valid or not: see `error`)."""

        prompt: LogsPrompt
        mode: str
        text: str
        error: tuple[str, int] | None

    @dataclass
    class Applied(Message):
        """Enter on a valid text; the prompt is closed."""

        prompt: LogsPrompt
        mode: str
        text: str

    @dataclass
    class Cancelled(Message):
        """Esc; the prompt is closed. `previous` is the text it was opened with."""

        prompt: LogsPrompt
        mode: str
        previous: str

    def __init__(self, validators: dict[str, Validator] | None = None, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.validators = dict(validators or {})
        self.mode = ""
        self.previous = ""
        self.error: tuple[str, int] | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="prompt-label")
        yield PromptInput(id="prompt-input")
        yield Static(id="prompt-error")

    @property
    def input(self) -> PromptInput:
        return self.query_one(PromptInput)

    @property
    def is_open(self) -> bool:
        return self.has_class("-open")

    def open(self, mode: str, value: str) -> None:
        self.mode = mode
        self.previous = value
        label = "/ filter: Enter applies (server query restarts), Esc keeps the current one" \
            if mode == "filter" else "search: Enter jumps to the next hit, n / N move, Esc restores"
        self.query_one("#prompt-label", Static).update(Text(label))
        field = self.input
        field.placeholder = PLACEHOLDERS.get(mode, "")
        field.value = value
        self._show_error(self._validate(value), value)
        self.add_class("-open")
        field.focus()
        field.cursor_position = len(value)

    def close(self) -> None:
        self.remove_class("-open")
        self._show_error(None, "")

    def cancel(self) -> None:
        mode, previous = self.mode, self.previous
        self.close()
        self.post_message(self.Cancelled(self, mode, previous))

    def _validate(self, text: str) -> tuple[str, int] | None:
        validator = self.validators.get(self.mode)
        return validator(text) if validator is not None else None

    def _show_error(self, error: tuple[str, int] | None, text: str) -> None:
        self.error = error
        widget = self.query_one("#prompt-error", Static)
        widget.set_class(error is not None, "-shown")
        if error is None:
            widget.update("")
            return
        message, position = error
        style = style_for(self.app, "sv-level-error", bold=True)
        caret = Text(" " * max(0, min(position, len(text))) + "^ ", style=style, end="")
        caret.append(neutralize(message), style)
        widget.update(caret)

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        if not self.is_open:
            return
        error = self._validate(event.value)
        self._show_error(error, event.value)
        self.post_message(self.Edited(self, self.mode, event.value, error))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        error = self._validate(event.value)
        if error is not None:
            # Nothing is applied: the prompt stays open with the cursor on the problem.
            self._show_error(error, event.value)
            self.input.cursor_position = max(0, min(error[1], len(event.value)))
            self.app.bell()
            return
        mode = self.mode
        self.close()
        self.post_message(self.Applied(self, mode, event.value))
