"""A DataTable of records: rows keyed by identity (made unique), filtered case-insensitively,
cursor kept, Status kept on screen at narrow widths (column_fit).

Cells are Rich Text built with `literal_text` (never markup strings), so AWS values show as data.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from rich.console import RenderableType
from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable

from stackview.widgets.column_fit import PRIORITY, column_caps


@dataclass(frozen=True)
class Record:
    """One row: a stable key, the cells to draw, and the model object behind them."""

    key: str
    cells: tuple[RenderableType, ...]
    value: Any = None
    search: str = ""  # the text `/` matches against (lower case); defaults to the cells' text


def _plain(cell: RenderableType) -> str:
    return getattr(cell, "plain", None) or str(cell)


def unique_keys(records: Iterable[Record]) -> list[Record]:
    """The records with keys made unique, whatever the data looks like: AWS values used as keys
    can be empty or repeat (two resources without a physical id, a nested template used twice),
    and DataTable refuses a repeated row key. A repeat gets `key#2`, `key#3`... in order, so the
    same data keeps the same keys from one refresh to the next (the cursor stays on its row)."""
    seen: set[str] = set()
    result = []
    for record in records:
        key, count = record.key, 1
        while key in seen:
            count += 1
            key = f"{record.key}#{count}"
        seen.add(key)
        result.append(record if key == record.key else Record(key, record.cells, record.value, record.search))
    return result


class RecordTable(DataTable):
    """Rows from records; `filter_text` hides rows whose text does not contain it."""

    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False, id="table.down"),
        Binding("k", "cursor_up", "Up", show=False, id="table.up"),
        Binding("g", "scroll_top", "Top", show=False, id="table.top"),
        Binding("G", "scroll_bottom", "Bottom", show=False, id="table.bottom"),
    ]

    @dataclass
    class Chosen(Message):
        """Enter on a row: the record chosen."""

        table: RecordTable
        record: Record

    def __init__(self, columns: Sequence[str], *, id: str | None = None,
                 max_widths: dict[str, int] | None = None, keep: str = PRIORITY) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self._column_labels = tuple(columns)
        #: Long values (ARNs, physical ids) end in "…" beyond these widths, so the columns after
        #: them (status, reason) stay on screen; `c` still copies the whole value.
        self._max_widths = tuple((max_widths or {}).get(label) for label in self._column_labels)
        #: What `_capped` applies: the caps above, narrowed to keep the `keep` column (Status,
        #: unless the table says otherwise) on screen at narrow widths (column_fit).
        self._caps: tuple[int | None, ...] = self._max_widths
        self._keep = keep
        self._records: list[Record] = []
        self._shown: list[Record] = []
        self.filter_text = ""

    def on_mount(self) -> None:
        self.add_columns(*self._column_labels)

    @property
    def records(self) -> list[Record]:
        return list(self._records)

    @property
    def shown(self) -> list[Record]:
        return list(self._shown)

    def set_records(self, records: Iterable[Record]) -> None:
        self._records = [
            r if r.search else Record(r.key, r.cells, r.value, " ".join(map(_plain, r.cells)).lower())
            for r in unique_keys(records)
        ]
        self._redraw()

    def set_filter(self, text: str) -> None:
        self.filter_text = text
        self._redraw()

    def _redraw(self) -> None:
        current = self.selected
        # DataTable.clear() scrolls back to the top-left corner; panels redraw on every auto-refresh,
        # so without this a user reading a column off to the right is thrown back every few seconds.
        scroll_x, scroll_y = self.scroll_x, self.scroll_y
        needle = self.filter_text.lower()
        self._shown = [r for r in self._records if needle in r.search] if needle else self._records
        caps = self._fit_caps()
        narrower = caps != self._caps  # DataTable columns never shrink by themselves: start again
        self._caps = caps
        self.clear(columns=narrower)
        if narrower:
            self.add_columns(*self._column_labels)
        for record in self._shown:
            self.add_row(*self._capped(record.cells), key=record.key)
        self.scroll_to(scroll_x, scroll_y, animate=False, immediate=True)
        if current is not None:
            for index, record in enumerate(self._shown):
                if record.key == current.key:
                    self.move_cursor(row=index, animate=False)
                    break

    def _fit_caps(self) -> tuple[int | None, ...]:
        natural = [len(label) for label in self._column_labels]
        for record in self._shown:
            for index, cell in enumerate(record.cells[: len(natural)]):
                width = cell.cell_len if isinstance(cell, Text) else len(_plain(cell))
                natural[index] = max(natural[index], width)
        # The vertical scrollbar counts as present: it appears once the rows are in.
        width = self.size.width - self.styles.gutter.width - self.styles.scrollbar_size_vertical
        return column_caps(self._column_labels, natural, self._max_widths, width if self.size.width else 0,
                           self.app.console.width, self._keep)

    def on_resize(self) -> None:
        if self._records and self._fit_caps() != self._caps:
            self._redraw()

    def _capped(self, cells: tuple[RenderableType, ...]) -> tuple[RenderableType, ...]:
        if not any(self._caps):
            return cells
        capped = []
        for cell, width in zip(cells, self._caps):
            if width and isinstance(cell, Text) and cell.cell_len > width:
                cell = cell.copy()
                cell.truncate(width, overflow="ellipsis")
            capped.append(cell)
        return tuple(capped)

    @property
    def selected(self) -> Record | None:
        if not self._shown or self.cursor_row < 0 or self.cursor_row >= len(self._shown):
            return None
        return self._shown[self.cursor_row]

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        record = self.selected
        if record is not None:
            self.post_message(self.Chosen(self, record))
