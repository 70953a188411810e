"""Small typed models shared by the AWS layer, the log layer and the UI.

Screens never read raw boto3 dictionaries: the AWS layer turns responses into these.
Everything here is plain data (frozen dataclasses), safe to pass between threads.
One module per area; everything is re-exported here, so `from stackview.models import X` works.
"""

from stackview.models.core import Identity, Target
from stackview.models.logs import LogEvent
from stackview.models.stacks import (
    Page,
    Stack,
    StackEvent,
    StackOutput,
    StackParameter,
    StackResource,
    StackSummary,
    StackTemplate,
    StatusFamily,
    status_family,
)

__all__ = [
    "Identity",
    "LogEvent",
    "Page",
    "Stack",
    "StackEvent",
    "StackOutput",
    "StackParameter",
    "StackResource",
    "StackSummary",
    "StackTemplate",
    "StatusFamily",
    "Target",
    "status_family",
]
