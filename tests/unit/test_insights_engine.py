"""The demo world's Logs Insights engine over events built here: discovered fields, filters,
parse, stats, sort, dedup, results as AWS prints them, statistics, stopping and pacing."""

from __future__ import annotations

import json
import random

import pytest

from stackview.demo.server.insights import engine
from stackview.demo.server.insights.fields import Event, Record
from stackview.demo.server.insights.parser import parse_query

T0 = 1_767_225_600_000  # 2026-01-01 00:00:00.000 UTC
GROUP = "/aws/lambda/shop"


def rid(n: int) -> str:
    return f"{n:08x}-1111-2222-3333-{n:012x}"


def event(offset_ms: int, message: str, stream: str = "2026/01/01/[$LATEST]a", n: int = 0,
          group: str = GROUP) -> Event:
    return Event(T0 + offset_ms, T0 + offset_ms + 5, message, stream, group, f"{n:056d}")


def report(n: int, duration: float, used: int, init: float | None = None) -> str:
    parts = [f"REPORT RequestId: {rid(n)}", f"Duration: {duration:.2f} ms",
             f"Billed Duration: {int(duration) + 1} ms", "Memory Size: 128 MB",
             f"Max Memory Used: {used} MB"]
    if init is not None:
        parts.append(f"Init Duration: {init:.2f} ms")
    return "\t".join(parts) + "\t\n"


def world() -> list[Event]:
    """Ten invocations: START, an app line (an error every third), REPORT; one cold start."""
    events = []
    for n in range(10):
        base = n * 60_000
        events.append(event(base, f"START RequestId: {rid(n)} Version: $LATEST\n", n=3 * n))
        level = "ERROR" if n % 3 == 0 else "INFO"
        events.append(event(base + 10, f"[{level}]\t2026-01-01T00:00:00.000Z\t{rid(n)}\torder o-{n} "
                                       f"took {n * 10} ms\n", n=3 * n + 1))
        events.append(event(base + 20, report(n, 10.5 + n, 40 + n, init=250.25 if n == 0 else None),
                            n=3 * n + 2))
    return events


def rows(query: str, events: list[Event] | None = None, **options) -> list[dict[str, str]]:
    newest_first = sorted(world() if events is None else events, key=lambda e: e.timestamp, reverse=True)
    found = engine.run(parse_query(query), newest_first, **options)
    return [dict(row) for row in found]


def test_lambda_report_fields_are_discovered_as_insights_reports_them():
    found = rows('filter @type = "REPORT" | fields @requestId, @duration, @billedDuration, '
                 '@memorySize, @maxMemoryUsed, @initDuration | sort @timestamp asc | limit 2')
    assert found[0] == {"@requestId": rid(0), "@duration": "10.5", "@billedDuration": "11",
                        "@memorySize": "128000000", "@maxMemoryUsed": "40000000",
                        "@initDuration": "250.25", "@ptr": found[0]["@ptr"]}
    assert "@initDuration" not in found[1]  # warm start: no value, no field


def test_json_platform_records_give_the_same_fields():
    record = {"time": "2026-01-01T00:00:00.000Z", "type": "platform.report", "record": {
        "requestId": rid(7), "status": "success", "metrics": {
            "durationMs": 12.5, "billedDurationMs": 13, "memorySizeMB": 256, "maxMemoryUsedMB": 70,
            "initDurationMs": 300.5}, "tracing": {"type": "X-Amzn-Trace-Id",
                                                  "value": "Root=1-abc-def;Parent=1;Sampled=1"}}}
    fields = Record(event(0, json.dumps(record))).discovered()
    assert fields["@type"] == "REPORT" and fields["@requestId"] == rid(7)
    assert (fields["@duration"], fields["@billedDuration"]) == (12.5, 13)
    assert (fields["@memorySize"], fields["@maxMemoryUsed"]) == (256_000_000, 70_000_000)
    assert fields["@initDuration"] == 300.5 and fields["@xrayTraceId"] == "1-abc-def"
    assert fields["record.metrics.durationMs"] == 12.5 and fields["type"] == "platform.report"


