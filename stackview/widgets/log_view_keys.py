"""Cursor movement, key actions and search (highlight, n / N) of the log view.

A mixin of `LogView` (log_view.py), kept apart so that the view module holds the indexing and
rendering, and this one what a person does with the rows. It relies on the view's state (`cursor`,
`following`, `search`, `matcher`, `row_count`, `event_at`, geometry helpers); the key bindings
stay declared on `LogView` itself, because Textual only collects `BINDINGS` from widget classes.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text

from stackview.models import LogEvent


class LogViewKeys:
    """Search and the cursor: what the keys of the log view do. Mixed into `LogView` only."""

    cursor: int  # index into the visible rows
    following: bool
    search: str
    matcher: Any

    # -- search ------------------------------------------------------------------------------
    def set_search(self, text: str) -> None:
        if text != self.search:
            self.search = text
            needle = text.lower()
            get = self.buffer.get_seq

            def is_hit(seq: int) -> bool:
                event = get(seq)
                return bool(needle) and event is not None and needle in event.message.lower()

            self.rows.set_hits(is_hit)
        self.clear_render_cache()

    def search_position(self) -> tuple[int, int]:
        """(position of the cursor's row among the search hits, 1-based or 0, number of hits)."""
        return self.rows.hit_position(self.cursor), self.rows.hit_count

    def _highlight(self, body: Text, event: LogEvent) -> None:
        plain = body.plain
        if self.matcher is not None and plain:
            # The body is the message without Lambda's prefix (`[INFO]\t<time>\t<id>\t`) and
            # trailing newline: hits are found on the message, then shifted onto the body.
            message = event.message
            offset = message.rfind(plain) if plain != message else 0
            if offset >= 0:
                highlight = self.get_component_rich_style("log-view--highlight")
                for start, end in self.matcher.spans(message):
                    start, end = max(0, start - offset), min(len(plain), end - offset)
                    if start < end:
                        body.stylize(highlight, start, end)
        if self.search:
            needle = self.search.lower()
            lower = plain.lower()
            style = self.get_component_rich_style("log-view--search")
            position = lower.find(needle)
            while position >= 0 and needle:
                body.stylize(style, position, position + len(needle))
                position = lower.find(needle, position + len(needle))

    # -- cursor and keys ----------------------------------------------------------------------
    def _scroll_to_cursor(self) -> None:
        if self.cursor < 0:
            return
        top = self._first_line_of(self.cursor)
        height = self.scrollable_content_region.height
        if top < self.scroll_y:
            self.scroll_to(y=top, animate=False, immediate=True)
        elif top >= self.scroll_y + height:
            self.scroll_to(y=top - height + 1, animate=False, immediate=True)

    def move_cursor(self, row: int) -> None:
        if self.row_count == 0:
            return
        self.cursor = max(0, min(self.row_count - 1, row))
        self.set_following(False) if self.cursor < self.row_count - 1 else None
        self._scroll_to_cursor()
        self.refresh()

    def action_cursor(self, delta: int) -> None:
        self.move_cursor(self.cursor + delta)

    def action_page(self, direction: int) -> None:
        self.move_cursor(self.cursor + direction * max(1, self.scrollable_content_region.height - 1))

    def action_top(self) -> None:
        self.move_cursor(0)

    def action_end(self) -> None:
        self.set_following(True)

    def action_choose(self) -> None:
        event = self.selected
        if event is not None:
            request_id, source = self.request_of(self.cursor)
            self.post_message(self.Chosen(self, event, request_id, source))

    def action_find(self, direction: int) -> None:
        if not self.search:
            self.notify("No search: press s to search", timeout=2)
            return
        found = self.rows.next_hit(self.cursor, direction)
        if found is None:
            self.notify(f"'{self.search}' not found", timeout=2, markup=False)
        else:
            self.move_cursor(found)
            self.post_message(self.SearchMoved(self))  # the status line's "3/17"

    def on_mouse_scroll_up(self) -> None:
        self.set_following(False)

    def on_click(self, event: Any) -> None:
        row, _ = self._row_line(int(self.scroll_y) + event.y)
        if 0 <= row < self.row_count:
            self.move_cursor(row)
