"""Health columns shared by the Stacks list, the stack's Functions tab and `:functions`.

Cells are Rich Text through `literal_text` (names and figures are data). A row that needs
attention (an alarm in ALARM, or an error rate at or above the configured threshold) is drawn in
the theme's `sv-health-alarm` colour; the sparkline draws invocations per period in
`sv-health-spark`, and the periods with errors in `sv-health-alarm`.

`HealthPoll` is a panel's second poll, for the figures (the first one lists the rows): every
`health.refresh_seconds`, started only when the previous sweep has finished, and like a
DataPanel's own poll it waits while its panel cannot be seen and sweeps when seen again. Its
results stream in (one per GetMetricData request), so the rows on screen, asked for first, get
their figures first. A failure (AccessDenied on cloudwatch:GetMetricData) is one line in the
panel's subtitle; the table itself stays.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from rich.style import Style
from rich.text import Text
from textual.timer import Timer

from stackview.aws.errors import UserError
from stackview.models.alarms import Alarm
from stackview.models.health import Health, count_text, ms_text, rate_text, spark
from stackview.widgets.badges import reservation_cell
from stackview.widgets.literal import literal_text
from stackview.widgets.styles import style_for

HEALTH = "health"


def troubled(health: Health | None, firing: Iterable[Alarm], threshold: float) -> bool:
    return any(True for _ in firing) or (health is not None and health.troubled(threshold))


def name_cell(app: Any, name: str, attention: bool, base: str | Style = "") -> Text:
    if attention:
        return literal_text(name, style_for(app, "sv-health-alarm", bold=True))
    return literal_text(name, base)


def spark_cell(app: Any, health: Health | None) -> Text:
    if health is None or not health.invocations_series:
        return literal_text("…", style_for(app, "sv-muted"))
    text = Text(end="", no_wrap=True)
    normal = style_for(app, "sv-health-spark")
    alarm = style_for(app, "sv-health-alarm", bold=True)
    errors = health.errors_series
    for index, block in enumerate(spark(health.invocations_series)):
        failing = index < len(errors) and errors[index] > 0
        text.append(block, alarm if failing else normal)
    return text


def figure_cells(app: Any, health: Health | None, threshold: float) -> tuple[Text, Text, Text, Text]:
    """Invocations, errors, error %, throttles (`…` while not known yet)."""
    if health is None:
        pending = literal_text("…", style_for(app, "sv-muted"))
        return pending, pending, pending, pending
    muted = style_for(app, "sv-muted")
    alarm = style_for(app, "sv-health-alarm", bold=True)
    errors_style = alarm if health.errors else muted
    rate_style = alarm if health.troubled(threshold) else (muted if not health.errors else "")
    return (
        literal_text(count_text(health.invocations), "" if health.invocations else muted),
        literal_text(count_text(health.errors), errors_style),
        literal_text(rate_text(health.error_rate), rate_style),
        literal_text(count_text(health.throttles), alarm if health.throttles else muted),
    )


def alarms_cell(app: Any, watching: tuple[Alarm, ...] | None) -> Text:
    """`1 ALARM` as a badge when any alarm fires, else how many alarms watch (`2 ok`), `-` for none."""
    muted = style_for(app, "sv-muted")
    if watching is None:
        return literal_text("…", muted)
    firing = sum(1 for alarm in watching if alarm.firing)
    if firing:
        return Text(f" {firing} ALARM ", style=style_for(app, "sv-health-alarm", bold=True) + Style(reverse=True), end="")
    return literal_text(f"{len(watching)} ok" if watching else "-", muted)


def duration_cell(app: Any, health: Health | None, percentiles: bool | None) -> Text:
    """The p99 where the endpoint gives percentiles, else the maximum (the column says which)."""
    if health is None:
        return literal_text("…", style_for(app, "sv-muted"))
    value = health.duration_p99 if percentiles else health.duration_max
    return literal_text(ms_text(value), "" if value is not None else style_for(app, "sv-muted"))


def concurrency_cell(app: Any, health: Health | None, reserved: int | None, known: bool) -> Text:
    """Highest concurrency over the window against the reservation: `3 / 10`, `1 / none`,
    `0 / 0 THROTTLED`, `2 / ?` (the reservation not read yet)."""
    peak = "…" if health is None else (count_text(health.concurrency_max) if health.concurrency_max is not None else "0")
    text = literal_text(f"{peak} / ", style_for(app, "sv-muted") if peak in ("0", "…") else "")
    text.append_text(reservation_cell(app, reserved, known))
    return text


class HealthPoll:
    """A panel's health sweep, polled without overlap and paused while the panel is unseen."""

    def __init__(self, panel: Any, prepare: Callable[[], Callable[[], Iterable[Any]]], each: Callable[[Any], None],
                 failed: Callable[[UserError], None], job: str = HEALTH) -> None:
        """`prepare()` runs on the UI thread when a sweep starts (it reads the rows on screen) and
        returns the work for the thread; `each` receives every step of the sweep."""
        self.panel = panel
        self.prepare = prepare
        self.each = each
        self.failed = failed
        self.job = job
        self.running = False
        self.stale = False
        self.sweeps = 0
        self._timer: Timer | None = None

    @property
    def interval(self) -> float:
        return float(self.panel.host.config.health.refresh_seconds)

    def start(self) -> None:
        """Sweep now (a sweep already running is superseded: its later answers are dropped)."""
        self._stop_timer()
        self.stale = False
        self.running = True
        self.sweeps += 1
        self.panel.run_in_thread(self.job, self.prepare(), self._done, failed=self._failed, each=self.each)

    def wake(self) -> None:
        if self.stale and self.panel.seen():
            self.start()

    def _done(self, _last: Any) -> None:
        self.running = False
        self._arm()

    def _failed(self, error: UserError) -> None:
        self.running = False
        self.failed(error)
        self._arm()

    def _arm(self) -> None:
        self._stop_timer()
        if self.panel.is_mounted:
            self._timer = self.panel.set_timer(self.interval, self._due)

    def _due(self) -> None:
        self._timer = None
        if self.panel.seen():
            self.start()
        else:
            self.stale = True

    def _stop_timer(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