def test_json_messages_give_fields_by_dotted_path():
    message = json.dumps({"level": "ERROR", "cold_start": True, "order": {"id": "o-1", "total": 12.5},
                          "items": [{"sku": "A"}, {"sku": "B"}], "none": None})
    found = rows("fields level, cold_start, order.id, order.total, items.1.sku, none",
                 [event(0, message)])
    assert found == [{"level": "ERROR", "cold_start": "1", "order.id": "o-1", "order.total": "12.5",
                      "items.1.sku": "B", "@ptr": found[0]["@ptr"]}]
    prefixed = Record(event(0, f"2026-01-01T00:00:00.000Z\t{rid(1)}\tINFO\t" + json.dumps({"a": 1})))
    assert prefixed.get("a") == 1 and prefixed.get("@requestId") == rid(1)
    wide = Record(event(0, json.dumps({f"k{i}": i for i in range(250)})))
    assert wide.get("k199") == 199 and wide.get("k200") is None  # 200 fields at most


def test_filters_compare_as_insights_does():
    assert len(rows('filter @message like "ERROR"')) == 4
    assert len(rows("filter @message like /(?i)error/")) == 4
    assert len(rows("filter @message =~ /o-[12] /")) == 2
    assert len(rows("filter @duration > 15")) == 5 and len(rows('filter @duration >= "15.5"')) == 5
    assert len(rows('filter @type in ["START", "REPORT"]')) == 20
    assert len(rows('filter @type not in ["START", "REPORT"]')) == 10  # no @type: not in the list
    assert len(rows('filter @type != "REPORT"')) == 20  # no @type counts as different
    assert len(rows("filter ispresent(@initDuration)")) == 1
    assert len(rows("filter not ispresent(@type)")) == 10
    assert len(rows('filter @type = "REPORT" and (@duration < 12 or @duration > 19)')) == 3


def test_parse_sets_fields_and_lets_other_events_through():
    found = rows('parse @message "order * took * ms" as order, took | filter ispresent(order) '
                 '| fields order, took * 2 as double | sort double desc | limit 2')
    assert [(r["order"], r["double"]) for r in found] == [("o-9", "180"), ("o-8", "160")]
    everything = rows('parse @message "order * took" as order')
    assert len(everything) == 30 and sum("order" in r for r in everything) == 10
    by_regex = rows(r"parse @message /order (?<order>o-\d+) took (?<took>\d+)/ | filter took >= 80")
    assert sorted(r["order"] for r in by_regex) == ["o-8", "o-9"]


def test_stats_aggregates_match_the_events():
    found = rows('filter @type = "REPORT" | stats count(*) as n, count(@initDuration) as cold, '
                 "sum(@billedDuration) as billed, avg(@duration) as mean, min(@duration), "
                 "max(@maxMemoryUsed / 1000 / 1000) as mem, pct(@duration, 90) as p90, "
                 "count_distinct(@requestId) as ids, min(@timestamp) as first")
    durations = [10.5 + n for n in range(10)]
    assert found == [{"n": "10", "cold": "1", "billed": str(sum(int(d) + 1 for d in durations)),
                      "mean": "15", "min(@duration)": "10.5", "mem": "49",
                      "p90": "18.5", "ids": "10", "first": "2026-01-01 00:00:00.020"}]


def test_stats_by_bin_and_fields_with_names_as_written():
    found = engine.run(parse_query('filter @message like "ERROR" | stats count(*) by bin(2m)'), world())
    assert found == [[("bin(2m)", "2026-01-01 00:00:00.000"), ("count(*)", "1")],
                     [("bin(2m)", "2026-01-01 00:02:00.000"), ("count(*)", "1")],
                     [("bin(2m)", "2026-01-01 00:06:00.000"), ("count(*)", "1")],
                     [("bin(2m)", "2026-01-01 00:08:00.000"), ("count(*)", "1")]]


def test_stats_expressions_over_aliases_then_later_commands():
    found = rows('filter @type = "REPORT" | stats max(@memorySize / 1000 / 1000) as size, '
                 "max(@maxMemoryUsed / 1000 / 1000) as used, size - used as spare")
    assert found == [{"size": "128", "used": "49", "spare": "79"}]
    levels = rows('parse @message "[*]" as level | filter ispresent(level) '
                  "| stats count(*) as n by level | filter n > 4 | sort n desc")
    assert levels == [{"level": "INFO", "n": "6"}]
    twice = rows('filter @type = "REPORT" | stats avg(@duration) as d by bin(5m) as b '
                 "| stats max(d) as worst, count(*) as buckets")
    assert twice == [{"worst": "17.5", "buckets": "2"}]


