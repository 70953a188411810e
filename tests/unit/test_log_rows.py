"""The log view's rows (widgets.log_rows): context around matches per stream, rows merged in
before the end, search hits as positions; and the status line ranked to fit 80 columns."""

from __future__ import annotations

from types import SimpleNamespace

from stackview.logs.tail import TailStats
from stackview.models import LogEvent
from stackview.widgets.log_rows import ContextWindow, RowIndex
from stackview.widgets.logs_status import ViewState, status_text


def event(seq: int, stream: str, message: str) -> LogEvent:
    return LogEvent(seq, seq, "/g", stream, str(seq), message)


def test_context_takes_lines_of_the_same_stream_before_and_after_each_match() -> None:
    events = [event(0, "a", "a0"), event(1, "b", "b1"), event(2, "a", "a2"), event(3, "a", "MATCH"),
              event(4, "b", "b4"), event(5, "a", "a5"), event(6, "a", "a6"), event(7, "a", "a7")]
    window = ContextWindow(2)
    rows = window.feed(0, events, [3])
    assert rows == [(0, True), (2, True), (3, False), (5, True), (6, True)]


def test_context_spans_batches_and_never_repeats_a_line() -> None:
    window = ContextWindow(1)
    first = [event(0, "a", "a0"), event(1, "a", "MATCH"), event(2, "a", "a2")]
    assert window.feed(0, first, [1]) == [(0, True), (1, False), (2, True)]
    second = [event(3, "a", "a3"), event(4, "a", "MATCH"), event(5, "a", "MATCH")]
    assert window.feed(3, second, [1, 2]) == [(3, True), (4, False), (5, False)]
    # The line before a match can come from an earlier batch.
    window = ContextWindow(1)
    assert window.feed(0, [event(0, "a", "before"), event(1, "b", "x")], []) == []
    assert window.feed(2, [event(2, "a", "MATCH")], [0]) == [(0, True), (2, False)]


def test_rows_merged_before_the_end_keep_order_wrap_lines_and_hits() -> None:
    events = {n: event(n, "a", f"line {n}" + (" hit" if n in (2, 6) else "")) for n in range(10)}
    index = RowIndex(wrap=True)
    height = lambda e: 2 if e.timestamp == 2 else 1  # noqa: E731
    is_hit = lambda e: "hit" in e.message  # noqa: E731
    assert index.add([1, 5], [events[1], events[5]], None, height=height, is_hit=is_hit) == 0
    assert index.add([2, 6], [events[2], events[6]], [True, False], height=height, is_hit=is_hit) == 1
    assert [index.seq(r) for r in range(len(index))] == [1, 2, 5, 6]
    assert [index.is_context(r) for r in range(len(index))] == [False, True, False, False]
    assert index.line_count == 5 and index.row_line(2) == (1, 1) and index.first_line_of(2) == 3
    assert index.hit_count == 2 and index.hit_position(1) == 1 and index.hit_position(3) == 2
    assert index.hit_position(0) == 0
    assert index.next_hit(1, 1) == 3 and index.next_hit(3, 1) == 1 and index.next_hit(1, -1) == 3
    assert index.forget_before(5) == (2, 3)
    assert len(index) == 2 and index.hit_count == 1 and index.line_count == 2


def test_the_status_line_keeps_mode_counts_and_filter_at_80_columns() -> None:
    app = SimpleNamespace(theme_variables={})
    stats = TailStats(mode="polling", sampled=False, events_per_s=12.5, delivered=900, dropped=0,
                      duplicates=0, late=0, filtered_out=0, requests=10, throttled=0, backoff=0.0,
                      foreign=3)
    view = ViewState(since="15m", pattern="ERROR", buffered=1234, shown=56, following=False, wrap=True,
                     timestamps="local", search="timeout", search_position=(3, 17), context=2)
    wide = status_text(stats, view, app).plain
    assert "foreign 3" in wide and "time local" in wide and "search timeout 3/17" in wide
    narrow = status_text(stats, view, app, 78).plain
    assert len(narrow) <= 78
    for must in ("paused", "polling", "lines 56/1,234", "filter ERROR", "search timeout 3/17"):
        assert must in narrow
    assert "time local" not in narrow
