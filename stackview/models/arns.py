"""Reading and writing ARNs: partitions, stack names, function names and unqualified function ARNs.

Pure string work, shared by the AWS layer, the event generators and the UI, so each rule is
written once. None of these validate: a malformed value comes back as given (or empty, where
documented), and the AWS call that uses it says what is wrong.
"""

from __future__ import annotations


def partition_of(region: str) -> str:
    """The ARN partition of a region (`aws`, `aws-cn`, `aws-us-gov`)."""
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


def stack_name_of(stack_id: str) -> str:
    """The stack name in a stack id `arn:...:stack/NAME/uuid`; a plain name comes back as given."""
    return stack_id.split("/")[1] if "/" in stack_id else stack_id


def bare_function_name(function: str) -> str:
    """The function name in a name, `name:qualifier`, or a full or partial ARN.

    Saved events, throttle hints and audit targets are about the function, not one of its
    versions or aliases. Not a validation: the result may still be an invalid name.
    """
    parts = function.split(":")
    if "function" in parts:
        at = parts.index("function")
        return parts[at + 1] if at + 1 < len(parts) else ""
    return parts[0]


def unqualified_function_arn(arn: str) -> str:
    """`arn:PARTITION:lambda:REGION:ACCOUNT:function:NAME` without a `:version` or `:alias`
    suffix; "" when `arn` is not a full ARN."""
    parts = arn.split(":")
    return ":".join(parts[:7]) if arn.startswith("arn:") and len(parts) >= 7 else ""
