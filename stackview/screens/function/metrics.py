"""The function screen's Metrics tab: the last three hours of AWS/Lambda metrics, one row each.

This tab is where "is anything throttled or failing?" gets its answer at a glance, and where an
operator sees a throttle take effect: Invocations fall to zero while Throttles rises. Each row
shows the metric's latest period (the current minute, still filling), the total or the peak over
the window, and a sparkline of every minute. The tab polls every 60 s (CloudWatch's own
resolution for Lambda metrics, so a shorter poll would only cost requests); `r` polls at once.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Sparkline, Static

from stackview.aws.metrics import function_metrics
from stackview.models.metrics import FunctionMetrics, MetricSeries
from stackview.widgets.data_panel import DataPanel
from stackview.widgets.format import short_time
from stackview.widgets.literal import literal_text
from stackview.widgets.styles import style_for
from stackview.widgets.tabbed import TAB_PANEL, TabPanel

FIGURES_WIDTH = 34


@dataclass(frozen=True)
class Row:
    """One row of the tab: the series drawn, and the one whose peak is shown (Duration's
    average is drawn, its maximum is the peak an operator asks about)."""

    key: str
    label: str
    name: str
    stat: str
    peak_stat: str | None = None  # None: a count, shown with its total over the window
    alarming: bool = False  # Errors and Throttles: drawn in the error colour


ROWS: tuple[Row, ...] = (
    Row("invocations", "Invocations", "Invocations", "Sum"),
    Row("errors", "Errors", "Errors", "Sum", alarming=True),
    Row("throttles", "Throttles", "Throttles", "Sum", alarming=True),
    Row("duration", "Duration", "Duration", "Average", peak_stat="Maximum"),
    Row("concurrency", "Concurrency", "ConcurrentExecutions", "Maximum", peak_stat="Maximum"),
)


def number(value: float | None, unit: str = "") -> str:
    """`1,234`, `12.5 ms`, `-` for no data: counts as integers, durations with one decimal."""
    if value is None:
        return "-"
    if unit == "Milliseconds":
        return f"{value:,.0f} ms" if value >= 100 else f"{value:,.1f} ms"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def span(metrics: FunctionMetrics) -> str:
    """The window's length: `3 h`, `90 min`."""
    minutes = int((metrics.end - metrics.start).total_seconds() // 60)
    return f"{minutes // 60} h" if minutes % 60 == 0 else f"{minutes} min"


def row_figures(row: Row, metrics: FunctionMetrics) -> tuple[str, str, str]:
    """(statistic, latest, total or peak) of a row, as plain text (pure: tested without a screen)."""
    series = metrics.get(row.name, row.stat)
    if series is None:
        return row.stat, "-", "-"
    short = {"Sum": "sum", "Average": "avg", "Maximum": "max"}.get(row.stat, row.stat.lower())
    per = f"{short}/min" if metrics.period == 60 else f"{short}/{metrics.period // 60} min"
    if row.peak_stat is None:
        return per, number(series.latest), f"total {number(series.total)}"
    peak_series = metrics.get(row.name, row.peak_stat) or series
    return (per, number(series.latest, series.unit),
            f"max {number(peak_series.peak, series.unit)}")


class MetricsPanel(TabPanel, DataPanel):
    """GetMetricData for the function, drawn as label, figures and sparkline per metric."""

    DEFAULT_CSS = """
    MetricsPanel #metrics-window { padding: 0 1 1 1; }
    MetricsPanel .metric-row { height: 3; margin: 0 1 1 1; }
    MetricsPanel .metric-figures { width: %d; height: 3; }
    MetricsPanel .metric-row Sparkline { width: 1fr; height: 3; }
    MetricsPanel .metric-row.-alarming Sparkline > .sparkline--max-color { color: $sv-level-error; }
    MetricsPanel .metric-row.-alarming Sparkline > .sparkline--min-color { color: $sv-level-error 30%%; }
    """ % FIGURES_WIDTH

    auto_refresh = 60.0

    def __init__(self, function: str) -> None:
        super().__init__(classes=TAB_PANEL, id="metrics-panel")
        self.function = function
        self.border_title = "Metrics"

    def compose_content(self) -> ComposeResult:
        with VerticalScroll(id="metrics-scroll"):
            yield Static(id="metrics-window")
            for row in ROWS:
                with Horizontal(classes="metric-row" + (" -alarming" if row.alarming else ""), id=f"metric-{row.key}"):
                    yield Static(classes="metric-figures")
                    yield Sparkline([], id=f"spark-{row.key}")

    def fetch(self) -> FunctionMetrics:
        return function_metrics(self.host.session, self.function, now=self.host.clock())

    def show(self, metrics: FunctionMetrics) -> None:
        muted = style_for(self.app, "sv-muted")
        window = Text(end="")
        window.append_text(literal_text(
            f"{short_time(metrics.start)} to {short_time(metrics.end)}, {metrics.period // 60}-minute periods",
            muted))
        window.append("   refreshes every minute, r: now", style=muted)
        for message in metrics.messages:
            window.append_text(literal_text(f"\n{message}", style_for(self.app, "sv-level-warn")))
        self.query_one("#metrics-window", Static).update(window)
        for row in ROWS:
            series = metrics.get(row.name, row.stat)
            self.query_one(f"#metric-{row.key} .metric-figures", Static).update(self._figures(row, metrics, series))
            self.query_one(f"#spark-{row.key}", Sparkline).data = series.plotted if series else []

    def _figures(self, row: Row, metrics: FunctionMetrics, series: MetricSeries | None) -> Text:
        muted = style_for(self.app, "sv-muted")
        stat, latest, overall = row_figures(row, metrics)
        firing = row.alarming and series is not None and (series.latest or 0) > 0
        value_style = style_for(self.app, "sv-level-error", bold=True) if firing else style_for(self.app, "sv-level-info", bold=True)
        text = Text(end="", no_wrap=True, overflow="ellipsis")
        text.append(row.label, style="bold")
        text.append_text(literal_text(f"  {stat}", muted))
        text.append("\nlatest ", style=muted)
        text.append_text(literal_text(latest, value_style))
        text.append("\n")
        text.append_text(literal_text(overall, style_for(self.app, "sv-level-error") if row.alarming and series
                                      and series.total > 0 else ""))
        text.append(f" over {span(metrics)}", style=muted)
        return text

    def text(self) -> str:
        """The rows' figures as plain text: what `c` copies (for an incident channel)."""
        metrics: FunctionMetrics | None = self.data
        if metrics is None:
            return ""
        lines = [f"{self.function} {short_time(metrics.start)} to {short_time(metrics.end)}"]
        for row in ROWS:
            stat, latest, overall = row_figures(row, metrics)
            lines.append(f"{row.label} ({stat}): latest {latest}, {overall}")
        return "\n".join(lines)

    def copy_value(self) -> str | None:
        return self.text() or None
