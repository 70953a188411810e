"""Canary figures in words, and which version (if any) clearly fails more."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from stackview.models.canary import CanaryHealth, VersionHealth, canary_lines, version_text

T0 = datetime(2026, 11, 23, 10, tzinfo=timezone.utc)


def health(*versions: VersionHealth) -> CanaryHealth:
    return CanaryHealth("fn", "live", T0, T0 + timedelta(minutes=15), versions)


def test_version_text() -> None:
    assert version_text(VersionHealth("5", 10, 120, 14, 230.4, 912)) == (
        "v5 (10%): 120 invocations, 14 errors (11.7%), avg 230 ms, max 912 ms")
    assert version_text(VersionHealth("4", 90)) == "v4 (90%): 0 invocations, 0 errors (-), avg -, max -"
    assert version_text(VersionHealth("4", 87.5, 3, 0, 12.25, 20.0)) == (
        "v4 (87.5%): 3 invocations, 0 errors (0.0%), avg 12.2 ms, max 20.0 ms")


def test_the_worse_version_is_named_only_when_clearly_worse() -> None:
    old, new = VersionHealth("4", 90, 1000, 8, 100, 200), VersionHealth("5", 10, 100, 12, 100, 200)
    assert health(old, new).worst() is new
    assert canary_lines(health(old, new))[-1] == "v5 fails more often than the other version"
    alike = VersionHealth("5", 10, 100, 1, 100, 200)
    assert health(old, alike).worst() is None and len(canary_lines(health(old, alike))) == 2
    assert health(old, VersionHealth("5", 10)).worst() is None  # no traffic yet: nothing to say
    # One failure out of 2 is no evidence: too few invocations to compare.
    few = health(old, VersionHealth("5", 10, 2, 1, 100, 200))
    assert few.worst() is None
    assert canary_lines(few)[-1] == "too few invocations to compare the error rates of v5 (fewer than 10)"
    assert version_text(VersionHealth("5", 10, 1, 1, 1.0, 1.0)).startswith("v5 (10%): 1 invocation, 1 error (100.0%)")


def test_quiet() -> None:
    quiet = health(VersionHealth("4", 90), VersionHealth("5", 10))
    assert quiet.quiet and quiet.minutes == 15
    assert canary_lines(quiet)[-1] == "no invocation through live in the last 15 min: nothing to compare"
