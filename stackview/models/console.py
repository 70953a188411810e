"""AWS console deep links for what stackview shows: a stack, a function, an alarm, a queue, a topic.

For the moment a colleague must see the same thing in the console (`o` copies and shows the
link). Pure string work, no AWS call: the formats are the consoles' own (checked against the
links the consoles produce and against AWS's monitoring constructs): regional console hosts
(`https://REGION.console.aws.amazon.com`), the China and GovCloud partitions on their own
domains. A queue's console page is keyed by its canonical URL (`https://sqs.REGION.amazonaws.com
/ACCOUNT/NAME`), built from its ARN, so the link is right even when stackview talks to a local
endpoint whose queue URLs point at loopback.
"""

from __future__ import annotations

from urllib.parse import quote

from stackview.models.arns import partition_of


def _q(value: str) -> str:
    return quote(value, safe="")


def console_host(region: str) -> str:
    """`https://eu-west-1.console.aws.amazon.com`, or the China / GovCloud console."""
    partition = partition_of(region)
    if partition == "aws-cn":
        return f"https://{region}.console.amazonaws.cn"
    if partition == "aws-us-gov":
        return "https://console.amazonaws-us-gov.com"
    return f"https://{region}.console.aws.amazon.com"


def region_of(arn: str, default: str = "") -> str:
    """The region field of an ARN (`default` when it has none)."""
    parts = arn.split(":")
    return parts[3] if arn.startswith("arn:") and len(parts) > 3 and parts[3] else default


def function_url(region: str, name: str) -> str:
    return f"{console_host(region)}/lambda/home?region={region}#/functions/{_q(name)}"


def stack_url(region: str, stack_id: str) -> str:
    """The stack's page; `stack_id` is its ARN (a name also works, less precisely: the console
    then opens the newest stack of that name)."""
    region = region_of(stack_id, region)
    return f"{console_host(region)}/cloudformation/home?region={region}#/stacks/stackinfo?stackId={_q(stack_id)}"


def alarm_url(region: str, name: str) -> str:
    return f"{console_host(region)}/cloudwatch/home?region={region}#alarmsV2:alarm/{_q(name)}"


def sqs_endpoint(region: str) -> str:
    return f"https://sqs.{region}.amazonaws.com" + (".cn" if partition_of(region) == "aws-cn" else "")


def queue_url(queue_arn: str, region: str = "") -> str:
    """The console page of the queue named by `queue_arn`."""
    parts = queue_arn.split(":")
    region = region_of(queue_arn, region)
    account, name = (parts[4], parts[5]) if len(parts) >= 6 else ("", queue_arn)
    canonical = f"{sqs_endpoint(region)}/{account}/{name}"
    return f"{console_host(region)}/sqs/v3/home?region={region}#/queues/{_q(canonical)}"


def topic_url(topic_arn: str, region: str = "") -> str:
    region = region_of(topic_arn, region)
    return f"{console_host(region)}/sns/v3/home?region={region}#/topic/{topic_arn}"


def url_for_arn(arn: str, region: str = "") -> str:
    """The console page of an SQS queue or SNS topic ARN ("" for anything else)."""
    service = arn.split(":")[2] if arn.startswith("arn:") and arn.count(":") >= 5 else ""
    if service == "sqs":
        return queue_url(arn, region)
    if service == "sns":
        return topic_url(arn, region)
    return ""
