"""The event editor: a JSON text area that says where the mistake is, and pretty-prints.

Built on Textual's TextArea. Syntax highlighting needs tree-sitter and its JSON grammar, which
are optional: without them the editor is plain text (never an error), and `highlighting` says
which one the user got. Validation uses `stackview.events.validate`, the same strict reading
`stackview invoke` applies, so the editor never accepts what the command line would refuse.

Live validation runs a moment after typing stops (a multi-megabyte event would make a check per
keystroke noticeable); `check_now()` answers at once for the screen that is about to send.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Static, TextArea
from textual.widgets.text_area import LanguageDoesNotExist, SyntaxAwareDocument

from stackview.events import validate
from stackview.events.validate import JsonProblem
from stackview.widgets.literal import literal_text

#: Seconds of quiet typing before the event is checked again.
CHECK_DELAY = 0.3


class EventTextArea(TextArea):
    """The text area itself: JSON highlighting when the grammar is installed, else plain."""

    def __init__(self, text: str = "", *, id: str | None = None) -> None:
        super().__init__(text, soft_wrap=False, tab_behavior="indent", show_line_numbers=True, id=id)

    def on_mount(self) -> None:
        # Without tree-sitter Textual logs a warning and keeps plain text; with tree-sitter but
        # no JSON grammar it raises: plain text too, never an error the user has to read.
        try:
            self.language = "json"
        except LanguageDoesNotExist:
            self.language = None

    @property
    def highlighting(self) -> bool:
        return isinstance(self.document, SyntaxAwareDocument)


class JsonEditor(Vertical):
    """A JSON event editor with a status line: valid (with its size) or `line L, column C: why`."""

    DEFAULT_CSS = """
    JsonEditor { height: 1fr; }
    JsonEditor > EventTextArea { height: 1fr; border: none; padding: 0; }
    JsonEditor > EventTextArea:focus { border: none; }
    JsonEditor > #json-status { height: 1; padding: 0 1; color: $text-muted; }
    JsonEditor.-invalid > #json-status { color: $error; text-style: bold; }
    """
    BINDINGS = [Binding("ctrl+f", "pretty", "Pretty", id="editor.pretty")]

    @dataclass
    class Checked(Message):
        """Posted after each check: `problem` is None when the text is valid JSON."""

        editor: "JsonEditor"
        problem: JsonProblem | None
        size: int

    def __init__(self, text: str = "{}\n", *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._initial = text
        self._timer: Timer | None = None
        self.problem: JsonProblem | None = None

    def compose(self) -> ComposeResult:
        yield EventTextArea(self._initial, id="json-text")
        yield Static(id="json-status")

    def on_mount(self) -> None:
        self.check_now()

    @property
    def text_area(self) -> EventTextArea:
        return self.query_one(EventTextArea)

    @property
    def text(self) -> str:
        return self.text_area.text

    @property
    def highlighting(self) -> bool:
        return self.text_area.highlighting

    def load(self, text: str) -> None:
        """Replace the whole event (undoable) and check it."""
        area = self.text_area
        area.replace(text, (0, 0), area.document.end)
        area.move_cursor((0, 0))
        area.scroll_home(animate=False)
        self.check_now()

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        event.stop()
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(CHECK_DELAY, self.check_now)

    def check_now(self) -> JsonProblem | None:
        """Check the text now; show and return the problem (None when valid)."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        text = self.text
        self.problem = validate.check(text).problem
        size = len(text.encode("utf-8"))
        status = self.query_one("#json-status", Static)
        if self.problem is None:
            status.update(Text(f"✓ valid JSON · {size:,} bytes"))
        else:
            status.update(literal_text(f"✗ {self.problem.describe()}"))
        self.set_class(self.problem is not None, "-invalid")
        self.post_message(self.Checked(self, self.problem, size))
        return self.problem

    def show_problem(self) -> JsonProblem | None:
        """Check, and put the cursor on the mistake (when there is one) for the user to fix."""
        problem = self.check_now()
        if problem is not None:
            area = self.text_area
            area.focus()
            area.move_cursor((problem.line - 1, problem.column - 1), center=True)
        return problem

    def action_pretty(self) -> None:
        """Re-indent the event; invalid JSON is left as it is and the mistake is pointed at."""
        try:
            pretty = validate.pretty(self.text)
        except ValueError:
            self.show_problem()
            return
        if pretty != self.text:
            self.load(pretty)
