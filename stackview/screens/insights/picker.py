"""Ctrl+O on the Insights screen: pick a query, the user's saved ones first, then the canned ones.

Each entry shows its title, name, where it comes from (saved in your config, or canned) and the
query on one line, literally. Enter puts the query in the editor; Esc leaves the editor as it was.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from stackview.models.insights import SavedQuery
from stackview.widgets.literal import literal_text


class QueryPicker(ModalScreen[SavedQuery | None]):
    DEFAULT_CSS = """
    QueryPicker { align: center middle; }
    QueryPicker > Vertical {
        width: 96; max-width: 95%; height: auto; max-height: 90%; padding: 0 1;
        border: round $primary; background: $surface;
    }
    QueryPicker .picker-title { text-style: bold; padding: 0 1; }
    QueryPicker OptionList { height: auto; max-height: 24; border: none; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="insights.picker.cancel")]
    AUTO_FOCUS = "OptionList"

    def __init__(self, queries: Sequence[SavedQuery]) -> None:
        super().__init__()
        self.queries = list(queries)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("Queries  (Enter: put in the editor, Esc: back)", classes="picker-title")
            yield OptionList(*[Option(self._prompt(q), id=str(i)) for i, q in enumerate(self.queries)],
                             id="query-options")

    @staticmethod
    def _prompt(query: SavedQuery) -> Text:
        text = Text(end="", no_wrap=True, overflow="ellipsis")
        text.append_text(literal_text(query.title or query.name, "bold"))
        text.append_text(literal_text(f"  {query.name}", "dim"))
        text.append("  saved" if query.origin == "saved" else "  canned", style="italic dim")
        text.append("\n    ")
        text.append_text(literal_text(" ".join(query.query.split()), "dim"))
        return text

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.queries[int(event.option.id or 0)])

    def action_cancel(self) -> None:
        self.dismiss(None)
