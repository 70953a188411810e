"""A metric drawn around an alarm's threshold: one bar per period, the threshold as a line.

The question on the alarm screen is "how far over the line, since when, and is it coming back?",
which bars against a drawn threshold answer at a glance: bars on the alarm's side of the line are
drawn in the error colour. Drawn here rather than with a plotting library: a bar per period and
one line need no axes engine, the drawing is deterministic (snapshot tests), and it costs no
dependency. Each bar is made of eighth blocks, so a terminal row holds eight levels.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from rich.style import Style
from rich.text import Text
from textual.widget import Widget

from stackview.widgets.format import as_utc

EIGHTHS = " ▁▂▃▄▅▆▇█"
THRESHOLD_CHAR = "─"


def label(value: float) -> str:
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:g}" if float(value).is_integer() else f"{value:.3g}"


def resample(values: Sequence[float | None], width: int) -> list[float | None]:
    """`width` columns from the values: several periods per column keep their largest value (a
    peak must not vanish), fewer periods than columns are stretched."""
    if width <= 0 or not values:
        return []
    count = len(values)
    columns: list[float | None] = []
    for column in range(width):
        first = column * count // width
        last = max(first + 1, (column + 1) * count // width)
        found = [v for v in values[first:last] if v is not None]
        columns.append(max(found) if found else None)
    return columns


def draw(values: Sequence[float | None], threshold: float | None, breach: Callable[[float], bool],
         width: int, height: int, start: datetime | None = None, end: datetime | None = None,
         *, bar: Style | str = "", alarm: Style | str = "red", line: Style | str = "red",
         muted: Style | str = "dim") -> Text:
    """The chart as Text of `height` lines of `width` cells (the last line: the time axis)."""
    measured = [v for v in values if v is not None]
    top = max([*measured, threshold or 0.0, 0.0])
    bottom = min([*measured, threshold if threshold is not None else 0.0, 0.0])
    top = top * 1.15 if top > 0 else (1.0 if top == bottom else top)
    span = (top - bottom) or 1.0
    labels = [label(top), label(bottom)] + ([label(threshold)] if threshold is not None else [])
    gutter = max(len(t) for t in labels) + 1
    rows = max(height - 1, 1)
    plot = max(width - gutter, 1)
    columns = resample(values, plot)
    line_row = None if threshold is None else min(rows - 1, int((threshold - bottom) / span * rows))
    text = Text(no_wrap=True, overflow="crop", end="")
    for row in range(rows - 1, -1, -1):  # top line first
        if row == rows - 1:
            axis = label(top)
        elif row == line_row:
            axis = label(threshold)
        elif row == 0:
            axis = label(bottom)
        else:
            axis = ""
        text.append(axis.rjust(gutter - 1) + " ", style=line if row == line_row and row not in (0, rows - 1) else muted)
        for value in columns:
            eighths = 0 if value is None else round((value - bottom) / span * rows * 8)
            filled = min(max(eighths - row * 8, 0), 8)
            breaching = value is not None and breach(value)
            if filled:
                text.append(EIGHTHS[filled], style=alarm if breaching else bar)
            elif row == line_row:
                text.append(THRESHOLD_CHAR, style=line)
            else:
                text.append(" ")
        text.append("\n")
    axis = [" "] * plot
    if start is not None and end is not None:
        left, right = as_utc(start).strftime("%H:%MZ"), as_utc(end).strftime("%H:%MZ")
        axis[: len(left)] = left
        if plot > len(left) + len(right) + 1:
            axis[plot - len(right):] = right
    text.append(" " * gutter + "".join(axis)[:plot], style=muted)
    return text


class ThresholdChart(Widget):
    """The widget: give it the values with `plot(...)`; it redraws at its own size."""

    DEFAULT_CSS = "ThresholdChart { height: 10; }"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._values: list[float | None] = []
        self._threshold: float | None = None
        self._breach: Callable[[float], bool] = lambda _value: False
        self._span: tuple[datetime | None, datetime | None] = (None, None)
        self._styles: dict[str, Style | str] = {}

    def plot(self, values: Sequence[float | None], threshold: float | None, breach: Callable[[float], bool],
             start: datetime | None, end: datetime | None, **styles: Style | str) -> None:
        self._values, self._threshold, self._breach = list(values), threshold, breach
        self._span, self._styles = (start, end), styles
        self.refresh()

    def render(self) -> Text:
        width, height = self.size.width, self.size.height
        if not self._values or width < 10 or height < 2:
            return Text("")
        return draw(self._values, self._threshold, self._breach, width, height, *self._span, **self._styles)
