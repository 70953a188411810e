"""A panel's troubles stay in the panel: a fetch that fails retries by itself on a back-off
(the warning counts down; a success resets it; `r` retries at once), rows whose keys repeat are
all drawn, and an exception while drawing a panel's data is that panel's error, not the app's end.

Panels on a screen registered for the test, fed by fake fetches (no AWS): the timers are the
panel's own, with short delays; the tests wait on conditions, never on the clock.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Static

from botocore.exceptions import EndpointConnectionError

from stackview.navigation import OPTIONAL, Command
from stackview.screens.registry import ENTRIES, Entry, Registry
from stackview.widgets.app_header import AppHeader
from stackview.widgets.app_screen import AppScreen
from stackview.widgets.data_panel import DataPanel
from stackview.widgets.literal import literal_text
from stackview.widgets.record_table import Record, RecordTable

from .helpers import column, wait_for


class FlakyPanel(DataPanel):
    """Fails while `failing` is above 0 (counting down), then answers `answer`."""

    retry_base = 0.2

    def __init__(self, failing: int, jitter: float, cap: float) -> None:
        super().__init__(id="flaky")
        self.retry_cap = cap
        self.failing = failing
        self.calls = 0  # fetches that ran (DataPanel.fetches counts those started)
        self.delays: list[float] = []
        self.retry_jitter = lambda: jitter

    def compose_content(self) -> ComposeResult:
        yield Static(id="flaky-body")

    def retry_delay(self, failures: int) -> float:
        delay = super().retry_delay(failures)
        self.delays.append(delay)
        return delay

    def fetch(self) -> str:
        self.calls += 1
        if self.failing > 0:
            self.failing -= 1
            raise EndpointConnectionError(endpoint_url="http://127.0.0.1:9")
        return f"answer {self.calls}"

    def show(self, data: str) -> None:
        self.query_one("#flaky-body", Static).update(data)


class DuplicateKeysPanel(DataPanel):
    """Rows whose keys are empty or repeat, as AWS values used as keys can be."""

    def compose_content(self) -> ComposeResult:
        yield RecordTable(("Logical ID", "Physical ID"))

    def fetch(self) -> list[tuple[str, str]]:
        return [("FnA", ""), ("FnB", ""), ("FnA", "nested-1"), ("FnA", "nested-2"), ("", "x")]

    def show(self, rows: list[tuple[str, str]]) -> None:
        self.query_one(RecordTable).set_records(
            Record(key=physical, cells=(literal_text(logical), literal_text(physical)), value=logical)
            for logical, physical in rows)


class ExplodingPanel(DataPanel):
    """Its data arrives, and drawing it raises (a bug in one panel)."""

    retry_base = 30.0  # the test does not wait for the retry

    def fetch(self) -> str:
        return "data"

    def show(self, data: str) -> None:
        raise ValueError("cannot draw this row")


class PanelsScreen(AppScreen):
    BINDINGS = [Binding("escape", "back", "Back", id="panels.back"),
                Binding("r", "refresh", "Refresh", id="panels.refresh")]

    def __init__(self, options: str = "0") -> None:
        """`options`: how many fetches of the flaky panel fail, its jitter and its longest wait
        (`3`, `1:100:60`)."""
        super().__init__()
        self.crumb = "panels"
        failing, jitter, cap = (options.split(":") + ["1", "0.8"])[:3]
        self.failing, self.jitter, self.cap = int(failing), float(jitter), float(cap)

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield FlakyPanel(self.failing, self.jitter, self.cap)
        yield DuplicateKeysPanel(id="duplicates")
        yield ExplodingPanel(id="exploding")
        yield Footer()

    def action_refresh(self) -> None:
        for panel in self.query(DataPanel):
            panel.reload()


PANELS = Entry(Command("panels", ("panels",), OPTIONAL, ()), f"{__name__}:PanelsScreen",
               title="Panels", help="the test's panels")


async def open_panels(pilot, failing: int, jitter: float = 1.0, cap: float = 0.8) -> PanelsScreen:
    await wait_for(pilot, lambda: len(pilot.app.screen_stack) >= 2, message="first screen")
    pilot.app.open("panels", f"{failing}:{jitter}:{cap}")  # the test's own screen (the behaviour is in its panels)
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, PanelsScreen)
                   and bool(pilot.app.screen.query(ExplodingPanel)), message="the panels")
    return pilot.app.screen


def error_line(panel: DataPanel) -> str:
    return str(panel.query_one(".panel-error", Static).render())


async def test_a_failed_panel_retries_by_itself_with_a_growing_delay(make_app) -> None:
    app = make_app(registry=Registry((*ENTRIES, PANELS)))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_panels(pilot, failing=3)
        flaky = screen.query_one(FlakyPanel)
        await wait_for(pilot, lambda: flaky.error is not None, message="the first failure")
        assert flaky.has_class("-failed")
        assert "cannot reach the endpoint" in error_line(flaky) and "retrying" in error_line(flaky)
        await wait_for(pilot, lambda: flaky.data is not None, timeout=20, message="the endpoint back")
        # Three failures, three retries, each wait twice the one before, up to the cap; no `r`.
        assert flaky.delays == [0.2, 0.4, 0.8] and flaky.calls == 4
        assert flaky.error is None and not flaky.has_class("-failed") and flaky.failures == 0
        assert str(flaky.query_one("#flaky-body", Static).render()) == "answer 4"
        # A success resets the back-off: the next failure waits the first delay again.
        flaky.failing = 1
        flaky.reload()
        await wait_for(pilot, lambda: flaky.data == "answer 6", timeout=20, message="the next recovery")
        assert flaky.delays == [0.2, 0.4, 0.8, 0.2]


async def test_r_retries_at_once(make_app) -> None:
    app = make_app(registry=Registry((*ENTRIES, PANELS)))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_panels(pilot, failing=1, jitter=300.0, cap=60.0)  # the next retry by itself: a minute away
        flaky = screen.query_one(FlakyPanel)
        await wait_for(pilot, lambda: flaky.error is not None, message="the failure")
        assert "retrying in 60 s" in error_line(flaky) or "retrying in 59 s" in error_line(flaky)
        await pilot.press("r")
        await wait_for(pilot, lambda: flaky.data is not None, message="the retry on r")
        assert flaky.calls == 2 and flaky.delays == [60.0]


async def test_repeated_and_empty_row_keys_are_all_drawn(make_app) -> None:
    app = make_app(registry=Registry((*ENTRIES, PANELS)))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_panels(pilot, failing=0)
        panel = screen.query_one(DuplicateKeysPanel)
        await wait_for(pilot, lambda: panel.data is not None, message="the rows")
        await pilot.pause()
        assert panel.error is None
        table = panel.query_one(RecordTable)
        assert column(table, 0) == ["FnA", "FnB", "FnA", "FnA", ""]
        assert table.row_count == 5


async def test_an_exception_drawing_a_panel_stays_in_that_panel(make_app) -> None:
    app = make_app(registry=Registry((*ENTRIES, PANELS)))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_panels(pilot, failing=0)
        exploding = screen.query_one(ExplodingPanel)
        await wait_for(pilot, lambda: exploding.error is not None, message="the drawing failure")
        assert "ValueError: cannot draw this row" in error_line(exploding)
        assert "retrying in" in error_line(exploding)
        # The app and the screen's other panels go on: keys still work.
        flaky = screen.query_one(FlakyPanel)
        await wait_for(pilot, lambda: flaky.data is not None, message="the other panel")
        assert app.is_running and app.screen is screen
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, PanelsScreen), message="back")
        assert app.is_running


def test_unique_keys_keep_the_order_and_stay_stable() -> None:
    from stackview.widgets.record_table import unique_keys

    records = [Record(k, ()) for k in ["", "", "a", "a#2", "a", "b"]]
    keys = [r.key for r in unique_keys(records)]
    assert keys == ["", "#2", "a", "a#2", "a#3", "b"]
    assert [r.key for r in unique_keys(records)] == keys
