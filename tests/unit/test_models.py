from datetime import datetime, timedelta, timezone

import pytest

from stackview.aws.stacks import order_as_tree
from stackview.models import StackSummary, StatusFamily, status_family


@pytest.mark.parametrize(
    ("status", "family"),
    [
        ("CREATE_COMPLETE", StatusFamily.COMPLETE),
        ("UPDATE_COMPLETE", StatusFamily.COMPLETE),
        ("IMPORT_COMPLETE", StatusFamily.COMPLETE),
        ("CREATE_IN_PROGRESS", StatusFamily.IN_PROGRESS),
        ("UPDATE_COMPLETE_CLEANUP_IN_PROGRESS", StatusFamily.IN_PROGRESS),
        ("REVIEW_IN_PROGRESS", StatusFamily.IN_PROGRESS),
        ("CREATE_FAILED", StatusFamily.FAILED),
        ("DELETE_FAILED", StatusFamily.FAILED),
        ("ROLLBACK_FAILED", StatusFamily.FAILED),
        ("UPDATE_ROLLBACK_FAILED", StatusFamily.FAILED),
        ("ROLLBACK_COMPLETE", StatusFamily.ROLLBACK),
        ("ROLLBACK_IN_PROGRESS", StatusFamily.ROLLBACK),
        ("UPDATE_ROLLBACK_COMPLETE", StatusFamily.ROLLBACK),
        ("UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS", StatusFamily.ROLLBACK),
        ("IMPORT_ROLLBACK_COMPLETE", StatusFamily.ROLLBACK),
        ("DELETE_COMPLETE", StatusFamily.DELETED),
        ("DELETE_SKIPPED", StatusFamily.DELETED),
        ("DELETE_IN_PROGRESS", StatusFamily.IN_PROGRESS),
        ("SOMETHING_NEW", StatusFamily.OTHER),
    ],
)
def test_status_family(status: str, family: StatusFamily) -> None:
    assert status_family(status) is family


def _stack(name: str, parent: str | None = None) -> StackSummary:
    now = datetime.now(timezone.utc)
    return StackSummary(name=name, stack_id=f"id-{name}", status="CREATE_COMPLETE", created=now,
                        updated=None, parent_id=f"id-{parent}" if parent else None)


def test_order_as_tree_puts_children_after_their_parent() -> None:
    stacks = [_stack("zeta"), _stack("alpha-child", "zeta"), _stack("alpha"), _stack("b", "alpha-child"),
              _stack("orphan", "gone")]
    assert [s.name for s in order_as_tree(stacks)] == ["alpha", "orphan", "zeta", "alpha-child", "b"]


def test_last_changed_prefers_update_time() -> None:
    now = datetime.now(timezone.utc)
    stack = StackSummary("s", "id", "UPDATE_COMPLETE", created=now - timedelta(days=3), updated=now)
    assert stack.last_changed == now
    assert StackSummary("s", "id", "CREATE_COMPLETE", created=now, updated=None).last_changed == now
