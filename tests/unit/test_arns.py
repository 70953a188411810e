"""ARN helpers (stackview.models.arns): the one place each ARN rule is written."""

from __future__ import annotations

import pytest

from stackview.models.arns import bare_function_name, partition_of, stack_name_of, unqualified_function_arn

ARN = "arn:aws:lambda:eu-west-1:123456789012:function:orders-api"


@pytest.mark.parametrize(("region", "partition"), [
    ("eu-west-1", "aws"), ("cn-north-1", "aws-cn"), ("us-gov-west-1", "aws-us-gov"), ("", "aws"),
])
def test_partition_of(region: str, partition: str) -> None:
    assert partition_of(region) == partition


@pytest.mark.parametrize(("stack_id", "name"), [
    ("arn:aws:cloudformation:eu-west-1:123456789012:stack/shop-orders/0a1b2c3d-0000-4000-8000-000000000000",
     "shop-orders"),
    ("shop-orders", "shop-orders"),
])
def test_stack_name_of(stack_id: str, name: str) -> None:
    assert stack_name_of(stack_id) == name


@pytest.mark.parametrize(("function", "name"), [
    ("orders-api", "orders-api"),
    ("orders-api:live", "orders-api"),
    (ARN, "orders-api"),
    (ARN + ":7", "orders-api"),
    ("123456789012:function:orders-api", "orders-api"),
    ("arn:aws:lambda:eu-west-1:123456789012:function", ""),
])
def test_bare_function_name(function: str, name: str) -> None:
    assert bare_function_name(function) == name


@pytest.mark.parametrize(("arn", "unqualified"), [
    (ARN, ARN), (ARN + ":live", ARN), (ARN + ":$LATEST", ARN),
    ("orders-api", ""), ("123456789012:function:orders-api:live", ""), ("arn:aws:lambda:eu-west-1", ""),
])
def test_unqualified_function_arn(arn: str, unqualified: str) -> None:
    assert unqualified_function_arn(arn) == unqualified
