"""CloudFormation: stacks, their resources, outputs, parameters, events and template.

Every listing goes through botocore's paginators (all pages), except events, which are paged on
demand because a long-lived stack can have thousands of them and the newest matter most.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from stackview.aws.session import AwsSession
from stackview.models import (
    Page,
    Stack,
    StackEvent,
    StackOutput,
    StackParameter,
    StackResource,
    StackSummary,
    StackTemplate,
)

#: Every status except DELETE_COMPLETE: ListStacks returns deleted stacks (for 90 days) otherwise.
LIVE_STATUSES = (
    "CREATE_IN_PROGRESS",
    "CREATE_FAILED",
    "CREATE_COMPLETE",
    "ROLLBACK_IN_PROGRESS",
    "ROLLBACK_FAILED",
    "ROLLBACK_COMPLETE",
    "DELETE_IN_PROGRESS",
    "DELETE_FAILED",
    "UPDATE_IN_PROGRESS",
    "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS",
    "UPDATE_COMPLETE",
    "UPDATE_FAILED",
    "UPDATE_ROLLBACK_IN_PROGRESS",
    "UPDATE_ROLLBACK_FAILED",
    "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS",
    "UPDATE_ROLLBACK_COMPLETE",
    "REVIEW_IN_PROGRESS",
    "IMPORT_IN_PROGRESS",
    "IMPORT_COMPLETE",
    "IMPORT_ROLLBACK_IN_PROGRESS",
    "IMPORT_ROLLBACK_FAILED",
    "IMPORT_ROLLBACK_COMPLETE",
)


def _summary_fields(raw: dict[str, Any]) -> dict[str, Any]:
    return dict(
        name=raw["StackName"],
        stack_id=raw.get("StackId", ""),
        status=raw.get("StackStatus", ""),
        created=raw.get("CreationTime"),
        updated=raw.get("LastUpdatedTime"),
        description=raw.get("TemplateDescription", raw.get("Description", "")) or "",
        status_reason=raw.get("StackStatusReason", "") or "",
        parent_id=raw.get("ParentId"),
        root_id=raw.get("RootId"),
    )


def stack_pages(session: AwsSession, *, include_deleted: bool = False) -> Iterator[list[StackSummary]]:
    """The region's stacks one page of ListStacks at a time (botocore's paginator), as they
    arrive: a list of 10,000 stacks shows its first hundred without waiting for the rest."""
    paginator = session.client("cloudformation").get_paginator("list_stacks")
    kwargs: dict[str, Any] = {} if include_deleted else {"StackStatusFilter": list(LIVE_STATUSES)}
    for page in paginator.paginate(**kwargs):
        yield [StackSummary(**_summary_fields(raw)) for raw in page.get("StackSummaries", [])]


def list_stacks(session: AwsSession, *, include_deleted: bool = False) -> list[StackSummary]:
    """Every stack in the region (all pages), nested stacks ordered right after their parent."""
    return order_as_tree(stack for page in stack_pages(session, include_deleted=include_deleted) for stack in page)


def order_as_tree(stacks: Iterable[StackSummary]) -> list[StackSummary]:
    """Roots by name, each followed by its nested stacks (depth-first, by name).

    A child whose parent is not in the list (deleted, or filtered out) is shown as a root.
    """
    stacks = list(stacks)
    ids = {s.stack_id for s in stacks}
    children: dict[str, list[StackSummary]] = {}
    roots: list[StackSummary] = []
    for stack in stacks:
        if stack.parent_id and stack.parent_id in ids:
            children.setdefault(stack.parent_id, []).append(stack)
        else:
            roots.append(stack)
    ordered: list[StackSummary] = []

    def visit(stack: StackSummary) -> None:
        ordered.append(stack)
        for child in sorted(children.get(stack.stack_id, []), key=lambda s: s.name):
            visit(child)

    for root in sorted(roots, key=lambda s: s.name):
        visit(root)
    return ordered


def describe_stack(session: AwsSession, name: str) -> Stack:
    """One stack with its outputs, parameters, tags and capabilities."""
    response = session.client("cloudformation").describe_stacks(StackName=name)
    raw = response["Stacks"][0]
    return Stack(
        **_summary_fields(raw),
        outputs=tuple(
            StackOutput(
                key=o.get("OutputKey", ""),
                value=o.get("OutputValue", ""),
                description=o.get("Description", ""),
                export_name=o.get("ExportName", ""),
            )
            for o in raw.get("Outputs", [])
        ),
        parameters=tuple(
            StackParameter(
                key=p.get("ParameterKey", ""),
                value=p.get("ParameterValue", ""),
                resolved_value=p.get("ResolvedValue", ""),
                # CloudFormation masks NoEcho parameters itself ("****").
                no_echo=p.get("ParameterValue", "") == "****",
            )
            for p in raw.get("Parameters", [])
        ),
        capabilities=tuple(raw.get("Capabilities", [])),
        tags=tuple((t["Key"], t["Value"]) for t in raw.get("Tags", [])),
        termination_protection=bool(raw.get("EnableTerminationProtection", False)),
    )


def stack_resources(session: AwsSession, name: str) -> list[StackResource]:
    """Every resource of the stack (all pages of ListStackResources)."""
    paginator = session.client("cloudformation").get_paginator("list_stack_resources")
    return [
        StackResource(
            logical_id=raw.get("LogicalResourceId", ""),
            resource_type=raw.get("ResourceType", ""),
            physical_id=raw.get("PhysicalResourceId", "") or "",
            status=raw.get("ResourceStatus", ""),
            status_reason=raw.get("ResourceStatusReason", "") or "",
            updated=raw.get("LastUpdatedTimestamp"),
        )
        for page in paginator.paginate(StackName=name)
        for raw in page.get("StackResourceSummaries", [])
    ]


def stack_events(session: AwsSession, name: str, next_token: str | None = None) -> Page[StackEvent]:
    """One page of the stack's events, newest first; pass `next_token` for older ones."""
    kwargs: dict[str, Any] = {"StackName": name}
    if next_token:
        kwargs["NextToken"] = next_token
    response = session.client("cloudformation").describe_stack_events(**kwargs)
    events = tuple(
        StackEvent(
            event_id=raw.get("EventId", ""),
            timestamp=raw.get("Timestamp") or datetime.fromtimestamp(0),
            logical_id=raw.get("LogicalResourceId", ""),
            resource_type=raw.get("ResourceType", ""),
            status=raw.get("ResourceStatus", ""),
            status_reason=raw.get("ResourceStatusReason", "") or "",
            physical_id=raw.get("PhysicalResourceId", "") or "",
        )
        for raw in response.get("StackEvents", [])
    )
    # The API already answers newest first; sorting keeps that true for endpoints that do not.
    ordered = tuple(sorted(events, key=lambda e: e.timestamp, reverse=True))
    return Page(items=ordered, next_token=response.get("NextToken"))


def stack_template(session: AwsSession, name: str) -> StackTemplate:
    """The stack's template as deployed (after transforms, as the API returns it)."""
    response = session.client("cloudformation").get_template(StackName=name)
    body = response.get("TemplateBody", "")
    # botocore decodes JSON template bodies into dictionaries; show them as JSON again.
    if isinstance(body, dict):
        return StackTemplate(body=json.dumps(body, indent=2), language="json")
    text = str(body)
    language = "json" if text.lstrip().startswith("{") else "yaml"
    return StackTemplate(body=text, language=language)
