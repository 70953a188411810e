"""The traffic split of an alias, drawn as a bar: main version and second version, each with its
percentage, in the theme's alias colours.

During a canary the question is "how much traffic goes where"; a number alone (0.1) is easy to
misread as 1% or 10%, so both versions are named with their share and the bar shows the ratio.
The two parts also use different block characters, so the split reads on a monochrome terminal.
"""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from stackview.models.functions import Alias
from stackview.widgets.literal import literal_text
from stackview.widgets.styles import style_for

PRIMARY_BLOCK = "█"
ADDITIONAL_BLOCK = "▒"
#: Width of the bar inside a table cell.
CELL_WIDTH = 20


def _percent(value: float) -> str:
    return f"{value:g}%"


def split_cells(alias: Alias, width: int) -> tuple[int, int]:
    """Cells of the bar for (main, second) version. A non-zero share always gets at least one
    cell (10% of a narrow bar must not vanish) and never all of them."""
    if width <= 0:
        return 0, 0
    if not alias.is_weighted or alias.additional_weight <= 0:
        return width, 0
    if alias.additional_weight >= 1:
        return 0, width
    second = round(width * alias.additional_weight)
    second = min(max(second, 1), width - 1) if width > 1 else second
    return width - second, second


def alias_bar(app, alias: Alias, width: int = CELL_WIDTH) -> Text:
    """`v4 90% ██████████████████▒▒ v5 10%` (just `v3 100% ████` without a second version)."""
    primary = style_for(app, "sv-alias-primary")
    additional = style_for(app, "sv-alias-additional")
    text = Text(end="")
    text.append_text(literal_text(f"v{alias.function_version} {_percent(alias.primary_percent)} ", primary))
    main_cells, second_cells = split_cells(alias, width)
    text.append(PRIMARY_BLOCK * main_cells, style=primary)
    text.append(ADDITIONAL_BLOCK * second_cells, style=additional)
    if alias.is_weighted:
        text.append_text(literal_text(
            f" v{alias.additional_version} {_percent(alias.additional_percent)}", additional))
    return text


def routing_text(alias: Alias) -> str:
    """The split in words, for notifications and dialogs: `v4 90% + v5 10%`."""
    text = f"v{alias.function_version} {_percent(alias.primary_percent)}"
    if alias.is_weighted:
        text += f" + v{alias.additional_version} {_percent(alias.additional_percent)}"
    return text


class AliasBar(Widget):
    """One alias' split at the widget's full width, with its name; empty when no alias is set."""

    DEFAULT_CSS = "AliasBar { height: 1; padding: 0 1; }"

    alias: reactive[Alias | None] = reactive(None)

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self.refresh())

    def render(self) -> Text:
        alias = self.alias
        if alias is None:
            return Text("")
        label = literal_text(f"{alias.name}  ", "bold")
        # The labels around the bar take about 20 cells; the bar gets the rest.
        width = max(self.content_size.width - len(label) - 22, 4)
        label.append_text(alias_bar(self.app, alias, width))
        return label
