"""How wide a table's columns may be, so that the Status column (or the table's own choice,
such as a function's reservation) stays on screen.

At 80 columns a stack's Events table (time, logical id, type, status, reason) used to push
Status off the right edge: what a person looks for first was the first thing lost. A table that
has a Status column gives it priority: when the columns up to Status do not fit the table's
width, the widest of the columns before it give up characters first (their values end in "…";
`c` and the detail views still have them whole), none below a floor, and Status itself only
when the others are all at the floor.

Every cell is also capped a little below the terminal's width: Textual measures a cell within
the console's width, so a longer value (a failure reason) would be cut silently, even scrolled
fully right; with the cap it ends in "…" and the user knows there is more.
"""

from __future__ import annotations

from collections.abc import Sequence

PRIORITY = "Status"
#: No column shrinks below this many characters (or its own width, if smaller)...
FLOOR = 10
#: ... or, in a table whose first column names the row (a stack, a function), this for that column:
#: what the row is must stay readable while figures and notes give way.
NAME_FLOOR = 24
#: DataTable draws one blank character on each side of a cell.
PADDING = 2


def fit_widths(natural: Sequence[int], room: int, floor: int = FLOOR, name_floor: int = FLOOR) -> list[int]:
    """Widths no larger than `natural` whose sum is at most `room` if possible: the widest
    column gives up a character first, down to `floor` (`name_floor` for the first column; a
    narrower column keeps its width)."""
    widths = list(natural)
    floors = [name_floor if index == 0 else floor for index in range(len(widths))]
    excess = sum(widths) - room
    while excess > 0:
        candidates = [i for i, width in enumerate(widths) if width > floors[i]]
        if not candidates:
            break
        widest = max(candidates, key=lambda i: (widths[i], -i))
        widths[widest] -= 1
        excess -= 1
    return widths


def column_caps(labels: Sequence[str], natural: Sequence[int], max_widths: Sequence[int | None],
                table_width: int, console_width: int, keep: str = PRIORITY,
                name_floor: int = FLOOR) -> tuple[int | None, ...]:
    """The cap of each column's cells (None: none) for a table `table_width` wide.

    `natural` is each column's widest cell (or label), `max_widths` the table's own caps, `keep`
    the column that must stay on screen (Status, or the table's own choice)."""
    limit = max(console_width - PADDING - 2, FLOOR)
    caps: list[int | None] = [min(cap, limit) if cap else limit for cap in max_widths]
    if keep not in labels or table_width <= 0:
        return tuple(caps)
    kept = labels.index(keep)
    wanted = [min(width, cap) if cap else width for width, cap in zip(natural, caps)]
    room = table_width - PADDING * (kept + 1) - wanted[kept]
    fitted = fit_widths(wanted[:kept], room, name_floor=name_floor)
    for index, width in enumerate(fitted):
        if width < wanted[index]:
            caps[index] = width
    # When the others are down to the floor and it still does not fit (a 44-character status at
    # 60 columns), the kept column ends in "…" at the edge rather than under the scrollbar.
    left = table_width - PADDING * (kept + 1) - sum(fitted)
    if wanted[kept] > left:
        caps[kept] = max(left, FLOOR)
    return tuple(caps)
