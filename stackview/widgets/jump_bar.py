"""The `:` prompt: a one-line modal at the bottom with completion from the names stackview knows."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import Input

from stackview.navigation import Command, complete
from stackview.widgets.interrupt import Interruptible, interrupt_binding

Names = Callable[[], Mapping[str, Sequence[str]]]


class JumpSuggester(Suggester):
    """Suggests the completion of the command typed so far (accept it with → or Tab)."""

    def __init__(self, commands: Sequence[Command], names: Names) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self._commands = commands
        self._names = names

    async def get_suggestion(self, value: str) -> str | None:
        return complete(value, self._commands, self._names())


class JumpScreen(Interruptible, ModalScreen[str | None]):
    """Returns the typed command on Enter, None on Esc."""

    DEFAULT_CSS = """
    JumpScreen { align: left bottom; background: transparent; }
    JumpScreen > Input { dock: bottom; width: 100%; height: 3; border: tall $accent; }
    """
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="jump.cancel"),
        Binding("tab", "accept_suggestion", "Complete", show=False, id="jump.complete"),
        interrupt_binding("jump"),
    ]

    def __init__(self, commands: Sequence[Command], names: Names, hint: str = "", initial: str = ":") -> None:
        super().__init__()
        self._commands = commands
        self._names = names
        self._hint = hint
        self._initial = initial

    def compose(self) -> ComposeResult:
        yield Input(
            value=self._initial,
            placeholder=self._hint,
            suggester=JumpSuggester(self._commands, self._names),
            id="jump-input",
        )

    def on_mount(self) -> None:
        field = self.query_one(Input)
        field.focus()
        field.cursor_position = len(field.value)

    def action_accept_suggestion(self) -> None:
        field = self.query_one(Input)
        field.cursor_position = len(field.value)
        field.action_cursor_right()  # at the end of the value, this accepts the suggestion

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)
