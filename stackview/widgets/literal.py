"""Show untrusted text literally: no Rich markup, no terminal escapes, no control characters.

Log lines and AWS values are data. A `[bold]` in them must appear as the six characters, and an
ESC must never reach the terminal (it could recolour, move the cursor or retitle the window).
Control characters are drawn as Unicode control pictures (ESC shows as ␛), C1 controls and
bidirectional overrides as `\\x9b` / `\\u202e`, so the user still sees that they are there.
Which characters count is `stackview.models.controls`' rule, shared with the text output.
`neutralize` is also what `c` copies: the clipboard gets what the screen shows, never the raw
bytes (a paste into a terminal must not run anything).
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Text

from stackview.models.controls import picture_of, table

_SINGLE_LINE = table(picture_of, keep_newlines=False, tabs="    ")
_MULTI_LINE = table(picture_of, keep_newlines=True, tabs="    ")


def neutralize(value: object, *, keep_newlines: bool = False) -> str:
    """The text of `value` with every control character replaced by a visible stand-in."""
    text = value if isinstance(value, str) else str(value)
    return text.translate(_MULTI_LINE if keep_newlines else _SINGLE_LINE)


def literal_text(
    value: object, style: str | Style = "", *, keep_newlines: bool = False
) -> Text:
    """A Rich Text that displays `value` exactly as data (never parsed as markup)."""
    return Text(neutralize(value, keep_newlines=keep_newlines), style=style, end="")
