"""A DataTable of records: rows keyed by identity, filtered case-insensitively, cursor kept.

Cells are Rich Text built with `literal_text` (never markup strings), so AWS values show as data.

New records are patched in, not redrawn: a refresh of 10,000 stacks where three changed updates
three cells, adds the rows that are new, removes the ones that are gone and moves rows only when
their order changed; the cursor stays on its record and the scroll position stays where it was.
(Clearing and refilling the table froze the UI for a second at that size, on every refresh.)
`visible_records()` names the rows on screen, for panels that fetch details only for those, and
`Scrolled` says when they change.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from rich.console import RenderableType
from rich.text import Text
from textual._two_way_dict import TwoWayDict
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey, RowKey

#: Beyond this share of rows removed at once, rebuilding is cheaper than removing one by one
#: (each removal renumbers every row after it).
REBUILD_SHARE = 0.25


@dataclass(frozen=True)
class Record:
    """One row: a stable key, the cells to draw, and the model object behind them."""

    key: str
    cells: tuple[RenderableType, ...]
    value: Any = None
    search: str = ""  # the text `/` matches against (lower case); defaults to the cells' text


def _plain(cell: RenderableType) -> str:
    return getattr(cell, "plain", None) or str(cell)


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

    @dataclass
    class Scrolled(Message):
        """The rows on screen changed (scrolled, resized, filtered): panels fetching per-row
        details for visible rows ask again."""

        table: RecordTable

    def __init__(self, columns: Sequence[str], *, id: str | None = None,
                 max_widths: dict[str, int] | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self._column_labels = tuple(columns)
        #: Long values (ARNs, physical ids) end in "…" beyond these widths, so the columns after
        #: them (status, reason) stay on screen; `c` still copies the whole value.
        self._max_widths = tuple((max_widths or {}).get(label) for label in self._column_labels)
        self._records: list[Record] = []
        self._shown: list[Record] = []
        self._column_keys: list[ColumnKey] = []
        self.filter_text = ""
        #: Rows added, cells updated, rows removed, reorders and rebuilds so far (tests and bench).
        self.patch_counts = {"added": 0, "updated": 0, "removed": 0, "reordered": 0, "rebuilt": 0}

    def on_mount(self) -> None:
        self._column_keys = self.add_columns(*self._column_labels)

    @property
    def records(self) -> list[Record]:
        return list(self._records)

    @property
    def shown(self) -> list[Record]:
        return list(self._shown)

    def set_records(self, records: Iterable[Record]) -> None:
        self._records = [
            r if r.search else Record(r.key, r.cells, r.value, " ".join(map(_plain, r.cells)).lower())
            for r in records
        ]
        self._redraw()

    def set_filter(self, text: str) -> None:
        self.filter_text = text
        self._redraw()

    def _redraw(self) -> None:
        needle = self.filter_text.lower()
        shown = [r for r in self._records if needle in r.search] if needle else list(self._records)
        current = self.selected
        before = self._shown
        self._shown = shown
        keep = {r.key for r in shown}
        gone = [r.key for r in before if r.key not in keep]
        if not self._column_keys or not before or len(gone) > REBUILD_SHARE * max(len(before), 1):
            self._rebuild(current)
            return
        old = {r.key: r for r in before}
        scroll_x, scroll_y = self.scroll_x, self.scroll_y
        moved = bool(gone)
        for key in gone:
            self.remove_row(key)
        self.patch_counts["removed"] += len(gone)
        for record in shown:
            previous = old.get(record.key)
            cells = self._capped(record.cells)
            if previous is None:
                self.add_row(*cells, key=record.key)
                self.patch_counts["added"] += 1
                moved = True
                continue
            for column, (was, now) in enumerate(zip(self._capped(previous.cells), cells)):
                if was != now:
                    self.update_cell(record.key, self._column_keys[column], now, update_width=True)
                    self.patch_counts["updated"] += 1
        order = [RowKey(r.key) for r in shown]
        if [self._row_locations.get_key(i) for i in range(len(order))] != order:
            # What DataTable.sort does, with our order: rows move, nothing is redrawn from scratch.
            self._row_locations = TwoWayDict({key: index for index, key in enumerate(order)})
            self._update_count += 1
            self.patch_counts["reordered"] += 1
            moved = True
            self.refresh()
        self._keep_cursor(current)
        # DataTable scrolls to the cursor after removals (once laid out): the view stays put instead.
        self.call_after_refresh(self.scroll_to, scroll_x, scroll_y, animate=False, immediate=True)
        if moved:
            self.post_message(self.Scrolled(self))

    def _rebuild(self, current: Record | None) -> None:
        # DataTable.clear() scrolls back to the top-left corner; panels redraw on every auto-refresh,
        # so without this a user reading a column off to the right is thrown back every few seconds.
        scroll_x, scroll_y = self.scroll_x, self.scroll_y
        self.clear()
        for record in self._shown:
            self.add_row(*self._capped(record.cells), key=record.key)
        self.patch_counts["rebuilt"] += 1
        self.scroll_to(scroll_x, scroll_y, animate=False, immediate=True)
        self._keep_cursor(current)
        self.post_message(self.Scrolled(self))

    def _keep_cursor(self, current: Record | None) -> None:
        if current is None:
            return
        for index, record in enumerate(self._shown):
            if record.key == current.key:
                if index != self.cursor_row:
                    self.move_cursor(row=index, animate=False, scroll=False)
                return

    def relabel(self, index: int, label: str) -> None:
        """Rename a column (a figure whose meaning depends on the endpoint: p99 or max)."""
        if index < len(self._column_keys):
            column = self.columns[self._column_keys[index]]
            if column.label.plain != label:
                column.label = Text(label)
                self._update_count += 1  # the header's render cache is keyed by it
                self._require_update_dimensions = True
                self.refresh()

    def visible_records(self, margin: int = 0) -> list[Record]:
        """The shown records on screen now (every row of one line), plus `margin` rows each side."""
        rows = max(self.size.height - (self.header_height if self.show_header else 0), 0)
        first = max(int(self.scroll_y) - margin, 0)
        return self._shown[first:int(self.scroll_y) + rows + margin]

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if int(old_value) != int(new_value):
            self.post_message(self.Scrolled(self))

    def on_resize(self) -> None:
        self.post_message(self.Scrolled(self))

    def _capped(self, cells: tuple[RenderableType, ...]) -> tuple[RenderableType, ...]:
        if not any(self._max_widths):
            return cells
        capped = []
        for cell, width in zip(cells, self._max_widths):
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
