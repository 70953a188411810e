"""Health figures of a function, a stack or the account over a short window ("the last 15 min").

One `Health` per row of the Stacks list, the stack's Functions tab, `:functions` and
`stackview status`: counts (invocations, errors, throttles) summed over the window, a series per
period for the sparkline, and for a single function the duration's maximum and p99 and the
highest concurrency. A stack's health is its functions' health added up (`combine`): counts add,
series add period by period, maxima take the largest; a p99 cannot be combined, so a stack has
none.

`HealthReport` is what one sweep of GetMetricData returned: every function asked for, the
window, and what the sweep cost (calls, metrics), so panels can show the budget's use and the
benchmarks can count.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from stackview.models.alarms import Alarm


@dataclass(frozen=True)
class Health:
    """Figures over one window; `None` where nothing was measured (no invocation: no duration)."""

    invocations: float = 0.0
    errors: float = 0.0
    throttles: float = 0.0
    #: Invocations and errors per period of the window, oldest first (zeros where none).
    invocations_series: tuple[float, ...] = ()
    errors_series: tuple[float, ...] = ()
    duration_max: float | None = None  # milliseconds
    duration_p99: float | None = None  # milliseconds; None where the endpoint gives no percentiles
    concurrency_max: float | None = None
    #: How many functions these figures add up (1 for a function).
    functions: int = 1

    @property
    def error_rate(self) -> float | None:
        """Errors per hundred invocations; None without invocations."""
        return 100.0 * self.errors / self.invocations if self.invocations else None

    def troubled(self, threshold_percent: float) -> bool:
        """The error rate reaches the threshold (with at least one error)."""
        rate = self.error_rate
        return self.errors > 0 and rate is not None and rate >= threshold_percent


def _add(a: tuple[float, ...], b: tuple[float, ...]) -> tuple[float, ...]:
    if len(a) < len(b):
        a, b = b, a
    return tuple(x + (b[i] if i < len(b) else 0.0) for i, x in enumerate(a))


def _largest(values: Iterable[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return max(known) if known else None


def combine(parts: Iterable[Health]) -> Health:
    """Several functions' health as one (a stack's): counts and series add, maxima take the
    largest, p99 is dropped (percentiles do not add up)."""
    parts = list(parts)
    invocations: tuple[float, ...] = ()
    errors: tuple[float, ...] = ()
    for part in parts:
        invocations = _add(invocations, part.invocations_series)
        errors = _add(errors, part.errors_series)
    return Health(
        invocations=sum(p.invocations for p in parts),
        errors=sum(p.errors for p in parts),
        throttles=sum(p.throttles for p in parts),
        invocations_series=invocations,
        errors_series=errors,
        duration_max=_largest(p.duration_max for p in parts),
        duration_p99=None,
        concurrency_max=_largest(p.concurrency_max for p in parts),
        functions=sum(p.functions for p in parts),
    )


@dataclass(frozen=True)
class HealthReport:
    """What one sweep found: health per function over [start, end), `period` seconds per point."""

    start: datetime
    end: datetime
    period: int
    functions: Mapping[str, Health] = field(default_factory=dict)
    #: GetMetricData requests made (pages included) and metric queries sent.
    calls: int = 0
    metrics: int = 0
    #: True: the endpoint gave percentiles; False: it cannot (durations show the maximum);
    #: None: not asked (or nothing was measured).
    percentiles: bool | None = None
    messages: tuple[str, ...] = ()

    @property
    def minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)


@dataclass(frozen=True)
class StackContents:
    """What a stack holds that health is about: its functions (logical id, name), the names of
    its own alarms and of its queues (alarms on them count for the stack)."""

    functions: tuple[tuple[str, str], ...] = ()
    alarms: tuple[str, ...] = ()
    queues: tuple[str, ...] = ()

    @property
    def function_names(self) -> tuple[str, ...]:
        return tuple(name for _, name in self.functions)


@dataclass(frozen=True)
class StacksHealth:
    """One step of a Stacks-list sweep: per stack id, its functions' health added up (None for a
    stack not measured yet), the alarms that concern it, and what the sweep cost."""

    health: Mapping[str, Health | None] = field(default_factory=dict)
    alarms: Mapping[str, tuple[Alarm, ...]] = field(default_factory=dict)
    contents: Mapping[str, StackContents] = field(default_factory=dict)
    report: HealthReport | None = None
    #: ListStackResources calls this sweep, and stacks whose contents are still unknown.
    reads: int = 0
    unmapped: int = 0
    #: Why alarms are missing (DescribeAlarms refused), "" when they are there.
    alarms_error: str = ""


@dataclass(frozen=True)
class AccountPulse:
    """The account at a glance: concurrency against its limit, and what is failing right now."""

    concurrency_max: float | None  # ConcurrentExecutions, highest over the window (all functions)
    limit: int | None  # None: the endpoint has no GetAccountSettings
    unreserved: int | None
    invocations: float
    errors: float
    throttles: float
    alarms_firing: tuple[Alarm, ...] = ()
    #: Where the counts come from: "functions" (every function's added up) or "account"
    #: (Lambda's account-wide metrics, for regions with very many functions).
    counted_from: str = "account"
    #: Functions added up when counted_from is "functions".
    functions: int = 0
    start: datetime | None = None
    end: datetime | None = None
    calls: int = 0


# -- how the figures read (the UI and `stackview status` alike) ----------------------------------
def count_text(value: float | None) -> str:
    """`0`, `1,234`, `12.3k`, `4.5M`; `-` when unknown."""
    if value is None:
        return "-"
    if value < 10_000:
        return f"{value:,.0f}"
    if value < 1_000_000:
        return f"{value / 1000:.1f}k" if value < 100_000 else f"{value / 1000:.0f}k"
    return f"{value / 1_000_000:.1f}M"


def rate_text(rate: float | None) -> str:
    """`0%`, `0.4%`, `12%`, `100%`; `-` without invocations."""
    if rate is None:
        return "-"
    if rate == 0 or rate >= 10:
        return f"{rate:.0f}%"
    return f"{rate:.1f}%"


def ms_text(value: float | None) -> str:
    """`8.2`, `143`, `12,034` (milliseconds, no unit: the column says it); `-` when unmeasured."""
    if value is None:
        return "-"
    return f"{value:.1f}" if value < 100 else f"{value:,.0f}"


SPARK_BLOCKS = "▁▂▃▄▅▆▇█"


def spark(values: tuple[float, ...]) -> str:
    """One block character per value, scaled to the largest (all lowest when all are zero)."""
    top = max(values, default=0.0)
    if top <= 0:
        return SPARK_BLOCKS[0] * len(values)
    last = len(SPARK_BLOCKS) - 1
    return "".join(SPARK_BLOCKS[min(last, round(v / top * last))] for v in values)
