"""The stack screen's Functions tab: the stack's functions (nested stacks' too) with their
health, reserved concurrency and the THROTTLED badge where it is 0, so a failing function or a
kill switch left on is seen at a glance. Enter opens one.

Opening the stack costs nothing here until the tab is shown (`load_when_shown`); then the rows
come from the stack's resources and the session's ListFunctions (widgets/function_table.py),
never from one call per function.
"""

from __future__ import annotations

from stackview.aws.inventory import inventory
from stackview.models.functions import FunctionSummary
from stackview.widgets.function_table import FunctionTablePanel, summaries
from stackview.widgets.tabbed import TAB_PANEL


class FunctionsPanel(FunctionTablePanel):
    tab_title = "Functions"
    logical_ids = True
    load_when_shown = True

    def __init__(self, stack_ref: str) -> None:
        super().__init__(classes=TAB_PANEL, id="functions-panel")
        self.stack_ref = stack_ref
        self._fresh = False

    def functions(self) -> list[FunctionSummary]:
        store = inventory(self.host.session)
        pairs = store.stack_functions(self.stack_ref, nested=True, refresh=self._fresh)
        self._fresh = False
        rows = summaries(pairs, store.functions())
        if any(row.error for row in rows):  # created since ListFunctions was read: read it again
            rows = summaries(pairs, store.functions(max_age=0))
        return sorted(rows, key=lambda s: (s.logical_id, s.name))

    def empty_text(self) -> str:
        return "No functions in this stack."

    def refresh_all(self) -> None:
        self._fresh = True  # `r` reads the stack's resources again too
        super().refresh_all()
