"""A DataTable of records: rows keyed by identity (made unique), filtered case-insensitively,
cursor kept, Status kept on screen at narrow widths (column_fit).

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

from stackview.widgets.column_fit import FLOOR, PRIORITY, column_caps

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

    @dataclass
    class Scrolled(Message):
        """The rows on screen changed (scrolled, resized, filtered): panels fetching per-row
        details for visible rows ask again."""

        table: RecordTable

    def __init__(self, columns: Sequence[str], *, id: str | None = None,
                 max_widths: dict[str, int] | None = None, keep: str = PRIORITY,
                 name_floor: int = FLOOR) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self._column_labels = tuple(columns)
        #: Long values (ARNs, physical ids) end in "…" beyond these widths, so the columns after
        #: them (status, reason) stay on screen; `c` still copies the whole value.
        self._max_widths = tuple((max_widths or {}).get(label) for label in self._column_labels)
        #: What `_capped` applies: the caps above, narrowed to keep the `keep` column (Status,
        #: unless the table says otherwise) on screen at narrow widths (column_fit).
        self._caps: tuple[int | None, ...] = self._max_widths
        self._keep = keep
        #: The narrowest the first column gets (NAME_FLOOR when it names the row).
        self._name_floor = name_floor
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
        """Show these records. A record whose cells are the very tuple shown before (a panel that
        keeps the rows that did not change) costs nothing: no search text, no comparison."""
        before = {r.key: r for r in self._records}
        kept = []
        for record in unique_keys(records):
            previous = before.get(record.key)
            if previous is not None and previous.cells is record.cells and previous.value is record.value:
                kept.append(previous)
            elif record.search:
                kept.append(record)
            else:
                kept.append(Record(record.key, record.cells, record.value, " ".join(map(_plain, record.cells)).lower()))
        self._records = kept
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
        caps = self._fit_caps()
        if (not self._column_keys or not before or caps != self._caps
                or len(gone) > REBUILD_SHARE * max(len(before), 1)):
            self._rebuild(current, caps)
            return
        old = {r.key: r for r in before}
        scroll_x, scroll_y = self.scroll_x, self.scroll_y
        moved = bool(gone)
        added: list[str] = []
        for key in gone:
            self.remove_row(key)
        self.patch_counts["removed"] += len(gone)
        for record in shown:
            previous = old.get(record.key)
            if previous is record:
                continue  # the same record as before: nothing to compare
            cells = self._capped(record.cells)
            if previous is None:
                self.add_row(*cells, key=record.key)
                added.append(record.key)
                moved = True
                continue
            for column, (was, now) in enumerate(zip(self._capped(previous.cells), cells)):
                if was != now:
                    self.update_cell(record.key, self._column_keys[column], now, update_width=self._widens(column, now))
                    self.patch_counts["updated"] += 1
        self.patch_counts["added"] += len(added)
        # The table's order now: the rows kept, in their old order, then the ones added at the end.
        placed = [r.key for r in before if r.key in keep] + added
        wanted = [r.key for r in shown]
        if placed != wanted:
            # What DataTable.sort does, with our order: rows move, nothing is redrawn from scratch.
            self._row_locations = TwoWayDict({RowKey(key): index for index, key in enumerate(wanted)})
            self._update_count += 1
            self.patch_counts["reordered"] += 1
            moved = True
            self.refresh()
        self._keep_cursor(current)
        # DataTable scrolls to the cursor after removals (once laid out): the view stays put instead.
        self.call_after_refresh(self.scroll_to, scroll_x, scroll_y, animate=False, immediate=True)
        if moved:
            self.post_message(self.Scrolled(self))

    def _widens(self, column: int, cell: RenderableType) -> bool:
        """Whether a new cell needs its column wider. DataTable re-measures every cell of a column
        when one cell shrinks (2,000 measures for a count that went from 10 to 9), so a patch only
        ever widens columns; a rebuild fits them again."""
        if not isinstance(cell, Text):
            return True
        return cell.cell_len > self.columns[self._column_keys[column]].content_width

    def _rebuild(self, current: Record | None, caps: tuple[int | None, ...] | None = None) -> None:
        # DataTable.clear() scrolls back to the top-left corner; panels redraw on every auto-refresh,
        # so without this a user reading a column off to the right is thrown back every few seconds.
        scroll_x, scroll_y = self.scroll_x, self.scroll_y
        caps = self._fit_caps() if caps is None else caps
        narrower = caps != self._caps  # DataTable columns never shrink by themselves: start again
        self._caps = caps
        self.clear(columns=narrower)
        if narrower:
            self._column_keys = self.add_columns(*self._column_labels)
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

    def _update_column_widths(self, updated_cells: set) -> None:
        # DataTable widens a column on idle, after a cell update, but keeps the cells it rendered
        # in between (its render cache is keyed by an update counter, not by widths): without
        # this, a cell that grew ("…" became a sparkline) stays cut to the old width on screen.
        super()._update_column_widths(updated_cells)
        self._update_count += 1
        self.refresh()

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

    def _fit_caps(self) -> tuple[int | None, ...]:
        natural = [len(label) for label in self._column_labels]
        for record in self._shown:
            for index, cell in enumerate(record.cells[: len(natural)]):
                width = cell.cell_len if isinstance(cell, Text) else len(_plain(cell))
                natural[index] = max(natural[index], width)
        # The vertical scrollbar counts as present: it appears once the rows are in.
        width = self.size.width - self.styles.gutter.width - self.styles.scrollbar_size_vertical
        return column_caps(self._column_labels, natural, self._max_widths, width if self.size.width else 0,
                           self.app.console.width, self._keep, self._name_floor)

    def on_resize(self) -> None:
        if self._records and self._fit_caps() != self._caps:
            self._redraw()
        self.post_message(self.Scrolled(self))

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
