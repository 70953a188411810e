"""Canary health: how each version behind a weighted alias is doing, from CloudWatch's
`ExecutedVersion` dimension (Lambda publishes Invocations, Errors and Duration per version an
alias resolved to).

The decision to promote a canary or roll it back is made on these figures: errors and error %
of the new version next to the old one's over the same window, and their durations. Texts are
here (pure) so the Aliases tab, the alias dialogs and tests say the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

#: Fewer invocations than this through a version: its error rate says nothing yet.
MIN_SAMPLE = 10


@dataclass(frozen=True)
class VersionHealth:
    """One version's figures over the window (through the alias)."""

    version: str
    weight_percent: float  # the share of the alias' traffic it is configured to get
    invocations: float = 0.0
    errors: float = 0.0
    duration_avg: float | None = None  # ms; None: no invocation
    duration_max: float | None = None

    @property
    def error_rate(self) -> float | None:
        """Errors per invocation, in percent (None without invocations)."""
        return 100.0 * self.errors / self.invocations if self.invocations else None


@dataclass(frozen=True)
class CanaryHealth:
    """The versions of one alias over [start, end)."""

    function: str
    alias: str
    start: datetime
    end: datetime
    versions: tuple[VersionHealth, ...]

    @property
    def minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)

    @property
    def quiet(self) -> bool:
        """No invocation through the alias in the window: nothing to decide on."""
        return not any(v.invocations for v in self.versions)

    def worst(self) -> VersionHealth | None:
        """The version with the clearly higher error rate (None when they are alike or unknown)."""
        rated = [v for v in self.versions if v.error_rate is not None]
        if len(rated) < 2 or any(v.invocations < MIN_SAMPLE for v in rated):
            return None
        ordered = sorted(rated, key=lambda v: v.error_rate or 0.0, reverse=True)
        first, second = ordered[0], ordered[1]
        if (first.error_rate or 0) > 2 * (second.error_rate or 0) and (first.error_rate or 0) - (second.error_rate or 0) >= 1:
            return first
        return None


def _ms(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:,.0f} ms" if value >= 100 else f"{value:,.1f} ms"


def _count(value: float, noun: str) -> str:
    return f"{value:,.0f} {noun}" + ("" if value == 1 else "s")


def version_text(health: VersionHealth) -> str:
    """`v5 (10%): 120 invocations, 14 errors (11.7%), avg 230 ms, max 900 ms`."""
    rate = "-" if health.error_rate is None else f"{health.error_rate:.1f}%"
    return (f"v{health.version} ({health.weight_percent:g}%): {_count(health.invocations, 'invocation')}, "
            f"{_count(health.errors, 'error')} ({rate}), avg {_ms(health.duration_avg)}, "
            f"max {_ms(health.duration_max)}")


def canary_lines(health: CanaryHealth) -> list[str]:
    """One line per version, then a verdict line when one version clearly fails more."""
    lines = [version_text(v) for v in health.versions]
    if health.quiet:
        lines.append(f"no invocation through {health.alias} in the last {health.minutes} min: nothing to compare")
        return lines
    few = [v for v in health.versions if v.invocations < MIN_SAMPLE]
    if few:
        lines.append("too few invocations to compare the error rates of " +
                     " and ".join(f"v{v.version}" for v in few) + f" (fewer than {MIN_SAMPLE})")
        return lines
    worst = health.worst()
    if worst is not None:
        lines.append(f"v{worst.version} fails more often than the other version")
    return lines
