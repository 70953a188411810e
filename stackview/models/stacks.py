"""CloudFormation stacks, their resources, outputs, parameters, events and template."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Generic, TypeVar

T = TypeVar("T")


class StatusFamily(str, Enum):
    """The families CloudFormation statuses fall into; the UI colours by family."""

    COMPLETE = "complete"
    IN_PROGRESS = "in_progress"
    FAILED = "failed"
    ROLLBACK = "rollback"
    DELETED = "deleted"
    OTHER = "other"


def status_family(status: str) -> StatusFamily:
    """Classify a stack or resource status (`UPDATE_ROLLBACK_COMPLETE`, `CREATE_FAILED`, ...)."""
    s = status.upper()
    if s.startswith("DELETE_COMPLETE") or s == "DELETE_SKIPPED":
        return StatusFamily.DELETED
    if "ROLLBACK" in s:
        # A rollback that is still running or that failed is worse than one that finished,
        # but all of them mean "the last change did not go through".
        return StatusFamily.FAILED if s.endswith("_FAILED") else StatusFamily.ROLLBACK
    if s.endswith("_FAILED"):
        return StatusFamily.FAILED
    if s.endswith("_IN_PROGRESS"):
        return StatusFamily.IN_PROGRESS
    if s.endswith("_COMPLETE"):
        return StatusFamily.COMPLETE
    return StatusFamily.OTHER


@dataclass(frozen=True)
class StackSummary:
    name: str
    stack_id: str
    status: str
    created: datetime | None
    updated: datetime | None
    description: str = ""
    status_reason: str = ""
    parent_id: str | None = None
    root_id: str | None = None

    @property
    def family(self) -> StatusFamily:
        return status_family(self.status)

    @property
    def last_changed(self) -> datetime | None:
        return self.updated or self.created


@dataclass(frozen=True)
class StackOutput:
    key: str
    value: str
    description: str = ""
    export_name: str = ""


@dataclass(frozen=True)
class StackParameter:
    key: str
    value: str
    resolved_value: str = ""
    no_echo: bool = False


@dataclass(frozen=True)
class Stack(StackSummary):
    """A described stack: the summary plus what DescribeStacks adds."""

    outputs: tuple[StackOutput, ...] = ()
    parameters: tuple[StackParameter, ...] = ()
    capabilities: tuple[str, ...] = ()
    tags: tuple[tuple[str, str], ...] = ()
    termination_protection: bool = False


@dataclass(frozen=True)
class StackResource:
    logical_id: str
    resource_type: str
    physical_id: str
    status: str
    status_reason: str = ""
    updated: datetime | None = None

    @property
    def family(self) -> StatusFamily:
        return status_family(self.status)

    @property
    def is_function(self) -> bool:
        return self.resource_type in ("AWS::Lambda::Function", "AWS::Serverless::Function")

    @property
    def is_nested_stack(self) -> bool:
        return self.resource_type in ("AWS::CloudFormation::Stack", "AWS::Serverless::Application")


@dataclass(frozen=True)
class StackEvent:
    event_id: str
    timestamp: datetime
    logical_id: str
    resource_type: str
    status: str
    status_reason: str = ""
    physical_id: str = ""
    #: The rest of what DescribeStackEvents says about the event (shown by its detail view).
    stack_name: str = ""
    client_request_token: str = ""
    detailed_status: str = ""
    resource_properties: str = ""
    hook_type: str = ""
    hook_status: str = ""
    hook_status_reason: str = ""
    hook_invocation_point: str = ""
    hook_failure_mode: str = ""

    @property
    def family(self) -> StatusFamily:
        return status_family(self.status)


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a paged listing and the token for the next one (None at the end)."""

    items: tuple[T, ...]
    next_token: str | None = None


@dataclass(frozen=True)
class StackTemplate:
    body: str
    language: str  # "json" or "yaml"
