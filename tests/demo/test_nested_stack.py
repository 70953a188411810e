"""A nested stack's resource in its parent: physical id = the child's stack id, as on AWS.

moto answers the child's name; the seed gives the child its ARN, and the stack screen opens
the child from that ARN (Enter on the resource in the Resources tab).
"""

from __future__ import annotations

import pytest

from stackview.aws.stacks import describe_stack, stack_events, stack_resources, stack_template
from stackview.demo.seed import catalog

pytestmark = pytest.mark.demo


def test_nested_resource_physical_id_is_the_child_stack_arn(demo_endpoint):
    cfn = demo_endpoint.client("cloudformation")
    resources = cfn.list_stack_resources(StackName=catalog.REPORTS_STACK)["StackResourceSummaries"]
    nested = next(r for r in resources if r["LogicalResourceId"] == catalog.REPORTS_NESTED_LOGICAL_ID)
    assert nested["ResourceType"] == "AWS::CloudFormation::Stack"
    child = next(s for s in cfn.describe_stacks()["Stacks"] if s.get("ParentId"))
    assert nested["PhysicalResourceId"] == child["StackId"]
    assert child["StackName"].startswith(f"{catalog.REPORTS_STACK}-{catalog.REPORTS_NESTED_LOGICAL_ID}-")
    # The child is still serialized as a stack everywhere (moto keys attribute names by class name).
    summaries = cfn.list_stacks()["StackSummaries"]
    assert all(s.get("StackName") and s.get("StackId") for s in summaries)
    assert child["StackName"] in {s["StackName"] for s in summaries}
    # Only the nested stack changed: a top-level stack's own id and name are untouched.
    parent = cfn.describe_stacks(StackName=catalog.REPORTS_STACK)["Stacks"][0]
    assert child["ParentId"] == parent["StackId"] and parent["StackName"] == catalog.REPORTS_STACK


def test_everything_the_stack_screen_reads_accepts_the_nested_arn(demo_session):
    nested = next(r for r in stack_resources(demo_session, catalog.REPORTS_STACK) if r.is_nested_stack)
    arn = nested.physical_id
    assert arn.startswith("arn:aws:cloudformation:") and ":stack/" in arn
    stack = describe_stack(demo_session, arn)
    assert stack.name == arn.split("/")[1]
    children = stack_resources(demo_session, arn)
    assert children and children == stack_resources(demo_session, stack.name)
    assert stack_events(demo_session, arn).items
    assert "Resources" in stack_template(demo_session, arn).body


async def test_enter_on_the_nested_resource_opens_the_child(demo_session):
    from stackview.app import create_app
    from stackview.screens.stack.screen import StackScreen
    from stackview.screens.stack.summary import StackSummaryPanel
    from stackview.screens.stack.resources import ResourcesPanel
    from stackview.screens.stacks import StacksPanel, StacksScreen
    from stackview.widgets.record_table import RecordTable

    app = create_app(demo_session)
    async with app.run_test(size=(120, 40)) as pilot:
        await _until(pilot, lambda: isinstance(app.screen, StacksScreen))
        stacks = app.screen.query_one(StacksPanel)
        await _until(pilot, lambda: stacks.data is not None)
        table = stacks.query_one(RecordTable)
        names = [record.cells[0].plain.strip(" └") for record in table.shown]
        table.move_cursor(row=names.index(catalog.REPORTS_STACK))
        table.focus()
        await pilot.press("enter")
        await _until(pilot, lambda: isinstance(app.screen, StackScreen))
        parent = app.screen
        assert parent.stack_name == catalog.REPORTS_STACK
        panel = parent.query_one(ResourcesPanel)
        await _until(pilot, lambda: panel.data is not None)
        resources = panel.query_one(RecordTable)
        row = next(i for i, record in enumerate(resources.shown) if record.value.is_nested_stack)
        resources.move_cursor(row=row)
        resources.focus()
        await pilot.press("enter")
        await _until(pilot, lambda: app.screen is not parent and isinstance(app.screen, StackScreen))
        child = app.screen
        assert child.stack_ref.startswith("arn:aws:cloudformation:")
        assert child.stack_name.startswith(f"{catalog.REPORTS_STACK}-{catalog.REPORTS_NESTED_LOGICAL_ID}-")
        summary = child.query_one(StackSummaryPanel)
        await _until(pilot, lambda: summary.data is not None or summary.error is not None)
        assert summary.error is None and summary.data.name == child.stack_name


async def _until(pilot, predicate, timeout: float = 15.0) -> None:
    import asyncio

    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        assert loop.time() < deadline, "timed out"
        await pilot.pause(0.05)
