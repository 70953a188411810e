"""The log view's status line and its per-group error line.

What an incident needs at a glance: is the tail live (polling or Live Tail, sampled or not), how
fast events come, how many are held and shown, whether some fell off the buffer, what filter is
active, and which groups cannot be read. Built from a `TailStats` snapshot (taken by the screen
on a timer, never per event) as Rich `Text`, with every value from AWS passed through
`literal_text` / `neutralize`.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.widgets import Static

from stackview.logs.tail import TailStats
from stackview.widgets.literal import neutralize
from stackview.widgets.styles import style_for


@dataclass(frozen=True)
class ViewState:
    """What the screen knows beside the tail: its own settings and the view's counts."""

    since: str
    pattern: str
    buffered: int
    shown: int
    following: bool
    wrap: bool
    timestamps: str
    search: str = ""
    phase: str = ""  # "resolving log groups ..." and the like, before the tail runs


def _count(value: float) -> str:
    return f"{value:,.0f}" if value >= 10 or value == int(value) else f"{value:.1f}"


def status_text(stats: TailStats | None, view: ViewState, app) -> Text:
    """One line: mode · rate · buffered/shown · dropped · since · filter · follow · wrap."""
    muted = style_for(app, "sv-muted")
    warn = style_for(app, "sv-level-warn", bold=True)
    error = style_for(app, "sv-level-error", bold=True)
    text = Text(no_wrap=True, overflow="ellipsis", end="")

    def part(label: str, value: str, style=None) -> None:
        if text:
            text.append(" · ", muted)
        if label:
            text.append(f"{label} ", muted)
        text.append(value, style or "")

    if view.phase:
        part("", view.phase, warn)
    if stats is not None:
        mode = stats.mode
        if stats.finished:
            mode += " (ended)"
        # The flag stays set after a sampled session fell back to polling: only Live Tail samples.
        sampled = stats.sampled and stats.mode == "live tail"
        part("", mode, warn if sampled else None)
        if sampled:
            text.append(" sampled", warn)
        part("", f"{_count(stats.events_per_s)} ev/s")
    shown = f"{view.shown:,}" if view.shown == view.buffered else f"{view.shown:,}/{view.buffered:,}"
    part("lines", shown)
    if stats is not None:
        part("dropped", f"{stats.dropped:,}", warn if stats.dropped else None)
        if stats.throttled:
            part("throttled", f"{stats.throttled:,}", warn)
            if stats.backoff:
                text.append(f" (backing off {stats.backoff:.1f}s)", warn)
        if stats.group_errors:
            part("", f"{len(stats.group_errors)} group error{'s' if len(stats.group_errors) > 1 else ''}", error)
    part("since", neutralize(view.since))
    part("filter", neutralize(view.pattern) if view.pattern else "none",
         style_for(app, "sv-log-highlight", bold=True) if view.pattern else None)
    if view.search:
        part("search", neutralize(view.search))
    part("", "following" if view.following else "paused", None if view.following else warn)
    if view.wrap:
        part("", "wrap")
    part("time", view.timestamps)
    return text


def errors_text(stats: TailStats | None, warnings: list[str], app) -> Text:
    """One line per unreadable group (and per resolution warning); empty when all is well."""
    error = style_for(app, "sv-level-error")
    warn = style_for(app, "sv-level-warn")
    text = Text(end="")
    lines: list[tuple[str, object]] = [(w, warn) for w in warnings]
    if stats is not None:
        lines += [(f"{group}: {message}", error) for group, message in sorted(stats.group_errors.items())]
    for index, (line, style) in enumerate(lines):
        if index:
            text.append("\n")
        text.append(neutralize(line), style)
    return text


class LogsStatus(Static):
    """The status line under the log view."""

    DEFAULT_CSS = "LogsStatus { height: 1; padding: 0 1; background: $panel; }"

    def show(self, stats: TailStats | None, view: ViewState) -> None:
        self.update(status_text(stats, view, self.app))


class LogsErrors(Static):
    """Problems that concern part of the tail (a group that cannot be read, a function that
    does not exist): shown above the status line while the other groups go on."""

    DEFAULT_CSS = """
    LogsErrors { height: auto; max-height: 4; padding: 0 1; display: none; }
    LogsErrors.-shown { display: block; }
    """

    def show(self, stats: TailStats | None, warnings: list[str]) -> None:
        text = errors_text(stats, warnings, self.app)
        self.set_class(bool(text.plain), "-shown")
        self.update(text)
