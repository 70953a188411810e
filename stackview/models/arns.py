"""ARN helpers (pure)."""

from __future__ import annotations


def stack_name(stack_id: str) -> str:
    """The name in a stack ARN (`arn:...:stack/NAME/uuid`); anything else as it is."""
    return stack_id.split("/")[1] if "/" in stack_id else stack_id
