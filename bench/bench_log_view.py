"""Log view costs: append a 10,000-event batch, re-filter 100,000 events, context around
matches, memory at 100,000.

    python3 bench/bench_log_view.py

Runs the real LogView inside a headless app (160x50), fed through the tail engine's EventBuffer,
with the Lambda line formatter. "append" = buffer.append_batch + view.refresh_rows + rendering
every visible line (what one paint after a delivered batch costs); "re-filter" = set_matcher +
rendering the visible lines. Peak RSS is the process's maximum resident size after 100,000
events are buffered and shown (ru_maxrss), minus the same figure measured before the buffer fills.
"""

from __future__ import annotations

import asyncio
import resource
import statistics
import time
from datetime import datetime, timezone

from textual.app import App, ComposeResult

from stackview.logs.buffer import EventBuffer
from stackview.logs.filter_pattern import compile_pattern
from stackview.logs.parse import LogParser
from stackview.models import LogEvent
from stackview.widgets.log_format import LambdaLineFormatter
from stackview.widgets.log_view import LogView
from stackview.widgets.styles import variable_defaults

FUNCTIONS = [f"orders-api-Function{n}" for n in range(6)]


def events(count: int, start: int, t0: int) -> list[LogEvent]:
    out = []
    for n in range(start, start + count):
        rid = f"{n:08x}-1c2d-4e5f-8a9b-0c1d2e3f4a5b"
        kind = n % 6
        if kind == 0:
            message = f"START RequestId: {rid} Version: $LATEST\n"
        elif kind == 1:
            message = f"[INFO]\t2026-11-23T10:00:00.000Z\t{rid}\tProcessed order {n} for customer c-{n % 977} in {n % 90} ms\n"
        elif kind == 2:
            message = (f'{{"level":"INFO","message":"order accepted","service":"orders","cold_start":false,'
                       f'"function_request_id":"{rid}","order_id":"o-{n}","latency_ms":{n % 1500}}}')
        elif kind == 3:
            message = (f"[ERROR]\t2026-11-23T10:00:00.000Z\t{rid}\tPayment declined for order {n}\n"
                       if n % 12 == 3 else f"[WARNING]\t2026-11-23T10:00:00.000Z\t{rid}\tslow downstream\n")
        elif kind == 4:
            message = f"END RequestId: {rid}\n"
        else:
            message = (f"REPORT RequestId: {rid}\tDuration: {n % 900}.12 ms\tBilled Duration: {n % 900 + 1} ms\t"
                       f"Memory Size: 256 MB\tMax Memory Used: 81 MB\t\n")
        group = f"/aws/lambda/{FUNCTIONS[n % len(FUNCTIONS)]}"
        out.append(LogEvent(t0 + n, t0 + n + 5, group, "2026/11/23/[$LATEST]abc", str(n), message))
    return out


class BenchApp(App):
    def __init__(self) -> None:
        super().__init__()
        self.clock = lambda: datetime.now(timezone.utc)
        self.buffer: EventBuffer = EventBuffer(100_000)

    def get_theme_variable_defaults(self) -> dict[str, str]:
        return variable_defaults(self.current_theme.to_color_system().generate())

    def compose(self) -> ComposeResult:
        formatter = LambdaLineFormatter(self, LogParser(), function_width=24)
        yield LogView(self.buffer, formatter)


def paint(view: LogView) -> None:
    for y in range(view.size.height):
        view.render_line(y)


async def main() -> None:
    app = BenchApp()
    t0 = int(time.time() * 1000) - 3_600_000
    async with app.run_test(size=(160, 50)) as pilot:
        view = app.query_one(LogView)
        await pilot.pause()
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        appends = []
        for batch in range(10):
            chunk = events(10_000, batch * 10_000, t0)
            started = time.perf_counter()
            app.buffer.append_batch(chunk)
            view.refresh_rows()
            paint(view)
            appends.append((time.perf_counter() - started) * 1000)
            await pilot.pause()
        rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        refilters = []
        for pattern in ("ERROR", "order", '"Payment declined"', ""):
            started = time.perf_counter()
            view.set_matcher(compile_pattern(pattern) if pattern else None)
            paint(view)
            refilters.append((pattern, (time.perf_counter() - started) * 1000, view.row_count))
        # Context: 3 lines of the same stream around each ERROR match (grep -C 3).
        view.set_matcher(compile_pattern("ERROR"))
        started = time.perf_counter()
        view.set_context(3)
        paint(view)
        context_ms, context_rows = (time.perf_counter() - started) * 1000, view.row_count
        context_full = []
        for batch in range(16, 19):
            chunk = events(10_000, batch * 10_000, t0)
            await pilot.pause()
            started = time.perf_counter()
            app.buffer.append_batch(chunk)
            view.refresh_rows()
            paint(view)
            context_full.append((time.perf_counter() - started) * 1000)
        view.set_context(0)
        view.set_matcher(None)
        wrap_started = time.perf_counter()
        view.set_wrap(True)
        paint(view)
        wrap_ms = (time.perf_counter() - wrap_started) * 1000
        # Appending into a full buffer (the oldest are dropped): the steady state of a long tail.
        view.set_wrap(False)
        full = []
        for batch in range(10, 16):
            chunk = events(10_000, batch * 10_000, t0)
            await pilot.pause()
            started = time.perf_counter()
            app.buffer.append_batch(chunk)
            view.refresh_rows()
            paint(view)
            full.append((time.perf_counter() - started) * 1000)

    print(f"append 10,000-event batch: median {statistics.median(appends):.1f} ms, max {max(appends):.1f} ms")
    print(f"append 10,000 into a full buffer (drops 10,000): median {statistics.median(full):.1f} ms, max {max(full):.1f} ms")
    for pattern, ms, rows in refilters:
        print(f"re-filter 100,000 with {pattern or '(none)'!r}: {ms:.1f} ms -> {rows} rows")
    print(f"context 3 around ERROR over 100,000: {context_ms:.1f} ms -> {context_rows} rows; "
          f"append 10,000 into a full buffer with it: median {statistics.median(context_full):.1f} ms")
    print(f"wrap on, 100,000 rows (heights for every row): {wrap_ms:.1f} ms")
    print(f"peak RSS: {rss_after / 1024:.0f} MB (+{(rss_after - rss_before) / 1024:.0f} MB for 100,000 events)")


if __name__ == "__main__":
    asyncio.run(main())
