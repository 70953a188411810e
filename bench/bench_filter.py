"""Throughput of the local filter-pattern matcher on realistic Lambda log lines.

Not part of the test run. Run from the repository root:  python3 bench/bench_filter.py
Prints messages/s for each pattern family (single core, `Matcher.matches` called once per message)
and the time to re-filter 100,000 buffered events with `Matcher.filter`.
"""

from __future__ import annotations

import json
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from stackview.logs.filter_pattern import compile_pattern  # noqa: E402

SEED = 7
ROUNDS = 5


def _request_id(rng: random.Random) -> str:
    h = "%032x" % rng.getrandbits(128)
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def text_lines(count: int) -> list[str]:
    """Plain Lambda lines (runtime START/END/REPORT, logging-module lines, prints), ~100-200 chars."""
    rng = random.Random(SEED)
    out = []
    for i in range(count):
        rid = _request_id(rng)
        ts = f"2024-05-01T12:{i // 600 % 60:02d}:{i // 10 % 60:02d}.{i % 1000:03d}Z"
        kind = rng.random()
        if kind < 0.15:
            line = f"START RequestId: {rid} Version: $LATEST\n"
        elif kind < 0.30:
            line = f"END RequestId: {rid}\n"
        elif kind < 0.45:
            ms = rng.uniform(1, 900)
            line = (f"REPORT RequestId: {rid}\tDuration: {ms:.2f} ms\t"
                    f"Billed Duration: {int(ms) + 1} ms\tMemory Size: 128 MB\t"
                    f"Max Memory Used: {rng.randint(60, 120)} MB\n")
        elif kind < 0.55:
            line = (f"[ERROR]\t{ts}\t{rid}\tPaymentDeclined: card ending {rng.randint(1000, 9999)} "
                    f"declined for order o-{rng.randint(1, 99999)}\n")
        elif kind < 0.62:
            attempt = rng.randint(1, 3)
            line = f"[WARNING]\t{ts}\t{rid}\tRetrying DynamoDB PutItem after timeout ({attempt}/3)\n"
        else:
            line = (f"[INFO]\t{ts}\t{rid}\tProcessed order o-{rng.randint(1, 99999)} for customer "
                    f"c-{rng.randint(1, 999)} in {rng.randint(5, 400)} ms\n")
        out.append(line)
    return out


def json_lines(count: int) -> list[str]:
    """Powertools-style structured records (one JSON object per event), plus some plain lines."""
    rng = random.Random(SEED)
    out = []
    for i in range(count):
        rid = _request_id(rng)
        if rng.random() < 0.1:
            out.append(f"END RequestId: {rid}\n")
            continue
        level = rng.choice(["INFO", "INFO", "INFO", "WARNING", "ERROR", "DEBUG"])
        record = {
            "level": level,
            "location": f"handler:{rng.randint(10, 200)}",
            "message": rng.choice(["Order processed", "Payment declined", "Cache miss", "Retrying"]),
            "timestamp": f"2024-05-01 12:{i // 60 % 60:02d}:{i % 60:02d},{i % 1000:03d}+0000",
            "service": "orders",
            "cold_start": rng.random() < 0.05,
            "function_name": "orders-api",
            "function_request_id": rid,
            "order_id": f"o-{rng.randint(1, 99999)}",
            "latency_ms": rng.randint(3, 1500),
            "items": [{"sku": f"SKU-{rng.randint(1, 50)}", "qty": rng.randint(1, 4)}
                      for _ in range(rng.randint(1, 3))],
        }
        out.append(json.dumps(record, separators=(",", ":")) + "\n")
    return out


def rate(fn: Callable[[str], bool], messages: list[str]) -> float:
    """Best-of-ROUNDS messages per second for calling `fn` on every message."""
    best = float("inf")
    for _ in range(ROUNDS):
        start = time.perf_counter()
        for message in messages:
            fn(message)
        best = min(best, time.perf_counter() - start)
    return len(messages) / best


def main() -> None:
    text = text_lines(20_000)
    structured = json_lines(20_000)
    avg_text = sum(map(len, text)) / len(text)
    avg_json = sum(map(len, structured)) / len(structured)
    print(f"python {sys.version.split()[0]}; text lines avg {avg_text:.0f} chars, "
          f"JSON records avg {avg_json:.0f} chars")
    cases = [
        ("term pattern", "ERROR", text),
        ("quoted phrase + exclusion", '"Processed order" -"in 5 ms"', text),
        ("?-terms", "?ERROR ?WARNING ?timeout", text),
        ("regex", r"%Duration:\s\d{3,}\.\d+\sms%", text),
        ("JSON equality", '{ $.level = "ERROR" }', structured),
        ("JSON numeric comparison", "{ $.latency_ms > 1000 && $.cold_start IS FALSE }", structured),
        ("JSON wildcard", '{ $.items[*].sku = "SKU-7" }', structured),
        ("space-delimited", "[level = %ERROR%, ts, rid, ...]", text),
    ]
    for label, pattern, messages in cases:
        matcher = compile_pattern(pattern)
        hits = sum(map(matcher.matches, messages))
        per_s = rate(matcher.matches, messages)
        print(f"{label:<28} {per_s:>12,.0f} messages/s   ({hits} of {len(messages)} match)   {pattern}")

    buffer = text_lines(100_000)
    matcher = compile_pattern("ERROR")
    best = float("inf")
    for _ in range(ROUNDS):
        start = time.perf_counter()
        kept = list(matcher.filter(buffer))
        best = min(best, time.perf_counter() - start)
    print(f"re-filter of 100,000 buffered events (term pattern): {best * 1000:.1f} ms "
          f"({len(kept)} kept)")


if __name__ == "__main__":
    main()
