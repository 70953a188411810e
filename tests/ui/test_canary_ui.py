"""Canary health where the decision is made: the Aliases tab shows each version's figures under
a weighted alias, and the weight dialog and its confirmation show them before the shift."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from stackview.app import create_app
from stackview.screens.function.aliases import AliasesPanel
from stackview.screens.levers.dialog import InputDialog
from stackview.widgets.confirm import ConfirmScreen
from tests.aws.canary_helpers import failing_canary
from tests.aws.functions_helpers import session_on

from .helpers import wait_for
from .test_levers_ui import confirm, details, dialog, open_aliases, record_notices, wait_notice


@pytest.fixture(autouse=True)
def state_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("STACKVIEW_STATE_DIR", str(tmp_path / "state"))
    return tmp_path / "state"


async def test_figures_on_the_tab_and_in_the_dialogs(scratch_endpoint) -> None:
    session = session_on(scratch_endpoint.endpoint, scratch_endpoint.region, scratch_endpoint.credentials)
    name = failing_canary(session, invocations=10)
    app = create_app(session)
    notices = record_notices(app)
    async with app.run_test(size=(140, 40)) as pilot:
        panel: AliasesPanel = await open_aliases(pilot, name)
        figures = panel.query_one("#canary-health")
        await wait_for(pilot, lambda: "per executed version" in str(figures.render()), message="the figures")
        text = str(figures.render())
        assert "v1 (50%): " in text and "v2 (50%): " in text and "invocations" in text

        await pilot.press("w")
        ask = await dialog(pilot, InputDialog)
        assert "last 15 min, per executed version" in ask.hint and "v2 (50%): " in ask.hint
        await pilot.press("backspace", "backspace", "0", "enter")  # 50 -> 0: stop the canary's traffic
        asked = await dialog(pilot, ConfirmScreen)
        rows = details(asked)
        assert rows["After"] == "v1 100% + v2 0%"
        v2 = rows["v2 (50%)"]
        invocations, errors = map(int, re.match(r"(\d+) invocations?, (\d+) errors?", v2).groups())
        assert invocations == errors  # every invocation of the broken version failed
        await confirm(pilot)
        await wait_notice(pilot, notices, "v1 50% + v2 50% -> v1 100% + v2 0%")
