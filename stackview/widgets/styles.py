"""stackview's own theme variables and their conversion to Rich styles.

Every colour with a stackview meaning (status families, log levels, alias bars, badges) is a theme
variable, so a theme can change it and nothing hard-codes a colour. Defaults derive from the
active theme's semantic colours (success, warning, error, ...), so Textual's built-in themes look
right without knowing about stackview.
"""

from __future__ import annotations

from functools import lru_cache

from rich.style import Style
from textual.app import App
from textual.color import Color

from stackview.models import StatusFamily

#: stackview variable -> the theme colour it defaults to.
VARIABLE_SOURCES: dict[str, str] = {
    "sv-status-complete": "success",
    "sv-status-in-progress": "accent",
    "sv-status-failed": "error",
    "sv-status-rollback": "warning",
    "sv-status-deleted": "foreground-muted",
    "sv-status-other": "foreground",
    "sv-level-error": "error",
    "sv-level-warn": "warning",
    "sv-level-info": "foreground",
    "sv-level-debug": "foreground-muted",
    "sv-log-time": "foreground-muted",
    "sv-log-function": "secondary",
    "sv-log-report": "foreground-muted",
    "sv-log-highlight": "accent",
    "sv-alias-primary": "primary",
    "sv-alias-additional": "accent",
    "sv-badge-throttled": "error",
    "sv-badge-read-only": "warning",
    "sv-health-alarm": "error",
    "sv-health-spark": "secondary",
    "sv-muted": "foreground-muted",
}

STATUS_VARIABLE = {
    StatusFamily.COMPLETE: "sv-status-complete",
    StatusFamily.IN_PROGRESS: "sv-status-in-progress",
    StatusFamily.FAILED: "sv-status-failed",
    StatusFamily.ROLLBACK: "sv-status-rollback",
    StatusFamily.DELETED: "sv-status-deleted",
    StatusFamily.OTHER: "sv-status-other",
}


def variable_defaults(generated: dict[str, str]) -> dict[str, str]:
    """Defaults for stackview's variables, given the theme's generated colour system."""
    return {name: generated.get(source, "") for name, source in VARIABLE_SOURCES.items()}


@lru_cache(maxsize=512)
def _resolve(value: str, background: str, bold: bool) -> Style:
    try:
        color = Color.parse(value)
    except Exception:  # noqa: BLE001 - an unusable value falls back to the default colour
        return Style(bold=bold)
    if color.a < 1:
        try:
            color = Color.parse(background).blend(color, color.a).with_alpha(1)
        except Exception:  # noqa: BLE001
            color = color.with_alpha(1)
    return Style(color=color.rich_color, bold=bold)


def style_for(app: App, variable: str, *, bold: bool = False) -> Style:
    """The Rich style of a stackview theme variable under the app's current theme."""
    variables = app.theme_variables
    return _resolve(variables.get(variable, ""), variables.get("background", "#000000"), bold)


def status_style(app: App, family: StatusFamily) -> Style:
    return style_for(app, STATUS_VARIABLE[family], bold=family is StatusFamily.FAILED)
