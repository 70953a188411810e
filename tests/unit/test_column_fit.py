"""Column widths at narrow widths: the Status column (or the table's choice) stays on screen."""

from __future__ import annotations

from stackview.widgets.column_fit import FLOOR, column_caps, fit_widths

EVENTS = ("Time", "Logical ID", "Type", "Status", "Reason")


def test_the_widest_column_gives_way_first_down_to_the_floor() -> None:
    assert fit_widths([30, 12, 20], 50) == [19, 12, 19]
    assert fit_widths([30, 12, 20], 40) == [14, 12, 14]
    assert fit_widths([30, 12, 20], 10) == [FLOOR, FLOOR, FLOOR]
    assert fit_widths([4, 30], 10) == [4, FLOOR]  # a narrow column keeps its width
    assert fit_widths([5, 6], 100) == [5, 6]


def test_status_stays_on_screen_at_80_columns() -> None:
    natural = [29, 25, 26, 24, 120]
    caps = column_caps(EVENTS, natural, [None, 32, 30, None, None], table_width=76, console_width=80)
    shown = [min(n, c) if c else n for n, c in zip(natural, caps)]
    assert shown[3] == 24  # Status whole
    assert sum(w + 2 for w in shown[:4]) <= 76  # ... and within the table's width
    assert caps[4] == 80 - 4  # every cell capped below the console width: "…", never a silent cut


def test_wide_tables_and_tables_without_status_keep_their_own_caps() -> None:
    natural = [29, 25, 26, 24, 60]
    assert column_caps(EVENTS, natural, [None, 32, 30, None, None], 200, 200) == (196, 32, 30, 196, 196)
    assert column_caps(("A", "B"), [50, 50], [20, None], 30, 100) == (20, 96)
    assert column_caps(EVENTS, natural, [None] * 5, 0, 100)[3] == 96  # not laid out yet


def test_the_kept_column_ends_at_the_edge_when_nothing_else_can_give() -> None:
    caps = column_caps(EVENTS, [29, 25, 26, 44, 10], [None] * 5, table_width=56, console_width=60)
    assert caps[:3] == (FLOOR, FLOOR, FLOOR) and caps[3] == 56 - 8 - 3 * FLOOR


def test_another_column_can_be_kept() -> None:
    labels = ("Function", "Logical ID", "Runtime", "Reserved", "Note")
    caps = column_caps(labels, [30, 30, 10, 9, 40], [None] * 5, 50, 100, keep="Reserved")
    assert caps[3] == 96 and sum(min(n, c) + 2 for n, c in zip([30, 30, 10, 9], caps)) <= 50


def test_a_name_column_keeps_a_readable_width() -> None:
    """In the stacks and functions tables the first column names the row: figures give way first."""
    from stackview.widgets.column_fit import NAME_FLOOR

    labels = ("Stack", "Alarms", "Trend", "Most errors", "Status")
    natural = [30, 10, 15, 26, 24]
    plain = column_caps(labels, natural, [None] * 5, 80, 120)
    named = column_caps(labels, natural, [None] * 5, 80, 120, name_floor=NAME_FLOOR)
    assert plain[0] is not None and plain[0] < NAME_FLOOR
    assert named[0] == NAME_FLOOR and named[3] < plain[3]
