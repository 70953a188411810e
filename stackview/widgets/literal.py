"""Show untrusted text literally: no Rich markup, no terminal escapes, no control characters.

Log lines and AWS values are data. A `[bold]` in them must appear as the six characters, and an
ESC must never reach the terminal (it could recolour, move the cursor or retitle the window).
Control characters are drawn as Unicode control pictures (ESC shows as ␛), so the user still
sees that they are there.
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Text

_C0_PICTURES = {code: chr(0x2400 + code) for code in range(0x20)}
_C0_PICTURES[0x7F] = "\u2421"  # DEL
_TAB = 0x09
_NEWLINE = 0x0A


def _table(keep_newlines: bool) -> dict[int, str]:
    table = dict(_C0_PICTURES)
    table[_TAB] = "    "
    if keep_newlines:
        del table[_NEWLINE]
    # C1 controls (U+0080..U+009F) include CSI (U+009B), which some terminals obey like ESC [.
    for code in range(0x80, 0xA0):
        table[code] = f"\\x{code:02x}"
    return table


_SINGLE_LINE = _table(keep_newlines=False)
_MULTI_LINE = _table(keep_newlines=True)


def neutralize(value: object, *, keep_newlines: bool = False) -> str:
    """The text of `value` with every control character replaced by a visible stand-in."""
    text = value if isinstance(value, str) else str(value)
    return text.translate(_MULTI_LINE if keep_newlines else _SINGLE_LINE)


def literal_text(
    value: object, style: str | Style = "", *, keep_newlines: bool = False
) -> Text:
    """A Rich Text that displays `value` exactly as data (never parsed as markup)."""
    return Text(neutralize(value, keep_newlines=keep_newlines), style=style, end="")
