"""Which characters of untrusted text must never reach a terminal or a clipboard, and what shows
in their place: the one rule behind the screen (`widgets.literal`), `stackview logs`' text output
(`logs.output`) and the commands' AWS values (`commands.safe_text`).

Neutralized: C0 controls (ESC, BEL, NUL, CR, backspace ...), DEL, C1 controls (U+0080-U+009F,
CSI among them, which some terminals obey like ESC [), and Unicode's bidirectional embeddings,
overrides and isolates (U+202A-U+202E, U+2066-U+2069), which reorder what follows them on
screen (a "Trojan Source" line can read differently from what it holds). Newlines and tabs are
kept or replaced as each caller needs.

Two ways to show them: `PICTURES` for the screen (C0 as Unicode control pictures, ESC as ␛,
so a person sees something is there) and `ESCAPES` for text and copies (`\\x1b`, `\\u202e`:
plain ASCII a person can read back). Pure: stdlib only.
"""

from __future__ import annotations

import re

TAB, NEWLINE = 0x09, 0x0A
C0 = tuple(range(0x20)) + (0x7F,)
C1 = tuple(range(0x80, 0xA0))
BIDI = tuple(range(0x202A, 0x202F)) + tuple(range(0x2066, 0x206A))
CONTROLS = C0 + C1 + BIDI

#: Any neutralized character except tab and newline (a quick "is there anything to do" check).
CONTROL_RE = re.compile("[" + "".join(re.escape(chr(c)) for c in CONTROLS if c not in (TAB, NEWLINE)) + "]")


def escape_of(code: int) -> str:
    """The ASCII stand-in of one neutralized character: `\\x1b`, `\\x9b`, `\\u202e`."""
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def picture_of(code: int) -> str:
    """The on-screen stand-in: a control picture for C0 and DEL (␛, ␇, ␀, ␡), else the escape."""
    if code < 0x20:
        return chr(0x2400 + code)
    if code == 0x7F:
        return "\u2421"
    return escape_of(code)


def table(stand_in, *, keep_newlines: bool, tabs: str | None) -> dict[int, str]:
    """A `str.translate` table: every control to `stand_in(code)`; newlines kept or not; tabs
    kept (`tabs=None`) or replaced by `tabs`."""
    mapping = {code: stand_in(code) for code in CONTROLS}
    if keep_newlines:
        del mapping[NEWLINE]
    if tabs is None:
        del mapping[TAB]
    else:
        mapping[TAB] = tabs
    return mapping


#: Text output: `\xNN` / `\uNNNN`, tabs and newlines kept.
ESCAPES = table(escape_of, keep_newlines=True, tabs=None)


def escape_controls(text: str) -> str:
    """`text` with every neutralized character as its ASCII escape (tabs and newlines kept)."""
    return text.translate(ESCAPES) if CONTROL_RE.search(text) else text
