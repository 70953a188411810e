"""Reading Insights answers: bins and charts, times, numbers, request ids (pure)."""

from __future__ import annotations

import json

from stackview.logs.insights_results import (
    BinSpec,
    bin_of,
    chart_of,
    insights_time_ms,
    log_group_of,
    number,
    request_id_of,
)
from stackview.models.insights import ResultRow

T0 = insights_time_ms("2026-11-23 10:00:00.000")


def row(**cells: str) -> ResultRow:
    return ResultRow(tuple(cells.items()))


def cells(*pairs: tuple[str, str]) -> ResultRow:
    return ResultRow(tuple(pairs))


def test_insights_times_are_utc() -> None:
    assert T0 == 1_795_428_000_000
    assert insights_time_ms("2026-11-23 10:00:00") == T0
    assert insights_time_ms("2026-11-23T10:00:00.250Z") == T0 + 250
    assert insights_time_ms("soon") is None and insights_time_ms(None) is None


def test_numbers_as_insights_prints_them() -> None:
    assert number("12") == 12.0 and number("1.5e3") == 1500.0
    assert number("abc") is None and number(None) is None and number("nan") is None


def test_bin_of_finds_the_bucket_column_and_width() -> None:
    assert bin_of("filter @type = \"REPORT\" | stats count(*) by bin(5m)") == BinSpec("bin(5m)", 300_000)
    assert bin_of("stats avg(@duration) by bin(1h) as hour, @log") == BinSpec("hour", 3_600_000)
    assert bin_of("stats count(*) by @log, bin( 30s )") == BinSpec("bin( 30s )", 30_000)
    assert bin_of("fields @message | sort @timestamp desc") is None
    assert bin_of("stats count(*) by @log") is None


def test_bin_of_is_not_fooled_by_pipes_in_regexes_strings_or_divisions() -> None:
    query = ('filter @message like /a|b/ and x = "c | d" '
             '| stats max(@memorySize / 1000 / 1000) as mb by bin(10m) | parse @message /x|stats/')
    assert bin_of(query) == BinSpec("bin(10m)", 600_000)
    assert bin_of("fields @duration / 1000 as s | stats sum(s) by bin(1m)") == BinSpec("bin(1m)", 60_000)


def test_chart_fills_empty_buckets_in_time_order() -> None:
    rows = [cells(("bin(5m)", "2026-11-23 10:10:00.000"), ("count(*)", "4")),
            cells(("bin(5m)", "2026-11-23 10:00:00.000"), ("count(*)", "2"))]
    chart = chart_of("stats count(*) by bin(5m)", rows)
    assert chart is not None and len(chart.series) == 1
    series = chart.series[0]
    assert series.label == "count(*)"
    assert series.times_ms == (T0, T0 + 300_000, T0 + 600_000)
    assert series.values == (2.0, 0.0, 4.0)
    assert (series.total, series.peak) == (6.0, 4.0)


def test_chart_draws_one_series_per_value_column_and_other_by_value() -> None:
    query = "stats count(*) as n, avg(@duration) as ms by bin(1m), @log"
    rows = [
        cells(("bin(1m)", "2026-11-23 10:00:00.000"), ("@log", "1:/aws/lambda/a"), ("n", "1"), ("ms", "10.5")),
        cells(("bin(1m)", "2026-11-23 10:01:00.000"), ("@log", "1:/aws/lambda/a"), ("n", "3"), ("ms", "12")),
        cells(("bin(1m)", "2026-11-23 10:01:00.000"), ("@log", "1:/aws/lambda/b"), ("n", "5"), ("ms", "1")),
    ]
    chart = chart_of(query, rows)
    assert chart is not None
    by_label = {s.label: s.values for s in chart.series}
    assert by_label == {
        "n · 1:/aws/lambda/a": (1.0, 3.0), "ms · 1:/aws/lambda/a": (10.5, 12.0),
        "n · 1:/aws/lambda/b": (0.0, 5.0), "ms · 1:/aws/lambda/b": (0.0, 1.0),
    }


def test_no_chart_without_a_bin_or_without_rows() -> None:
    assert chart_of("fields @message", [row(**{"@message": "x"})]) is None
    assert chart_of("stats count(*) by bin(5m)", []) is None
    assert chart_of("stats count(*) by bin(5m)", [row(**{"count(*)": "3"})]) is None


def test_too_many_series_are_counted_not_drawn() -> None:
    rows = [cells(("bin(1m)", "2026-11-23 10:00:00.000"), ("k", f"key-{n}"), ("c", "1")) for n in range(11)]
    chart = chart_of("stats count(*) as c by bin(1m), k", rows)
    assert chart is not None and len(chart.series) == 8 and chart.left_out == 3


def test_request_id_from_fields_or_from_the_message() -> None:
    assert request_id_of(row(**{"@requestId": "r-1", "@message": "x"})) == "r-1"
    assert request_id_of(row(requestId="r-2")) == "r-2"
    assert request_id_of(row(**{"@message": "[ERROR]\t2026-11-23T10:00:00.000Z\tr-3\tboom\n"})) == "r-3"
    assert request_id_of(row(**{"@message": "REPORT RequestId: r-4\tDuration: 1.00 ms\t"})) == "r-4"
    json_line = json.dumps({"level": "ERROR", "message": "declined", "function_request_id": "r-5"})
    assert request_id_of(row(**{"@message": json_line})) == "r-5"
    assert request_id_of(row(**{"@message": "[ERROR] ValueError: no id here"})) is None
    assert request_id_of(row(**{"count(*)": "3"})) is None


def test_log_group_of_reads_the_account_prefix() -> None:
    assert log_group_of(row(**{"@log": "123456789012:/aws/lambda/a"})) == "/aws/lambda/a"
    assert log_group_of(row(**{"@log": "/aws/lambda/a"})) == "/aws/lambda/a"
    assert log_group_of(row(x="1")) is None
