"""The Insights screen's answer: a chart for `stats ... by bin()`, and the rows in a table.

Columns are the fields as Insights names them (`count(*)`, an alias, `bin(5m)`), in the order
first met (a row leaves out its null fields); `@ptr` is not shown. Every value is drawn literally
(the newline that ends most log messages aside: `c` copies the row as AWS sent it).
Insights answers up to 10,000 rows, and a DataTable holds the UI thread for all of them: 10,000
rows take 0.5 s to add and 1.7 s until painted, 1,000 rows 31 ms and 0.19 s (bench/bench_insights_ui.py),
so the table shows the first `SHOWN_ROWS` and says how many there are (`stackview query -o csv`
gives them all). The chart
draws one sparkline per series (a value column, per other `by` value), every bucket in order.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timezone

from rich.text import Text
from textual.containers import Horizontal, Vertical
from textual.widgets import Sparkline, Static

from stackview.logs.insights_results import Chart, Series
from stackview.models.insights import ResultRow, columns_of
from stackview.widgets.literal import literal_text
from stackview.widgets.record_table import Record, RecordTable
from stackview.widgets.styles import style_for

SHOWN_ROWS = 1_000
CELL_WIDTH = 100  # longer values end in "…" in the table (`c` copies the whole row)
LABEL_WIDTH = 36


def _figure(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def _clock(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, tz=timezone.utc).strftime("%m-%d %H:%M")


class ChartView(Vertical):
    """One row per series: its name and figures, then its sparkline over the buckets."""

    DEFAULT_CSS = """
    ChartView { height: auto; max-height: 12; display: none; padding: 0 1; }
    ChartView.-shown { display: block; }
    ChartView > .chart-axis { height: 1; color: $text-muted; }
    ChartView > Horizontal { height: 1; }
    ChartView .chart-label { width: %d; height: 1; }
    ChartView Sparkline { width: 1fr; height: 1; }
    """ % LABEL_WIDTH

    def show(self, chart: Chart | None) -> None:
        self.remove_children()
        self.set_class(chart is not None, "-shown")
        if chart is None:
            return
        axis = chart.series[0].times_ms if chart.series else ()
        caption = Text(end="")
        if axis:
            width = f", {chart.bin.column}" if chart.bin.column else ""
            caption.append_text(literal_text(f"{_clock(axis[0])} to {_clock(axis[-1])} UTC, {len(axis)} buckets{width}"))
        if chart.left_out:
            caption.append(f"; {chart.left_out} more series in the table", style="italic")
        widgets: list = [Static(caption, classes="chart-axis")]
        for series in chart.series:
            widgets.append(Horizontal(Static(self._label(series), classes="chart-label"),
                                      Sparkline(list(series.values))))
        self.mount_all(widgets)

    def _label(self, series: Series) -> Text:
        text = Text(end="", no_wrap=True, overflow="ellipsis")
        text.append_text(literal_text(series.label, "bold"))
        text.append_text(literal_text(f"  max {_figure(series.peak)}", style_for(self.app, "sv-muted")))
        return text


def result_records(rows: Sequence[ResultRow], columns: Sequence[str]) -> list[Record]:
    """Table records of the first SHOWN_ROWS rows (the row itself is the record's value)."""
    return [
        Record(key=str(index), cells=tuple(literal_text((row.get(c) or "").rstrip("\n")) for c in columns),
               value=row)
        for index, row in enumerate(rows[:SHOWN_ROWS])
    ]


def results_table(rows: Sequence[ResultRow]) -> tuple[RecordTable, list[Record]]:
    """A new table for these rows' columns (columns change with every query) and its records,
    to set once the table is mounted."""
    columns = columns_of(rows)
    table = RecordTable(columns or ("(no field)",), id="insights-table",
                        max_widths={c: CELL_WIDTH for c in columns})
    return table, result_records(rows, columns)
