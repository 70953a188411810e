"""Small helpers for pilot tests: wait for panels to load, read table cells as text."""

from __future__ import annotations

import asyncio

from textual.pilot import Pilot

from stackview.widgets.data_panel import DataPanel
from stackview.widgets.record_table import RecordTable


async def wait_for(pilot: Pilot, predicate, timeout: float = 15.0, message: str = "condition") -> None:
    """Let the app run until `predicate()` is true (workers answer on their own schedule)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {message}")
        await pilot.pause(0.05)


async def wait_loaded(pilot: Pilot, panel: DataPanel, timeout: float = 15.0) -> None:
    await wait_for(pilot, lambda: panel.data is not None or panel.error is not None, timeout,
                   f"{type(panel).__name__} to load")


def column(table: RecordTable, index: int) -> list[str]:
    return [record.cells[index].plain for record in table.shown]


def column_named(table: RecordTable, label: str) -> list[str]:
    """The shown cells of the column titled `label`, as text."""
    return column(table, list(table._column_labels).index(label))
