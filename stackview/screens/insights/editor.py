"""The query editor: a TextArea that completes the Logs Insights language and the groups' fields.

What is offered is what the query language knows (commands, functions, keywords), the fields
Insights discovers in Lambda logs, and the fields found in the groups' own events (JSON fields by
dotted path). Completion is the shell's: type a few characters, Tab puts in the first word that
fits, Tab again cycles to the next; with nothing to complete Tab moves the focus on as it does
everywhere else. The words that fit are listed under the editor as one types (`hint()`).
A malformed query is pointed at (`point_at`): the part AWS names is selected, the text kept.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding
from textual.widgets import TextArea
from textual.widgets.text_area import Selection

from stackview.logs.insights import completions, vocabulary, word_before

Location = tuple[int, int]


@dataclass
class _Cycle:
    """A completion in progress: where its word starts, the choices, the one shown."""

    start: Location
    choices: list[str]
    index: int
    end: Location


class QueryEditor(TextArea):
    BINDINGS = [Binding("tab", "complete", "Complete", show=False, id="insights.complete")]

    def __init__(self, text: str = "", *, id: str | None = None) -> None:
        super().__init__(text, soft_wrap=True, tab_behavior="focus", show_line_numbers=False, id=id,
                         placeholder="a Logs Insights query: fields, filter, stats ... (Ctrl+O: canned queries)")
        self.words: list[str] = vocabulary()
        self._cycle: _Cycle | None = None

    def add_fields(self, fields: list[str]) -> None:
        """Offer these fields too (discovered in the groups' events)."""
        self.words = vocabulary([*self.words, *fields])

    def hint(self) -> tuple[str, list[str]]:
        """(the word being typed, the words that complete it)."""
        row, column = self.cursor_location
        prefix = word_before(self.document.get_line(row), column)
        return prefix, completions(prefix, self.words)

    def action_complete(self) -> None:
        cycle = self._cycle
        if cycle is not None and self.cursor_location == cycle.end and len(cycle.choices) > 1:
            cycle.index = (cycle.index + 1) % len(cycle.choices)
            self._put(cycle.start, cycle.end, cycle.choices[cycle.index])
            cycle.end = self.cursor_location
            return
        prefix, choices = self.hint()
        if not choices:
            self.screen.focus_next()
            return
        row, column = self.cursor_location
        start = (row, column - len(prefix))
        self._put(start, (row, column), choices[0])
        self._cycle = _Cycle(start, choices, 0, self.cursor_location)

    def _put(self, start: Location, end: Location, word: str) -> None:
        self.replace(word, start, end, maintain_selection_offset=False)
        self.move_cursor((start[0], start[1] + len(word)))

    def on_text_area_changed(self, _event: TextArea.Changed) -> None:
        cycle = self._cycle
        if cycle is not None and self.cursor_location != cycle.end:
            self._cycle = None

    def point_at(self, start: int | None, end: int | None) -> None:
        """Select characters `start`..`end` of the text (AWS's offsets) and go there."""
        if start is None:
            return
        text = self.text
        begin = self._location(text, min(start, len(text)))
        finish = self._location(text, min(max(end if end is not None else start, start) + 1, len(text)))
        self.selection = Selection(begin, finish)
        self.scroll_cursor_visible()

    @staticmethod
    def _location(text: str, offset: int) -> Location:
        before = text[:offset]
        row = before.count("\n")
        return row, offset - (before.rfind("\n") + 1)
