"""Printing AWS values and audit entries on a terminal without letting them drive it.

Function names are tame, but error messages, tag values and audit lines written by older or
other tools can hold escape sequences; printed raw, an ESC sequence could rewrite the screen
or the window title, and a bidirectional override could make a line read differently from what
it holds. Those characters are shown as visible escapes instead (`\\x1b`, `\\u202e`): the rule
is `stackview.models.controls`, the same as the screen's and `stackview logs`'.
"""

from __future__ import annotations

from stackview.models.controls import escape_controls


def clean(text: object) -> str:
    """`text` with every control character (tab and newline aside) shown as `\\xNN`."""
    return escape_controls(str(text))


def one_line(text: object) -> str:
    """Like clean(), and newlines and tabs become spaces (one entry, one line)."""
    return clean(str(text).replace("\r", " ").replace("\n", " ").replace("\t", " "))
