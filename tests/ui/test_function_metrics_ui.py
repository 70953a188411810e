"""The function screen's Metrics tab on the seeded world: `5` shows every series, and a failing
GetMetricData is reported in that tab only, the rest of the screen keeps working."""

from __future__ import annotations

from typing import Any

from botocore.awsrequest import AWSResponse
from textual.widgets import Sparkline, Static

from stackview.demo.seed import catalog
from stackview.screens.function.metrics import ROWS, MetricsPanel
from stackview.screens.function.overview import OverviewPanel
from stackview.screens.function.screen import FunctionScreen
from stackview.screens.function.versions import VersionsPanel

from .helpers import wait_for, wait_loaded


async def open_metrics(pilot) -> MetricsPanel:
    pilot.app.open("function", catalog.ORDERS_API)
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, FunctionScreen)
                   and bool(pilot.app.screen.query(MetricsPanel)), message="function screen")
    await pilot.press("5")
    panel = pilot.app.screen.query_one(MetricsPanel)
    await wait_loaded(pilot, panel)
    await pilot.pause()
    return panel


async def test_metrics_tab_shows_every_series(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        panel = await open_metrics(pilot)
        assert app.screen.active_tab == "metrics" and panel.error is None
        invocations = panel.data.get("Invocations", "Sum")
        assert invocations.total > 0
        figures = panel.query_one("#metric-invocations .metric-figures", Static).render()
        assert f"total {invocations.total:,.0f}" in str(figures)
        for row in ROWS:
            spark = panel.query_one(f"#spark-{row.key}", Sparkline)
            assert len(spark.data) == 180, row.key
        assert list(panel.query_one("#spark-invocations", Sparkline).data) == invocations.plotted
        text = panel.text()
        for label in ("Invocations", "Errors", "Throttles", "Duration", "Concurrency"):
            assert label in text
        # Errors and Throttles are drawn in the theme's error colour, the others are not.
        error_colour = app.theme_variables["sv-level-error"].lower()
        throttles = panel.query_one("#spark-throttles", Sparkline)
        invocations_spark = panel.query_one("#spark-invocations", Sparkline)
        assert throttles.get_component_styles("sparkline--max-color").color.hex.lower() == error_colour
        assert invocations_spark.get_component_styles("sparkline--max-color").color.hex.lower() != error_colour


async def test_metrics_failure_stays_in_its_tab(make_app, demo_session) -> None:
    def refuse(**_: Any):
        response = AWSResponse("https://monitoring", 403, {}, None)
        return response, {"Error": {"Code": "AccessDenied",
                                    "Message": "User is not authorized to perform: cloudwatch:GetMetricData"},
                          "ResponseMetadata": {"HTTPStatusCode": 403}}

    demo_session.client("cloudwatch").meta.events.register("before-call.cloudwatch.GetMetricData", refuse)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        panel = await open_metrics(pilot)
        assert panel.data is None and panel.error is not None
        assert panel.has_class("-failed")
        shown = str(panel.query_one(".panel-error", Static).render())
        assert "access denied to GetMetricData" in shown
        screen = app.screen
        assert isinstance(screen, FunctionScreen)
        for other in (screen.query_one(OverviewPanel), screen.query_one(VersionsPanel)):
            await wait_loaded(pilot, other)
            assert other.error is None and not other.has_class("-failed")
