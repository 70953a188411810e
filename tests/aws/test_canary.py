"""Canary health against the demo world, which publishes AWS/Lambda metrics per executed version:
invocations through the alias split between its versions, the failing version's errors are its
own, and durations come out as exact averages."""

from __future__ import annotations

import pytest

from stackview.aws.canary import canary_health
from stackview.aws.functions import get_alias
from stackview.models.canary import MIN_SAMPLE, canary_lines
from tests.aws.canary_helpers import failing_canary
from tests.aws.functions_helpers import session_on

pytestmark = pytest.mark.demo


def test_per_executed_version(scratch_endpoint) -> None:
    session = session_on(scratch_endpoint.endpoint, scratch_endpoint.region, scratch_endpoint.credentials)
    name = failing_canary(session, invocations=30)
    health = canary_health(session, name, get_alias(session, name, "live"))
    v1, v2 = health.versions
    assert (v1.version, v1.weight_percent, v2.version, v2.weight_percent) == ("1", 50.0, "2", 50.0)
    assert v1.invocations + v2.invocations == 30
    assert v1.errors == 0 and v2.errors == v2.invocations
    assert v1.invocations == 0 or (v1.duration_avg is not None and v1.duration_max >= v1.duration_avg)
    if min(v1.invocations, v2.invocations) >= MIN_SAMPLE:
        assert health.worst() is v2 and "v2 fails more often" in canary_lines(health)[-1]
    else:  # the split left one version too few invocations to judge it
        assert health.worst() is None and canary_lines(health)[-1].startswith("too few invocations")
    assert health.minutes == 15 and not health.quiet
