"""The audit log as the fallback record of a function's prior reservation."""

from __future__ import annotations

from pathlib import Path

import pytest

from stackview import audit, locations
from stackview.aws.levers import prior_from_audit, tag_safe

ARN = "arn:aws:lambda:eu-west-1:123456789012:function:orders"


@pytest.fixture(autouse=True)
def state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STACKVIEW_STATE_DIR", str(tmp_path))


def record(action: str, target: str = ARN, before=None, after=0, outcome: str = "ok", **details) -> None:
    audit.record(audit.AuditEntry(action, target, before=before, after=after, outcome=outcome,
                                  details=details))


def test_nothing_recorded() -> None:
    assert prior_from_audit(ARN)[:2] == (False, None)


@pytest.mark.parametrize("before", [None, 5])
def test_the_last_successful_throttle_gives_the_prior_state(before) -> None:
    record("throttle", before=before, prior_recorded_in="tag")
    record("invoke", after=None)
    known, value, when, tagged = prior_from_audit(ARN)
    assert (known, value, tagged) == (True, before, True) and when


def test_a_later_unthrottle_or_reservation_consumes_it() -> None:
    record("throttle", before=5)
    record("unthrottle", before=0, after=5)
    assert prior_from_audit(ARN)[0] is False
    record("throttle", before=5)
    record("set-reserved-concurrency", before=0, after=9)
    assert prior_from_audit(ARN)[0] is False


def test_failures_other_targets_and_torn_lines_are_ignored() -> None:
    record("throttle", before=7, prior_recorded_in="audit log")
    record("unthrottle", before=0, after=7, outcome="failed: access denied")
    record("unthrottle", target=ARN + "-copy", before=0, after=None)
    record("alias-rollback", target=ARN + ":live", before=None, after=None)
    with locations.audit_log_file().open("a") as handle:
        handle.write('{"action": "unthrottle", "target": "' + ARN + '", "outc')
    assert prior_from_audit(ARN)[:2] == (True, 7)
    assert prior_from_audit(ARN)[3] is False  # that throttle could not tag the function


def test_tag_values_are_made_acceptable() -> None:
    assert tag_safe("arn:aws:sts::1:assumed-role/Ops/ana,bob@example.com") == \
        "arn:aws:sts::1:assumed-role/Ops/ana_bob@example.com"
    assert len(tag_safe("x" * 400)) == 256
