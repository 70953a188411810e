"""Shared table and panel machinery: rows patched in place, hidden panels not polling, pages
shown as they come."""

from __future__ import annotations

import threading

from rich.text import Text
from textual.app import App, ComposeResult
from textual.screen import Screen
from textual.widgets import Static, TabbedContent, TabPane

from stackview.widgets.app_screen import AppScreen
from stackview.widgets.data_panel import DataPanel
from stackview.widgets.record_table import Record, RecordTable

from .helpers import wait_for


def records(*rows: tuple[str, str]) -> list[Record]:
    return [Record(key, (Text(key), Text(value)), value) for key, value in rows]


class TableApp(App):
    def compose(self) -> ComposeResult:
        yield RecordTable(("Name", "Value"))


async def test_rows_are_patched_not_rebuilt() -> None:
    app = TableApp()
    async with app.run_test(size=(60, 12)) as pilot:
        table = app.query_one(RecordTable)
        table.set_records(records(*[(f"r{i:02d}", "a") for i in range(30)]))
        await pilot.pause()
        table.focus()
        await pilot.press("down", "down", "down")  # the cursor on r03
        assert table.selected.key == "r03"
        table.scroll_to(y=5, animate=False, immediate=True)
        await pilot.pause()
        rebuilt = table.patch_counts["rebuilt"]
        # One value changes, one row is new (in the middle), one is gone (above the cursor).
        rows = [(f"r{i:02d}", "b" if i == 10 else "a") for i in range(30) if i != 1]
        rows.insert(4, ("r04x", "new"))
        table.set_records(records(*rows))
        await pilot.pause()
        assert table.patch_counts["rebuilt"] == rebuilt
        assert table.patch_counts["updated"] == 1 and table.patch_counts["added"] == 1
        assert table.patch_counts["removed"] == 1 and table.patch_counts["reordered"] == 1
        assert [table.get_row_at(i)[0].plain for i in range(6)] == ["r00", "r02", "r03", "r04", "r04x", "r05"]
        assert table.get_cell_at((table.get_row_index("r10"), 1)).plain == "b"
        assert table.selected.key == "r03" and table.scroll_y == 5
        # Filtering patches too: the hidden rows go, the cursor's record stays selected.
        table.set_filter("r0")
        await pilot.pause()
        assert [r.key for r in table.shown][:3] == ["r00", "r02", "r03"] and table.selected.key == "r03"
        assert table.patch_counts["rebuilt"] == rebuilt + 1  # most rows hidden: rebuilt at once
        assert {r.key for r in table.visible_records()} <= {r.key for r in table.shown}


class CountingPanel(DataPanel):
    auto_refresh = 0.05

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.count = 0
        self.lock = threading.Lock()

    def compose_content(self) -> ComposeResult:
        yield Static(id="value")

    def fetch(self) -> int:
        with self.lock:
            self.count += 1
            return self.count

    def show(self, data: int) -> None:
        self.query_one("#value", Static).update(str(data))


class LazyPanel(CountingPanel):
    load_when_shown = True
    auto_refresh = None


class PanelScreen(AppScreen):
    def compose(self) -> ComposeResult:
        with TabbedContent():
            with TabPane("One", id="one"):
                yield CountingPanel(id="polling")
            with TabPane("Two", id="two"):
                yield LazyPanel(id="lazy")


class PanelApp(App):
    def on_mount(self) -> None:
        self.push_screen(PanelScreen())


async def test_hidden_panels_do_not_poll_and_catch_up_when_seen() -> None:
    app = PanelApp()
    async with app.run_test(size=(60, 12)) as pilot:
        screen = app.screen
        polling = screen.query_one("#polling", CountingPanel)
        lazy = screen.query_one("#lazy", LazyPanel)
        await wait_for(pilot, lambda: polling.fetches >= 3, message="polls while seen")
        assert lazy.fetches == 0 and lazy.stale  # its tab was never shown
        app.push_screen(Screen())
        await pilot.pause(0.2)
        paused_at = polling.fetches
        await pilot.pause(0.4)  # eight periods pass while another screen is on top
        assert polling.fetches == paused_at and polling.stale
        app.pop_screen()
        await wait_for(pilot, lambda: polling.fetches > paused_at, message="a fetch on return")
        screen.query_one(TabbedContent).active = "two"
        await wait_for(pilot, lambda: lazy.fetches == 1 and lazy.data == 1, message="the lazy tab's first load")
        shown_at = polling.fetches
        await pilot.pause(0.4)  # the polling panel's tab is hidden now: it waits
        assert polling.fetches <= shown_at + 1
        screen.query_one(TabbedContent).active = "one"
        await wait_for(pilot, lambda: polling.fetches > shown_at + 1, message="polls again once shown")


class PagedPanel(DataPanel):
    progressive = True

    def __init__(self, gate: threading.Event) -> None:
        super().__init__()
        self.gate = gate
        self.shown: list[list[str]] = []

    def fetch(self):
        yield ["a"]
        self.gate.wait(10)
        yield ["a", "b"]

    def show(self, data: list[str]) -> None:
        self.shown.append(list(data))


class PagedApp(App):
    def __init__(self, gate: threading.Event) -> None:
        super().__init__()
        self.gate = gate

    def compose(self) -> ComposeResult:
        yield PagedPanel(self.gate)


async def test_progressive_panels_show_each_page_as_it_comes() -> None:
    gate = threading.Event()
    app = PagedApp(gate)
    async with app.run_test() as pilot:
        panel = app.query_one(PagedPanel)
        await wait_for(pilot, lambda: panel.shown == [["a"]], message="the first page")
        assert panel.data is None and not panel.loading  # more to come, but the first rows show
        gate.set()
        await wait_for(pilot, lambda: panel.data == ["a", "b"], message="the last page")
        assert panel.shown == [["a"], ["a", "b"]]  # the last page drawn once
