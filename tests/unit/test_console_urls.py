"""Console deep links: the formats the consoles use, names encoded, partitions on their domains."""

from __future__ import annotations

from stackview.models import console


def test_function_stack_alarm() -> None:
    assert console.function_url("eu-west-1", "orders-prod-worker") == (
        "https://eu-west-1.console.aws.amazon.com/lambda/home?region=eu-west-1#/functions/orders-prod-worker")
    stack = "arn:aws:cloudformation:eu-west-1:123456789012:stack/orders-prod/1b2c3d4e-0000"
    assert console.stack_url("us-east-1", stack) == (
        "https://eu-west-1.console.aws.amazon.com/cloudformation/home?region=eu-west-1#/stacks/stackinfo?stackId="
        "arn%3Aaws%3Acloudformation%3Aeu-west-1%3A123456789012%3Astack%2Forders-prod%2F1b2c3d4e-0000")
    assert console.alarm_url("eu-west-1", "orders worker errors/5xx") == (
        "https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1"
        "#alarmsV2:alarm/orders%20worker%20errors%2F5xx")


def test_queue_by_its_canonical_url_not_the_endpoints() -> None:
    assert console.queue_url("arn:aws:sqs:us-east-1:123456789012:orders-dlq") == (
        "https://us-east-1.console.aws.amazon.com/sqs/v3/home?region=us-east-1#/queues/"
        "https%3A%2F%2Fsqs.us-east-1.amazonaws.com%2F123456789012%2Forders-dlq")
    assert console.url_for_arn("arn:aws:sns:us-east-1:1:topic") == (
        "https://us-east-1.console.aws.amazon.com/sns/v3/home?region=us-east-1#/topic/arn:aws:sns:us-east-1:1:topic")
    assert console.url_for_arn("arn:aws:lambda:us-east-1:1:function:f") == ""


def test_other_partitions() -> None:
    assert console.function_url("cn-north-1", "f").startswith("https://cn-north-1.console.amazonaws.cn/lambda/")
    assert console.function_url("us-gov-west-1", "f").startswith(
        "https://console.amazonaws-us-gov.com/lambda/home?region=us-gov-west-1")
    assert "sqs.cn-north-1.amazonaws.com.cn" in console.queue_url("arn:aws-cn:sqs:cn-north-1:1:q").replace("%2F", "/").replace("%3A", ":")
