"""Reversed, bold labels in a theme colour (THROTTLED, READ-ONLY), and the table cells using them."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.app import App

from stackview.models.functions import reservation_text
from stackview.widgets.literal import literal_text
from stackview.widgets.styles import style_for


def badge(app: App, text: str, variable: str) -> Text:
    """A reversed, bold label in the theme colour `variable`."""
    return Text(f" {text} ", style=style_for(app, variable, bold=True) + Style(reverse=True), end="")


def reservation_cell(app: App, value: int | None, known: bool = True) -> Text:
    """The reserved concurrency as a table cell: `none`, `5`, or `0 THROTTLED` with the badge."""
    if not known:
        return literal_text("?", style_for(app, "sv-muted"))
    if value == 0:
        text = Text("0 ", end="")
        text.append_text(badge(app, "THROTTLED", "sv-badge-throttled"))
        return text
    return literal_text(reservation_text(value), style_for(app, "sv-muted") if value is None else "")