def test_sort_is_natural_with_text_before_numbers():
    documented = ["!:", "#", "*%04", "0#", "5A", "111A", "2345_", "@", "@_", "A", "A9876fghj",
                  "a12345hfh", "0", "01", "1", "2", "3"]  # AWS's own example, in order
    shuffled = documented[:]
    random.Random(3).shuffle(shuffled)
    events = [event(i, json.dumps({"v": value}), n=i) for i, value in enumerate(shuffled)]
    ordered = [r["v"] for r in rows("fields v | sort v asc", events)]
    assert ordered == documented
    assert [r["v"] for r in rows("fields v | sort v desc", events)] == ordered[::-1]


def test_sort_keys_in_order_missing_values_last_either_way():
    found = rows("fields @initDuration, @duration | sort @initDuration desc, @duration desc | limit 3")
    assert [r.get("@initDuration") for r in found] == ["250.25", None, None]
    assert found[1]["@duration"] == "19.5"
    ascending = rows("fields @duration | sort @duration asc")
    assert ascending[0]["@duration"] == "10.5" and "@duration" not in ascending[-1]


def test_dedup_limit_display_and_default_fields():
    deduped = rows('fields @type | dedup @type')  # unsorted: newest first, as AWS does
    assert [r.get("@type") for r in deduped][:3] == ["REPORT", None, "START"]  # None: never a duplicate
    assert len(deduped) == 12  # START, REPORT, and the 10 lines without a @type
    shown = rows('filter @type = "START" | fields @requestId, @logStream | display @requestId | limit 1')
    assert list(shown[0]) == ["@requestId", "@ptr"]
    default = rows("filter @message like /o-3 /")
    assert list(default[0]) == ["@timestamp", "@message", "@ptr"]
    assert default[0]["@timestamp"] == "2026-01-01 00:03:00.010"


def test_pointers_lead_back_to_their_event():
    found = rows('filter @type = "START" | sort @timestamp asc | limit 1')
    assert engine.read_pointer(found[0]["@ptr"]) == ("123456789012", GROUP, "2026/01/01/[$LATEST]a", f"{0:056d}")
    assert engine.read_pointer("not a pointer") is None


def test_results_are_capped_and_a_limit_stops_the_scan():
    assert len(rows("fields @message", limit=7)) == 7
    progress = engine.Progress()
    events = [event(i, f"line {i}\n", n=i) for i in range(5000)]
    assert len(rows("filter @message like /line/ | limit 3", events, progress=progress)) == 3
    assert progress.records_scanned == 3 and progress.records_matched == 3


def test_statistics_count_scanned_matched_and_bytes():
    progress = engine.Progress()
    events = world()
    rows('filter @type = "REPORT" | stats count(*)', events, progress=progress)
    assert progress.records_scanned == 30 and progress.records_matched == 10
    assert progress.bytes_scanned == sum(len(e.message.encode()) for e in events)


def test_a_stopped_query_ends_cancelled():
    progress = engine.Progress()
    progress.stop.set()
    with pytest.raises(engine.Cancelled):
        rows("stats count(*)", [event(i, "x", n=i) for i in range(engine.CHUNK)], progress=progress)


def test_pacing_waits_on_the_clock_to_scan_at_the_rate():
    now = [0.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    events = [event(i, "x", n=i) for i in range(5 * engine.CHUNK)]
    rows("stats count(*)", events, rate=1000, sleep=sleep, clock=lambda: now[0])
    assert len(slept) == 5 and sum(slept) == pytest.approx(5.0)


def test_without_sort_the_newest_come_first():
    found = rows("filter @message like /order/ | limit 3")
    assert [r["@timestamp"] for r in found] == ["2026-01-01 00:09:00.010", "2026-01-01 00:08:00.010",
                                                "2026-01-01 00:07:00.010"]
