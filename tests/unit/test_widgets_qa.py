"""Regressions found by hand before a release: refreshes and narrow screens must not lose the user's view."""

from __future__ import annotations

from types import SimpleNamespace

from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.reactive import reactive

from stackview.widgets.app_header import AppHeader
from stackview.widgets.app_screen import AppScreen
from stackview.widgets.literal import literal_text
from stackview.widgets.record_table import Record, RecordTable


def wide_records(count: int = 30) -> list[Record]:
    return [
        Record(f"row-{i}", tuple(literal_text(f"cell {i}-{c} " + "x" * 30) for c in range(6)))
        for i in range(count)
    ]


class TableApp(App):
    def compose(self) -> ComposeResult:
        yield RecordTable(("a", "b", "c", "d", "e", "f"))


async def test_a_refresh_keeps_the_horizontal_scroll() -> None:
    # The Events tab refreshes itself every 10 s: a user who scrolled right to read the Reason
    # column must not be thrown back to the first column by the refresh.
    app = TableApp()
    async with app.run_test(size=(60, 12)) as pilot:
        table = app.query_one(RecordTable)
        table.set_records(wide_records())
        await pilot.pause()
        table.focus()
        for _ in range(3):
            await pilot.press("j")
        for _ in range(40):
            await pilot.press("right")
        await pilot.pause()
        scrolled = table.scroll_x
        assert scrolled > 0
        table.set_records(wide_records())
        await pilot.pause()
        assert table.scroll_x == scrolled
        assert table.cursor_row == 3


async def test_a_narrower_filter_after_scrolling_still_shows_its_rows() -> None:
    app = TableApp()
    async with app.run_test(size=(60, 12)) as pilot:
        table = app.query_one(RecordTable)
        table.set_records(wide_records(200))
        table.focus()
        await pilot.press("G")
        await pilot.pause()
        assert table.scroll_y > 0
        table.set_filter("cell 7-")
        await pilot.pause()
        assert [r.key for r in table.shown] == ["row-7"]
        assert table.scroll_y == 0


class Crumbed(AppScreen):
    def __init__(self, crumb: str) -> None:
        super().__init__()
        self.crumb = crumb

    def compose(self) -> ComposeResult:
        yield AppHeader()


class HeaderApp(App):
    identity = reactive(None)
    read_only = False
    session = SimpleNamespace(region="us-east-1", label="demo")


async def crumbs_line(width: int) -> str:
    app = HeaderApp()
    async with app.run_test(size=(width, 10)) as pilot:
        await app.push_screen(Crumbed("Stacks"))
        await app.push_screen(Crumbed("thumbnails-prod"))
        await pilot.pause()
        await pilot.pause()
        crumbs = app.screen.query_one("#crumbs")
        return "".join(strip.text for strip in crumbs.render_lines(Region(0, 0, crumbs.size.width, 1)))


async def test_the_current_screen_stays_named_when_the_header_is_narrow() -> None:
    # With the `?` keys panel open the header is ~80 columns: the stack's name used to wrap onto a
    # hidden second line, leaving "stackview  ›  …  ›" and nothing after it.
    assert "stackview  ›  Stacks  ›  thumbnails-prod" in await crumbs_line(120)
    assert "…  ›  thumbnails-prod" in await crumbs_line(70)
    assert "thumbnails-p" in await crumbs_line(60)


async def test_capped_columns_end_in_an_ellipsis_and_keep_the_value() -> None:
    arn = "arn:aws:lambda:us-east-1:123456789012:function:a-very-long-function-name:live"

    class Harness(App):
        def compose(self):
            yield RecordTable(("Id", "Status"), max_widths={"Id": 20})

    app = Harness()
    async with app.run_test(size=(80, 10)):
        table = app.query_one(RecordTable)
        table.set_records([Record("a", (literal_text(arn), literal_text("CREATE_COMPLETE")), value=arn)])
        shown = table.get_row_at(0)[0]
        assert shown.plain.endswith("…") and shown.cell_len == 20
        assert table.selected.value == arn and table.shown[0].cells[0].plain == arn
