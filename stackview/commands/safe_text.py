"""Printing AWS values and audit entries on a terminal without letting them drive it.

Function names are tame, but error messages, tag values and audit lines written by older or
other tools can hold escape sequences; printed raw, an ESC sequence could rewrite the screen
or the window title. Control characters are shown as visible escapes instead.
"""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean(text: object) -> str:
    """`text` with every control character (tab and newline aside) shown as `\\xNN`."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", str(text))


def one_line(text: object) -> str:
    """Like clean(), and newlines and tabs become spaces (one entry, one line)."""
    return clean(str(text).replace("\r", " ").replace("\n", " ").replace("\t", " "))
