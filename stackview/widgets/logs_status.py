"""The log view's status line and its per-group error line.

What an incident needs at a glance: is the view following or paused, is the tail live (polling or
Live Tail, sampled or not), how many events are held and shown, whether some fell off the buffer,
what filter (and context, and search with its "3/17") is active, how fast events come, and which
groups cannot be read. On a narrow terminal the least important parts give way first
(`status_parts` ranks them), so at 80 columns the mode, the counts and the filter stay. Built from a `TailStats` snapshot (taken by the screen
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
    search_position: tuple[int, int] = (0, 0)  # (cursor's hit, 1-based or 0; hits)
    context: int = 0  # lines of context around matches (0: off)
    phase: str = ""  # "resolving log groups ..." and the like, before the tail runs


def _count(value: float) -> str:
    return f"{value:,.0f}" if value >= 10 or value == int(value) else f"{value:.1f}"


# How much each part of the status line matters: when the line is too narrow, the parts of the
# lowest rank go first. The mode (following or paused, polling or Live Tail), the counts and the
# filter are what a person acts on; the since window is also in the view's border.
KEEP, HIGH, MEDIUM, LOW = 0, 1, 2, 3


def status_parts(stats: TailStats | None, view: ViewState, app) -> list[tuple[int, Text]]:
    """The status line's parts, in order, each with its rank (KEEP ... LOW)."""
    muted = style_for(app, "sv-muted")
    warn = style_for(app, "sv-level-warn", bold=True)
    error = style_for(app, "sv-level-error", bold=True)
    parts: list[tuple[int, Text]] = []

    def part(rank: int, label: str, value: str, style=None) -> Text:
        text = Text(no_wrap=True, end="")
        if label:
            text.append(f"{label} ", muted)
        text.append(value, style or "")
        parts.append((rank, text))
        return text

    if view.phase:
        part(KEEP, "", view.phase, warn)
    part(KEEP, "", "following" if view.following else "paused", None if view.following else warn)
    if stats is not None:
        mode = stats.mode
        if stats.finished:
            mode += " (ended)"
        # The flag stays set after a sampled session fell back to polling: only Live Tail samples.
        sampled = stats.sampled and stats.mode == "live tail"
        text = part(KEEP, "", mode, warn if sampled else None)
        if sampled:
            text.append(" sampled", warn)
    shown = f"{view.shown:,}" if view.shown == view.buffered else f"{view.shown:,}/{view.buffered:,}"
    part(KEEP, "lines", shown)
    if stats is not None:
        part(HIGH if stats.dropped else LOW, "dropped", f"{stats.dropped:,}", warn if stats.dropped else None)
        if stats.throttled:
            text = part(HIGH, "throttled", f"{stats.throttled:,}", warn)
            if stats.backoff:
                text.append(f" (backing off {stats.backoff:.1f}s)", warn)
        if stats.group_errors:
            count = len(stats.group_errors)
            part(KEEP, "", f"{count} group error{'s' if count > 1 else ''}", error)
        if stats.foreign:
            part(MEDIUM, "foreign", f"{stats.foreign:,}", warn)
    part(KEEP, "filter", neutralize(view.pattern) if view.pattern else "none",
         style_for(app, "sv-log-highlight", bold=True) if view.pattern else None)
    if view.context:
        part(HIGH, "context", f"±{view.context}")
    if view.search:
        text = part(KEEP, "search", neutralize(view.search))
        at, hits = view.search_position
        text.append(f" {at if at else '-'}/{hits:,}", warn if not hits else "")
    if stats is not None:
        part(MEDIUM, "", f"{_count(stats.events_per_s)} ev/s")
    part(LOW, "since", neutralize(view.since))
    if view.wrap:
        part(LOW, "", "wrap")
    part(LOW, "time", view.timestamps)
    return parts


def status_text(stats: TailStats | None, view: ViewState, app, width: int | None = None) -> Text:
    """One line of the parts that fit in `width` cells (all of them when None): the least
    important go first, from the end; what must stay is kept, cut at the end if need be."""
    parts = status_parts(stats, view, app)
    keep = [True] * len(parts)

    def length() -> int:
        pieces = [t for (_, t), k in zip(parts, keep) if k]
        return sum(t.cell_len for t in pieces) + 3 * max(0, len(pieces) - 1)

    if width is not None:
        for rank in (LOW, MEDIUM, HIGH):
            for index in reversed(range(len(parts))):
                if length() <= width:
                    break
                if parts[index][0] == rank:
                    keep[index] = False
    separator = Text(" · ", style_for(app, "sv-muted"))
    text = Text(no_wrap=True, overflow="ellipsis", end="")
    for (_, piece), kept in zip(parts, keep):
        if kept:
            if text:
                text.append_text(separator)
            text.append_text(piece)
    return text


def errors_text(stats: TailStats | None, warnings: list[str], app, notes: list[str] = ()) -> Text:
    """One line per unreadable group (and per resolution warning, per note such as why Live
    Tail is not used); empty when all is well."""
    error = style_for(app, "sv-level-error")
    warn = style_for(app, "sv-level-warn")
    text = Text(end="")
    lines: list[tuple[str, object]] = [(w, warn) for w in warnings]
    lines += [(note, style_for(app, "sv-muted")) for note in notes]
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

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._shown: tuple[TailStats | None, ViewState] | None = None
        self._width = 0

    def show(self, stats: TailStats | None, view: ViewState) -> None:
        self._shown = (stats, view)
        self._width = self.content_region.width
        self.update(status_text(stats, view, self.app, self._width or None))

    def on_resize(self, event) -> None:
        if self._shown is not None and event.size.width != self._width:
            self.show(*self._shown)


class LogsErrors(Static):
    """Problems that concern part of the tail (a group that cannot be read, a function that
    does not exist): shown above the status line while the other groups go on."""

    DEFAULT_CSS = """
    LogsErrors { height: auto; max-height: 4; padding: 0 1; display: none; }
    LogsErrors.-shown { display: block; }
    """

    def show(self, stats: TailStats | None, warnings: list[str], notes: list[str] = ()) -> None:
        text = errors_text(stats, warnings, self.app, list(notes))
        self.set_class(bool(text.plain), "-shown")
        self.update(text)
